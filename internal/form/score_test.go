package form

import (
	"math"
	"reflect"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// scoreForm: section "strat" (cap 20) has one question of each scored
// type; section "open" (no cap) a yes/no and a hidden follow-up.
func scoreForm() *Questionnaire {
	return &Questionnaire{
		Sections: []Section{
			{ID: "strat", Cap: 20, Questions: []Question{
				{ID: "strategy", Type: YesNo, Scoring: &Scoring{Yes: 5}},
				{ID: "level", Type: Single, Options: []Option{{Value: "none"}, {Value: "some", Points: 2}, {Value: "full", Points: 4}}},
				{ID: "formats", Type: Multiple, Scoring: &Scoring{Max: 4}, Options: []Option{{Value: "odf", Points: 2}, {Value: "csv", Points: 2}, {Value: "pdf", Points: 2}, {Value: "doc", Points: -1}}},
				{ID: "agents", Type: Integer, Scoring: &Scoring{Bands: []Band{{Min: 100, Points: 5}, {Min: 1, Points: 1}, {Min: 10, Points: 3}}}},
				{ID: "share", Type: Percentage, Scoring: &Scoring{Bands: []Band{{Min: 50, Points: 2}, {Min: 150, Points: 99}}}},
				{ID: "servers", Type: Table, Columns: []Column{{ID: "name", Type: ShortText}}, Scoring: &Scoring{Bands: []Band{{Min: 2, Points: 2}}}},
				{ID: "tools", Type: Software, Scoring: &Scoring{Bands: []Band{{Min: 3, Points: 3}}}},
				{ID: "note", Type: LongText, Scoring: &Scoring{Answered: 1}},
				{ID: "unscored", Type: YesNo},
			}},
			{ID: "open", Questions: []Question{
				{ID: "portal", Type: YesNo, Scoring: &Scoring{Yes: 4}},
				{ID: "datasets", Type: Integer, ShowIf: &Condition{Question: "portal", Values: []string{"yes"}}, Scoring: &Scoring{Bands: []Band{{Min: 10, Points: 6}}}},
			}},
		},
		Adjustments: []Adjustment{
			{Kinds: []string{"commune"}, MaxPopulation: 3500, Section: "open", Factor: 2},
			{Kinds: []string{"epci"}, MinPopulation: 200000, Factor: 0.5},
		},
	}
}

func TestPoints(t *testing.T) {
	qn := scoreForm()
	tests := []struct {
		question, value string
		points, best    float64
	}{
		{"strategy", "yes", 5, 5},
		{"strategy", "no", 0, 5},
		{"level", "some", 2, 4},
		{"formats", `["odf","csv"]`, 4, 4},
		{"formats", `["odf","csv","pdf"]`, 4, 4}, // capped by Scoring.Max
		{"formats", `["odf","doc"]`, 1, 4},
		{"agents", "0", 0, 5},
		{"agents", "9", 1, 5},
		{"agents", "10", 3, 5},
		{"agents", "5000", 5, 5},
		{"share", "50", 2, 2}, // the 150 % band cannot be reached
		{"servers", `[["a"]]`, 0, 2},
		{"servers", `[["a"],["b"]]`, 2, 2},
		{"tools", `["QGIS","GIMP","Firefox"]`, 3, 3},
		{"note", "texte", 1, 1},
		{"unscored", "yes", 0, 0},
		{"note", "", 0, 1},
	}
	for _, tt := range tests {
		q, _ := qn.Question(tt.question)
		if got := Points(q, tt.value); !near(got, tt.points) {
			t.Errorf("Points(%s, %s) = %v, want %v", tt.question, tt.value, got, tt.points)
		}
		if got := BestPoints(q); !near(got, tt.best) {
			t.Errorf("BestPoints(%s) = %v, want %v", tt.question, got, tt.best)
		}
	}
}

func TestScore(t *testing.T) {
	qn := scoreForm()
	all := Answers{
		"strategy": "yes", "level": "full", "formats": `["odf","csv","pdf"]`, "agents": "150",
		"share": "80", "servers": `[["a"],["b"]]`, "tools": `["a","b","c"]`, "note": "x",
		"portal": "yes", "datasets": "12",
	}
	some := Answers{"strategy": "yes", "level": "some", "portal": "yes", "datasets": "12"}
	hidden := Answers{"portal": "no", "datasets": "12"}
	// strat: best 5+4+4+5+2+2+3+1 = 26, capped at 20; open: best 4+6 = 10.
	tests := []struct {
		name      string
		a         Answers
		p         Profile
		strat     float64
		open, max float64
		total     float64
	}{
		{"all, capped section", all, Profile{Kind: "departement", Population: 600000}, 20, 10, 30, 30},
		{"some, no adjustment", some, Profile{Kind: "departement", Population: 600000}, 7, 10, 30, 17},
		{"village doubles open data", some, Profile{Kind: "commune", Population: 800}, 7, 20, 40, 27},
		{"town above the village band", some, Profile{Kind: "commune", Population: 3501}, 7, 10, 30, 17},
		{"métropole halves every section", some, Profile{Kind: "epci", Population: 500000}, 3.5, 5, 18, 8.5},
		{"small epci is not a métropole", some, Profile{Kind: "epci", Population: 20000}, 7, 10, 30, 17},
		{"factor applies before the cap", all, Profile{Kind: "epci", Population: 500000}, 13, 5, 18, 18},
		{"hidden follow-up scores nothing", hidden, Profile{}, 0, 0, 30, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Score(qn, tt.a, tt.p)
			if len(r.Sections) != 2 || r.Sections[0].Section != "strat" || r.Sections[1].Section != "open" {
				t.Fatalf("sections = %+v", r.Sections)
			}
			if !near(r.Sections[0].Points, tt.strat) || !near(r.Sections[1].Points, tt.open) {
				t.Errorf("section points = %v, %v, want %v, %v", r.Sections[0].Points, r.Sections[1].Points, tt.strat, tt.open)
			}
			if !near(r.Total, tt.total) || !near(r.Max, tt.max) {
				t.Errorf("total = %v / %v, want %v / %v", r.Total, r.Max, tt.total, tt.max)
			}
		})
	}
}

func TestImprovements(t *testing.T) {
	qn := scoreForm()
	tests := []struct {
		name string
		a    Answers
		p    Profile
		want []Improvement
	}{
		{"cap limits the gains", Answers{
			"strategy": "yes", "level": "full", "formats": `["odf","csv"]`, "agents": "12",
			"share": "80", "servers": `[["a"]]`, "note": "x", "portal": "yes", "datasets": "3",
		}, Profile{}, []Improvement{
			{"open", "datasets", 6},
			// strat has 19 points, 1 below its cap of 20: each gain is 1.
			{"strat", "agents", 1},
			{"strat", "servers", 1},
			{"strat", "tools", 1},
		}},
		{"section at its cap", Answers{
			"strategy": "yes", "level": "full", "formats": `["odf","csv"]`, "agents": "150", "share": "80",
			"servers": `[["a"],["b"]]`, "note": "x", "portal": "yes", "datasets": "30",
		}, Profile{}, nil},
		{"adjusted gains, ties in form order", Answers{"level": "full", "formats": `["odf","csv"]`, "agents": "150", "share": "80", "servers": `[["a"],["b"]]`},
			Profile{Kind: "commune", Population: 500}, []Improvement{
				{"open", "portal", 8}, // doubled for a village; datasets is hidden
				// strat has 17 points: 5 for strategy would pass the cap of 20.
				{"strat", "strategy", 3},
				{"strat", "tools", 3},
				{"strat", "note", 1},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Improvements(qn, tt.a, tt.p)
			if len(got) != len(tt.want) {
				t.Fatalf("Improvements = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.Section != w.Section || g.Question != w.Question || !near(g.Gain, w.Gain) {
					t.Fatalf("Improvements = %+v, want %+v", got, tt.want)
				}
			}
		})
	}
}

func TestFormatPoints(t *testing.T) {
	tests := []struct {
		x          float64
		lang, want string
	}{
		{12.5, "fr", "12,5"},
		{12.5, "en", "12.5"},
		{1.0 / 3, "fr", "0,33"},
		{20, "fr", "20"},
		{-0.001, "fr", "0"},
	}
	for _, tt := range tests {
		if got := FormatPoints(tt.x, tt.lang); got != tt.want {
			t.Errorf("FormatPoints(%v, %s) = %q, want %q", tt.x, tt.lang, got, tt.want)
		}
	}
	if !reflect.DeepEqual(Round2(2.675000001), 2.68) {
		t.Errorf("Round2 = %v", Round2(2.675000001))
	}
}
