package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tnl/internal/config"
	"tnl/internal/domain"
	"tnl/internal/mail"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

var ctx = context.Background()

// fakeClock is the only time the server and the store see in tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type nopWaker struct{}

func (nopWaker) Wake() {}

// testApp is the real router over a real database, served on loopback.
type testApp struct {
	t     *testing.T
	db    *store.DB
	srv   *Server
	ts    *httptest.Server
	clock *fakeClock
	logs  *strings.Builder
}

const testPassword = "phrase de passe correcte"

func newApp(t *testing.T, db *store.DB, baseURL string) *testApp {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)}
	db.Now = clock.now
	templates, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	a := &testApp{t: t, db: db, clock: clock, logs: &strings.Builder{}}
	a.ts = httptest.NewUnstartedServer(nil)
	if baseURL == "" {
		baseURL = "http://" + a.ts.Listener.Addr().String()
	}
	cfg := config.Config{Addr: a.ts.Listener.Addr().String(), BaseURL: baseURL, DatabaseURL: "test", DataDir: t.TempDir()}
	a.srv, err = New(Options{Config: cfg, DB: db, Log: slog.New(slog.NewTextHandler(&lockedWriter{w: a.logs}, nil)),
		Mail: templates, Outbox: nopWaker{}, Now: clock.now, AuthFloor: time.Millisecond, PageCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	a.ts.Config.Handler = a.srv.Handler()
	a.ts.Start()
	t.Cleanup(a.ts.Close)
	return a
}

// eachEngine runs fn with a fresh app on every available engine.
func eachEngine(t *testing.T, fn func(t *testing.T, a *testApp)) {
	storetest.Run(t, func(t *testing.T, db *store.DB) { fn(t, newApp(t, db, "")) })
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// addUser creates a verified account with testPassword.
func (a *testApp) addUser(email string, role domain.Role) *domain.User {
	a.t.Helper()
	now := a.clock.now()
	u := &domain.User{Email: email, PasswordHash: domain.HashPassword(testPassword), Role: role, EmailVerifiedAt: &now}
	if err := a.db.CreateUser(ctx, u, domain.CLIActor); err != nil {
		a.t.Fatal(err)
	}
	return u
}

// browser is one visitor with their cookies; it does not follow redirects,
// so tests see each answer.
type browser struct {
	a       *testApp
	c       *http.Client
	headers map[string]string
}

func (a *testApp) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{a: a, headers: map[string]string{}, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signedIn returns a browser signed in as a new account of that role.
func (a *testApp) signedIn(email string, role domain.Role) *browser {
	a.t.Helper()
	a.addUser(email, role)
	b := a.browser()
	r := b.post("/connexion", url.Values{"email": {email}, "password": {testPassword}})
	if r.status != http.StatusSeeOther {
		a.t.Fatalf("sign in %s: status %d\n%s", email, r.status, r.body)
	}
	return b
}

type response struct {
	status int
	body   string
	header http.Header
}

func (r *response) location() string { return r.header.Get("Location") }

func (b *browser) do(method, path string, form url.Values) *response {
	b.a.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.a.ts.URL+path, body)
	if err != nil {
		b.a.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.headers {
		req.Header.Set(k, v)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.a.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return &response{status: res.StatusCode, body: string(raw), header: res.Header}
}

func (b *browser) get(path string) *response { return b.do("GET", path, nil) }
func (b *browser) post(path string, form url.Values) *response {
	return b.do("POST", path, form)
}

// mailsTo returns the outbox mails to an address, oldest first.
func (a *testApp) mailsTo(email string) []*domain.OutboxMail {
	a.t.Helper()
	all, err := a.db.ListMail(ctx, false, 1000)
	if err != nil {
		a.t.Fatal(err)
	}
	var out []*domain.OutboxMail
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].To == email {
			out = append(out, all[i])
		}
	}
	return out
}

var linkToken = regexp.MustCompile(`(/[a-z/-]+)\?jeton=([A-Za-z0-9_-]+)`)

// lastLink returns the path and secret of the link in the newest mail to email.
func (a *testApp) lastLink(email, template string) (path, secret string) {
	a.t.Helper()
	mails := a.mailsTo(email)
	for i := len(mails) - 1; i >= 0; i-- {
		if mails[i].Template == template {
			m := linkToken.FindStringSubmatch(mails[i].Text)
			if m == nil {
				a.t.Fatalf("no link in mail:\n%s", mails[i].Text)
			}
			return m[1], m[2]
		}
	}
	a.t.Fatalf("no %s mail to %s", template, email)
	return "", ""
}

func mustContain(t *testing.T, r *response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Fatalf("status %d: page lacks %q\n%s", r.status, p, r.body)
		}
	}
}

func mustNotContain(t *testing.T, r *response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(r.body, p) {
			t.Fatalf("page must not contain %q\n%s", p, r.body)
		}
	}
}
