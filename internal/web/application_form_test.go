package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// sectionPath is the address of one section of the fixture's application.
func (f *appFixture) sectionPath(section string) string {
	return fmt.Sprintf("/candidatures/%d/sections/%s", f.app.ID, section)
}

// sectionPost is what a section page posts: each question's version as
// stored now, and the given fields.
func (f *appFixture) sectionPost(t *testing.T, section string, fields url.Values) url.Values {
	t.Helper()
	def, err := form.Default("label")
	if err != nil {
		t.Fatal(err)
	}
	answers, err := f.a.db.Answers(ctx, f.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := url.Values{}
	for _, q := range formSection(def, section).Questions {
		out.Set(form.VersionField(q.ID), strconv.Itoa(answers[q.ID].Version))
	}
	for k, v := range fields {
		out[k] = v
	}
	return out
}

// answers returns the stored values of the fixture's application.
func (f *appFixture) answers(t *testing.T) map[string]string {
	t.Helper()
	all, err := f.a.db.Answers(ctx, f.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for q, a := range all {
		out[q] = a.Value
	}
	return out
}

func wantAnswerValues(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	for q, v := range want {
		if got[q] != v {
			t.Errorf("%s = %q, want %q", q, got[q], v)
		}
	}
}

func TestSectionPageShowsHeaderAndNavigation(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		r := f.elu.get(f.sectionPath("strategie"))
		wantStatus(t, "section", r, http.StatusOK)
		says(t, r, "Saint-Martin-d'Uriage", "Édition 2026 · Label", "Statut : brouillon",
			"Date limite : 10 novembre 2026 à 23 h 59", "encore 40 jours", "<progress",
			`href="/candidatures/1/sections/strategie" aria-current="page"`, "Score indicatif de la section : 0 / 20",
			"Enregistrer et passer à la section suivante", "(obligatoire)", `<script src="/static/autosave.`)
		wantStatus(t, "unknown section", f.elu.get(f.sectionPath("inconnue")), http.StatusNotFound)
	})
}

// TestEveryQuestionTypeSavedByPlainPost fills the default questionnaire's
// questions of every type with JavaScript off, and reads them back.
func TestEveryQuestionTypeSavedByPlainPost(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		r := f.elu.post(f.sectionPath("strategie"), f.sectionPost(t, "strategie", url.Values{
			"a.strategie_adoptee":        {"yes"},
			"a.strategie_date":           {"15/03/2024"}, // revealed by the answer above, in the same post
			"a.strategie_portage":        {"informatique", "elu"},
			"a.plan_action":              {"Étape 1.\r\nÉtape 2."},
			"a.mutualisation_structures": {"opsn"},
			"a.mutualisation_nom":        {"  Syndicat numérique  "},
			"a.mutualisation_part":       {"moitie"},
			"next":                       {"1"},
		}))
		wantStatus(t, "strategie", r, http.StatusSeeOther)
		if r.location() != f.sectionPath("interoperabilite") {
			t.Fatalf("save and next went to %q", r.location())
		}
		r = f.elu.post(f.sectionPath("interoperabilite"), f.sectionPost(t, "interoperabilite", url.Values{
			"a.rgaa_declaration": {"yes"}, "a.rgaa_url": {"https://mairie.example.fr/accessibilite"},
		}))
		wantStatus(t, "interoperabilite", r, http.StatusSeeOther)
		r = f.elu.post(f.sectionPath("logiciels"), f.sectionPost(t, "logiciels", url.Values{
			"a.bureautique":                  {"libre"},
			"a.postes_nombre":                {"12 000"},
			"a.postes_linux":                 {"37,5"},
			"a.logiciels_postes":             {"LibreOffice", "Firefox\nThunderbird", ""},
			"a.logiciels_metier.0.nom":       {"Open Cimetière"},
			"a.logiciels_metier.0.usage":     {"Cimetières"},
			"a.logiciels_metier.0.postes":    {"3"},
			"a.logiciels_metier.0.mutualise": {"yes"},
			"a.logiciels_metier.1.nom":       {""},
		}))
		wantStatus(t, "logiciels", r, http.StatusSeeOther)
		if r.location() != f.sectionPath("logiciels") {
			t.Fatalf("save went to %q", r.location())
		}
		wantAnswerValues(t, f.answers(t), map[string]string{
			"strategie_adoptee": "yes", "strategie_date": "2024-03-15",
			"strategie_portage": `["elu","informatique"]`, "plan_action": "Étape 1.\nÉtape 2.",
			"mutualisation_structures": `["opsn"]`, "mutualisation_nom": "Syndicat numérique",
			"mutualisation_part": "moitie", "rgaa_declaration": "yes",
			"rgaa_url": "https://mairie.example.fr/accessibilite", "bureautique": "libre",
			"postes_nombre": "12000", "postes_linux": "37.5",
			"logiciels_postes": `["LibreOffice","Firefox","Thunderbird"]`,
			"logiciels_metier": `[["Open Cimetière","Cimetières","3","yes"]]`,
		})
		// Read back: the page shows the saved values in their fields.
		r = f.elu.get(f.sectionPath("logiciels"))
		says(t, r, "Vos réponses sont enregistrées.", `value="12000"`, `value="37,5"`, `value="Thunderbird"`,
			`value="Open Cimetière"`, `<option value="yes" selected>`, `value="libre" checked`)
		r = f.elu.get(f.sectionPath("strategie"))
		says(t, r, `value="15/03/2024"`, `value="elu" checked`, "Étape 1.\nÉtape 2.</textarea>", `value="Syndicat numérique"`)
		if !strings.Contains(r.body, "Score indicatif de la section : ") || strings.Contains(r.body, "Score indicatif de la section : 0 /") {
			t.Fatalf("the section's score did not move:\n%s", r.body)
		}
	})
}

func TestInvalidAnswersShownAgainWithWhatWasTyped(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		r := f.elu.post(f.sectionPath("logiciels"), f.sectionPost(t, "logiciels", url.Values{
			"a.postes_nombre": {"douze"}, "a.postes_linux": {"140"}, "a.bureautique": {"mixte"},
		}))
		wantStatus(t, "invalid", r, http.StatusUnprocessableEntity)
		says(t, r, `value="douze"`, `value="140"`, "Saisissez un nombre entier, par exemple 12 000.",
			"Ce nombre est hors des limites autorisées.", `href="#a.postes_nombre"`, `aria-invalid="true"`,
			`id="error-postes_nombre"`, `value="mixte" checked`)
		// The valid answer was saved; the page carries its new version.
		wantAnswerValues(t, f.answers(t), map[string]string{"bureautique": "mixte", "postes_nombre": ""})
		says(t, r, `name="v.bureautique" value="1"`)
	})
}

func TestTableAddRowsAndSoftwareCatalogue(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		if err := a.db.AddSoftware(ctx, "Nextcloud", "LibreOffice"); err != nil {
			t.Fatal(err)
		}
		r := f.elu.get(f.sectionPath("logiciels"))
		says(t, r, `<datalist id="catalogue-logiciels_postes">`, `<option value="Nextcloud">`,
			`list="catalogue-logiciels_postes"`, `name="a.logiciels_metier.1.nom"`, `<th scope="col"`,
			"<caption", `<th scope="row"`)
		mustNotContain(t, r, `name="a.logiciels_metier.2.nom"`)
		r = f.elu.post(f.sectionPath("logiciels"), f.sectionPost(t, "logiciels", url.Values{
			"a.logiciels_metier.0.nom": {"Lutèce"}, "a.logiciels_metier.0.postes": {""},
			"a.logiciels_metier.1.nom": {""}, "more": {"logiciels_metier"},
		}))
		wantStatus(t, "more rows", r, http.StatusSeeOther)
		if !strings.HasPrefix(r.location(), f.sectionPath("logiciels")+"?lignes=logiciels_metier-4") {
			t.Fatalf("more rows went to %q", r.location())
		}
		r = f.elu.get(r.location())
		says(t, r, `value="Lutèce"`, `name="a.logiciels_metier.4.nom"`)
		mustNotContain(t, r, `name="a.logiciels_metier.5.nom"`)
		wantAnswerValues(t, f.answers(t), map[string]string{"logiciels_metier": `[["Lutèce","","",""]]`})
	})
}

var hiddenStrategyDate = regexp.MustCompile(`id="q-strategie_date"[^>]* hidden`)

func TestConditionalQuestionAppearsOnceItsAnswerIsSaved(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		r := f.elu.get(f.sectionPath("strategie"))
		if !hiddenStrategyDate.MatchString(r.body) {
			t.Fatalf("the date of adoption is shown before the strategy is:\n%s", r.body)
		}
		mustContain(t, r, `data-show-if="strategie_adoptee"`, `data-show-values="[&#34;yes&#34;]"`)
		r = f.elu.post(f.sectionPath("strategie"), f.sectionPost(t, "strategie", url.Values{"a.strategie_adoptee": {"yes"}}))
		wantStatus(t, "save", r, http.StatusSeeOther)
		r = f.elu.get(f.sectionPath("strategie"))
		if hiddenStrategyDate.MatchString(r.body) {
			t.Fatalf("the date of adoption stays hidden:\n%s", r.body)
		}
		// A hidden question's input is not saved.
		f.elu.post(f.sectionPath("strategie"), f.sectionPost(t, "strategie", url.Values{
			"a.strategie_adoptee": {"no"}, "a.strategie_date": {"2024-01-01"}}))
		wantAnswerValues(t, f.answers(t), map[string]string{"strategie_adoptee": "no", "strategie_date": ""})
	})
}

// TestStaleSaveKeepsBothValues: two people load the same version; the
// second save is refused, shown beside the newer one, and both stay in the
// history; the person may then keep theirs or take the newer one.
func TestStaleSaveKeepsBothValues(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		eluForm := f.sectionPost(t, "logiciels", url.Values{"a.postes_nombre": {"100"}, "a.bureautique": {"libre"}})
		respForm := f.sectionPost(t, "logiciels", url.Values{"a.postes_nombre": {"200"}, "a.postes_linux": {"10"}})
		wantStatus(t, "first save", f.elu.post(f.sectionPath("logiciels"), eluForm), http.StatusSeeOther)
		r := f.resp.post(f.sectionPath("logiciels"), respForm)
		wantStatus(t, "stale save", r, http.StatusConflict)
		says(t, r, "Votre saisie", "Version enregistrée par elu@example.org le 1er octobre 2026",
			`value="200"`, `name="v.postes_nombre" value="1"`, "Garder ma saisie", "Reprendre la version enregistrée")
		// Untouched answers are not conflicts: bureautique keeps the élu's
		// choice; the responsable's other change is saved.
		wantAnswerValues(t, f.answers(t), map[string]string{"postes_nombre": "100", "bureautique": "libre", "postes_linux": "10"})
		hist, err := a.db.AnswerHistory(ctx, f.app.ID, "postes_nombre")
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Value != "100" || !hist[0].Accepted || hist[1].Value != "200" || hist[1].Accepted {
			t.Fatalf("history: %+v", hist)
		}
		keep := url.Values{"mine": {"postes_nombre"}}
		for k, v := range respForm {
			keep[k] = v
		}
		keep.Set("v.postes_nombre", "1")
		keep.Set("v.postes_linux", "1")
		wantStatus(t, "keep mine", f.resp.post(f.sectionPath("logiciels"), keep), http.StatusSeeOther)
		wantAnswerValues(t, f.answers(t), map[string]string{"postes_nombre": "200"})
		// The élu, still on version 1, is refused and takes the newer one.
		r = f.elu.post(f.sectionPath("logiciels"), f.sectionPostAt(eluForm, "postes_nombre", 1, "300"))
		wantStatus(t, "second conflict", r, http.StatusConflict)
		take := f.sectionPostAt(eluForm, "postes_nombre", 2, "300")
		take.Set("theirs", "postes_nombre")
		wantStatus(t, "take theirs", f.elu.post(f.sectionPath("logiciels"), take), http.StatusSeeOther)
		wantAnswerValues(t, f.answers(t), map[string]string{"postes_nombre": "200"})
	})
}

// sectionPostAt is a copy of a posted form with one answer and version set.
func (f *appFixture) sectionPostAt(posted url.Values, q string, version int, value string) url.Values {
	out := url.Values{}
	for k, v := range posted {
		out[k] = v
	}
	out.Set(form.VersionField(q), strconv.Itoa(version))
	out.Set(form.AnswerField(q), value)
	return out
}

func TestSectionAccessByRole(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		// A contributor limited to "logiciels" reads the other sections.
		r := f.contrib.get(f.sectionPath("strategie"))
		wantStatus(t, "contributor reads", r, http.StatusOK)
		says(t, r, "Votre rôle de contributeur ne vous permet pas de modifier cette section")
		mustNotContain(t, r, `name="a.`, "<textarea", `class="section-form"`)
		r = f.contrib.post(f.sectionPath("strategie"), f.sectionPost(t, "strategie", url.Values{"a.strategie_adoptee": {"yes"}}))
		wantStatus(t, "contributor outside", r, http.StatusForbidden)
		says(t, r, "Vous ne pouvez pas modifier cette section")
		r = f.contrib.post(f.sectionPath("logiciels"), f.sectionPost(t, "logiciels", url.Values{"a.postes_nombre": {"30"}}))
		wantStatus(t, "contributor inside", r, http.StatusSeeOther)
		wantStatus(t, "contributor page", f.contrib.get(f.sectionPath("logiciels")), http.StatusOK)
		wantAnswerValues(t, f.answers(t), map[string]string{"strategie_adoptee": "", "postes_nombre": "30"})

		// The secretariat reads, never answers.
		r = f.admin.get(f.sectionPath("logiciels"))
		wantStatus(t, "admin reads", r, http.StatusOK)
		says(t, r, "Vous consultez cette candidature pour le secrétariat du label", "30")
		mustNotContain(t, r, `name="a.`, "<textarea", `class="section-form"`, `type="file"`)
		r = f.admin.post(f.sectionPath("logiciels"), f.sectionPost(t, "logiciels", url.Values{"a.postes_nombre": {"31"}}))
		wantStatus(t, "admin writes", r, http.StatusForbidden)

		// Anyone else does not learn that the application exists.
		att := f.attachPDF(t, f.elu)
		for _, r := range []*response{
			f.outsider.get(f.sectionPath("logiciels")),
			f.outsider.post(f.sectionPath("logiciels"), f.sectionPost(t, "logiciels", url.Values{"a.postes_nombre": {"1"}})),
			f.outsider.post(f.autosavePath(), url.Values{"q": {"postes_nombre"}, "a.postes_nombre": {"1"}, "v.postes_nombre": {"1"}}),
			f.outsider.postFile(t, fmt.Sprintf("/candidatures/%d/fichiers?q=strategie_deliberation", f.app.ID), nil, "a.pdf", testPDF),
			f.outsider.get(fmt.Sprintf("/candidatures/%d/fichiers/%d", f.app.ID, att)),
		} {
			wantStatus(t, "outsider", r, http.StatusNotFound)
		}
		wantAnswerValues(t, f.answers(t), map[string]string{"postes_nombre": "30"})
	})
}

func TestDeadlineMakesTheFormReadOnly(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		a.clock.add(domain.ParisDeadline(2026, 11, 10).Sub(a.clock.now()) - time.Second)
		r := f.elu.post(f.autosavePath(), url.Values{"q": {"postes_nombre"}, "a.postes_nombre": {"5"}, "v.postes_nombre": {"0"}})
		wantStatus(t, "23:59:59 in Paris", r, http.StatusOK)
		says(t, f.elu.get(f.sectionPath("logiciels")), "encore 1 min")
		a.clock.add(time.Second)
		r = f.elu.get(f.sectionPath("logiciels"))
		wantStatus(t, "page after the deadline", r, http.StatusOK)
		says(t, r, "date limite passée : candidature en lecture seule", "La date limite est passée : la candidature est en lecture seule.")
		mustNotContain(t, r, `name="a.`, `class="section-form"`)
		r = f.elu.post(f.sectionPath("logiciels"), f.sectionPost(t, "logiciels", url.Values{"a.postes_nombre": {"6"}}))
		wantStatus(t, "post after the deadline", r, http.StatusForbidden)
		says(t, r, "La date limite est passée : la candidature est en lecture seule et votre modification n'a pas été enregistrée.")
		r = f.elu.post(f.autosavePath(), url.Values{"q": {"postes_nombre"}, "a.postes_nombre": {"6"}, "v.postes_nombre": {"1"}})
		wantStatus(t, "autosave after the deadline", r, http.StatusForbidden)
		says(t, r, `"status":"closed"`, "La date limite est passée")
		r = f.elu.postFile(t, fmt.Sprintf("/candidatures/%d/fichiers?q=strategie_deliberation", f.app.ID),
			url.Values{"v.strategie_deliberation": {"0"}}, "d.pdf", testPDF)
		wantStatus(t, "postFile after the deadline", r, http.StatusForbidden)
		says(t, r, "La date limite est passée")
		wantAnswerValues(t, f.answers(t), map[string]string{"postes_nombre": "5", "strategie_deliberation": ""})
	})
}
