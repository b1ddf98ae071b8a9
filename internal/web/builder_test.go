package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// builderEdition writes the 2027 edition (applications open next
// September) with a Label and a Badge track and no questionnaire yet.
func builderEdition(t *testing.T, a *testApp, year int, tracks ...string) {
	t.Helper()
	opens := time.Date(year, 9, 1, 9, 0, 0, 0, domain.Paris)
	closes := domain.ParisDeadline(year, time.November, 10)
	e := &domain.Edition{Year: year, Title: fmt.Sprint("Édition ", year), OpensAt: &opens, ClosesAt: &closes}
	for _, k := range tracks {
		e.Tracks = append(e.Tracks, domain.Track{Key: k, Name: strings.ToUpper(k[:1]) + k[1:],
			Levels: []domain.Level{{Key: "un", Name: "Un", Threshold: 1}}})
	}
	if err := a.db.CreateEdition(ctx, e, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
}

// storedDefinition reads the current questionnaire of a track.
func storedDefinition(t *testing.T, a *testApp, year int, track string) (*domain.Questionnaire, *form.Questionnaire) {
	t.Helper()
	q, err := a.db.CurrentQuestionnaire(ctx, year, track)
	if err != nil {
		t.Fatal(err)
	}
	var qn form.Questionnaire
	if err := json.Unmarshal(q.Definition, &qn); err != nil {
		t.Fatal(err)
	}
	return q, &qn
}

// builderAct posts a builder change and checks its status, and that it
// wrote exactly one audit entry when it succeeded and none otherwise.
func builderAct(t *testing.T, a *testApp, b *browser, path string, v url.Values, status int) *response {
	t.Helper()
	before := auditCount(t, a.db)
	r := b.post(path, v)
	wantStatus(t, path, r, status)
	want := 0
	if status == http.StatusSeeOther {
		want = 1
	}
	if n := auditCount(t, a.db) - before; n != want {
		t.Fatalf("%s: %d audit entries, want %d", path, n, want)
	}
	return r
}

// questionFields is the form of a question of type typ in section.
func builderQuestionValues(section, id, typ, label string, pairs ...string) url.Values {
	v := url.Values{"section": {section}, "id": {id}, "type": {typ}, "label_fr": {label}}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

// questionOfEachType lists the form of a question of every type, with the
// options, columns, bounds and scoring each type takes.
func questionOfEachType(section string) []url.Values {
	extra := map[form.Type][]string{
		form.YesNo:      {"score_yes", "2", "required", "1"},
		form.Single:     {"options", "a | Option A | 1\nb | Option B | 2,5 | Option B in English"},
		form.Multiple:   {"options", "a | A\nb | B | 1"},
		form.Integer:    {"min", "0", "max", "100000", "score_bands", "1 : 1\n10 : 3"},
		form.Percentage: {"score_bands", "50 : 2", "score_max", "2"},
		form.ShortText:  {"max_length", "200", "score_answered", "1"},
		form.LongText:   {"help_fr", "Quelques lignes.", "help_en", "A few lines."},
		form.URL:        {},
		form.Date:       {},
		form.File:       {"score_answered", "2"},
		form.Table:      {"columns", "nom | Nom | text\nplaces | Postes | integer | Seats", "score_bands", "1 : 1"},
		form.Software:   {"score_bands", "1 : 1\n5 : 3", "score_max", "3"},
	}
	var out []url.Values
	for _, typ := range form.Types {
		out = append(out, builderQuestionValues(section, "q_"+string(typ), string(typ), "Question de type "+string(typ), extra[typ]...))
	}
	return out
}

func TestBuilderAddEditMoveDelete(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		builderEdition(t, a, 2027, "label", "badge")
		base := "/admin/editions/2027/label/questionnaire"
		says(t, admin.get(base), "pas encore de questionnaire", "Un questionnaire vide", "par défaut « label »")
		builderAct(t, a, admin, base+"/demarrer", url.Values{"depart": {"inconnu"}}, http.StatusUnprocessableEntity)
		builderAct(t, a, admin, base+"/demarrer", url.Values{"depart": {"vide"}}, http.StatusSeeOther)
		builderAct(t, a, admin, base+"/demarrer", url.Values{"depart": {"vide"}}, http.StatusConflict)

		// A new section comes with its first question.
		section := url.Values{"id": {"gouvernance"}, "title_fr": {"Gouvernance"}, "title_en": {"Governance"},
			"intro_fr": {"La démarche."}, "cap": {"12,5"}, "first_id": {"premiere"}, "first_type": {"yesno"}, "first_label": {"Première ?"}}
		r := builderAct(t, a, admin, base+"/nouvelle-section", editionWith(section, "cap", "beaucoup"), http.StatusUnprocessableEntity)
		says(t, r, "« beaucoup » n'est pas un nombre", `href="#cap"`, `value="gouvernance"`, "La démarche.")
		r = builderAct(t, a, admin, base+"/nouvelle-section", editionWith(section, "first_type", "single"), http.StatusUnprocessableEntity)
		says(t, r, "sections[1].questions[0].options", "au moins deux options", `href="#first_type"`)
		builderAct(t, a, admin, base+"/nouvelle-section", section, http.StatusSeeOther)

		// A question of each type, with what each type takes.
		for _, v := range questionOfEachType("gouvernance") {
			builderAct(t, a, admin, base+"/sections/gouvernance/nouvelle-question", v, http.StatusSeeOther)
		}
		_, qn := storedDefinition(t, a, 2027, "label")
		if len(qn.Sections) != 2 || qn.Sections[1].Cap != 12.5 || len(qn.Sections[1].Questions) != 1+len(form.Types) {
			t.Fatalf("sections: %+v", qn.Sections)
		}
		for i, typ := range form.Types {
			if q := qn.Sections[1].Questions[i+1]; q.Type != typ || q.ID != "q_"+string(typ) {
				t.Fatalf("question %d: %+v", i, q)
			}
		}
		table, _ := qn.Question("q_table")
		single, _ := qn.Question("q_single")
		software, _ := qn.Question("q_software")
		if len(table.Columns) != 2 || table.Columns[1].Label.EN != "Seats" || table.Columns[1].Type != form.Integer ||
			single.Options[1].Points != 2.5 || single.Options[1].Label.EN != "Option B in English" ||
			software.Scoring == nil || len(software.Scoring.Bands) != 2 || software.Scoring.Max != 3 {
			t.Fatalf("lists: %+v %+v %+v", table, single, software.Scoring)
		}
		page := admin.get(base)
		says(t, page, "Gouvernance", "Tableau", "Nom (Texte court), Postes (Nombre entier)", "dès 10 : 3 pt", "Plafond de la section : 12,5 pt")

		// The edit form shows the question as stored, and saves changes.
		says(t, admin.get(base+"/questions/q_single"), "a | Option A | 1\nb | Option B | 2.5 | Option B in English")
		v := questionOfEachType("gouvernance")[1]
		v.Set("label_fr", "Quel choix ?")
		v.Set("options", "a | Option A | oui")
		r = builderAct(t, a, admin, base+"/questions/q_single", v, http.StatusUnprocessableEntity)
		says(t, r, "Ligne 1 des options", `href="#options"`, "Quel choix ?")
		v.Set("options", "a | Option A | 1\nb | Option B | 2")
		builderAct(t, a, admin, base+"/questions/q_single", v, http.StatusSeeOther)
		if _, qn = storedDefinition(t, a, 2027, "label"); qn.Sections[1].Questions[2].Label.FR != "Quel choix ?" {
			t.Fatalf("edited: %+v", qn.Sections[1].Questions[2])
		}

		// A condition may only rest on an earlier question.
		early := builderQuestionValues("section_1", "avant", "text", "Avant", "showif_question", "q_yesno", "showif_values", "oui")
		r = builderAct(t, a, admin, base+"/sections/section_1/nouvelle-question", early, http.StatusUnprocessableEntity)
		says(t, r, "sections[0].questions[1].showIf.question", "vient plus loin dans le questionnaire", `href="#showif_question"`, `value="avant"`)
		later := questionOfEachType("gouvernance")[5] // q_text
		later.Set("showif_question", "q_yesno")
		later.Set("showif_values", "oui")
		builderAct(t, a, admin, base+"/questions/q_text", later, http.StatusSeeOther)
		// Renaming a question carries the conditions on it along.
		yes := questionOfEachType("gouvernance")[0]
		yes.Set("id", "q_oui")
		builderAct(t, a, admin, base+"/questions/q_yesno", yes, http.StatusSeeOther)
		_, qn = storedDefinition(t, a, 2027, "label")
		if q, _ := qn.Question("q_text"); q.ShowIf == nil || q.ShowIf.Question != "q_oui" || !slices.Equal(q.ShowIf.Values, []string{"yes"}) {
			t.Fatalf("condition: %+v", q.ShowIf)
		}
		// A question others depend on cannot go.
		r = builderAct(t, a, admin, base+"/questions/q_oui/supprimer", url.Values{}, http.StatusUnprocessableEntity)
		says(t, r, "n'existe pas", "q_oui")

		// Moves within a section, and between sections.
		builderAct(t, a, admin, base+"/questions/q_multiple/deplacer", url.Values{"sens": {"haut"}}, http.StatusSeeOther)
		builderAct(t, a, admin, base+"/questions/q_multiple/deplacer", url.Values{"sens": {"haut"}}, http.StatusSeeOther)
		builderAct(t, a, admin, base+"/questions/premiere/deplacer", url.Values{"sens": {"bas"}}, http.StatusSeeOther)
		builderAct(t, a, admin, base+"/questions/q_multiple/deplacer", url.Values{"sens": {"haut"}}, http.StatusUnprocessableEntity)
		builderAct(t, a, admin, base+"/questions/q_multiple/deplacer", url.Values{"sens": {"ailleurs"}}, http.StatusUnprocessableEntity)
		builderAct(t, a, admin, base+"/sections/gouvernance/deplacer", url.Values{"sens": {"haut"}}, http.StatusSeeOther)
		builderAct(t, a, admin, base+"/sections/gouvernance/deplacer", url.Values{"sens": {"haut"}}, http.StatusUnprocessableEntity)
		moved := questionOfEachType("section_1")[7] // q_url, to the other section
		builderAct(t, a, admin, base+"/questions/q_url", moved, http.StatusSeeOther)
		_, qn = storedDefinition(t, a, 2027, "label")
		ids := func(s form.Section) []string {
			var out []string
			for _, q := range s.Questions {
				out = append(out, q.ID)
			}
			return out
		}
		if qn.Sections[0].ID != "gouvernance" || ids(qn.Sections[0])[0] != "q_multiple" || ids(qn.Sections[0])[1] != "premiere" ||
			slices.Contains(ids(qn.Sections[0]), "q_url") || ids(qn.Sections[1])[1] != "q_url" {
			t.Fatalf("order: %v / %v", ids(qn.Sections[0]), ids(qn.Sections[1]))
		}

		// Deletions: a question; a section only when confirmed.
		builderAct(t, a, admin, base+"/questions/q_longtext/supprimer", url.Values{}, http.StatusSeeOther)
		r = builderAct(t, a, admin, base+"/sections/section_1/supprimer", url.Values{}, http.StatusUnprocessableEntity)
		says(t, r, "Cochez la case de confirmation", `href="#confirm-section_1"`)
		builderAct(t, a, admin, base+"/sections/section_1/supprimer", url.Values{"confirmer": {"1"}}, http.StatusSeeOther)
		_, qn = storedDefinition(t, a, 2027, "label")
		if len(qn.Sections) != 1 || slices.Contains(ids(qn.Sections[0]), "q_longtext") {
			t.Fatalf("after deletions: %+v", qn.Sections)
		}
		// The section form edits a section; the title has its own form.
		sec := url.Values{"id": {"pilotage"}, "title_fr": {"Pilotage"}, "cap": {"15"}}
		builderAct(t, a, admin, base+"/sections/gouvernance", sec, http.StatusSeeOther)
		r = builderAct(t, a, admin, base+"/titre", url.Values{"title_fr": {""}, "title_en": {"Label"}}, http.StatusUnprocessableEntity)
		says(t, r, "Le texte en français est obligatoire", `href="#title_fr"`, `value="Label"`)
		builderAct(t, a, admin, base+"/titre", url.Values{"title_fr": {"Questionnaire 2027"}}, http.StatusSeeOther)
		q, qn := storedDefinition(t, a, 2027, "label")
		if qn.Sections[0].ID != "pilotage" || qn.Title.FR != "Questionnaire 2027" || q.Version != 1 {
			t.Fatalf("final: v%d %+v", q.Version, qn)
		}
		for _, path := range []string{base + "/sections/inconnue", base + "/questions/inconnue", base + "/sections/pilotage/nouvelle-question",
			base + "/nouvelle-section", base + "/questions/q_oui"} {
			if r := admin.get(path); (r.status == http.StatusOK) != !strings.Contains(path, "inconnue") {
				t.Fatalf("GET %s: %d", path, r.status)
			}
		}
		wantStatus(t, "unknown track", admin.get("/admin/editions/2027/inconnu/questionnaire"), http.StatusNotFound)
		wantStatus(t, "no questionnaire yet", admin.get("/admin/editions/2027/badge/questionnaire/nouvelle-section"), http.StatusNotFound)
	})
}

// TestBuilderFrozenQuestionnaire: an application freezes the version it
// answers; an edit makes version 2, the application keeps version 1 until
// it is moved, and moving loses no answer, even one to a dropped question.
func TestBuilderFrozenQuestionnaire(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		base := "/admin/editions/2026/label/questionnaire"
		v1, qn := storedDefinition(t, a, 2026, "label")
		dropped := unreferencedQuestion(qn)
		kept := qn.Sections[0].Questions[0].ID
		if _, err := a.db.SaveAnswers(ctx, []domain.AnswerSave{
			{ApplicationID: f.app.ID, Question: dropped, Value: "une réponse", UserID: f.respUser.UserID},
			{ApplicationID: f.app.ID, Question: kept, Value: "yes", UserID: f.respUser.UserID},
		}); err != nil {
			t.Fatal(err)
		}
		says(t, f.admin.get(base), "Ce questionnaire est utilisé : toute modification crée une nouvelle version ; les candidatures gardent la leur.")

		builderAct(t, a, f.admin, base+"/questions/"+dropped+"/supprimer", url.Values{}, http.StatusSeeOther)
		says(t, f.admin.get(base), "la modification a créé une nouvelle version", "Figée (utilisée)",
			"Passer la candidature des versions antérieures à la version 2")
		v2, qn2 := storedDefinition(t, a, 2026, "label")
		if v2.Version != 2 || v2.Frozen {
			t.Fatalf("version 2: %+v", v2)
		}
		if q, _ := qn2.Question(dropped); q != nil {
			t.Fatal("version 2 still has the deleted question")
		}
		if old, _ := a.db.FindQuestionnaire(ctx, v1.ID); old.Version != 1 || !old.Frozen || string(old.Definition) != string(v1.Definition) {
			t.Fatalf("version 1 changed: %+v", old)
		}
		if app, _ := a.db.FindApplication(ctx, f.app.ID); app.Version != 1 {
			t.Fatalf("the application moved by itself to version %d", app.Version)
		}
		// A second edit changes version 2 in place: nobody uses it yet.
		builderAct(t, a, f.admin, base+"/titre", url.Values{"title_fr": {"Label 2026, version 2"}}, http.StatusSeeOther)
		if v, _ := storedDefinition(t, a, 2026, "label"); v.Version != 2 {
			t.Fatalf("unused version 2 became %d", v.Version)
		}

		wantStatus(t, "unknown version", f.admin.post(base+"/deplacer-candidatures?version=9", url.Values{}), http.StatusNotFound)
		builderAct(t, a, f.admin, base+"/deplacer-candidatures?version=2", url.Values{}, http.StatusSeeOther)
		if app, _ := a.db.FindApplication(ctx, f.app.ID); app.Version != 2 {
			t.Fatalf("application on version %d after the move", app.Version)
		}
		answers, err := a.db.Answers(ctx, f.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		if answers[dropped].Value != "une réponse" || answers[kept].Value != "yes" {
			t.Fatalf("answers after the move: %+v", answers)
		}
		says(t, f.admin.get(base), "Ce questionnaire est utilisé")
		// Version 1 can still be downloaded.
		r := f.admin.get("/admin/editions/2026/label/questionnaire.json?version=1")
		wantStatus(t, "download version 1", r, http.StatusOK)
		if !strings.Contains(r.body, `"`+dropped+`"`) {
			t.Fatal("version 1's file lacks its question")
		}
	})
}

// unreferencedQuestion returns the id of a question no condition names.
func unreferencedQuestion(qn *form.Questionnaire) string {
	named := map[string]bool{}
	for _, s := range qn.Sections {
		if s.ShowIf != nil {
			named[s.ShowIf.Question] = true
		}
		for _, q := range s.Questions {
			if q.ShowIf != nil {
				named[q.ShowIf.Question] = true
			}
		}
	}
	last := qn.Sections[len(qn.Sections)-1]
	for i := len(last.Questions) - 1; i >= 0; i-- {
		if !named[last.Questions[i].ID] {
			return last.Questions[i].ID
		}
	}
	panic("every question is named by a condition")
}

// TestBuilderStaleEdit: two admins open the same question and the same
// section; the first one's save goes through, the second one's is refused
// with their input kept and a message, and goes through when sent again
// from the refreshed form. A change elsewhere is no conflict.
func TestBuilderStaleEdit(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		ann := a.signedIn("ann@example.org", domain.RoleAdmin)
		bob := a.signedIn("bob@example.org", domain.RoleAdmin)
		builderEdition(t, a, 2027, "label")
		base := "/admin/editions/2027/label/questionnaire"
		builderAct(t, a, ann, base+"/demarrer", url.Values{"depart": {"vide"}}, http.StatusSeeOther)
		_, qn := storedDefinition(t, a, 2027, "label")
		q, sec := qn.Sections[0].Questions[0], qn.Sections[0]
		qPath, secPath := base+"/questions/"+q.ID, base+"/sections/"+sec.ID
		formOf := func(b *browser, path string) url.Values {
			r := b.get(path)
			wantStatus(t, path, r, http.StatusOK)
			v := url.Values{"base": {hiddenValue(t, r.body, "base")}}
			return v
		}
		annQ, bobQ := formOf(ann, qPath), formOf(bob, qPath)
		for _, v := range []url.Values{annQ, bobQ} {
			v.Set("section", sec.ID)
			v.Set("id", q.ID)
			v.Set("type", string(q.Type))
		}
		annQ.Set("label_fr", "Version d'Ann")
		bobQ.Set("label_fr", "Version de Bob")
		bobSec := formOf(bob, secPath)
		bobSec.Set("id", sec.ID)
		bobSec.Set("title_fr", "Titre de Bob")

		builderAct(t, a, ann, qPath, annQ, http.StatusSeeOther)
		r := builderAct(t, a, bob, qPath, bobQ, http.StatusConflict)
		says(t, r, "Quelqu'un a modifié cette question", "Version de Bob")
		if _, qn = storedDefinition(t, a, 2027, "label"); qn.Sections[0].Questions[0].Label.FR != "Version d'Ann" {
			t.Fatalf("the stale save overwrote: %+v", qn.Sections[0].Questions[0].Label)
		}
		// Ann's change of a question is no change of its section.
		builderAct(t, a, bob, secPath, bobSec, http.StatusSeeOther)
		bobQ.Set("base", hiddenValue(t, r.body, "base"))
		builderAct(t, a, bob, qPath, bobQ, http.StatusSeeOther)
		if _, qn = storedDefinition(t, a, 2027, "label"); qn.Sections[0].Questions[0].Label.FR != "Version de Bob" ||
			qn.Sections[0].Title.FR != "Titre de Bob" {
			t.Fatalf("after the deliberate save: %+v %+v", qn.Sections[0].Questions[0].Label, qn.Sections[0].Title)
		}
	})
}

// hiddenValue is the value of the hidden input name in a page.
func hiddenValue(t *testing.T, body, name string) string {
	t.Helper()
	marker := `<input type="hidden" name="` + name + `" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no hidden %s in the page", name)
	}
	rest := body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

// TestBuilderAdjustments edits the scoring adjustments on the builder's
// page: a line that cannot be read and one that Check refuses are shown
// with the input kept; good lines are saved and shown back as typed.
func TestBuilderAdjustments(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		builderEdition(t, a, 2027, "label")
		base := "/admin/editions/2027/label/questionnaire"
		builderAct(t, a, admin, base+"/demarrer", url.Values{"depart": {"vide"}}, http.StatusSeeOther)
		_, qn := storedDefinition(t, a, 2027, "label")
		sec := qn.Sections[0].ID
		r := builderAct(t, a, admin, base+"/ajustements", url.Values{"adjustments": {"commune | beaucoup | * | 1,5"}}, http.StatusUnprocessableEntity)
		says(t, r, "Ligne 1 des ajustements", `href="#adjustments"`, "commune | beaucoup")
		r = builderAct(t, a, admin, base+"/ajustements", url.Values{"adjustments": {"commune | -3499 | ailleurs | 1,5"}}, http.StatusUnprocessableEntity)
		says(t, r, "la section « ailleurs », qui n'existe pas")
		lines := "commune, syndicat | 0-3499 | " + sec + " | 1,25\n* | 100000- | * | 0,9"
		builderAct(t, a, admin, base+"/ajustements", url.Values{"adjustments": {lines}}, http.StatusSeeOther)
		_, qn = storedDefinition(t, a, 2027, "label")
		want := []form.Adjustment{
			{Kinds: []string{"commune", "syndicat"}, MaxPopulation: 3499, Section: sec, Factor: 1.25},
			{MinPopulation: 100000, Factor: 0.9},
		}
		if fmt.Sprint(qn.Adjustments) != fmt.Sprint(want) {
			t.Fatalf("adjustments %+v, want %+v", qn.Adjustments, want)
		}
		says(t, admin.get(base), "commune, syndicat | -3499 | "+sec+" | 1.25", "* | 100000- | * | 0.9")
		builderAct(t, a, admin, base+"/ajustements", url.Values{"adjustments": {""}}, http.StatusSeeOther)
		if _, qn = storedDefinition(t, a, 2027, "label"); len(qn.Adjustments) != 0 {
			t.Fatalf("not removed: %+v", qn.Adjustments)
		}
	})
}
