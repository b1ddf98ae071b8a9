package web

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/render"
)

func TestQuestionnairePreview(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		for _, track := range []string{"label", "badge"} {
			def, _ := form.Default(track)
			base := "/admin/editions/2026/" + track + "/questionnaire/apercu"
			types := map[form.Type]bool{}
			rendered := map[form.Type]bool{}
			for _, sec := range def.Sections {
				r := f.admin.get(base + "?section=" + sec.ID)
				wantStatus(t, "preview "+sec.ID, r, http.StatusOK)
				says(t, r, "Aperçu : rien n'est enregistré", sec.Title.FR, `aria-current="page"`)
				// Nothing on the page posts anywhere but the layout's own forms.
				mustNotContain(t, r, "/candidatures/", "/reponses", `action="/admin`)
				if n := strings.Count(r.body, `method="post"`); n != 2 { // language and sign-out
					t.Fatalf("preview of %s has %d posting forms", sec.ID, n)
				}
				for _, q := range sec.Questions {
					types[q.Type] = true
					if !strings.Contains(r.body, fmt.Sprintf(`data-question="%s" data-type="%s"`, q.ID, q.Type)) {
						t.Fatalf("preview of %s lacks question %s", sec.ID, q.ID)
					}
					rendered[q.Type] = true
					if q.ShowIf != nil {
						says(t, r, "Seulement si la réponse à")
					}
				}
				// Every control of the questions is disabled.
				body := r.body[strings.Index(r.body, `<form class="preview"`):]
				body = body[:strings.Index(body, "</form>")]
				for _, tag := range []string{"<input", "<select", "<textarea", "<button"} {
					for _, part := range strings.Split(body, tag)[1:] {
						end := strings.Index(part, ">")
						if !strings.Contains(part[:end], "disabled") && !strings.Contains(part[:end], `type="hidden"`) {
							t.Fatalf("preview of %s: an enabled control %s%s>", sec.ID, tag, part[:end])
						}
					}
				}
			}
			if track == "label" && len(rendered) < 10 {
				t.Fatalf("the default label questionnaire shows only %d types", len(rendered))
			}
			for typ := range types {
				if !rendered[typ] {
					t.Fatalf("type %s not rendered", typ)
				}
			}
			says(t, f.admin.get(base), def.Sections[0].Title.FR)
		}
		wantStatus(t, "unknown section", f.admin.get("/admin/editions/2026/label/questionnaire/apercu?section=inconnue"), http.StatusNotFound)
		wantStatus(t, "applicant", f.resp.get("/admin/editions/2026/label/questionnaire/apercu"), http.StatusForbidden)
	})
}

func TestQuestionList(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		newAppFixture(t, a) // 2026, open since 1 September
		def, _ := form.Default("label")
		visitor := a.browser()
		r := visitor.get("/editions/2026/label/questions")
		wantStatus(t, "question list", r, http.StatusOK)
		first := def.Sections[0].Questions[0]
		count := 0
		for _, s := range def.Sections {
			count += len(s.Questions)
			says(t, r, "1. "+def.Sections[0].Title.FR, s.Title.FR)
		}
		says(t, r, `<span class="qlist-num">1.1</span> `+first.Label.FR, "Seulement si la réponse à « "+first.Label.FR+" » (1.1) est « Oui »",
			fmt.Sprintf("%d questions.", count), "Obligatoire", "Facultative", "questions.ods", "10 novembre 2026 à 23 h 59")
		mustContain(t, r, html.EscapeString(first.Label.FR))
		mustNotContain(t, r, "pt pour oui") // the scoring is the organisers' business

		// The same list as a spreadsheet.
		r = visitor.get("/editions/2026/label/questions.ods")
		wantStatus(t, "ODS", r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); ct != "application/vnd.oasis.opendocument.spreadsheet" {
			t.Fatalf("Content-Type %q", ct)
		}
		if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="questions-2026-label.ods"`) {
			t.Fatalf("Content-Disposition %q", cd)
		}
		sheets, err := render.ReadODS(bytes.NewReader([]byte(r.body)), int64(len(r.body)))
		if err != nil {
			t.Fatal(err)
		}
		rows := sheets["Questions"]
		if len(rows) != 1+count {
			t.Fatalf("%d rows, want %d", len(rows), 1+count)
		}
		if strings.Join(rows[0], "|") != "Section|N°|Question|Type de réponse|Obligatoire|Réponses possibles|Aide|Condition" {
			t.Fatalf("header %q", rows[0])
		}
		if rows[1][1] != "1.1" || rows[1][2] != first.Label.FR || rows[1][0] != def.Sections[0].Title.FR || rows[1][4] != "Oui" {
			t.Fatalf("first row %q", rows[1])
		}
		if !strings.HasPrefix(rows[2][7], "Seulement si") {
			t.Fatalf("second row's condition %q", rows[2])
		}

		// In English, words are English.
		visitor.headers["Accept-Language"] = "en"
		says(t, visitor.get("/editions/2026/label/questions"), first.Label.EN, "Required")

		// Unknown editions and tracks, and lists not yet published, are 404.
		builderEdition(t, a, 2027, "label") // opens in September 2027
		if _, err := a.db.SaveQuestionnaire(ctx, 2027, "label", encodeQuestionnaire(t, def), domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/editions/2027/label/questions", "/editions/2027/label/questions.ods",
			"/editions/2026/inconnu/questions", "/editions/1999/label/questions", "/editions/deux/label/questions"} {
			wantStatus(t, p, visitor.get(p), http.StatusNotFound)
		}
		a.clock.add(time.Date(2027, 9, 1, 7, 0, 0, 0, time.UTC).Sub(a.clock.now())) // 9:00 in Paris: open
		wantStatus(t, "2027 once open", visitor.get("/editions/2027/label/questions"), http.StatusOK)
	})
}

func encodeQuestionnaire(t *testing.T, qn *form.Questionnaire) []byte {
	t.Helper()
	raw, err := form.Encode(qn)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// editionAdminFixtures gives each admin POST route on editions and
// questionnaires an object it can act on and a valid form, so that the walk
// of every admin action (TestEveryAdminActionIsAudited) checks them too.
// It works on editions 2032 and later, which no other fixture uses.
func editionAdminFixtures(t *testing.T, a *testApp) map[string]struct {
	path string
	form url.Values
} {
	t.Helper()
	builderEdition(t, a, 2032, "walk", "vide")
	qn := &form.Questionnaire{Track: "walk", Title: form.Text{FR: "Parcours"}}
	for s := 1; s <= 3; s++ {
		sec := form.Section{ID: fmt.Sprintf("s%d", s), Title: form.Text{FR: fmt.Sprintf("Section %d", s)}}
		for q := 1; q <= 2; q++ {
			n := 2*(s-1) + q
			sec.Questions = append(sec.Questions, form.Question{ID: fmt.Sprintf("q%d", n), Type: form.YesNo, Label: form.Text{FR: fmt.Sprintf("Question %d ?", n)}})
		}
		qn.Sections = append(qn.Sections, sec)
	}
	raw := encodeQuestionnaire(t, qn)
	if _, err := a.db.SaveQuestionnaire(ctx, 2032, "walk", raw, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	edition := url.Values{"title": {"Édition 2032"}, "opens_date": {"2032-09-01"}, "opens_time": {"09:00"}, "last_day": {"2032-11-10"},
		"track-0-key": {"walk"}, "track-0-name": {"Walk"}, "track-0-level-0-name": {"Un"}, "track-0-level-0-threshold": {"1"},
		"track-1-key": {"vide"}, "track-1-name": {"Vide"}, "track-1-level-0-name": {"Un"}, "track-1-level-0-threshold": {"1"}}
	q := "/admin/editions/{year}/{track}/questionnaire"
	at := "/admin/editions/2032/walk/questionnaire"
	return map[string]struct {
		path string
		form url.Values
	}{
		"/admin/editions/nouvelle":                  {"/admin/editions/nouvelle", editionValues(2034)},
		"/admin/editions/{year}":                    {"/admin/editions/2032", edition},
		"/admin/editions/{year}/copier":             {"/admin/editions/2032/copier", url.Values{"to": {"2035"}}},
		q + "/demarrer":                             {"/admin/editions/2032/vide/questionnaire/demarrer", url.Values{"depart": {"vide"}}},
		q + "/titre":                                {at + "/titre", url.Values{"title_fr": {"Parcours de test"}}},
		q + "/ajustements":                          {at + "/ajustements", url.Values{"adjustments": {"commune | -3499 | s1 | 1,25"}}},
		q + "/nouvelle-section":                     {at + "/nouvelle-section", url.Values{"id": {"s9"}, "title_fr": {"Neuf"}, "first_id": {"q9"}, "first_type": {"yesno"}, "first_label": {"Neuf ?"}}},
		q + "/sections/{section}":                   {at + "/sections/s1", url.Values{"id": {"s1"}, "title_fr": {"Section un"}}},
		q + "/sections/{section}/deplacer":          {at + "/sections/s1/deplacer", url.Values{"sens": {"bas"}}},
		q + "/sections/{section}/supprimer":         {at + "/sections/s3/supprimer", url.Values{"confirmer": {"1"}}},
		q + "/sections/{section}/nouvelle-question": {at + "/sections/s1/nouvelle-question", builderQuestionValues("s1", "q_new", "yesno", "Nouvelle ?")},
		q + "/questions/{question}":                 {at + "/questions/q1", builderQuestionValues("s1", "q1", "yesno", "Première ?")},
		q + "/questions/{question}/deplacer":        {at + "/questions/q2/deplacer", url.Values{"sens": {"haut"}}},
		q + "/questions/{question}/supprimer":       {at + "/questions/q4/supprimer", url.Values{}},
		q + "/deplacer-candidatures":                {at + "/deplacer-candidatures?version=1", url.Values{}},
		q + "/importer":                             {at + "/importer", url.Values{"contenu": {string(raw)}}},
	}
}

// TestEditionAdminActionsAuditedOnce walks this feature's admin POST
// routes, as TestEveryAdminActionIsAudited walks all of them.
func TestEditionAdminActionsAuditedOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		objects := editionAdminFixtures(t, a)
		walked := 0
		for _, rt := range a.srv.routes() {
			if rt.access != adminOnly || rt.method != "POST" || !strings.HasPrefix(rt.pattern, "/admin/editions") {
				continue
			}
			o, ok := objects[rt.pattern]
			if !ok {
				if strings.Contains(rt.pattern, "questionnaire") || !strings.Contains(rt.pattern, "rappels") {
					t.Errorf("%s has no fixture", rt.pattern)
				}
				continue
			}
			walked++
			builderAct(t, a, admin, o.path, o.form, http.StatusSeeOther)
		}
		if walked != len(objects) {
			t.Fatalf("walked %d routes of %d fixtures", walked, len(objects))
		}
	})
}
