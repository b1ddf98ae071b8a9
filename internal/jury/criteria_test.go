package jury_test

import (
	"slices"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/jury"
)

func TestCriteriaFromQuestionnaire(t *testing.T) {
	label, err := form.Default("label")
	if err != nil {
		t.Fatal(err)
	}
	small := &form.Questionnaire{Sections: []form.Section{
		{ID: "a", Title: form.Text{FR: "Petite"}, Questions: make([]form.Question, 3)},
		{ID: "b", Title: form.Text{FR: "Grande"}, Questions: make([]form.Question, 4)},
		{ID: "c", Title: form.Text{FR: "Vide"}},
	}}
	for _, tc := range []struct {
		name string
		qn   *form.Questionnaire
		want map[string][]string // section → criterion ids, in order
	}{
		{"default label", label, map[string][]string{
			"strategie": {"engagement", "realisations", "partage"}, "interoperabilite": {"engagement", "realisations", "partage"},
			"logiciels": {"engagement", "realisations", "partage"}, "communication": {"engagement", "realisations", "partage"},
			"donnees": {"engagement", "realisations", "partage"}}},
		{"small sections get two", small, map[string][]string{
			"a": {"engagement", "realisations"}, "b": {"engagement", "realisations", "partage"},
			"c": {"engagement", "realisations"}}},
		{"no section", &form.Questionnaire{}, map[string][]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := jury.Criteria(tc.qn)
			if len(got) != len(tc.qn.Sections) {
				t.Fatalf("%d sections, want %d", len(got), len(tc.qn.Sections))
			}
			for i, sc := range got {
				if sc.Section != tc.qn.Sections[i].ID || sc.Title != tc.qn.Sections[i].Title {
					t.Errorf("section %d: %s %v, want the questionnaire's order and titles", i, sc.Section, sc.Title)
				}
				var ids []string
				for _, c := range sc.Criteria {
					ids = append(ids, c.ID)
				}
				if !slices.Equal(ids, tc.want[sc.Section]) {
					t.Errorf("%s: criteria %v, want %v", sc.Section, ids, tc.want[sc.Section])
				}
			}
		})
	}
}

// Every value of every criterion says, in French and English, what a file
// at that value shows; the top of the scale is the exemplary approach.
func TestCriteriaAnchors(t *testing.T) {
	qn := &form.Questionnaire{Sections: []form.Section{{ID: "s", Questions: make([]form.Question, 5)}}}
	sc := jury.Criteria(qn)[0]
	for _, c := range sc.Criteria {
		if c.Label.FR == "" || c.Label.EN == "" || c.Hint.FR == "" || c.Hint.EN == "" {
			t.Errorf("%s: label or hint missing: %+v", c.ID, c)
		}
		for v, a := range c.Anchors {
			if a.FR == "" || a.EN == "" || a.FR == a.EN {
				t.Errorf("%s value %d: anchor %+v, want French and English", c.ID, v, a)
			}
			if a.In("en") != a.EN || a.In("fr") != a.FR {
				t.Errorf("%s value %d: In does not pick the language", c.ID, v)
			}
		}
		if !strings.HasPrefix(c.Anchors[0].FR, "Rien") && !strings.HasPrefix(c.Anchors[0].FR, "Aucun") {
			t.Errorf("%s: value 0 is %q, want nothing engaged", c.ID, c.Anchors[0].FR)
		}
		if !strings.Contains(c.Anchors[jury.ScaleMax].FR, "exemplaire") {
			t.Errorf("%s: value %d is %q, want the exemplary approach", c.ID, jury.ScaleMax, c.Anchors[jury.ScaleMax].FR)
		}
	}
	if sc.Criteria[0].Anchors[jury.ScaleMax].FR != "Démarche exemplaire, partagée et évaluée : pilotage suivi, résultats mesurés, objectifs renouvelés." {
		t.Errorf("top anchor of commitment: %q", sc.Criteria[0].Anchors[jury.ScaleMax].FR)
	}
}

func TestSuggestLevel(t *testing.T) {
	for _, tc := range []struct {
		values []int
		levels int
		want   int
		ok     bool
	}{
		{nil, 3, 0, false},
		{[]int{0, 0, 0}, 3, 0, false},
		{[]int{0, 1, 1}, 3, 0, false}, // average 2/3 < 1: no level
		{[]int{1, 1}, 3, 0, true},     // average 1: the lowest level
		{[]int{1, 2}, 3, 0, true},     // 1.5
		{[]int{2, 2, 2}, 3, 1, true},  // 2: on the boundary, the level above
		{[]int{3, 2}, 3, 1, true},     // 2.5
		{[]int{3, 3, 3}, 3, 2, true},  // 3
		{[]int{4, 4, 4}, 3, 2, true},  // the top stays on the top level
		{[]int{9, -3}, 3, 1, true},    // out of range values are clamped: 4 and 0
		{[]int{2, 2}, 5, 1, true},     // 2 with five levels: (2-1)×5/3 = 1.67
		{[]int{4}, 5, 4, true},
		{[]int{1}, 1, 0, true},
		{[]int{4}, 0, 0, false}, // a track without levels
	} {
		got, ok := jury.SuggestLevel(tc.values, tc.levels)
		if got != tc.want || ok != tc.ok {
			t.Errorf("SuggestLevel(%v, %d) = %d, %v; want %d, %v", tc.values, tc.levels, got, ok, tc.want, tc.ok)
		}
	}
}

func TestReviewRules(t *testing.T) {
	qn, err := form.Default("label")
	if err != nil {
		t.Fatal(err)
	}
	e := &domain.Edition{Mentions: []string{"Coup de cœur", "Sobriété numérique"}}
	tr := &domain.Track{Levels: []domain.Level{{Key: "bronze"}, {Key: "argent"}, {Key: "or"}}}
	rules := jury.ReviewRules(e, tr, qn)
	if rules.Levels != 3 || rules.ScaleMax != 4 || rules.Allotment != 3 || len(rules.Mentions) != 2 {
		t.Fatalf("rules: %+v", rules)
	}
	if !slices.Equal(rules.Criteria["donnees"], []string{"engagement", "realisations", "partage"}) || len(rules.Criteria) != 5 {
		t.Fatalf("criteria: %v", rules.Criteria)
	}
	e.Jury.MentionAllotment = 7
	if jury.ReviewRules(e, tr, qn).Allotment != 7 {
		t.Error("the edition's allotment is not used")
	}
}
