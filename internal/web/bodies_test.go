package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"tnl/internal/directory"
	"tnl/internal/domain"
	"tnl/internal/store"
)

// bodiesSync writes a few bodies of the real directory into the test
// database, as directory.Ensure would write them all.
func bodiesSync(t *testing.T, a *testApp, keys ...string) {
	t.Helper()
	dir, err := directory.Load()
	if err != nil {
		t.Fatal(err)
	}
	var bodies []domain.Body
	for _, b := range dir.DomainBodies() {
		if slices.Contains(keys, b.Key) {
			bodies = append(bodies, b)
		}
	}
	if len(bodies) != len(keys) {
		t.Fatalf("only %d of %v in the directory", len(bodies), keys)
	}
	if err := a.db.SyncDirectory(ctx, bodies, "test"); err != nil {
		t.Fatal(err)
	}
}

// The bodies the tests use: two communes of the Isère, the métropole of
// one and the communauté de communes of the other.
const (
	grenoble    = "213801855"
	smu         = "213804222" // Saint-Martin-d'Uriage
	metro       = "200040715" // Grenoble-Alpes-Métropole
	gresivaudan = "200018166" // CC Le Grésivaudan
)

// firstResult is the key of the first body a search page lists.
var resultLink = regexp.MustCompile(`<li><a href="/organismes/([^"]+)">`)

func firstResult(t *testing.T, r *response) string {
	t.Helper()
	m := resultLink.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no result in the page (status %d)\n%s", r.status, r.body)
	}
	return m[1]
}

type apiAnswer struct {
	Query   string           `json:"query"`
	Results []map[string]any `json:"results"`
	Error   string           `json:"error"`
}

func getAPI(t *testing.T, a *testApp, q string) (*response, apiAnswer) {
	t.Helper()
	r := a.browser().get("/api/v1/bodies?q=" + url.QueryEscape(q))
	var out apiAnswer
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatalf("API answer for %q is not JSON: %v\n%s", q, err, r.body)
	}
	return r, out
}

func TestBodySearchPageAndAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		if err := directory.Ensure(ctx, a.db); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"st martin d uriage", "SAINT-MARTIN-D’URIAGE", "38422"} {
			r := a.browser().get("/organismes?q=" + url.QueryEscape(q))
			if r.status != http.StatusOK || firstResult(t, r) != smu {
				t.Fatalf("%q: status %d, first %s", q, r.status, firstResult(t, r))
			}
			mustContain(t, r, "Saint-Martin-d&#39;Uriage (38)", "Commune", "Code INSEE 38422", "SIREN 213804222", `type="search"`, `<label for="q">`)
			_, ans := getAPI(t, a, q)
			if len(ans.Results) == 0 || ans.Results[0]["name"] != "Saint-Martin-d'Uriage" {
				t.Fatalf("API %q: %+v", q, ans.Results)
			}
			first := ans.Results[0]
			for _, k := range []string{"name", "kind", "insee", "siren", "departement", "population", "url"} {
				if _, ok := first[k]; !ok {
					t.Fatalf("API result lacks %q: %v", k, first)
				}
			}
			if first["url"] != a.ts.URL+"/organismes/"+smu || first["insee"] != "38422" || first["departement"] != "38" || first["kind"] != "commune" {
				t.Fatalf("API result: %v", first)
			}
		}
		r := a.browser().get("/organismes?q=saint+joseph")
		mustContain(t, r, "Saint-Joseph (974)", "Saint-Joseph (972)", "Saint-Joseph (42)", "Saint-Joseph (50)")
		if regexp.MustCompile(`\d\x{a0}\d{3} habitants`).FindString(r.body) == "" {
			t.Fatal("populations are not written with French thousands separators")
		}
		checkSearchEdges(t, a)
	})
}

// checkSearchEdges: no query, no result, too long a query, on the page and
// in the API.
func checkSearchEdges(t *testing.T, a *testApp) {
	r := a.browser().get("/organismes")
	mustContain(t, r, `<form method="get" action="/organismes"`, "Saisissez le nom", "combobox.")
	mustNotContain(t, r, `class="results"`)
	r = a.browser().get("/organismes?q=zzqxw")
	mustContain(t, r, "Aucun organisme ne correspond à « zzqxw »")
	if !strings.Contains(html.UnescapeString(r.body), "Vérifiez l'orthographe, essayez le code INSEE ou le code postal") {
		t.Fatalf("no advice when nothing is found:\n%s", r.body)
	}
	long := strings.Repeat("a", maxQueryLength+1)
	if r := a.browser().get("/organismes?q=" + long); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("long query page: %d", r.status)
	}
	r, ans := getAPI(t, a, "")
	if r.status != http.StatusOK || ans.Results == nil || len(ans.Results) != 0 {
		t.Fatalf("empty API query: %d %+v", r.status, ans)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("API headers: %v", r.header)
	}
	if r, ans := getAPI(t, a, long); r.status != http.StatusBadRequest || ans.Error == "" {
		t.Fatalf("long API query: %d %+v", r.status, ans)
	}
}

func TestBodyPagesOfTheDirectory(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		if err := directory.Ensure(ctx, a.db); err != nil {
			t.Fatal(err)
		}
		r := a.browser().get("/organismes/" + smu)
		mustContain(t, r, "<title>Saint-Martin-d&#39;Uriage –", "<h1>Saint-Martin-d&#39;Uriage</h1>", "Isère (38)",
			"Auvergne-Rhône-Alpes", `<a href="/organismes/`+gresivaudan+`">CC Le Grésivaudan</a>`, "38422", smu,
			"pas encore obtenu le label")
		mustNotContain(t, r, "/rejoindre")
		r = a.browser().get("/organismes/" + gresivaudan)
		mustContain(t, r, "43 communes membres", `<a href="/organismes/`+smu+`">Saint-Martin-d&#39;Uriage</a>`, "Communauté de communes")
		// The largest EPCI (158 communes) stays within the DOM budget of a public page.
		r = a.browser().get("/organismes/200067106")
		if n := strings.Count(r.body, "<") - strings.Count(r.body, "</") - strings.Count(r.body, "<!"); n > 600 {
			t.Fatalf("the page of the CA du Pays Basque has %d elements", n)
		}
		if r := a.browser().get("/organismes/departement-2A"); r.status != http.StatusOK || !strings.Contains(r.body, "Corse") {
			t.Fatalf("département page: %d", r.status)
		}
		for _, p := range []string{"/organismes/999999999", "/organismes/a%20b", "/organismes/" + strings.Repeat("x", 50)} {
			if r := a.browser().get(p); r.status != http.StatusNotFound {
				t.Fatalf("%s: %d", p, r.status)
			}
		}
		applicant := a.signedIn("candidat@example.org", domain.RoleApplicant)
		mustContain(t, applicant.get("/organismes/"+smu), `href="/organismes/`+smu+`/rejoindre"`, "Demander à agir pour cet organisme")
	})
}

// bodyRequestForm is a valid request of a syndicat with two members: a
// commune by its INSEE code, a métropole by its SIREN.
func validBodyRequest() url.Values {
	return url.Values{"name": {"Syndicat des eaux du Sud grenoblois"}, "kind": {"syndicat"}, "siren": {"253 800 825"},
		"departement": {"38"}, "members": {"38185\n" + metro + "\n"}}
}

func TestHistoricalLaureatePage(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		b := historicalLaureate(t, a, "Syndicat intercommunal de Bretagne", "syndicat")
		r := a.browser().get("/organismes/" + b.Key)
		mustContain(t, r, "<h1>Syndicat intercommunal de Bretagne</h1>", "Syndicat", "Lauréat d&#39;une édition passée",
			`<a href="/palmares/2019">2019</a>`, "Niveau 3", "Mutualisation", "<caption>", `scope="row"`)
	})
}

// historicalLaureate adds a laureate of 2019 that the directory does not hold.
func historicalLaureate(t *testing.T, a *testApp, name, kind string) *domain.Body {
	t.Helper()
	if err := a.db.SaveEdition(ctx, &domain.Edition{Year: 2019, Title: "Édition 2019"}); err != nil {
		t.Fatal(err)
	}
	b := &domain.Body{Name: name, Kind: kind, Departement: "29", SearchName: directory.Normalize(name)}
	if err := a.db.AddHistoricalBody(ctx, b); err != nil {
		t.Fatal(err)
	}
	award := &domain.Award{Year: 2019, Body: *b, Track: "label", Award: "niveau-3", Mentions: []string{"mutualisation"}}
	if err := a.db.AddAward(ctx, award); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBodyRequest(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		bodiesSync(t, a, grenoble, metro)
		a.addUser("admin1@example.org", domain.RoleAdmin)
		a.addUser("admin2@example.org", domain.RoleAdmin)
		if r := a.browser().get("/organismes/demander"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/connexion") {
			t.Fatalf("anonymous request form: %d %q", r.status, r.location())
		}
		b := a.signedIn("candidat@example.org", domain.RoleApplicant)
		mustContain(t, b.get("/organismes/demander"), `<select id="kind"`, "Groupement d&#39;intérêt public", "38 – Isère", "987 – Polynésie française", `<textarea id="members"`)
		r := b.post("/organismes/demander", validBodyRequest())
		mustContain(t, r, "Votre demande d&#39;ajout de « Syndicat des eaux du Sud grenoblois » est enregistrée")
		for _, admin := range []string{"admin1@example.org", "admin2@example.org"} {
			if m := a.mailsTo(admin); len(m) != 1 || m[0].Template != "body_requested" || !strings.Contains(m[0].Text, "candidat@example.org") || !strings.Contains(m[0].Text, "/admin/organismes") {
				t.Fatalf("mail to %s: %+v", admin, m)
			}
		}
		got, err := a.db.FindBodyByKey(ctx, "253800825")
		if err != nil || got.Status != domain.BodyRequested || got.Region != "84" {
			t.Fatalf("requested body: %+v %v", got, err)
		}
		if members, _ := a.db.LinkedMembers(ctx, got.ID); len(members) != 2 {
			t.Fatalf("members: %d", len(members))
		}
		if e, _ := a.db.ListAudit(ctx, store.AuditFilter{Action: "body.request"}); len(e) != 1 || e[0].Actor.Label != "candidat@example.org" {
			t.Fatalf("audit: %+v", e)
		}
		// The request is not public until approved.
		for _, who := range []*browser{a.browser(), b} {
			if r := who.get("/organismes/253800825"); r.status != http.StatusNotFound {
				t.Fatalf("a requested body's page: %d", r.status)
			}
		}
		mustNotContain(t, a.browser().get("/organismes?q=syndicat+des+eaux"), "Sud grenoblois")
		// Admins see it, with its members; the same SIREN cannot be asked twice.
		admin := a.browser()
		admin.post("/connexion", url.Values{"email": {"admin1@example.org"}, "password": {testPassword}})
		mustContain(t, admin.get("/organismes/253800825"), "2 organismes membres", `<a href="/organismes/`+grenoble+`">Grenoble</a>`, "en attente de décision")
		mustContain(t, b.post("/organismes/demander", validBodyRequest()), "attend déjà la décision")
		if n, _ := a.db.ListBodies(ctx, domain.BodyRequested); len(n) != 1 {
			t.Fatalf("a second request was recorded: %d", len(n))
		}
	})
}

func TestBodyRequestBadInputChangesNothing(t *testing.T) {
	with := func(k, v string) url.Values {
		f := validBodyRequest()
		f.Set(k, v)
		return f
	}
	cases := []struct {
		name    string
		form    url.Values
		message string
		keep    string
	}{
		{"check digit", with("siren", "253 800 826"), "la clé de contrôle ne correspond pas", "253 800 826"},
		{"length", with("siren", "25380082"), "exactement 9 chiffres", "25380082"},
		{"letters", with("siren", "ABCDEFGHI"), "exactement 9 chiffres", "ABCDEFGHI"},
		{"duplicate", with("siren", grenoble), "déjà celui de « Grenoble »", grenoble},
		{"unknown member", with("members", "38185\n99999\n123456782"), "aucun organisme connu : 99999, 123456782", "99999"},
		{"no name", with("name", ""), "Indiquez le nom", ""},
		{"long name", with("name", strings.Repeat("é", 201)), "200 caractères", ""},
		{"kind", with("kind", "commune"), "type d&#39;organisme dans la liste", ""},
		{"département", with("departement", "999"), "département dans la liste", ""},
		{"too many", with("members", strings.Repeat("38185\n", 501)), "500 organismes membres au plus", ""},
	}
	eachEngine(t, func(t *testing.T, a *testApp) {
		bodiesSync(t, a, grenoble, metro)
		a.addUser("admin@example.org", domain.RoleAdmin)
		b := a.signedIn("candidat@example.org", domain.RoleApplicant)
		for _, c := range cases {
			r := b.post("/organismes/demander", c.form)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d", c.name, r.status)
				continue
			}
			mustContain(t, r, c.message, `role="alert"`, `aria-invalid="true"`)
			if name := c.form.Get("name"); name == validBodyRequest().Get("name") {
				mustContain(t, r, `value="`+name+`"`)
			}
			if c.keep != "" && !strings.Contains(r.body, html.EscapeString(c.keep)) {
				t.Errorf("%s: %q is lost", c.name, c.keep)
			}
		}
		mustContain(t, b.post("/organismes/demander", with("siren", grenoble)), `href="/organismes/`+grenoble+`"`)
		if got, _ := a.db.ListBodies(ctx, domain.BodyRequested); len(got) != 0 {
			t.Fatalf("bad input created %d bodies", len(got))
		}
		if m := a.mailsTo("admin@example.org"); len(m) != 0 {
			t.Fatalf("bad input sent %d mails", len(m))
		}
	})
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1 000", 36343: "36 343", 2133111: "2 133 111", -1500: "-1 500"} {
		if got := groupDigits(n, " "); got != want {
			t.Errorf("%d: %q", n, got)
		}
	}
}

// TestBodyMessagesExist checks the message ids the Go code of the bodies'
// pages names (errors, notices), which templates do not show to the
// completeness test.
func TestBodyMessagesExist(t *testing.T) {
	fr, err := keysIn("fr")
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`"((?:bodies|kind|form)\.[a-z0-9_.]+)"`)
	for _, f := range []string{"bodies.go", "bodies_request.go", "bodies_admin.go", "bodies_edit.go", "api.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range id.FindAllStringSubmatch(string(src), -1) {
			if !fr[m[1]] && !strings.HasSuffix(m[1], ".") {
				t.Errorf("%s names %q, which has no text", f, m[1])
			}
		}
	}
	for _, k := range domain.OtherBodyKinds {
		if !fr["kind."+k] {
			t.Errorf("kind %q has no name", k)
		}
	}
}
