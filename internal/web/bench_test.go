package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
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
// as "questionnaire section").
func BenchmarkQuestionnaireSection(b *testing.B) {
	h, _ := benchSite(b, "sqlite", -1)
	login := httptest.NewRequest("POST", "/connexion", strings.NewReader(url.Values{
		"email": {"candidat1@example.org"}, "password": {testPassword}}.Encode()))
	login.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, login)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) == 0 {
		b.Fatalf("sign in: %d", rec.Code)
	}
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/candidatures/2/sections/strategie", nil)
		req.AddCookie(cookies[0])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
