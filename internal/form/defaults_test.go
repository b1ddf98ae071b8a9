package form

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func mustDefault(t *testing.T, track string) *Questionnaire {
	t.Helper()
	qn, err := Default(track)
	if err != nil {
		t.Fatal(err)
	}
	return qn
}

func TestDefaultTracks(t *testing.T) {
	if got := DefaultTracks(); !slices.Equal(got, []string{"label", "badge"}) {
		t.Fatalf("DefaultTracks() = %v", got)
	}
	for _, track := range DefaultTracks() {
		if qn := mustDefault(t, track); qn.Track != track {
			t.Errorf("Default(%q).Track = %q", track, qn.Track)
		}
	}
	for _, bad := range []string{"", "prix", "../schema", "Label"} {
		if _, err := Default(bad); err == nil {
			t.Errorf("Default(%q) gave no error", bad)
		}
	}
}

func TestDefaultIsAFreshCopy(t *testing.T) {
	a := mustDefault(t, "label")
	a.Sections[0].Questions[0].Label.FR = "changé"
	if b := mustDefault(t, "label"); b.Sections[0].Questions[0].Label.FR == "changé" {
		t.Error("Default shares its questionnaire between callers")
	}
}

// TestDefaultsAreCanonical keeps the embedded files exactly as Encode
// writes them, so that an export of an untouched default diffs clean.
// TNL_UPDATE_DEFAULTS=1 rewrites them.
func TestDefaultsAreCanonical(t *testing.T) {
	for _, track := range DefaultTracks() {
		path := filepath.Join("defaults", track+".json")
		file, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		qn, problems, err := Decode(file)
		if err != nil || len(problems) > 0 {
			t.Fatalf("%s: %v %v", path, err, problems)
		}
		canonical, err := Encode(qn)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(file, canonical) {
			continue
		}
		if os.Getenv("TNL_UPDATE_DEFAULTS") == "1" {
			if err := os.WriteFile(path, canonical, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is not in Encode's form; run TNL_UPDATE_DEFAULTS=1 go test ./internal/form/", path)
	}
}

// stats counts what a questionnaire is made of.
type stats struct {
	questions, required, conditional, onMultiple int
	types                                        map[Type]int
	caps                                         float64
}

func statsOf(qn *Questionnaire) stats {
	s := stats{types: map[Type]int{}}
	for i := range qn.Sections {
		sec := &qn.Sections[i]
		s.caps += sec.Cap
		for j := range sec.Questions {
			q := &sec.Questions[j]
			s.questions++
			s.types[q.Type]++
			if q.Required {
				s.required++
			}
			if q.ShowIf != nil {
				s.conditional++
				if target, _ := qn.Question(q.ShowIf.Question); target != nil && target.Type == Multiple {
					s.onMultiple++
				}
			}
		}
	}
	return s
}

func TestDefaultLabel(t *testing.T) {
	qn := mustDefault(t, "label")
	var ids []string
	for _, s := range qn.Sections {
		ids = append(ids, s.ID)
		if n := len(s.Questions); n < 7 || n > 9 {
			t.Errorf("section %s has %d questions, want 7 to 9", s.ID, n)
		}
		if s.Cap != 20 {
			t.Errorf("section %s cap = %v, want 20", s.ID, s.Cap)
		}
	}
	if want := []string{"strategie", "interoperabilite", "logiciels", "communication", "donnees"}; !slices.Equal(ids, want) {
		t.Fatalf("section ids = %v, want %v", ids, want)
	}
	st := statsOf(qn)
	if st.questions < 35 || st.questions > 45 {
		t.Errorf("%d questions, want 35 to 45", st.questions)
	}
	for _, typ := range Types {
		if st.types[typ] == 0 {
			t.Errorf("no question of type %s", typ)
		}
	}
	if st.required < st.questions/4 || st.required > st.questions/2 {
		t.Errorf("%d required questions of %d, want about a third", st.required, st.questions)
	}
	if st.conditional == 0 || st.onMultiple == 0 {
		t.Errorf("%d conditional questions, %d on a multiple choice; want some of each", st.conditional, st.onMultiple)
	}
	if st.caps != 100 {
		t.Errorf("caps sum to %v, want 100", st.caps)
	}
	if len(qn.Adjustments) == 0 {
		t.Error("no adjustments")
	}
	if q, _ := qn.Question("strategie_date"); q == nil || q.ShowIf == nil || q.ShowIf.Question != "strategie_adoptee" {
		t.Error("the adoption date is not shown by the strategy question")
	}
	checkTranslated(t, qn)
}

func TestDefaultBadge(t *testing.T) {
	qn := mustDefault(t, "badge")
	if n := len(qn.Sections); n < 1 || n > 2 {
		t.Errorf("%d sections, want one or two", n)
	}
	st := statsOf(qn)
	if st.questions != 10 {
		t.Errorf("%d questions, want 10", st.questions)
	}
	if simple := st.types[YesNo] + st.types[Single] + st.types[Multiple]; simple != st.questions {
		t.Errorf("%d yes/no or choice questions of %d", simple, st.questions)
	}
	for _, s := range qn.Sections {
		for j := range s.Questions {
			if q := &s.Questions[j]; BestPoints(q) <= 0 {
				t.Errorf("badge question %s gives no points", q.ID)
			}
		}
	}
	checkTranslated(t, qn)
}

// TestDefaultMaxScores pins the totals the edition's thresholds are set
// against: adjustments raise a small body's points but never past a cap.
func TestDefaultMaxScores(t *testing.T) {
	for _, tc := range []struct {
		track string
		p     Profile
		max   float64
	}{
		{"label", Profile{Kind: "metropole", Population: 500000}, 100},
		{"label", Profile{Kind: "commune", Population: 800}, 100},
		{"label", Profile{Kind: "syndicat"}, 100},
		{"badge", Profile{Kind: "commune", Population: 800}, 20},
	} {
		qn := mustDefault(t, tc.track)
		if r := Score(qn, Answers{}, tc.p); r.Max != tc.max || r.Total != 0 {
			t.Errorf("%s for %+v: max %v, total %v; want max %v, total 0", tc.track, tc.p, r.Max, r.Total, tc.max)
		}
		for i := range qn.Sections {
			s := &qn.Sections[i]
			best := 0.0
			for j := range s.Questions {
				best += BestPoints(&s.Questions[j])
			}
			if s.Cap > 0 && best < s.Cap {
				t.Errorf("%s: section %s gives at most %v, below its cap %v", tc.track, s.ID, best, s.Cap)
			}
		}
	}
}

// checkTranslated requires an English version of every text that has a
// French one.
func checkTranslated(t *testing.T, qn *Questionnaire) {
	t.Helper()
	check := func(where string, tx Text) {
		if tx.FR != "" && tx.EN == "" {
			t.Errorf("%s: no English for %q", where, tx.FR)
		}
	}
	check("title", qn.Title)
	for _, s := range qn.Sections {
		check(s.ID, s.Title)
		check(s.ID, s.Intro)
		for _, q := range s.Questions {
			check(q.ID, q.Label)
			check(q.ID, q.Help)
			for _, o := range q.Options {
				check(q.ID+"."+o.Value, o.Label)
			}
			for _, c := range q.Columns {
				check(q.ID+"."+c.ID, c.Label)
			}
		}
	}
}
