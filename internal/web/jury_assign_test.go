package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

const assignURL = "/admin/jury/2026/attributions"

// recuse records a confirmed recusal of u from the application of body,
// through the conflicts' store API.
func (f *juryFixture) recuse(t *testing.T, u *domain.User, body string) {
	t.Helper()
	id, err := f.a.db.DeclareConflict(ctx, store.ConflictDeclaration{Year: 2026, Juror: u.ID, Application: f.apps[body].ID,
		Type: jury.ConflictDirectBody, Severity: jury.ConflictRecuse, Source: jury.ConflictSourceAdmin,
		Text: "Élu de la commune"}, domain.CLIActor)
	if err == nil {
		err = f.a.db.DecideConflict(ctx, id, true, "Lien direct.", domain.CLIActor)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// assignmentFixture is the jury fixture in the assignment phase, k
// reviewers per file (or a full panel), juror1 recused from Échirolles.
func assignmentFixture(t *testing.T, a *testApp, s domain.JurySettings) *juryFixture {
	t.Helper()
	f := newJuryFixture(t, a)
	if err := a.db.SaveJurySettings(ctx, 2026, s, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	f.recuse(t, f.juror1U, "Échirolles")
	f.toPhase(t, domain.PhaseAssignment)
	return f
}

// byFile groups an edition's assignments by application.
func byFile(t *testing.T, a *testApp) map[int64][]domain.Assignment {
	t.Helper()
	rows, err := a.db.Assignments(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64][]domain.Assignment{}
	for _, r := range rows {
		out[r.ApplicationID] = append(out[r.ApplicationID], r)
	}
	return out
}

func countAudit(t *testing.T, a *testApp, action string) int {
	t.Helper()
	entries, err := a.db.ListAudit(ctx, store.AuditFilter{Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// checkProposal checks the solver's guarantees on the saved set: k
// reviewers per file, one rapporteur who votes, no recused juror.
func checkProposal(t *testing.T, f *juryFixture, k int) {
	t.Helper()
	files := byFile(t, f.a)
	for name, app := range f.apps {
		rows, leads := files[app.ID], 0
		if len(rows) != k {
			t.Fatalf("%s: %d reviewers, want %d: %+v", name, len(rows), k, rows)
		}
		for _, r := range rows {
			if name == "Échirolles" && r.UserID == f.juror1U.ID {
				t.Fatalf("juror1 assigned to Échirolles, where recused")
			}
			if r.Rapporteur {
				leads++
				if r.UserID == f.assessorU.ID {
					t.Fatalf("%s: the assessor leads", name)
				}
			}
			if r.UserID == f.observerU.ID {
				t.Fatalf("%s: the observer reviews", name)
			}
		}
		if leads != 1 {
			t.Fatalf("%s: %d rapporteurs", name, leads)
		}
	}
}

func TestAssignmentProposeReleaseAndJurorList(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := assignmentFixture(t, a, domain.JurySettings{Mode: domain.AssignK, Reviewers: 3, MinutesPerReview: 60})
		capped := domain.JuryMember{Year: 2026, UserID: f.juror2U.ID, Role: domain.JuryJuror, Tags: []string{"technique"}, MinLoad: 1, MaxLoad: 2}
		if err := a.db.SaveJuryMember(ctx, capped, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		says(t, f.admin.get(assignURL), "Proposer une attribution", "Dossiers déposés", "3 dossiers, environ 3 h")
		says(t, f.juror1.get("/jury/2026/dossiers"), "apparaîtront ici")

		wantStatus(t, "propose", f.admin.post(assignURL+"/proposer", url.Values{}), http.StatusSeeOther)
		checkProposal(t, f, 3)
		if n := countAudit(t, a, "jury.assignments.save"); n != 1 {
			t.Fatalf("%d save entries", n)
		}
		mine, _ := a.db.AssignmentsOf(ctx, 2026, f.juror2U.ID)
		if len(mine) < 1 || len(mine) > 2 {
			t.Fatalf("juror2 has %d files, bounds 1–2", len(mine))
		}
		// The others share the 13 reviews left evenly: 2 or 3 each.
		for _, u := range []*domain.User{f.presidentU, f.viceU, f.juror1U, f.juror3U, f.assessorU} {
			if mine, _ := a.db.AssignmentsOf(ctx, 2026, u.ID); len(mine) < 2 || len(mine) > 3 {
				t.Fatalf("%s has %d files, want an even share of 2 or 3", u.Email, len(mine))
			}
		}
		page := f.admin.get(assignURL + "?ajouts=15&retraits=0")
		says(t, page, "Proposition enregistrée : 15 attribution(s) ajoutée(s)", "15 évaluations attribuées",
			"récusé", "Publier l'attribution", "jure2@example.org")
		if !strings.Contains(page.body, `<span aria-hidden="true">R</span>`) || !strings.Contains(page.body, "⊘") {
			t.Fatalf("matrix lacks rapporteur or recusal marks:\n%s", page.body)
		}

		// The president reads the same matrix, without any form.
		pres := f.president.get("/jury/2026/attributions")
		says(t, pres, "lecture seule", "Échirolles", "Voiron")
		mustNotContain(t, pres, "/proposer", "/modifier", "/publier")
		wantStatus(t, "a juror on the matrix", f.juror2.get("/jury/2026/attributions"), http.StatusNotFound)

		// Release: confirmation first, audited once.
		r := f.admin.post(assignURL+"/publier", url.Values{})
		wantStatus(t, "release unconfirmed", r, http.StatusUnprocessableEntity)
		says(t, r, "Cochez la case")
		says(t, f.juror1.get("/jury/2026/dossiers"), "apparaîtront ici")
		wantStatus(t, "release", f.admin.post(assignURL+"/publier", url.Values{"confirmer": {"oui"}}), http.StatusSeeOther)
		if n := countAudit(t, a, "jury.assignments.release"); n != 1 {
			t.Fatalf("%d release entries", n)
		}
		says(t, f.admin.get(assignURL), "Attribution publiée le")
		// The policy shows one's files from the review phase on.
		says(t, f.juror1.get("/jury/2026/dossiers"), "apparaîtront ici")
		f.toPhase(t, domain.PhaseReview)
		checkJurorList(t, f, f.juror1, f.juror1U)
		mustNotContain(t, f.juror1.get("/jury/2026/dossiers"), "Échirolles")
	})
}

// checkJurorList compares a juror's page with their assignments.
func checkJurorList(t *testing.T, f *juryFixture, b *browser, u *domain.User) {
	t.Helper()
	mine, _ := f.a.db.AssignmentsOf(ctx, 2026, u.ID)
	page := b.get("/jury/2026/dossiers")
	wantStatus(t, "juror list", page, http.StatusOK)
	for _, s := range mine {
		if !strings.Contains(page.body, "/jury/2026/dossiers/"+itoa(s.ApplicationID)) {
			t.Fatalf("file %d missing from the list:\n%s", s.ApplicationID, page.body)
		}
	}
	if n := strings.Count(page.body, `<a href="/jury/2026/dossiers/`); n != len(mine) {
		t.Fatalf("%d links for %d assignments", n, len(mine))
	}
}

func TestAssignmentRerunAfterLateConflict(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := assignmentFixture(t, a, domain.JurySettings{Mode: domain.AssignK, Reviewers: 3})
		f.admin.post(assignURL+"/proposer", url.Values{})
		f.admin.post(assignURL+"/publier", url.Values{"confirmer": {"oui"}})
		f.toPhase(t, domain.PhaseReview)
		mine, _ := a.db.AssignmentsOf(ctx, 2026, f.juror2U.ID)
		if len(mine) == 0 {
			t.Fatal("juror2 has no file")
		}
		var late string
		for name, app := range f.apps {
			if app.ID == mine[0].ApplicationID {
				late = name
			}
		}
		before := byFile(t, a)
		f.recuse(t, f.juror2U, late)
		// At once, before any re-run: the file leaves the juror's list and count.
		list := f.juror2.get("/jury/2026/dossiers")
		if strings.Contains(list.body, "/jury/2026/dossiers/"+itoa(mine[0].ApplicationID)) {
			t.Fatalf("recused file still listed:\n%s", list.body)
		}
		says(t, list, "Vous évaluez "+itoa(int64(len(mine)-1))+" dossier")

		r := f.admin.post(assignURL+"/proposer", url.Values{})
		wantStatus(t, "re-run", r, http.StatusSeeOther)
		if !strings.Contains(r.location(), "ajouts=1&retraits=1") {
			t.Fatalf("re-run changed more than the gap: %s", r.location())
		}
		after := byFile(t, a)
		checkFileKept := func(id int64) {
			kept := 0
			for _, old := range before[id] {
				for _, now := range after[id] {
					if old.UserID == now.UserID {
						kept++
					}
				}
			}
			if kept < len(before[id])-1 {
				t.Fatalf("file %d: only %d of its reviewers kept", id, kept)
			}
		}
		for _, app := range f.apps {
			checkFileKept(app.ID)
		}
		for _, s := range after[f.apps[late].ID] {
			if s.UserID == f.juror2U.ID {
				t.Fatal("juror2 still on the file after the re-run")
			}
		}
		if len(after[f.apps[late].ID]) != 3 {
			t.Fatalf("the gap was not filled: %+v", after[f.apps[late].ID])
		}
	})
}

func TestAssignmentInfeasibleSaysWhy(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		// Six reviewers in all; juror1 is recused from Échirolles.
		f := assignmentFixture(t, a, domain.JurySettings{Mode: domain.AssignK, Reviewers: 6})
		r := f.admin.post(assignURL+"/proposer", url.Values{})
		wantStatus(t, "infeasible", r, http.StatusUnprocessableEntity)
		says(t, r, "Aucune attribution ne respecte toutes les règles",
			"Échirolles : seulement 5 juré(s) sans conflit d'intérêts", "6 évaluateurs sont demandés", "Rien n'a été enregistré")
		if rows, _ := a.db.Assignments(ctx, 2026); len(rows) != 0 || countAudit(t, a, "jury.assignments.save") != 0 {
			t.Fatalf("an infeasible run saved %d rows", len(rows))
		}
	})
}

func TestAssignmentManualEdits(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := assignmentFixture(t, a, domain.JurySettings{Mode: domain.AssignK, Reviewers: 3})
		f.admin.post(assignURL+"/proposer", url.Values{})
		saves := countAudit(t, a, "jury.assignments.save")
		edit := func(body string, u *domain.User, op string) *response {
			return f.admin.post(assignURL+"/modifier", url.Values{"application": {itoa(f.apps[body].ID)},
				"juror": {itoa(u.ID)}, "op": {op}})
		}
		r := edit("Échirolles", f.juror1U, "ajouter")
		wantStatus(t, "add a recused juror", r, http.StatusUnprocessableEntity)
		says(t, r, "Ce juré est récusé pour ce dossier", `value="`+itoa(f.apps["Échirolles"].ID)+`" selected`)
		wantStatus(t, "add the observer", edit("Voiron", f.observerU, "ajouter"), http.StatusUnprocessableEntity)

		onGrenoble := func(u *domain.User) (lead, ok bool) {
			for _, s := range byFile(t, a)[f.apps["Grenoble"].ID] {
				if s.UserID == u.ID {
					return s.Rapporteur, true
				}
			}
			return false, false
		}
		var lead, other *domain.User
		for _, s := range byFile(t, a)[f.apps["Grenoble"].ID] {
			if u := userByID(f, s.UserID); s.Rapporteur {
				lead = u
			} else if u != f.assessorU {
				other = u
			}
		}
		if lead == nil || other == nil {
			t.Fatal("Grenoble lacks a rapporteur or a second voting reviewer")
		}
		successes := 0
		step := func(what string, r *response, status int) {
			t.Helper()
			wantStatus(t, what, r, status)
			if status == http.StatusSeeOther {
				successes++
			}
		}
		step("remove", edit("Grenoble", lead, "retirer"), http.StatusSeeOther)
		says(t, f.admin.get(assignURL), "(sans rapporteur)", "Attribution modifiée")
		step("add back", edit("Grenoble", lead, "ajouter"), http.StatusSeeOther)
		step("add twice", edit("Grenoble", lead, "ajouter"), http.StatusUnprocessableEntity)
		step("lead", edit("Grenoble", other, "rapporteur"), http.StatusSeeOther)
		if _, ok := onGrenoble(f.assessorU); !ok {
			step("add the assessor", edit("Grenoble", f.assessorU, "ajouter"), http.StatusSeeOther)
		}
		r = edit("Grenoble", f.assessorU, "rapporteur")
		step("lead by the assessor", r, http.StatusUnprocessableEntity)
		says(t, r, "Un évaluateur externe ne peut pas être rapporteur")
		step("lead by the observer", edit("Voiron", f.observerU, "rapporteur"), http.StatusUnprocessableEntity)
		if l, _ := onGrenoble(other); !l {
			t.Fatal("the rapporteur did not change")
		}
		leads := 0
		for _, s := range byFile(t, a)[f.apps["Grenoble"].ID] {
			if s.Rapporteur {
				leads++
				if s.Source != domain.AssignManual {
					t.Fatalf("a manual rapporteur has source %q", s.Source)
				}
			}
		}
		if leads != 1 {
			t.Fatalf("%d rapporteurs on Grenoble", leads)
		}
		if got := countAudit(t, a, "jury.assignments.save") - saves; got != successes {
			t.Fatalf("%d save entries for %d successful edits", got, successes)
		}
	})
}

func userByID(f *juryFixture, id int64) *domain.User {
	for _, u := range f.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func TestAssignmentFullPanel(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := assignmentFixture(t, a, domain.JurySettings{Mode: domain.AssignFullPanel})
		says(t, f.admin.get(assignURL), "Jury complet", "5 dossiers, environ 4 h")
		wantStatus(t, "propose", f.admin.post(assignURL+"/proposer", url.Values{}), http.StatusSeeOther)
		files := byFile(t, a)
		for name, app := range f.apps {
			want := 6
			if name == "Échirolles" {
				want = 5
			}
			if len(files[app.ID]) != want {
				t.Fatalf("%s: %d reviewers, want %d", name, len(files[app.ID]), want)
			}
		}
		f.admin.post(assignURL+"/publier", url.Values{"confirmer": {"oui"}})
		f.toPhase(t, domain.PhaseReview)
		page := f.juror1.get("/jury/2026/dossiers")
		says(t, page, "Vous évaluez 4 dossiers", "Voiron", "Grenoble-Alpes-Métropole")
		mustNotContain(t, page, "Échirolles")
	})
}

func TestAssignmentRecusedViewerAndAccess(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		// Before the assignment phase: nothing to see, nothing to do.
		wantStatus(t, "president before the phase", f.president.get("/jury/2026/attributions"), http.StatusNotFound)
		says(t, f.admin.get(assignURL), "s'ouvre à la phase")
		wantStatus(t, "propose before the phase", f.admin.post(assignURL+"/proposer", url.Values{}), http.StatusConflict)

		f.recuse(t, f.presidentU, "Voiron")
		f.toPhase(t, domain.PhaseAssignment)
		f.admin.post(assignURL+"/proposer", url.Values{})
		pres := f.president.get("/jury/2026/attributions")
		says(t, pres, "Évaluateurs de chaque dossier (4 dossiers)", "Échirolles")
		mustNotContain(t, pres, "Voiron")
		says(t, f.admin.get(assignURL), "Voiron", "(5 dossiers)")

		// Admin-only routes refuse jurors; the list is for reviewers only.
		wantStatus(t, "juror on the admin page", f.juror1.get(assignURL), http.StatusForbidden)
		wantStatus(t, "president posts", f.president.post(assignURL+"/proposer", url.Values{}), http.StatusForbidden)
		wantStatus(t, "observer list", f.observer.get("/jury/2026/dossiers"), http.StatusNotFound)
		wantStatus(t, "applicant list", f.applicant.get("/jury/2026/dossiers"), http.StatusNotFound)
		wantStatus(t, "secretariat list", f.admin.get("/jury/2026/dossiers"), http.StatusNotFound)
	})
}

// assignAdminFixtures gives the assignment's admin POST routes an edition
// of their own (2030) in the assignment phase, with one submitted file and
// a full panel of two, so that each route succeeds once, in route order:
// propose, remove one reviewer, release.
func assignAdminFixtures(t *testing.T, a *testApp) map[string]adminPost {
	t.Helper()
	openNowEdition(t, a, 2030)
	app := submittedTestFile(t, a, 2030, domain.Body{Key: "200000130", Name: "Commune de l'attribution", Kind: "commune",
		Departement: "01", SearchName: "commune de l attribution"}, "attribution@example.org")
	var juror int64
	for i, role := range []domain.JuryRole{domain.JuryPresident, domain.JuryJuror} {
		u := a.addUser([]string{"pres2030@example.org", "jure2030@example.org"}[i], domain.RoleApplicant)
		if err := a.db.SaveJuryMember(ctx, domain.JuryMember{Year: 2030, UserID: u.ID, Role: role}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		juror = u.ID
	}
	if err := a.db.SaveJurySettings(ctx, 2030, domain.JurySettings{Mode: domain.AssignFullPanel, Reviewers: 1}, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	for _, p := range domain.Phases[1:5] {
		if err := a.db.SwitchPhase(ctx, 2030, p, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	at := "/admin/jury/2030/attributions/"
	return map[string]adminPost{
		"/admin/jury/{year}/attributions/proposer": {at + "proposer", url.Values{}},
		"/admin/jury/{year}/attributions/modifier": {at + "modifier", url.Values{"application": {itoa(app.ID)},
			"juror": {itoa(juror)}, "op": {"retirer"}}},
		"/admin/jury/{year}/attributions/publier": {at + "publier", url.Values{"confirmer": {"oui"}}},
	}
}
