package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// syncBuffer collects a running command's output safely.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var servingOn = regexp.MustCompile(`on (http://[0-9.:]+)`)

// start runs tnl with args until the test ends, and returns its address.
func start(t *testing.T, env map[string]string, args ...string) (base string, stdout *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, envOf(env), strings.NewReader(""), stdout, stderr) }()
	var once sync.Once
	var stopErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(15 * time.Second):
				t.Error("tnl did not stop within 15 s")
			}
		})
		return stopErr
	}
	// Generous: the demo writes the whole directory, slow under -race on a busy machine.
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingOn.FindStringSubmatch(stdout.String()); m != nil {
			t.Cleanup(func() { stop() })
			return m[1], stdout, stop
		}
		select {
		case err := <-done:
			t.Fatalf("tnl exited: %v\n%s\n%s", err, stdout, stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("tnl did not start:\n%s\n%s", stdout, stderr)
	return "", nil, nil
}

func TestDemoServesOnBothEngines(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			env := map[string]string{
				"TNL_ADDR": "127.0.0.1:0", "TNL_DATABASE_URL": storetest.URL(t, engine),
				"TNL_DATA_DIR": t.TempDir(), "TNL_DEMO_PASSWORD": "mot de passe de démo",
			}
			base, stdout, stop := start(t, env, "demo")
			for _, account := range []string{"admin@example.org", "jure4@example.org", "candidat3@example.org", "mot de passe de démo"} {
				if !strings.Contains(stdout.String(), account) {
					t.Fatalf("demo output lacks %q:\n%s", account, stdout)
				}
			}
			expect(t, base+"/healthz", http.StatusOK, "ok")
			expect(t, base+"/", http.StatusOK, "Candidatures", "jusqu&#39;au", "Webinaire", "Palmarès 2025")
			expect(t, base+"/palmares/2019", http.StatusOK, "Nancy")
			jar := newJar()
			res := postForm(t, jar, base+"/connexion", url.Values{"email": {"admin@example.org"}, "password": {"mot de passe de démo"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("admin login: %d", res.StatusCode)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			// A second start keeps the data and does not load the demo twice.
			_, stdout, _ = start(t, env, "demo")
			if !strings.Contains(stdout.String(), "already holds data") {
				t.Fatalf("second demo start:\n%s", stdout)
			}
		})
	}
}

func TestMigrateAndUserAdd(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			env := envOf(map[string]string{"TNL_DATABASE_URL": storetest.URL(t, engine)})
			var out, errs bytes.Buffer
			if err := run(context.Background(), []string{"migrate"}, env, nil, &out, &errs); err != nil {
				t.Fatalf("migrate: %v\n%s", err, errs.String())
			}
			add := func(stdin string, args ...string) (string, error) {
				var out bytes.Buffer
				err := run(context.Background(), append([]string{"user", "add"}, args...), env, strings.NewReader(stdin), &out, io.Discard)
				return out.String(), err
			}
			if out, err := add("une phrase de passe\n", "--email", "Jure@Example.org", "--role", "jury"); err != nil || strings.Contains(out, "password:") {
				t.Fatalf("add with a password on stdin: %v\n%s", err, out)
			}
			generated, err := add("", "--email", "admin@example.org", "--role", "admin")
			if err != nil || !regexp.MustCompile(`password: \S{20}`).MatchString(generated) {
				t.Fatalf("add with a generated password: %v\n%s", err, generated)
			}
			for _, bad := range [][]string{
				{"--email", "jure@example.org", "--role", "jury"},
				{"--email", "pas-une-adresse", "--role", "jury"},
				{"--email", "x@example.org", "--role", "roi"},
			} {
				if _, err := add("une phrase de passe\n", bad...); err == nil {
					t.Errorf("user add %v: no error", bad)
				}
			}
			if _, err := add("court\n", "--email", "y@example.org", "--role", "jury"); err == nil {
				t.Error("a short password from stdin must be refused")
			}
			db, err := store.Open(context.Background(), env("TNL_DATABASE_URL"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			u, err := db.FindUserByEmail(context.Background(), "jure@example.org")
			if err != nil || u.Role != "jury" || !u.Verified() {
				t.Fatalf("added user: %+v %v", u, err)
			}
		})
	}
}

// TestGracefulShutdown stops the server while a request is in flight: the
// request completes, then run returns without error.
func TestGracefulShutdown(t *testing.T) {
	env := map[string]string{"TNL_ADDR": "127.0.0.1:0", "TNL_DATABASE_URL": storetest.URL(t, "sqlite"), "TNL_DATA_DIR": t.TempDir()}
	base, _, stop := start(t, env, "serve")
	// A sign-in takes at least the auth floor (400 ms): long enough to be
	// in flight when the stop arrives.
	result := make(chan int, 1)
	go func() {
		res := postForm(t, newJar(), base+"/connexion", url.Values{"email": {"x@example.org"}, "password": {"mauvais mot de passe"}})
		result <- res.StatusCode
	}()
	time.Sleep(150 * time.Millisecond)
	if err := stop(); err != nil {
		t.Fatalf("run after SIGTERM: %v", err)
	}
	if status := <-result; status != http.StatusUnprocessableEntity {
		t.Fatalf("in-flight request got %d", status)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"frobnicate"}, {"user"}, {"serve", "extra"}} {
		if err := run(context.Background(), args, envOf(nil), nil, io.Discard, io.Discard); err == nil {
			t.Errorf("tnl %v: no error", args)
		}
	}
	err := run(context.Background(), []string{"serve"}, envOf(map[string]string{"TNL_BASE_URL": "ftp://x"}), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "TNL_BASE_URL") {
		t.Errorf("bad TNL_BASE_URL: %v", err)
	}
}
