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
)

const dashURL = "/jury/2026/tableau"

// juryDashboardFixture is the jury fixture in the review phase, full panel:
// every juror reviews every file but juror1, recused from Échirolles; the
// assessor reviews Grenoble only. Everyone has attested. Then a hand-made
// set of proposals (levels: 0 Bronze, 1 Argent, 2 Or):
//
//	Grenoble     president Bronze, vice Or, juror1 and juror2 Argent, juror3 abstains
//	             (sections: the first one Bronze for the president, Or for the vice)
//	Échirolles   president Or, juror2 Or (juror1 recused)
//	Voiron       president Argent, juror2 and juror3 Bronze
func juryDashboardFixture(t *testing.T, a *testApp) (*juryFixture, string) {
	t.Helper()
	f := newJuryFixture(t, a)
	if err := a.db.SaveJurySettings(ctx, 2026, domain.JurySettings{Mode: domain.AssignFullPanel}, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	f.recuse(t, f.juror1U, "Échirolles")
	reviewers := []*domain.User{f.presidentU, f.viceU, f.juror1U, f.juror2U, f.juror3U, f.assessorU}
	f.attest(t, reviewers...)
	f.toPhase(t, domain.PhaseAssignment)
	var rows []domain.Assignment
	for name, app := range f.apps {
		for _, u := range reviewers[:5] {
			if u != f.juror1U || name != "Échirolles" {
				rows = append(rows, domain.Assignment{ApplicationID: app.ID, UserID: u.ID})
			}
		}
	}
	rows = append(rows, domain.Assignment{ApplicationID: f.apps["Grenoble"].ID, UserID: f.assessorU.ID})
	if err := a.db.SaveAssignments(ctx, 2026, rows, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	if err := a.db.ReleaseAssignments(ctx, 2026, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	f.toPhase(t, domain.PhaseReview)
	def, err := form.Default("label")
	if err != nil {
		t.Fatal(err)
	}
	sec := def.Sections[0]
	propose := func(u *domain.User, body string, level int, section *int, note string) {
		r := &domain.Review{ApplicationID: f.apps[body].ID, UserID: u.ID, Stage: domain.ReviewPre, Level: &level,
			JuryNote: note, SecretariatNote: "Note au secrétariat de " + u.Email}
		if section != nil {
			r.Criteria = map[string]domain.SectionReview{sec.ID: {Level: section}}
		}
		dashSubmit(t, a, r, 0)
	}
	bronze, or := 0, 2
	propose(f.presidentU, "Grenoble", 0, &bronze, "")
	propose(f.viceU, "Grenoble", 2, &or, "Une mutualisation exemplaire.")
	propose(f.juror1U, "Grenoble", 1, nil, "")
	propose(f.juror2U, "Grenoble", 1, nil, "Avis de jure2 sur Grenoble.")
	dashSubmit(t, a, &domain.Review{ApplicationID: f.apps["Grenoble"].ID, UserID: f.juror3U.ID, Stage: domain.ReviewPre,
		AbstainReason: "Je travaille avec leur service informatique."}, 0)
	propose(f.presidentU, "Échirolles", 2, nil, "")
	propose(f.juror2U, "Échirolles", 2, nil, "")
	propose(f.presidentU, "Voiron", 1, nil, "")
	propose(f.juror2U, "Voiron", 0, nil, "")
	propose(f.juror3U, "Voiron", 0, nil, "")
	return f, sec.Title.FR
}

func dashSubmit(t *testing.T, a *testApp, r *domain.Review, base int) {
	t.Helper()
	if _, err := a.db.SubmitReview(ctx, r, base, domain.Actor{ID: r.UserID, Label: "juré"}); err != nil {
		t.Fatal(err)
	}
}

// dashRow cuts out of a page, unescaped, the table row where needle
// appears first: ">Grenoble<" for a file, ">jure2@example.org " for a juror.
func dashRow(t *testing.T, r *response, needle string) string {
	t.Helper()
	page := html.UnescapeString(r.body)
	i := strings.Index(page, needle)
	if i < 0 {
		t.Fatalf("no row with %q:\n%s", needle, r.body)
	}
	end := strings.Index(page[i:], "</tr>")
	return page[i : i+end]
}

func TestJuryDashboardAggregates(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f, section := juryDashboardFixture(t, a)

		// Review phase: the president and the secretariat follow; jurors,
		// the assessor and the observer see nothing yet; outsiders get 404.
		r := f.president.get(dashURL)
		wantStatus(t, "president in review", r, http.StatusOK)
		row := dashRow(t, r, ">Grenoble<")
		for _, want := range []string{"4 propositions", "1 abstention", "0 juré récusé", "<strong>Argent</strong>",
			`<td class="num">2</td>`, "Bronze – Or", "écart-type 0,71", "Bronze : 1", "Argent : 2", "Or : 1",
			section + " : Bronze", "À discuter", "écart d'au moins deux niveaux (le plus bas : Bronze, le plus haut : Or)",
			"écart d'au moins deux niveaux dans une rubrique : " + section} {
			if !strings.Contains(row, want) {
				t.Errorf("Grenoble's row lacks %q:\n%s", want, row)
			}
		}
		if row := dashRow(t, r, ">Échirolles<"); !strings.Contains(row, "1 juré récusé") || !strings.Contains(row, "<strong>Or</strong>") {
			t.Errorf("Échirolles' row:\n%s", row)
		}
		says(t, r, "5 dossiers affichés sur 5", "Avancement et statistiques des jurés", "jure2@example.org")
		mustNotContain(t, r, "Relancer les jurés", `name="etape"`) // reminders are the secretariat's; one stage only
		says(t, f.admin.get(dashURL), "Relancer les jurés", "Grenoble")
		for who, b := range map[string]*browser{"juror": f.juror2, "vice": f.vice, "assessor": f.assessor, "observer": f.observer} {
			r := b.get(dashURL)
			wantStatus(t, who+" in review", r, http.StatusForbidden)
			says(t, r, "pas encore ouvert pour vous")
			mustNotContain(t, r, "Grenoble", "Voiron", "Argent")
		}
		wantStatus(t, "applicant", f.applicant.get(dashURL), http.StatusNotFound)

		// Sorting and filtering.
		r = f.president.get(dashURL + "?tri=median")
		if e, g, v := strings.Index(r.body, ">Échirolles<"), strings.Index(r.body, ">Grenoble<"), strings.Index(r.body, ">Voiron<"); !(e < g && g < v) {
			t.Errorf("by median: Échirolles %d, Grenoble %d, Voiron %d", e, g, v)
		}
		says(t, r, `aria-sort="descending"`)
		r = f.president.get(dashURL + "?desaccord=1")
		says(t, r, "1 dossier affiché sur 5", ">Grenoble<")
		mustNotContain(t, r, ">Voiron<", ">Échirolles<")
		says(t, f.president.get(dashURL+"?parcours=badge"), "Aucun dossier ne correspond")

		// Discussion: jurors see the unconflicted files, the stages and
		// what the discussion changed (juror2 raises Voiron to Argent).
		f.toPhase(t, domain.PhaseDiscussion)
		level := 1
		dashSubmit(t, a, &domain.Review{ApplicationID: f.apps["Voiron"].ID, UserID: f.juror2U.ID, Stage: domain.ReviewPre, Level: &level}, 1)
		r = f.juror2.get(dashURL)
		wantStatus(t, "juror in discussion", r, http.StatusOK)
		says(t, r, "5 dossiers affichés sur 5", "Après discussion", "1 dossier monte d'un niveau ou plus",
			"Voiron : Bronze avant, Argent après", "Mon avancement et mes statistiques",
			fmt.Sprintf(`href="/jury/2026/dossiers/%d/discussion"`, f.apps["Grenoble"].ID))
		if row := dashRow(t, r, ">Voiron<"); !strings.Contains(row, "<strong>Argent</strong>") {
			t.Errorf("Voiron after discussion:\n%s", row)
		}
		mustNotContain(t, r, "jure3@example.org", "presidente@example.org", "Relancer") // own statistics only
		if row := dashRow(t, f.juror2.get(dashURL+"?etape=avant"), ">Voiron<"); !strings.Contains(row, "<strong>Bronze</strong>") {
			t.Errorf("Voiron before discussion:\n%s", row)
		}

		// The recused juror: no row, no count, no link for Échirolles.
		r = f.juror1.get(dashURL)
		wantStatus(t, "recused juror", r, http.StatusOK)
		says(t, r, "4 dossiers affichés sur 4", ">Grenoble<")
		mustNotContain(t, r, "Échirolles", fmt.Sprintf("/dossiers/%d/", f.apps["Échirolles"].ID), "5 dossiers")
		says(t, r, "2 dossiers comparés") // Grenoble and Voiron; juror2 compares Échirolles too
		says(t, f.juror2.get(dashURL), "3 dossiers comparés")
	})
}

func TestJuryDashboardJurorStatistics(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f, _ := juryDashboardFixture(t, a)
		r := f.president.get(dashURL)
		// juror2: Argent on Grenoble (others' median 1, neither below nor
		// above), Or on Échirolles (with the president: equal), Bronze on
		// Voiron (others: Argent and Bronze, midpoint 0.5: below).
		row := dashRow(t, r, ">jure2@example.org ")
		for _, want := range []string{`<td class="num">5</td>`, `<td class="num"><strong>2</strong></td>`,
			"sur 3 dossiers en commun", "plus sévère sur 33 % des dossiers (1 plus bas, 0 plus haut que les autres)"} {
			if !strings.Contains(row, want) {
				t.Errorf("juror2's statistics lack %q:\n%s", want, row)
			}
		}
		if row := dashRow(t, r, ">jure3@example.org "); !strings.Contains(row, `<td class="num">1</td>`) {
			t.Errorf("juror3 abstained once:\n%s", row) // and proposed once: Voiron
		}
		if row := dashRow(t, r, ">expert@example.org "); !strings.Contains(row, "Pas encore de dossier en commun") {
			t.Errorf("the assessor has no review:\n%s", row)
		}
		mustNotContain(t, r, "observateur@example.org")

		// A president recused late from Voiron loses it from the rows and
		// from every juror's figures: juror2 now has 4 files, 2 compared.
		f.recuse(t, f.presidentU, "Voiron")
		r = f.president.get(dashURL)
		says(t, r, "4 dossiers affichés sur 4")
		mustNotContain(t, r, "Voiron")
		row = dashRow(t, r, ">jure2@example.org ")
		for _, want := range []string{`<td class="num">4</td>`, "sur 2 dossiers en commun", "plus sévère sur 0 %"} {
			if !strings.Contains(row, want) {
				t.Errorf("juror2's statistics for a president recused from Voiron lack %q:\n%s", want, row)
			}
		}
	})
}

func TestJuryRemindersToLateJurors(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f, _ := juryDashboardFixture(t, a)
		remind := "/admin/jury/2026/rappels"
		r := f.admin.get(dashURL)
		says(t, r, "Relancer les jurés en retard", "jure3@example.org – 3 dossiers restants",
			"expert@example.org – 1 dossier restant", fmt.Sprintf(`name="jure" value="%d" checked`, f.juror3U.ID))

		before := countAudit(t, a, "jury.reminders.send")
		wantStatus(t, "nobody ticked", f.admin.post(remind, url.Values{}), http.StatusUnprocessableEntity)
		for who, b := range map[string]*browser{"president": f.president, "juror": f.juror2} {
			wantStatus(t, who, b.post(remind, url.Values{"jure": {itoa(f.juror3U.ID)}}), http.StatusForbidden)
		}
		r = f.admin.post(remind, url.Values{"jure": {itoa(f.juror3U.ID), itoa(f.assessorU.ID), itoa(f.juror3U.ID), "x"}})
		if r.status != http.StatusSeeOther || r.location() != dashURL+"#jures" {
			t.Fatalf("remind: %d %q\n%s", r.status, r.location(), r.body)
		}
		if got := countAudit(t, a, "jury.reminders.send"); got != before+1 {
			t.Fatalf("%d audit entries for one sending", got-before)
		}
		for email, count := range map[string]string{"jure3@example.org": "3 dossiers qui vous sont confiés attendent", "expert@example.org": "un dossier qui vous est confié attend"} {
			var mails []*domain.OutboxMail
			for _, m := range a.mailsTo(email) {
				if m.Template == "jury_reminder" {
					mails = append(mails, m)
				}
			}
			if len(mails) != 1 {
				t.Fatalf("%s: %d reminders", email, len(mails))
			}
			mailSays(t, mails[0], count, "/jury/2026/dossiers", "jury 2026")
		}
		for _, email := range []string{"jure2@example.org", "presidente@example.org"} {
			for _, m := range a.mailsTo(email) {
				if m.Template == "jury_reminder" {
					t.Fatalf("%s was not ticked but got a reminder", email)
				}
			}
		}

		// Once the deliberation starts there is nobody to remind.
		f.toPhase(t, domain.PhaseDeliberation)
		mustNotContain(t, f.admin.get(dashURL), "Relancer les jurés")
		wantStatus(t, "after the reviews", f.admin.post(remind, url.Values{"jure": {itoa(f.juror3U.ID)}}), http.StatusForbidden)
	})
}

// dashboardAdminFixtures gives the reminder route an edition (2038) in the
// review phase with a late juror, for the audit test of admin routes.
func dashboardAdminFixtures(t *testing.T, a *testApp) map[string]adminPost {
	t.Helper()
	openNowEdition(t, a, 2038)
	app := submittedTestFile(t, a, 2038, domain.Body{Key: "200000138", Name: "Commune du tableau de bord", Kind: "commune",
		Departement: "01", SearchName: "commune du tableau de bord"}, "tableau@example.org")
	juror := a.addUser("jure2038@example.org", domain.RoleApplicant)
	if err := a.db.SaveJuryMember(ctx, domain.JuryMember{Year: 2038, UserID: juror.ID, Role: domain.JuryJuror}, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	if err := a.db.SaveAssignments(ctx, 2038, []domain.Assignment{{ApplicationID: app.ID, UserID: juror.ID}}, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	if err := a.db.ReleaseAssignments(ctx, 2038, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	for _, p := range domain.Phases[1:6] {
		if err := a.db.SwitchPhase(ctx, 2038, p, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	return map[string]adminPost{"/admin/jury/{year}/rappels": {"/admin/jury/2038/rappels", url.Values{"jure": {itoa(juror.ID)}}}}
}
