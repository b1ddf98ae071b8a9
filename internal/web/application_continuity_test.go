package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/store"
)

// appsLastYear writes the 2025 edition, whose Label questionnaire had a
// question and options that 2026 dropped, and body's 2025 Label
// application with answers to both kinds. The clock is moved to 2025 for
// that, then back.
func appsLastYear(t *testing.T, a *testApp, body *domain.Body, userID int64) *domain.Application {
	t.Helper()
	now := a.clock.now()
	defer appsSetClock(a, now)
	appsSetClock(a, time.Date(2025, 10, 1, 8, 0, 0, 0, time.UTC))
	openTestEdition(t, a, 2025)
	def := appsDefault(t, "label")
	q, _ := def.Question("formats_ouverts")
	q.Options = append(q.Options, form.Option{Value: "flash", Label: form.Text{FR: "Flash"}})
	q, _ = def.Question("mutualisation_part")
	q.Options = append(q.Options, form.Option{Value: "totale", Label: form.Text{FR: "Totale"}})
	def.Sections[0].Questions = append(def.Sections[0].Questions,
		form.Question{ID: "ancienne_question", Type: form.ShortText, Label: form.Text{FR: "Question abandonnée"}})
	raw, err := form.Encode(def)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.SaveQuestionnaire(ctx, 2025, "label", raw, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	app, err := a.db.CreateApplication(ctx, 2025, "label", body.ID, domain.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	appsSave(t, a, app.ID, userID, map[string]string{
		"strategie_adoptee":      "yes",
		"formats_ouverts":        `["odf","flash"]`, // "flash" is no longer an option
		"mutualisation_part":     "totale",          // nor is "totale": dropped
		"ancienne_question":      "texte",           // the question is gone: dropped
		"postes_nombre":          "85",
		"bureautique":            "mixte",
		"strategie_deliberation": `[{"id":1,"name":"deliberation.pdf"}]`, // files stay behind
	})
	return app
}

func TestStartFromLastYear(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a) // Grenoble has no 2026 application; f.outsider is its responsable
		member, _ := a.db.FindUserByEmail(ctx, "autre@example.org")
		last := appsLastYear(t, a, f.other, member.ID)

		list := f.outsider.get("/candidatures")
		says(t, list, "Partir de la candidature de 2025 (Label)", fmt.Sprintf(`value="%d" checked`, last.ID),
			fmt.Sprintf(`href="/candidatures/%d"`, last.ID), "Candidatures des éditions précédentes")

		// Another body's application is no source.
		smuLast := f.app.ID
		r := f.outsider.post("/candidatures", url.Values{"organisme": {f.other.Key}, "parcours": {"label"}, "reprendre": {itoa(smuLast)}})
		wantStatus(t, "another body's source", r, http.StatusUnprocessableEntity)
		says(t, r, "n'est pas une candidature précédente de cet organisme")

		r = f.outsider.post("/candidatures", url.Values{"organisme": {f.other.Key}, "parcours": {"label"}, "reprendre": {itoa(last.ID)}})
		wantStatus(t, "start from 2025", r, http.StatusSeeOther)
		id := appsIDFrom(t, r.location())
		got := appsValues(t, a, id)
		want := form.Answers{"strategie_adoptee": "yes", "formats_ouverts": `["odf"]`, "postes_nombre": "85", "bureautique": "mixte"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("carried %v, want %v", got, want)
		}
		overview := f.outsider.get(r.location())
		says(t, overview, "Candidature commencée à partir de celle de 2025 : 4 réponses ont été recopiées")
		mustNotContain(t, f.outsider.get(r.location()), "ont été recopiées") // said once
		says(t, overview, fmt.Sprintf(`href="/candidatures/%d/changements"`, id), "Voir ce qui a changé depuis la candidature de 2025")
	})
}

func TestChangesSinceLastYear(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		member, _ := a.db.FindUserByEmail(ctx, "autre@example.org")
		last := appsLastYear(t, a, f.other, member.ID)
		r := f.outsider.post("/candidatures", url.Values{"organisme": {f.other.Key}, "parcours": {"label"}, "reprendre": {itoa(last.ID)}})
		id := appsIDFrom(t, r.location())

		// Before any change, only what could not be carried differs.
		page := f.outsider.get(fmt.Sprintf("/candidatures/%d/changements", id))
		wantStatus(t, "changes", page, http.StatusOK)
		says(t, page, "Comparaison avec la candidature de 2025 (Label), qui n'avait pas été soumise",
			"Réponse retirée", "Interopérabilité", "totale")
		mustNotContain(t, page, "Nouvelle réponse", "Question abandonnée")
		appsWantRows(t, page, 3) // the file, an option dropped from a multiple choice, a single choice's dropped option

		appsSave(t, a, id, member.ID, map[string]string{
			"strategie_adoptee": "no",    // changed
			"postes_nombre":     "",      // removed
			"postes_linux":      "12.5",  // added
			"bureautique":       "mixte", // the same
		})
		page = f.outsider.get(fmt.Sprintf("/candidatures/%d/changements", id))
		says(t, page, "Réponse modifiée", "Oui", "Non", "Réponse retirée", "85", "Nouvelle réponse", "12,5\u202f%",
			"Stratégie et mutualisation", "Logiciels et systèmes libres")
		appsWantRows(t, page, 6) // the 3 above, strategie_adoptee, postes_nombre, postes_linux

		// Once last year's application was submitted, the comparison is
		// with what was submitted, not with later drafts.
		submitted := form.Answers{"strategie_adoptee": "no", "bureautique": "libre"}
		canonical, sum := form.Digest(submitted)
		appsSetClock(a, time.Date(2025, 10, 2, 8, 0, 0, 0, time.UTC))
		if _, err := a.db.Submit(ctx, last.ID, domain.Actor{ID: member.ID, Label: member.Email}, func(map[string]string, int, domain.Submission) (*store.SubmitPlan, error) {
			return &store.SubmitPlan{Answers: canonical, Digest: sum}, nil
		}); err != nil {
			t.Fatal(err)
		}
		appsSetClock(a, time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC))
		page = f.outsider.get(fmt.Sprintf("/candidatures/%d/changements", id))
		says(t, page, "telle que soumise (soumission n° 1 du 2 octobre 2025)", "Libre")
		appsWantRows(t, page, 3) // formats_ouverts and postes_linux added, bureautique changed; strategie_adoptee is "no" on both sides

		wantStatus(t, "another body's changes", f.elu.get(fmt.Sprintf("/candidatures/%d/changements", id)), http.StatusNotFound)
		says(t, f.elu.get(fmt.Sprintf("/candidatures/%d/changements", f.app.ID)), "n'a pas candidaté lors d'une édition précédente")
	})
}

// appsWantRows counts the changed answers listed on a changes page.
func appsWantRows(t *testing.T, r *response, n int) {
	t.Helper()
	rows := 0
	for _, kind := range []string{"Nouvelle réponse", "Réponse retirée", "Réponse modifiée"} {
		rows += strings.Count(r.body, "<td>"+kind+"</td>")
	}
	if rows != n {
		t.Fatalf("%d changes listed, want %d\n%s", rows, n, r.body)
	}
}
