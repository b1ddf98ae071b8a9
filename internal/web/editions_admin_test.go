package web

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// editionValues is a valid edition form for year: applications from
// 1 September 9:00 to 10 November (Paris), a Label track with three levels
// and a Badge track with one.
func editionValues(year int) url.Values {
	y, next := strconv.Itoa(year), strconv.Itoa(year+1)
	return url.Values{
		"year": {y}, "title": {"Label " + y},
		"opens_date": {y + "-09-01"}, "opens_time": {"09:00"}, "last_day": {y + "-11-10"},
		"jury_date": {y + "-12-03"}, "jury_time": {"14:00"},
		"ceremony_date": {next + "-01-21"}, "ceremony_time": {"18:30"}, "ceremony_place": {"Hôtel de ville de Lyon"},
		"publish_date": {next + "-01-21"}, "publish_time": {"18:30"},
		"rules": {"Article 1.\n\nArticle 2."}, "mentions": {"Sobriété numérique\n\nMutualisation\n"},
		"responsable_may_submit": {"1"},
		"track-0-key":            {"label"}, "track-0-name": {"Label"},
		"track-0-level-0-name": {"Bronze"}, "track-0-level-0-threshold": {"30"},
		"track-0-level-1-name": {"Argent"}, "track-0-level-1-threshold": {"55"},
		"track-0-level-2-name": {"Or"}, "track-0-level-2-threshold": {"80,5"},
		"track-0-level-3-name": {""}, "track-0-level-3-threshold": {""},
		"track-1-key": {"badge"}, "track-1-name": {"Badge"},
		"track-1-level-0-name": {"Badge"}, "track-1-level-0-threshold": {"5"},
		"track-2-key": {""}, "track-2-name": {""},
	}
}

func editionWith(v url.Values, pairs ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		out.Set(pairs[i], pairs[i+1])
	}
	return out
}

func TestEditionCreateAndEdit(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		says(t, admin.get("/admin/editions"), "Nouvelle édition", "Aucune édition")
		says(t, admin.get("/admin/editions/nouvelle"), "Dernier jour pour candidater", "Parcours 1")

		// Refused forms change nothing and keep what was typed.
		before := auditCount(t, a.db)
		r := admin.post("/admin/editions/nouvelle", editionWith(editionValues(2027), "track-0-level-1-threshold", "20"))
		wantStatus(t, "thresholds not increasing", r, http.StatusUnprocessableEntity)
		says(t, r, "Les scores minimaux doivent augmenter", `value="20"`, `value="Argent"`, `value="Label 2027"`, "Hôtel de ville de Lyon")
		mustContain(t, r, `href="#track-0-level-1-threshold"`, `id="track-0-level-1-threshold" name="track-0-level-1-threshold" type="text" value="20" inputmode="decimal" aria-describedby="track-0-level-1-threshold-error" aria-invalid="true"`)
		r = admin.post("/admin/editions/nouvelle", editionWith(editionValues(2027), "opens_date", "2027-11-20"))
		wantStatus(t, "closing before opening", r, http.StatusUnprocessableEntity)
		says(t, r, "Le dernier jour pour candidater doit venir après l'ouverture", `value="2027-11-20"`)
		for name, v := range map[string]url.Values{
			"no title":           editionWith(editionValues(2027), "title", ""),
			"bad year":           editionWith(editionValues(2027), "year", "vingt"),
			"bad track key":      editionWith(editionValues(2027), "track-0-key", "Label!"),
			"same key twice":     editionWith(editionValues(2027), "track-1-key", "label"),
			"level without name": editionWith(editionValues(2027), "track-0-level-3-threshold", "90"),
			"no track":           editionWith(editionValues(2027), "track-0-key", "", "track-0-name", "", "track-1-key", "", "track-1-name", "", "track-0-level-0-name", "", "track-0-level-0-threshold", "", "track-0-level-1-name", "", "track-0-level-1-threshold", "", "track-0-level-2-name", "", "track-0-level-2-threshold", "", "track-1-level-0-name", "", "track-1-level-0-threshold", ""),
			"jury too early":     editionWith(editionValues(2027), "jury_date", "2027-11-10"),
			"time without date":  editionWith(editionValues(2027), "ceremony_date", ""),
			"bad date":           editionWith(editionValues(2027), "last_day", "10/11/2027"),
		} {
			wantStatus(t, name, admin.post("/admin/editions/nouvelle", v), http.StatusUnprocessableEntity)
		}
		if n := auditCount(t, a.db); n != before {
			t.Fatalf("refused forms wrote %d audit entries", n-before)
		}
		if _, err := a.db.FindEdition(ctx, 2027); !domain.IsNotFound(err) {
			t.Fatalf("a refused form created the edition: %v", err)
		}

		r = admin.post("/admin/editions/nouvelle", editionValues(2027))
		if r.status != http.StatusSeeOther || r.location() != "/admin/editions/2027" {
			t.Fatalf("create: %d → %q\n%s", r.status, r.location(), r.body)
		}
		if n := auditCount(t, a.db); n != before+1 {
			t.Fatalf("create wrote %d audit entries", n-before)
		}
		e, err := a.db.FindEdition(ctx, 2027)
		if err != nil {
			t.Fatal(err)
		}
		// The last day is stored as the first refused instant: 23:59:59 in
		// Paris that day is accepted, midnight is not.
		if want := domain.ParisDeadline(2027, time.November, 10); !e.ClosesAt.Equal(want) {
			t.Fatalf("closes %v, want %v", e.ClosesAt, want)
		}
		if !e.OpenAt(time.Date(2027, 11, 10, 23, 59, 59, 0, domain.Paris)) || e.OpenAt(time.Date(2027, 11, 11, 0, 0, 0, 0, domain.Paris)) {
			t.Fatal("the deadline boundary is not midnight in Paris")
		}
		if p := e.OpensAt.In(domain.Paris); p.Hour() != 9 || p.Day() != 1 {
			t.Fatalf("opens %v", p)
		}
		label, _ := e.Track("label")
		if len(e.Tracks) != 2 || len(label.Levels) != 3 || label.Levels[2].Threshold != 80.5 || label.Levels[1].Key != "argent" {
			t.Fatalf("tracks: %+v", e.Tracks)
		}
		if len(e.Mentions) != 2 || !e.ResponsableMaySubmit || e.CeremonyPlace != "Hôtel de ville de Lyon" {
			t.Fatalf("edition: %+v", e)
		}
		wantStatus(t, "same year again", admin.post("/admin/editions/nouvelle", editionValues(2027)), http.StatusUnprocessableEntity)

		// The edit page shows what is stored; an edit keeps level keys.
		page := admin.get("/admin/editions/2027")
		says(t, page, `value="2027-11-10"`, `value="09:00"`, `value="Argent"`, "pas encore de questionnaire")
		edit := editionWith(editionValues(2027), "title", "Label 2027 (corrigé)", "track-0-level-1-name", "Argent massif", "track-0-level-1-key", "argent")
		r = admin.post("/admin/editions/2027", edit)
		wantStatus(t, "edit", r, http.StatusSeeOther)
		e, _ = a.db.FindEdition(ctx, 2027)
		label, _ = e.Track("label")
		if e.Title != "Label 2027 (corrigé)" || label.Levels[1].Key != "argent" || label.Levels[1].Name != "Argent massif" {
			t.Fatalf("edited: %+v %+v", e, label.Levels)
		}
		r = admin.post("/admin/editions/2027", editionWith(edit, "publish_date", "2027-10-01"))
		wantStatus(t, "publication before closing", r, http.StatusUnprocessableEntity)
		says(t, r, "La publication des résultats doit venir après", `value="2027-10-01"`, `value="Argent massif"`)
		wantStatus(t, "unknown edition", admin.get("/admin/editions/1999"), http.StatusNotFound)
		wantStatus(t, "bad year", admin.get("/admin/editions/abc"), http.StatusNotFound)
		says(t, admin.get("/admin/editions"), "Label 2027 (corrigé)", "Argent massif")
		says(t, admin.get("/admin/editions/nouvelle"), `id="year" name="year" type="text" value="2028"`)
	})
}

func TestEditionTrackWithApplicationsCannotGo(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a) // 2026: a label application exists
		e, _ := a.db.FindEdition(ctx, 2026)
		v := url.Values{}
		form := editionFormOf(e)
		v.Set("title", form.Title)
		v.Set("opens_date", form.OpensDate)
		v.Set("opens_time", form.OpensTime)
		v.Set("last_day", form.LastDay)
		for _, t := range form.Tracks {
			v.Set(t.Field("key"), t.Key)
			v.Set(t.Field("name"), t.Name)
			for _, l := range t.Levels {
				v.Set(t.LevelField(l, "name"), l.Name)
				v.Set(t.LevelField(l, "threshold"), l.Threshold)
				v.Set(t.LevelField(l, "key"), l.Key)
			}
		}
		v.Set("track-0-delete", "1")
		r := f.admin.post("/admin/editions/2026", v)
		wantStatus(t, "delete a track in use", r, http.StatusUnprocessableEntity)
		says(t, r, "a déjà des candidatures")
		if e, _ := a.db.FindEdition(ctx, 2026); len(e.Tracks) != 2 {
			t.Fatalf("tracks after a refused deletion: %+v", e.Tracks)
		}
		v.Del("track-0-delete")
		v.Set("track-1-delete", "1") // the badge track has no application
		wantStatus(t, "delete an unused track", f.admin.post("/admin/editions/2026", v), http.StatusSeeOther)
		if e, _ := a.db.FindEdition(ctx, 2026); len(e.Tracks) != 1 || e.Tracks[0].Key != "label" {
			t.Fatalf("tracks after deleting badge: %+v", e.Tracks)
		}
	})
}

func TestEditionCopy(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a) // 2026 with label (frozen, used) and badge questionnaires
		says(t, f.admin.get("/admin/editions/2026"), "Préparer l'édition suivante", `value="2027"`, "1 candidature")
		before := auditCount(t, a.db)
		r := f.admin.post("/admin/editions/2026/copier", url.Values{"to": {"2027"}})
		if r.status != http.StatusSeeOther || r.location() != "/admin/editions/2027" {
			t.Fatalf("copy: %d → %q\n%s", r.status, r.location(), r.body)
		}
		if n := auditCount(t, a.db); n != before+1 {
			t.Fatalf("copy wrote %d audit entries", n-before)
		}
		e, err := a.db.FindEdition(ctx, 2027)
		if err != nil {
			t.Fatal(err)
		}
		label, ok := e.Track("label")
		if !ok || len(e.Tracks) != 2 || len(label.Levels) != 3 || label.Levels[2].Name != "Or" || e.Mentions[0] != "Sobriété numérique" {
			t.Fatalf("copied edition: %+v", e)
		}
		// Times keep their Paris wall clock a year later.
		if p := e.OpensAt.In(domain.Paris); p.Year() != 2027 || p.Month() != time.September || p.Day() != 1 || p.Hour() != 0 {
			t.Fatalf("opens %v", p)
		}
		if want := domain.ParisDeadline(2027, time.November, 10); !e.ClosesAt.Equal(want) {
			t.Fatalf("closes %v, want %v", e.ClosesAt, want)
		}
		for _, track := range []string{"label", "badge"} {
			old, _ := a.db.CurrentQuestionnaire(ctx, 2026, track)
			q, err := a.db.CurrentQuestionnaire(ctx, 2027, track)
			if err != nil || q.Version != 1 || q.Frozen || string(q.Definition) != string(old.Definition) {
				t.Fatalf("%s questionnaire of 2027: %+v, %v", track, q, err)
			}
		}
		says(t, f.admin.get("/admin/editions/2027"), "version 1", "0 candidature")
		for _, to := range []string{"2027", "2026", "deux mille", "1850"} {
			r := f.admin.post("/admin/editions/2026/copier", url.Values{"to": {to}})
			wantStatus(t, "copy to "+to, r, http.StatusUnprocessableEntity)
			says(t, r, `value="`+to+`"`)
		}
		wantStatus(t, "copy of an unknown edition", f.admin.post("/admin/editions/2019/copier", url.Values{"to": {"2040"}}), http.StatusNotFound)
	})
}

// TestEditionsGoMessagesExist checks the message ids this feature's Go
// code names (TestMessagesComplete checks those of templates).
func TestEditionsGoMessagesExist(t *testing.T) {
	fr, err := keysIn("fr")
	if err != nil {
		t.Fatal(err)
	}
	ids := regexp.MustCompile(`"((?:editions|builder|qlist)\.[a-z0-9_.]+[a-z0-9_])"`)
	for _, file := range []string{"editions_admin.go", "editions_form.go", "builder.go", "builder_forms.go", "builder_items.go",
		"questionnaire_io.go", "questionnaire_preview.go", "question_list.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ids.FindAllStringSubmatch(string(src), -1) {
			if !fr[m[1]] {
				t.Errorf("%s names %q, which has no text", file, m[1])
			}
		}
	}
	for _, typ := range form.Types {
		if !fr["editions.type."+string(typ)] {
			t.Errorf("type %s has no name", typ)
		}
	}
}
