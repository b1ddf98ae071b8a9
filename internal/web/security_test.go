package web

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// samplePath fills a route pattern's wildcards with values that exist in
// the test database, or at least parse.
func samplePath(pattern string, ids map[string]string) string {
	p := strings.TrimSuffix(pattern, "{$}")
	for name, v := range ids {
		p = strings.ReplaceAll(p, "{"+name+"}", v)
	}
	return p
}

func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		target := a.addUser("cible@example.org", domain.RoleApplicant)
		ids := map[string]string{"id": itoa(target.ID), "slug": "inconnu", "year": "2016", "file": "app.css"}
		for _, rt := range a.srv.routes() {
			for _, who := range []*browser{a.browser(), admin} {
				form := url.Values{}
				if rt.method == "GET" {
					form = nil
				}
				r := who.do(rt.method, samplePath(rt.pattern, ids), form)
				checkSecurityHeaders(t, rt.method+" "+rt.pattern, r, false)
			}
		}
		// Pages that no route serves carry them too.
		checkSecurityHeaders(t, "404", a.browser().get("/nulle-part"), false)
	})
}

func checkSecurityHeaders(t *testing.T, what string, r *response, https bool) {
	t.Helper()
	csp := r.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: CSP %q", what, csp)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
	} {
		if got := r.header.Get(h); got != want {
			t.Errorf("%s: %s = %q, want %q", what, h, got, want)
		}
	}
	if hsts := r.header.Get("Strict-Transport-Security"); (hsts != "") != https {
		t.Errorf("%s: HSTS %q with https=%v", what, hsts, https)
	}
	if r.header.Get("X-Request-Id") == "" {
		t.Errorf("%s: no correlation id", what)
	}
}

func TestHTTPSSettings(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	a := newApp(t, db, "https://label.example.org")
	a.addUser("admin@example.org", domain.RoleAdmin)
	// Reach the test server over plain HTTP, as a reverse proxy would.
	req, _ := http.NewRequest("POST", a.ts.URL+"/connexion", strings.NewReader(url.Values{"email": {"admin@example.org"}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	checkSecurityHeaders(t, "https login", &response{status: res.StatusCode, header: res.Header}, true)
	cookie := res.Header.Get("Set-Cookie")
	for _, part := range []string{"__Host-tnl_session=", "Path=/", "Secure", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(cookie, part) {
			t.Fatalf("session cookie %q lacks %q", cookie, part)
		}
	}
	if strings.Contains(cookie, "Domain=") {
		t.Fatalf("a __Host- cookie must not name a domain: %q", cookie)
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		target := a.addUser("cible@example.org", domain.RoleApplicant)
		ids := map[string]string{"id": itoa(target.ID)}
		for _, rt := range a.srv.routes() {
			if rt.method != "POST" {
				continue
			}
			for _, h := range []map[string]string{
				{"Sec-Fetch-Site": "cross-site"},
				{"Origin": "https://attaquant.example"},
			} {
				admin.headers = h
				r := admin.post(samplePath(rt.pattern, ids), url.Values{"email": {"admin@example.org"}, "role": {"admin"}, "lang": {"en"}})
				if r.status != http.StatusForbidden {
					t.Errorf("cross-origin POST %s with %v: %d", rt.pattern, h, r.status)
				}
			}
		}
		admin.headers = map[string]string{}
		got, _ := a.db.FindUserByID(ctx, target.ID)
		if got.Role != domain.RoleApplicant || !got.Active() {
			t.Fatalf("a refused cross-origin request changed the account: %+v", got)
		}
		// Same-origin requests from a browser still work.
		admin.headers = map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": a.ts.URL}
		if r := admin.post("/admin/utilisateurs/"+itoa(target.ID)+"/role", url.Values{"role": {"jury"}}); r.status != http.StatusSeeOther {
			t.Fatalf("same-origin POST: %d", r.status)
		}
	})
}

func TestAdminRoutesRefusedToOtherRoles(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		target := a.addUser("cible@example.org", domain.RoleApplicant)
		ids := map[string]string{"id": itoa(target.ID)}
		visitors := map[string]*browser{
			"applicant": a.signedIn("candidat@example.org", domain.RoleApplicant),
			"jury":      a.signedIn("jure@example.org", domain.RoleJury),
		}
		n := 0
		for _, rt := range a.srv.routes() {
			if rt.access != adminOnly {
				continue
			}
			n++
			path := samplePath(rt.pattern, ids)
			form := url.Values{"role": {"admin"}}
			if rt.method == "GET" {
				form = nil
			}
			r := a.browser().do(rt.method, path, form)
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/connexion") {
				t.Errorf("anonymous %s %s: %d → %q", rt.method, path, r.status, r.location())
			}
			for role, b := range visitors {
				if r := b.do(rt.method, path, form); r.status != http.StatusForbidden {
					t.Errorf("%s %s %s: %d", role, rt.method, path, r.status)
				}
			}
		}
		if n < 5 {
			t.Fatalf("only %d admin routes walked", n)
		}
		got, _ := a.db.FindUserByID(ctx, target.ID)
		if got.Role != domain.RoleApplicant || !got.Active() {
			t.Fatalf("a refused request changed the account: %+v", got)
		}
	})
}

// TestEveryAdminActionIsAudited walks every admin POST route and checks that
// it leaves an entry in the audit log, and that reading a mail does too.
func TestEveryAdminActionIsAudited(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		target := a.addUser("cible@example.org", domain.RoleApplicant)
		ids := map[string]string{"id": itoa(target.ID)}
		objects := bodyAdminFixtures(t, a) // routes that act on a body, not an account
		for k, v := range editionAdminFixtures(t, a) {
			objects[k] = v
		}
		for k, v := range followupAdminFixtures(t, a) {
			objects[k] = v
		}
		for k, v := range assignAdminFixtures(t, a) { // the jury's assignment (edition 2030)
			objects[k] = v
		}
		for k, v := range juryAdminFixtures(t, a) { // the jury's phase, settings and members (edition 2031)
			objects[k] = v
		}
		for k, v := range juryConflictsAdminFixtures(t, a) { // the jury's conflicts of interest (edition 2026)
			objects[k] = v
		}
		for k, v := range dashboardAdminFixtures(t, a) { // reminders to late jurors (edition 2038)
			objects[k] = v
		}
		for _, rt := range a.srv.routes() {
			if rt.access != adminOnly || rt.method != "POST" {
				continue
			}
			before := auditCount(t, a.db)
			path, form := samplePath(rt.pattern, ids), url.Values{"role": {"jury"}}
			if o, ok := objects[rt.pattern]; ok {
				path, form = o.path, o.form
			}
			r := admin.post(path, form)
			if r.status != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", rt.pattern, r.status, r.body)
			}
			if auditCount(t, a.db) != before+1 {
				t.Errorf("%s left no audit entry", rt.pattern)
			}
		}
		a.browser().post("/mot-de-passe/oubli", url.Values{"email": {"cible@example.org"}})
		mails := a.mailsTo("cible@example.org")
		before := auditCount(t, a.db)
		mustContain(t, admin.get(fmt.Sprintf("/admin/courriels/%d", mails[0].ID)), "jeton=")
		if auditCount(t, a.db) != before+1 {
			t.Error("reading a mail left no audit entry")
		}
		entries, _ := a.db.ListAudit(ctx, store.AuditFilter{Actor: "admin@example.org"})
		mustContain(t, admin.get("/admin/journal?acteur=admin%40example.org"), entries[0].Action, "Chaînage vérifié")
	})
}

func auditCount(t *testing.T, db *store.DB) int {
	entries, err := db.ListAudit(ctx, store.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestAdminCannotChangeOwnAccount(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		me, _ := a.db.FindUserByEmail(ctx, "admin@example.org")
		r := admin.post("/admin/utilisateurs/"+itoa(me.ID)+"/desactiver", url.Values{})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("self-deactivation: %d", r.status)
		}
		mustContain(t, r, "propre compte")
		r = admin.post("/admin/utilisateurs/"+itoa(me.ID+1000)+"/role", url.Values{"role": {"jury"}})
		if r.status != http.StatusNotFound {
			t.Fatalf("unknown account: %d", r.status)
		}
	})
}

func TestPanicBecomesErrorPageWithCorrelationID(t *testing.T) {
	a := newApp(t, storetest.Open(t, "sqlite"), "")
	h := withRequestID(a.srv.sessions.LoadAndSave(a.srv.withRecovery(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))))
	rec := newRecorder()
	h.ServeHTTP(rec, mustRequest("GET", "/"))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	id := rec.Header().Get("X-Request-Id")
	if id == "" || !strings.Contains(rec.Body.String(), id) || !strings.Contains(rec.Body.String(), "Erreur interne") {
		t.Fatalf("500 page lacks the correlation id %q:\n%s", id, rec.Body)
	}
	if !strings.Contains(a.logs.String(), "panic: boom") || !strings.Contains(a.logs.String(), id) {
		t.Fatalf("panic not logged with its id:\n%s", a.logs)
	}
}

func TestCompressionAndImmutableAssets(t *testing.T) {
	a := newApp(t, storetest.Open(t, "sqlite"), "")
	req, _ := http.NewRequest("GET", a.ts.URL+"/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("home not compressed: %v", res.Header)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	css := a.srv.assets.url("app.css")
	if !strings.Contains(string(body), css) {
		t.Fatalf("home does not link the fingerprinted stylesheet %s", css)
	}
	r := a.browser().get(css)
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Fatalf("asset: %d %v", r.status, r.header)
	}
	if r := a.browser().get("/static/app.css"); r.status != http.StatusNotFound {
		t.Fatalf("unfingerprinted asset: %d", r.status)
	}
}
