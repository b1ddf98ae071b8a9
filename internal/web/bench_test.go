package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"tnl/internal/config"
	"tnl/internal/demo"
	"tnl/internal/mail"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// The benchmarks below measure whole requests through the real handler
// (middleware, sessions, queries, templates, compression) over a database
// holding the demo data, as `tnl demo` serves it. They are the fast,
// per-request view of the figures `make bench` measures under load.
// "render" turns the page cache off, so that every request renders the page
// (what a cache miss or a signed-in visitor costs); "cached" keeps it on, as
// anonymous visitors are served.

// benchSite builds the real handler over a fresh database of the engine,
// loaded with the demo data, with the page cache on (cacheTTL 0 is the
// default) or off (negative). Unlike newApp it needs no listener: requests
// go straight to the handler, so the figures hold no network time.
func benchSite(b testing.TB, engine string, cacheTTL time.Duration) (http.Handler, *store.DB) {
	b.Helper()
	db := storetest.Open(b, engine)
	if err := demo.Load(ctx, db, testPassword, time.Now()); err != nil {
		b.Fatal(err)
	}
	templates, err := mail.LoadTemplates()
	if err != nil {
		b.Fatal(err)
	}
	cfg := config.Config{Addr: "127.0.0.1:8080", BaseURL: "http://127.0.0.1:8080", DatabaseURL: "bench", DataDir: b.TempDir()}
	// The log handler formats every line as production does, then drops it.
	srv, err := New(Options{Config: cfg, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Mail: templates, Outbox: nopWaker{}, PageCacheTTL: cacheTTL})
	if err != nil {
		b.Fatal(err)
	}
	return srv.Handler(), db
}

// benchPage measures GET path on every available engine: rendered each
// time, as wrk asks for it (no compression), as a browser does (gzip) and
// from 64 goroutines at once; then through the page cache. path may depend
// on the demo data, hence the function.
func benchPage(b *testing.B, path func(b *testing.B, db *store.DB) string) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			h, db := benchSite(b, engine, -1)
			p := path(b, db)
			for _, encoding := range []string{"identity", "gzip"} {
				b.Run("render/"+encoding, func(b *testing.B) { benchGet(b, h, p, encoding) })
			}
			b.Run("render/identity-64-concurrent", func(b *testing.B) { benchGetConcurrent(b, h, p, 64) })
			cached, _ := benchSite(b, engine, 0)
			b.Run("cached/identity", func(b *testing.B) { benchGet(b, cached, p, "identity") })
		})
	}
}

// benchGet serves the same anonymous request in a loop and reports the size
// of the page beside time and allocations.
func benchGet(b *testing.B, h http.Handler, path, encoding string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", encoding)
	b.ReportAllocs()
	size := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", path, rec.Code)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "B/page")
}

// benchGetConcurrent serves the same request from about n goroutines at
// once, as wrk's connections do in `make bench`, so that contention (the
// database pool, locks, the garbage collector) shows in time per request.
func benchGetConcurrent(b *testing.B, h http.Handler, path string, n int) {
	b.SetParallelism(max(1, n/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("GET %s: status %d", path, rec.Code)
				return
			}
		}
	})
}

// fixed returns a path that does not depend on the data.
func fixed(path string) func(*testing.B, *store.DB) string {
	return func(*testing.B, *store.DB) string { return path }
}

// BenchmarkHome is the busiest page: five queries and the largest template.
func BenchmarkHome(b *testing.B) { benchPage(b, fixed("/")) }

// BenchmarkPalmaresYear renders the newest published palmarès.
func BenchmarkPalmaresYear(b *testing.B) {
	benchPage(b, func(b *testing.B, db *store.DB) string {
		years, err := db.AwardYears(ctx)
		if err != nil || len(years) == 0 {
			b.Fatalf("no published palmarès in the demo data: %v", err)
		}
		return fmt.Sprintf("/palmares/%d", years[0])
	})
}

// BenchmarkLogin renders the sign-in form: no query, only the session
// machinery and a small template.
func BenchmarkLogin(b *testing.B) { benchPage(b, fixed("/connexion")) }

// BenchmarkQuestionnaireSection measures a signed-in applicant's first
// section of the demo's half-filled application (what `make bench` loads
// as "questionnaire section"), one request at a time and from 64
// goroutines at once, as wrk's connections ask for it.
func BenchmarkQuestionnaireSection(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			h, _ := benchSite(b, engine, -1)
			cookie := benchSignIn(b, h, "candidat1@example.org")
			path := benchApplicationPath(b, h, cookie) + "/sections/strategie"
			b.Run("render/identity", func(b *testing.B) { benchGetAs(b, h, path, cookie) })
			b.Run("render/identity-64-concurrent", func(b *testing.B) { benchGetConcurrentAs(b, h, path, cookie, 64) })
		})
	}
}

// benchSignIn signs a demo account in and returns its session cookie.
func benchSignIn(b *testing.B, h http.Handler, email string) *http.Cookie {
	login := httptest.NewRequest("POST", "/connexion", strings.NewReader(url.Values{
		"email": {email}, "password": {testPassword}}.Encode()))
	login.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, login)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) == 0 {
		b.Fatalf("sign in %s: %d", email, rec.Code)
	}
	return cookies[0]
}

// benchApplicationLink finds the first (current) application on the list
// page, as bench/load does.
var benchApplicationLink = regexp.MustCompile(`href="(/candidatures/\d+)"`)

func benchApplicationPath(b *testing.B, h http.Handler, cookie *http.Cookie) string {
	req := httptest.NewRequest("GET", "/candidatures", nil)
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	m := benchApplicationLink.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil {
		b.Fatalf("GET /candidatures: status %d, no application link", rec.Code)
	}
	return m[1]
}

// benchGetAs is benchGet for a signed-in person.
func benchGetAs(b *testing.B, h http.Handler, path string, cookie *http.Cookie) {
	b.ReportAllocs()
	size := 0
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", path, rec.Code)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "B/page")
}

// benchGetConcurrentAs is benchGetConcurrent for a signed-in person.
func benchGetConcurrentAs(b *testing.B, h http.Handler, path string, cookie *http.Cookie, n int) {
	b.SetParallelism(max(1, n/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("GET %s: status %d", path, rec.Code)
				return
			}
		}
	})
}
