package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/store"
)

// dashboardBodies are bodies of every size, kind and département the
// dashboard's filters tell apart; each gets a Label application, in the
// status given.
var dashboardBodies = []struct {
	body      domain.Body
	submitted bool
}{
	{domain.Body{Key: "200000001", Name: "Villagebourg", Kind: "commune", Departement: "38", Population: 800, SearchName: "villagebourg"}, false},
	{domain.Body{Key: "200000002", Name: "Moyenneville", Kind: "commune", Departement: "69", Population: 12000, SearchName: "moyenneville"}, true},
	{domain.Body{Key: "200000003", Name: "Grandeville", Kind: "commune", Departement: "38", Population: 45000, SearchName: "grandeville"}, false},
	{domain.Body{Key: "200000004", Name: "Métropole Essai", Kind: "metropole", Departement: "38", Population: 450000, SearchName: "metropole essai"}, true},
	{domain.Body{Key: "200000005", Name: "Syndicat des Eaux", Kind: "syndicat", Departement: "73", SearchName: "syndicat des eaux"}, false},
}

// dashboardFixture writes the open 2026 edition, the bodies above and
// their applications, and signs an admin in.
func dashboardFixture(t *testing.T, a *testApp) (admin *browser, apps map[string]*domain.Application) {
	t.Helper()
	openTestEdition(t, a, 2026)
	bodies := make([]domain.Body, len(dashboardBodies))
	for i, b := range dashboardBodies {
		bodies[i] = b.body
	}
	if err := a.db.SyncDirectory(ctx, bodies, "test"); err != nil {
		t.Fatal(err)
	}
	admin = a.signedIn("admin@example.org", domain.RoleAdmin)
	submitter := a.addUser("elu@example.org", domain.RoleApplicant)
	apps = map[string]*domain.Application{}
	for _, b := range dashboardBodies {
		body, err := a.db.FindBodyByKey(ctx, b.body.Key)
		if err != nil {
			t.Fatal(err)
		}
		app, err := a.db.CreateApplication(ctx, 2026, "label", body.ID, domain.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		if b.submitted {
			submitForTest(t, a, app.ID, submitter)
		}
		apps[b.body.Name] = app
	}
	return admin, apps
}

// submitForTest submits an application with a trivial plan: the store's
// submission is what matters here, not the completeness check.
func submitForTest(t *testing.T, a *testApp, appID int64, by *domain.User) {
	t.Helper()
	_, err := a.db.Submit(ctx, appID, domain.Actor{ID: by.ID, Label: by.Email},
		func(answers map[string]string, _ int, _ domain.Submission) (*store.SubmitPlan, error) {
			canonical, digest := form.Digest(answers)
			return &store.SubmitPlan{Answers: canonical, Digest: digest}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
}

// listsExactly checks that a dashboard page names exactly the bodies want
// among the fixture's bodies.
func listsExactly(t *testing.T, what string, r *response, want ...string) {
	t.Helper()
	wantStatus(t, what, r, http.StatusOK)
	text := html.UnescapeString(r.body)
	for _, b := range dashboardBodies {
		listed := strings.Contains(text, ">"+b.body.Name+"</a></th>")
		shouldBe := false
		for _, w := range want {
			shouldBe = shouldBe || w == b.body.Name
		}
		if listed != shouldBe {
			t.Errorf("%s: %s listed %v, want %v", what, b.body.Name, listed, shouldBe)
		}
	}
}

func TestDashboardFiltersShowExactlyTheRightBodies(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin, _ := dashboardFixture(t, a)
		all := []string{"Villagebourg", "Moyenneville", "Grandeville", "Métropole Essai", "Syndicat des Eaux"}
		listsExactly(t, "no filter", admin.get("/admin/candidatures"), all...)
		for query, want := range map[string][]string{
			"nature=metropole":                           {"Métropole Essai"},
			"nature=commune":                             {"Villagebourg", "Moyenneville", "Grandeville"},
			"departement=38":                             {"Villagebourg", "Grandeville", "Métropole Essai"},
			"population=1-3499":                          {"Villagebourg"}, // not the syndicat, whose population is unknown
			"population=3500-19999":                      {"Moyenneville"},
			"population=20000-99999":                     {"Grandeville"},
			"population=100000-":                         {"Métropole Essai"},
			"statut=submitted":                           {"Moyenneville", "Métropole Essai"},
			"statut=draft":                               {"Villagebourg", "Grandeville", "Syndicat des Eaux"},
			"statut=draft&departement=38&nature=commune": {"Villagebourg", "Grandeville"},
			"annee=2026&parcours=badge":                  {},
			"nature=inconnue&population=x":               all, // unknown values are ignored
		} {
			listsExactly(t, query, admin.get("/admin/candidatures?"+query), want...)
		}
		r := admin.get("/admin/candidatures?departement=38")
		says(t, r, "3 candidatures en 2026 avec ces filtres", "Brouillon : <strong>2</strong>", "Soumise : <strong>1</strong>",
			"Commune : <strong>2</strong>", "Métropole : <strong>1</strong>", "Moins de 3 500 habitants")
		// The exports carry the same filter, one track each.
		says(t, r, `href="/admin/candidatures/export.csv?annee=2026&departement=38&parcours=label"`,
			`href="/admin/candidatures/export.ods?annee=2026&departement=38&parcours=badge"`)
		// The form keeps the filter chosen.
		says(t, admin.get("/admin/candidatures?statut=submitted&population=1-3499"),
			`<option value="submitted" selected>`, `<option value="1-3499" selected>`)
	})
}

func TestDashboardCompleteness(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin, apps := dashboardFixture(t, a)
		app := apps["Grandeville"]
		u, _ := a.db.FindUserByEmail(ctx, "elu@example.org")
		saves := []domain.AnswerSave{
			{ApplicationID: app.ID, Question: "strategie_adoptee", Value: "yes", UserID: u.ID},
			{ApplicationID: app.ID, Question: "formats_diffusion", Value: "no", UserID: u.ID},
		}
		if _, err := a.db.SaveAnswers(ctx, saves); err != nil {
			t.Fatal(err)
		}
		def, _ := form.Default("label")
		answers := form.Answers{"strategie_adoptee": "yes", "formats_diffusion": "no"}
		progress := form.Progress(def, answers)
		visible, missing := 0, 0
		for _, p := range progress {
			visible += p.Visible
			missing += p.RequiredMissing
		}
		r := admin.get("/admin/candidatures?nature=commune&departement=38&population=20000-99999")
		listsExactly(t, "Grandeville", r, "Grandeville")
		says(t, r, fmt.Sprintf("%d %% <span class=\"meta\">(2 réponses sur %d, %d obligatoires manquantes)", form.Percent(progress), visible, missing))
		// An empty application shows every required question missing.
		empty := form.Progress(def, nil)
		emptyMissing, emptyVisible := 0, 0
		for _, p := range empty {
			emptyMissing += p.RequiredMissing
			emptyVisible += p.Visible
		}
		says(t, admin.get("/admin/candidatures?population=1-3499"),
			fmt.Sprintf("0 %% <span class=\"meta\">(0 réponse sur %d, %d obligatoires manquantes)", emptyVisible, emptyMissing))
	})
}

func TestAdminApplicationView(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		saves := []domain.AnswerSave{
			{ApplicationID: f.app.ID, Question: "strategie_adoptee", Value: "yes", UserID: f.eluUser.UserID},
			{ApplicationID: f.app.ID, Question: "postes_nombre", Value: "120", UserID: f.eluUser.UserID},
		}
		if _, err := a.db.SaveAnswers(ctx, saves); err != nil {
			t.Fatal(err)
		}
		submitForTest(t, a, f.app.ID, &domain.User{ID: f.eluUser.UserID, Email: "elu@example.org"})
		path := fmt.Sprintf("/admin/candidatures/%d", f.app.ID)
		r := f.admin.get(path)
		wantStatus(t, "admin view", r, http.StatusOK)
		says(t, r, "Candidature 2026 de Saint-Martin-d'Uriage", "Soumise", "Oui", "120", "Sans réponse",
			fmt.Sprintf(`href="/candidatures/%d/recus/1"`, f.app.ID), "Demander une correction", `name="reason"`, `name="message"`)
		subs, _ := a.db.Submissions(ctx, f.app.ID)
		says(t, r, subs[0].Digest)
		// The dashboard links to it.
		says(t, f.admin.get("/admin/candidatures"), fmt.Sprintf(`href="%s"`, path))
		// Unknown applications are 404, as for anyone.
		wantStatus(t, "unknown", f.admin.get("/admin/candidatures/999999"), http.StatusNotFound)
	})
}

func TestFollowupAdminRoutesRefusedToMembers(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		id := itoa(f.app.ID)
		for _, rt := range []struct{ method, path string }{
			{"GET", "/admin/candidatures"},
			{"GET", "/admin/candidatures/" + id},
			{"POST", "/admin/candidatures/" + id + "/messages"},
			{"POST", "/admin/candidatures/" + id + "/correction"},
			{"GET", "/admin/editions/2026/rappels"},
			{"POST", "/admin/editions/2026/rappels"},
			{"POST", "/admin/editions/2026/rappels/envoyer"},
		} {
			form := url.Values{"message": {"Je me fais passer pour le secrétariat."}, "reason": {"Une raison assez longue."}, "days": {"1"}}
			if rt.method == "GET" {
				form = nil
			}
			for name, b := range map[string]*browser{"élu": f.elu, "outsider": f.outsider} {
				if r := b.do(rt.method, rt.path, form); r.status != http.StatusForbidden {
					t.Errorf("%s %s %s: %d, want 403", name, rt.method, rt.path, r.status)
				}
			}
		}
		if msgs, _ := a.db.Messages(ctx, f.app.ID); len(msgs) != 0 {
			t.Fatalf("a refused request wrote a message: %+v", msgs)
		}
	})
}

// followupAdminFixtures gives each admin POST route of the follow-up an
// object it can act on and the form it needs, for the walk of every admin
// action (TestEveryAdminActionIsAudited): an open 2026 edition and a
// submitted application of a body of its own.
func followupAdminFixtures(t *testing.T, a *testApp) map[string]struct {
	path string
	form url.Values
} {
	t.Helper()
	if _, err := a.db.FindEdition(ctx, 2026); err != nil {
		openTestEdition(t, a, 2026)
	}
	body := domain.Body{Key: "200000099", Name: "Commune du journal", Kind: "commune", Departement: "01", SearchName: "commune du journal"}
	if err := a.db.SyncDirectory(ctx, []domain.Body{body}, "test"); err != nil {
		t.Fatal(err)
	}
	b, _ := a.db.FindBodyByKey(ctx, body.Key)
	app, err := a.db.CreateApplication(ctx, 2026, "label", b.ID, domain.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	submitForTest(t, a, app.ID, a.addUser("journal@example.org", domain.RoleApplicant))
	at := fmt.Sprintf("/admin/candidatures/%d/", app.ID)
	return map[string]struct {
		path string
		form url.Values
	}{
		"/admin/candidatures/{id}/messages":      {at + "messages", url.Values{"message": {"Bonjour."}}},
		"/admin/candidatures/{id}/correction":    {at + "correction", url.Values{"reason": {"Merci de compléter."}}},
		"/admin/editions/{year}/rappels":         {"/admin/editions/2026/rappels", url.Values{"days": {"30, 7"}}},
		"/admin/editions/{year}/rappels/envoyer": {"/admin/editions/2026/rappels/envoyer", url.Values{}},
	}
}

func TestFollowupAdminActionsAuditedOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		for pattern, o := range followupAdminFixtures(t, a) {
			before := auditCount(t, a.db)
			if r := admin.post(o.path, o.form); r.status != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", pattern, r.status, r.body)
			}
			if n := auditCount(t, a.db) - before; n != 1 {
				t.Errorf("%s left %d audit entries, want 1", pattern, n)
			}
		}
	})
}
