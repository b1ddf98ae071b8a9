package web

import (
	"fmt"
	"net/http"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/form"
)

func TestOverviewProgressMissingAndSelfAssessment(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		path := fmt.Sprintf("/candidatures/%d", f.app.ID)
		eluID := userID(t, a, "elu@example.org")
		appsSave(t, a, f.app.ID, eluID, map[string]string{
			"strategie_adoptee":  "yes",
			"strategie_portage":  `["elu","direction","agents"]`,
			"mutualisation_part": "moitie",
			"formats_ouverts":    `["odf","pdf","csv"]`,
			"bureautique":        "libre",
			"postes_linux":       "30",
			"logiciels_postes":   `["LibreOffice","Firefox","Thunderbird","GIMP","Inkscape","VLC"]`,
			"donnees_publiees":   "yes",
			"formation_agents":   "yes",
			"sobriete_actions":   `["duree_vie","ecoconception"]`,
		})
		def := appsDefault(t, "label")
		values := appsValues(t, a, f.app.ID)
		profile := form.Profile{Kind: f.body.Kind, Population: f.body.Population}
		score := form.Score(def, values, profile)
		e, _ := a.db.FindEdition(ctx, 2026)
		track, _ := e.Track("label")
		level, next := track.LevelFor(score.Total), track.NextLevel(score.Total)
		if level == nil || next == nil {
			t.Fatalf("the answers should reach a level below the top: %v", score.Total)
		}

		r := f.elu.get(path)
		wantStatus(t, "overview", r, http.StatusOK)
		says(t, r, "Candidature 2026 de Saint-Martin-d'Uriage (Label)",
			"Date limite", "10 novembre 2026 à 23 h 59", "encore 40 jours", // the shared header
			"Avancement par section", "Auto-évaluation",
			fmt.Sprintf("%s sur %s points", form.FormatPoints(score.Total, "fr"), form.FormatPoints(score.Max, "fr")),
			"Niveau atteint", level.Name,
			fmt.Sprintf("%s : il manque %s points", next.Name, form.FormatPoints(next.Threshold-score.Total, "fr")))
		for i, sec := range score.Sections {
			says(t, r, fmt.Sprintf("%s sur %s points", form.FormatPoints(sec.Points, "fr"), form.FormatPoints(sec.Max, "fr")))
			mustContain(t, r, fmt.Sprintf(`href="/candidatures/%d/sections/%s"`, f.app.ID, def.Sections[i].ID))
		}
		missing := form.Missing(def, values)
		if len(missing) == 0 {
			t.Fatal("the fixture should leave required answers missing")
		}
		for _, m := range missing {
			mustContain(t, r, fmt.Sprintf(`href="/candidatures/%d/sections/%s#q-%s"`, f.app.ID, m.Section, m.Question))
		}
		says(t, r, fmt.Sprintf("Il manque %d réponses obligatoires", len(missing)))
		imps := form.Improvements(def, values, profile)
		if len(imps) < 10 {
			t.Fatalf("only %d improvements", len(imps))
		}
		for i, imp := range imps {
			link := fmt.Sprintf(`href="/candidatures/%d/sections/%s#q-%s"`, f.app.ID, imp.Section, imp.Question)
			q, _ := def.Question(imp.Question)
			if i < 10 {
				mustContain(t, r, link)
				says(t, r, q.Label.FR, fmt.Sprintf("jusqu'à %s points de plus", form.FormatPoints(imp.Gain, "fr")))
			} else if !missingHas(missing, q.ID) {
				mustNotContain(t, r, link) // beyond the top ten, unless linked as missing
			}
		}
		says(t, r, fmt.Sprintf(`href="/candidatures/%d/soumettre"`, f.app.ID), "Vérifier et soumettre la candidature",
			fmt.Sprintf(`href="/candidatures/%d/messages"`, f.app.ID), "La candidature n'a pas encore été soumise")
		mustNotContain(t, r, "changé depuis")

		// A contributor is sent to the check; the secretariat reads but
		// has no way to submit.
		says(t, f.contrib.get(path), "Vérifier ce qui manque avant la soumission")
		r = f.admin.get(path)
		wantStatus(t, "the secretariat's overview", r, http.StatusOK)
		says(t, r, "Auto-évaluation", level.Name)
		mustNotContain(t, r, fmt.Sprintf(`/candidatures/%d/soumettre`, f.app.ID), "Soumettre la candidature")
		appsFillRequired(t, a, f.app, eluID)
		r = f.admin.get(path + "/soumettre")
		says(t, r, "La candidature est complète", "elu@example.org")
		mustNotContain(t, r, `<form method="post" action="/candidatures`, "Soumettre la candidature</button>")

		wantStatus(t, "an outsider", f.outsider.get(path), http.StatusNotFound)
		wantStatus(t, "no such application", f.elu.get("/candidatures/999999"), http.StatusNotFound)
	})
}

func missingHas(refs []form.Ref, id string) bool {
	for _, r := range refs {
		if r.Question == id {
			return true
		}
	}
	return false
}

func TestOverviewShowsTheCorrectionReason(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		appsFillRequired(t, a, f.app, userID(t, a, "elu@example.org"))
		path := fmt.Sprintf("/candidatures/%d", f.app.ID)
		wantStatus(t, "submit", f.elu.post(path+"/soumettre", map[string][]string{"confirmer": {"oui"}}), http.StatusSeeOther)
		if err := a.db.RequestCorrection(ctx, f.app.ID, "Précisez le nombre de postes.", domain.CLIActor, nil); err != nil {
			t.Fatal(err)
		}
		r := f.elu.get(path)
		says(t, r, "Précisez le nombre de postes.", "rouvert votre candidature", "Vérifier et soumettre la candidature",
			fmt.Sprintf("/candidatures/%d/recus/1", f.app.ID))
	})
}
