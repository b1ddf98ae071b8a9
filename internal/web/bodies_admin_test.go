package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// requestBody records a request as the applicant would, straight in the store.
func requestBody(t *testing.T, a *testApp, by *domain.User, name, siren string) *domain.Body {
	t.Helper()
	b := &domain.Body{Name: name, Kind: "syndicat", SIREN: siren, Departement: "38", SearchName: strings.ToLower(name)}
	if err := a.db.RequestBody(ctx, b, nil, domain.Actor{ID: by.ID, Label: by.Email}, nil); err != nil {
		t.Fatal(err)
	}
	return b
}

// lastAudit returns the newest audit entry of an action.
func lastAudit(t *testing.T, a *testApp, action string) *domain.AuditEntry {
	t.Helper()
	e, err := a.db.ListAudit(ctx, store.AuditFilter{Action: action, Limit: 1})
	if err != nil || len(e) == 0 || e[0].Action != action {
		t.Fatalf("no %s in the audit log (%v)", action, err)
	}
	return &e[0]
}

func TestAdminApprovesAndRefusesBodies(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		asker := a.addUser("candidat@example.org", domain.RoleApplicant)
		ok := requestBody(t, a, asker, "Syndicat des eaux", "")
		ko := requestBody(t, a, asker, "Syndicat fantôme", "")
		r := admin.get("/admin/organismes")
		mustContain(t, r, "2 demandes en attente", "Syndicat des eaux", "candidat@example.org", `action="/admin/organismes/`+itoa(ok.ID)+`/approuver"`,
			`<label for="reason-`+itoa(ko.ID)+`">`, `scope="col"`)

		if r := admin.post("/admin/organismes/"+itoa(ok.ID)+"/approuver", url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", r.status, r.body)
		}
		if e := lastAudit(t, a, "body.approve"); e.ObjectID != itoa(ok.ID) || e.Actor.Label != "admin@example.org" {
			t.Fatalf("audit: %+v", e)
		}
		if m := a.mailsTo(asker.Email); len(m) != 1 || m[0].Template != "body_approved" || !strings.Contains(m[0].Text, "/organismes/"+ok.Key) {
			t.Fatalf("approval mail: %+v", m)
		}
		mustContain(t, a.browser().get("/organismes/"+ok.Key), "<h1>Syndicat des eaux</h1>")
		mustContain(t, a.browser().get("/organismes?q=syndicat+des+eaux"), `href="/organismes/`+ok.Key+`"`)
		if r := admin.post("/admin/organismes/"+itoa(ok.ID)+"/refuser", url.Values{"reason": {"trop tard"}}); r.status != http.StatusConflict {
			t.Fatalf("deciding twice: %d", r.status)
		}

		before := auditCount(t, a.db)
		r = admin.post("/admin/organismes/"+itoa(ko.ID)+"/refuser", url.Values{"reason": {"  "}})
		if r.status != http.StatusUnprocessableEntity || auditCount(t, a.db) != before {
			t.Fatalf("refusal without a reason: %d", r.status)
		}
		mustContain(t, r, "Indiquez la raison du refus", `href="#reason-`+itoa(ko.ID)+`"`, `aria-invalid="true"`)
		if r := admin.post("/admin/organismes/"+itoa(ko.ID)+"/refuser", url.Values{"reason": {"Ce syndicat n'existe pas."}}); r.status != http.StatusSeeOther {
			t.Fatalf("refuse: %d", r.status)
		}
		lastAudit(t, a, "body.refuse")
		if m := a.mailsTo(asker.Email); len(m) != 2 || m[1].Template != "body_refused" || !strings.Contains(m[1].Text, "Ce syndicat n'existe pas.") {
			t.Fatalf("refusal mail: %+v", m)
		}
		if r := a.browser().get("/organismes/" + ko.Key); r.status != http.StatusNotFound {
			t.Fatalf("a refused body's page: %d", r.status)
		}
		mustContain(t, admin.get("/organismes/"+ko.Key), "Demande d&#39;ajout refusée")
	})
}

func TestAdminEditsBodies(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		bodiesSync(t, a, grenoble)
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		asker := a.addUser("candidat@example.org", domain.RoleApplicant)
		b := requestBody(t, a, asker, "Syndicat des eaus", "")
		path := "/admin/organismes/" + itoa(b.ID) + "/modifier"
		mustContain(t, admin.get(path), `value="Syndicat des eaus"`, `<option value="38" selected>`)

		before := auditCount(t, a.db)
		bad := url.Values{"name": {"Syndicat des eaux"}, "kind": {"syndicat"}, "departement": {"38"}, "siren": {"123"}}
		r := admin.post(path, bad)
		if r.status != http.StatusUnprocessableEntity || auditCount(t, a.db) != before {
			t.Fatalf("bad SIREN: %d", r.status)
		}
		mustContain(t, r, "exactement 9 chiffres", `value="Syndicat des eaux"`)
		bad.Set("siren", grenoble)
		mustContain(t, admin.post(path, bad), "déjà celui de « Grenoble »")

		good := url.Values{"name": {"Syndicat des eaux"}, "kind": {"gip"}, "departement": {"73"}, "siren": {"253 800 825"}}
		if r := admin.post(path, good); r.status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", r.status, r.body)
		}
		got, _ := a.db.FindBodyByID(ctx, b.ID)
		if got.Name != "Syndicat des eaux" || got.Kind != "gip" || got.Departement != "73" || got.SIREN != "253800825" {
			t.Fatalf("edited: %+v", got)
		}
		lastAudit(t, a, "body.update")

		official, _ := a.db.FindBodyByKey(ctx, grenoble)
		opath := "/admin/organismes/" + itoa(official.ID) + "/modifier"
		mustContain(t, admin.get(opath), "ne se modifient pas à la main")
		r = admin.post(opath, url.Values{"name": {"Grenoble-la-Jolie"}, "kind": {"commune"}, "departement": {"38"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "ne se modifient pas à la main") {
			t.Fatalf("editing a directory body: %d", r.status)
		}
		if got, _ := a.db.FindBodyByKey(ctx, grenoble); got.Name != "Grenoble" {
			t.Fatalf("a directory body was changed: %+v", got)
		}
	})
}

func TestAdminLinksHistoricalLaureates(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		bodiesSync(t, a, grenoble)
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		stub := historicalLaureate(t, a, "Ville de Grenoble", "commune")
		r := admin.get("/admin/organismes")
		mustContain(t, r, "Ville de Grenoble", `action="/admin/organismes/`+itoa(stub.ID)+`/fusionner"`, `data-combobox="/api/v1/bodies"`)

		path := "/admin/organismes/" + itoa(stub.ID) + "/fusionner"
		for typed, message := range map[string]string{"": "Indiquez l&#39;organisme", "99999": "Aucun organisme ne correspond", stub.Key: "fusionné avec lui-même"} {
			r := admin.post(path, url.Values{"into": {typed}})
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, message) {
				t.Fatalf("merge into %q: %d, no %q", typed, r.status, message)
			}
		}
		// By INSEE code: the awards move to the commune and the stub goes.
		if r := admin.post(path, url.Values{"into": {"38185"}}); r.status != http.StatusSeeOther {
			t.Fatalf("merge: %d\n%s", r.status, r.body)
		}
		commune, _ := a.db.FindBodyByKey(ctx, grenoble)
		if awards, _ := a.db.BodyAwards(ctx, commune.ID); len(awards) != 1 || awards[0].Year != 2019 {
			t.Fatalf("awards after the merge: %+v", awards)
		}
		if _, err := a.db.FindBodyByID(ctx, stub.ID); !domain.IsNotFound(err) {
			t.Fatalf("the stub is still there: %v", err)
		}
		if e := lastAudit(t, a, "body.merge"); e.ObjectID != itoa(commune.ID) {
			t.Fatalf("audit: %+v", e)
		}
		mustContain(t, a.browser().get("/organismes/"+grenoble), `<a href="/palmares/2019">2019</a>`, "Niveau 3")
		// A directory body is never absorbed.
		if r := admin.post(fmt.Sprintf("/admin/organismes/%d/fusionner", commune.ID), url.Values{"into": {"h-1"}}); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("absorbing a directory body: %d", r.status)
		}
	})
}

func TestBodyAdministrationIsForAdmins(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		asker := a.signedIn("candidat@example.org", domain.RoleApplicant)
		u, _ := a.db.FindUserByEmail(ctx, "candidat@example.org")
		b := requestBody(t, a, u, "Syndicat des eaux", "")
		jury := a.signedIn("jure@example.org", domain.RoleJury)
		id := itoa(b.ID)
		for _, p := range []string{"/approuver", "/refuser", "/modifier", "/fusionner"} {
			form := url.Values{"reason": {"non"}, "into": {"h-1"}, "name": {"X"}, "kind": {"gip"}}
			for _, who := range []*browser{asker, jury} {
				if r := who.post("/admin/organismes/"+id+p, form); r.status != http.StatusForbidden {
					t.Fatalf("non-admin POST %s: %d", p, r.status)
				}
			}
			if r := a.browser().post("/admin/organismes/"+id+p, form); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/connexion") {
				t.Fatalf("anonymous POST %s: %d", p, r.status)
			}
		}
		if got, _ := a.db.FindBodyByID(ctx, b.ID); got.Status != domain.BodyRequested || got.Name != "Syndicat des eaux" {
			t.Fatalf("a refused request changed the body: %+v", got)
		}
	})
}

// bodyAdminFixtures gives each admin POST route on bodies an object it can
// act on and the form it needs, so that the walk of every admin action
// (TestEveryAdminActionIsAudited) checks these routes too.
func bodyAdminFixtures(t *testing.T, a *testApp) map[string]struct {
	path string
	form url.Values
} {
	t.Helper()
	asker := a.addUser("demandeur@example.org", domain.RoleApplicant)
	toApprove := requestBody(t, a, asker, "Syndicat à approuver", "")
	toRefuse := requestBody(t, a, asker, "Syndicat à refuser", "")
	toEdit := requestBody(t, a, asker, "Syndicat à corriger", "")
	stub := historicalLaureate(t, a, "Lauréat à relier", "syndicat")
	at := func(b *domain.Body, action string) string { return "/admin/organismes/" + itoa(b.ID) + "/" + action }
	return map[string]struct {
		path string
		form url.Values
	}{
		"/admin/organismes/{id}/approuver": {at(toApprove, "approuver"), url.Values{}},
		"/admin/organismes/{id}/refuser":   {at(toRefuse, "refuser"), url.Values{"reason": {"Doublon."}}},
		"/admin/organismes/{id}/modifier": {at(toEdit, "modifier"),
			url.Values{"name": {"Syndicat corrigé"}, "kind": {"syndicat"}, "departement": {"38"}}},
		"/admin/organismes/{id}/fusionner": {at(stub, "fusionner"), url.Values{"into": {toApprove.Key}}},
	}
}
