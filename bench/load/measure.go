package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// demoPassword is the password of every demo account in the benchmark.
const demoPassword = "bench-demo-password"

// coldStarts is how many times `tnl serve` is started to time it.
const coldStarts = 5

// results are the figures of one run.
type results struct {
	pinned    bool
	pageBytes int             // size of the home page, served by the baseline too
	series    []*series       // baseline first, then tnl's pages
	coldStart []time.Duration // exec of `tnl serve` to /healthz answering 200
	rssIdleKB int             // after start and a few requests
	rssLoadKB int             // right after the last round
	rssPeakKB int             // highest resident size over the whole life of the process
}

// tnlRun is one tnl binary and the database it serves.
type tnlRun struct {
	bin, tmp string
	pin      pinning
	env      []string
}

// measure builds tnl, fills a fresh database with the demo data, times cold
// starts, then loads tnl and the static baseline in interleaved rounds.
func measure(ctx context.Context, o options, root, tmp string) (*results, error) {
	t := &tnlRun{bin: filepath.Join(tmp, "tnl"), tmp: tmp, pin: newPinning(), env: []string{
		"TNL_DATABASE_URL=" + filepath.Join(tmp, "tnl.db"), "TNL_DATA_DIR=" + filepath.Join(tmp, "data"),
		"TNL_DEMO_PASSWORD=" + demoPassword,
	}}
	res := &results{pinned: t.pin.enabled()}
	step("building tnl")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", t.bin, "./cmd/tnl")
	build.Dir, build.Env = root, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	step("loading the demo data")
	demo, err := t.start(ctx, "demo")
	if err != nil {
		return nil, err
	}
	demo.stop()
	step("timing %d cold starts of tnl serve", coldStarts)
	if res.coldStart, err = t.coldStarts(ctx); err != nil {
		return nil, err
	}
	return res, t.loadAll(ctx, o, res)
}

// start runs `tnl command` on a free port and waits until it is ready.
func (t *tnlRun) start(ctx context.Context, command string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s, err := startServer(ctx, t.pin.server, []string{t.bin, command}, append(t.env, "TNL_ADDR="+addr),
		addr, filepath.Join(t.tmp, "tnl-"+command+".log"))
	if err != nil {
		return nil, err
	}
	if err := s.waitReady(ctx, "/healthz", 30*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// coldStarts times `tnl serve` on the migrated database, from exec to the
// first 200 of /healthz, and returns the times sorted.
func (t *tnlRun) coldStarts(ctx context.Context) ([]time.Duration, error) {
	var out []time.Duration
	for range coldStarts {
		begin := time.Now()
		s, err := t.start(ctx, "serve")
		if err != nil {
			return nil, err
		}
		out = append(out, time.Since(begin))
		s.stop()
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// loadAll starts `tnl serve` and the baseline, then runs the rounds.
func (t *tnlRun) loadAll(ctx context.Context, o options, res *results) error {
	step("starting tnl serve and the static baseline")
	tnl, err := t.start(ctx, "serve")
	if err != nil {
		return err
	}
	defer tnl.stop()
	body, header, err := fetchPage(tnl.url("/"))
	if err != nil {
		return err
	}
	if _, _, err := fetchPage(tnl.url("/connexion")); err != nil {
		return err
	}
	res.pageBytes = len(body)
	static, err := t.startStatic(ctx, body, header)
	if err != nil {
		return err
	}
	defer static.stop()
	time.Sleep(time.Second) // let the start-up garbage be collected
	if res.rssIdleKB, err = memoryKB(tnl.pid(), "VmRSS"); err != nil {
		return err
	}
	cookie, form, err := questionnairePage(tnl)
	if err != nil {
		return err
	}
	targets := []target{
		{name: "static baseline (Go, from memory)", url: static.url("/")},
		{name: "home `/`", url: tnl.url("/"), goalRatio: goalPublicRatio, goalP99: goalPublicP99},
		{name: "login `/connexion`", url: tnl.url("/connexion"), goalRatio: goalPublicRatio, goalP99: goalPublicP99},
		{name: "questionnaire section, signed in `" + form + "`", url: tnl.url(form), header: "Cookie: " + cookie,
			goalRatio: goalSignedInRatio},
	}
	if res.series, err = rounds(ctx, o, t.pin, targets); err != nil {
		return err
	}
	if res.rssLoadKB, err = memoryKB(tnl.pid(), "VmRSS"); err != nil {
		return err
	}
	res.rssPeakKB, err = memoryKB(tnl.pid(), "VmHWM")
	return err
}

// startStatic re-executes this program as the static baseline, serving
// body with the same headers tnl sent, from memory, on the same CPU as tnl.
func (t *tnlRun) startStatic(ctx context.Context, body []byte, header http.Header) (*server, error) {
	bodyFile, headerFile := filepath.Join(t.tmp, "page.html"), filepath.Join(t.tmp, "page.headers")
	if err := os.WriteFile(bodyFile, body, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(headerFile, []byte(headerLines(header)), 0o644); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	argv := []string{self, "static", "-addr", addr, "-body", bodyFile, "-headers", headerFile}
	s, err := startServer(ctx, t.pin.server, argv, nil, addr, filepath.Join(t.tmp, "static.log"))
	if err != nil {
		return nil, err
	}
	if err := s.waitReady(ctx, "/", 10*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// fetchPage gets a page as wrk does: without Accept-Encoding, so the bytes
// are the uncompressed page.
func fetchPage(url string) ([]byte, http.Header, error) {
	res, err := pollClient.Get(url)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d", url, res.StatusCode)
	}
	if err == nil && res.Header.Get("Content-Encoding") != "" {
		err = fmt.Errorf("GET %s: compressed although not asked", url)
	}
	return body, res.Header, err
}

// step tells the person waiting what is going on.
func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench/load %s: "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// headerLines writes a header as "Name: value" lines, without those the
// baseline's net/http sets itself.
func headerLines(h http.Header) string {
	var b strings.Builder
	for name, values := range h {
		if name == "Date" || name == "Content-Length" {
			continue
		}
		for _, v := range values {
			fmt.Fprintf(&b, "%s: %s\n", name, v)
		}
	}
	return b.String()
}

// questionnairePage signs the demo's candidat1 in and returns the session
// cookie and the path of the first section of the current application of
// their commune — a signed-in applicant's questionnaire page.
func questionnairePage(tnl *server) (cookie, path string, err error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(tnl.url("/connexion"), url.Values{
		"email": {"candidat1@example.org"}, "password": {demoPassword}})
	if err != nil {
		return "", "", err
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if strings.HasSuffix(c.Name, "tnl_session") {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		return "", "", fmt.Errorf("signing candidat1 in: status %d, no session cookie", res.StatusCode)
	}
	list, err := getWithCookie(client, tnl.url("/candidatures"), cookie)
	if err != nil {
		return "", "", err
	}
	m := applicationLink.FindStringSubmatch(list)
	if m == nil {
		return "", "", fmt.Errorf("no application link on /candidatures")
	}
	path = "/candidatures/" + m[1] + "/sections/strategie"
	if _, err := getWithCookie(client, tnl.url(path), cookie); err != nil {
		return "", "", err
	}
	return cookie, path, nil
}

// applicationLink finds the first (current) application on the list page.
var applicationLink = regexp.MustCompile(`href="/candidatures/(\d+)"`)

func getWithCookie(client *http.Client, u, cookie string) (string, error) {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Cookie", cookie)
	res, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: status %d", u, res.StatusCode)
	}
	return string(body), err
}
