package form

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func checkNum(f float64) *float64 { return &f }

// validQuestionnaire is a small questionnaire that passes Check, with one
// of each construct the rules look at.
func validQuestionnaire() *Questionnaire {
	return &Questionnaire{
		Track: "label",
		Title: Text{FR: "Questionnaire d'essai", EN: "Test questionnaire"},
		Sections: []Section{
			{ID: "strategie", Title: Text{FR: "Stratégie"}, Cap: 10, Questions: []Question{
				{ID: "adopted", Type: YesNo, Label: Text{FR: "Stratégie adoptée ?"}, Required: true, Scoring: &Scoring{Yes: 2}},
				{ID: "tools", Type: Multiple, Label: Text{FR: "Outils"}, Options: []Option{
					{Value: "a", Label: Text{FR: "A"}, Points: 1},
					{Value: "b", Label: Text{FR: "B"}, Points: 2},
					{Value: "c", Label: Text{FR: "C"}},
				}, Scoring: &Scoring{Max: 2}},
				{ID: "when", Type: Date, Label: Text{FR: "Date"}, ShowIf: &Condition{Question: "adopted", Values: []string{"yes"}}, Scoring: &Scoring{Answered: 1}},
				{ID: "detail", Type: ShortText, Label: Text{FR: "Précisez"}, Help: Text{FR: "Une ligne"}, MaxLength: 200,
					ShowIf: &Condition{Question: "tools", Values: []string{"a", "c"}}},
				{ID: "count", Type: Integer, Label: Text{FR: "Nombre"}, Min: checkNum(0), Max: checkNum(10),
					Scoring: &Scoring{Bands: []Band{{Min: 1, Points: 1}, {Min: 5, Points: 2}}}},
			}},
			{ID: "logiciels", Title: Text{FR: "Logiciels"}, Intro: Text{FR: "Vos logiciels"}, Cap: 10,
				ShowIf: &Condition{Question: "adopted", Values: []string{"yes", "no"}},
				Questions: []Question{
					{ID: "apps", Type: Table, Label: Text{FR: "Logiciels métier"}, Columns: []Column{
						{ID: "name", Label: Text{FR: "Nom"}, Type: ShortText},
						{ID: "seats", Label: Text{FR: "Postes"}, Type: Integer},
					}, Scoring: &Scoring{Bands: []Band{{Min: 1, Points: 1}}}},
					{ID: "share", Type: Percentage, Label: Text{FR: "Part"}, Max: checkNum(100)},
					{ID: "level", Type: Single, Label: Text{FR: "Niveau"}, Options: []Option{
						{Value: "low", Label: Text{FR: "Bas"}},
						{Value: "high", Label: Text{FR: "Haut"}, Points: 3},
					}},
					{ID: "servers", Type: Software, Label: Text{FR: "Serveurs"}},
				}},
		},
		Adjustments: []Adjustment{{Kinds: []string{"commune"}, MaxPopulation: 3499, Section: "logiciels", Factor: 1.25}},
	}
}

func TestCheckValid(t *testing.T) {
	if problems := validQuestionnaire().Check(); len(problems) > 0 {
		t.Fatalf("valid questionnaire has problems: %v", problems)
	}
}

// TestCheckRules breaks one rule at a time and expects exactly the
// problems at the given paths.
func TestCheckRules(t *testing.T) {
	q := func(qn *Questionnaire, s, i int) *Question { return &qn.Sections[s].Questions[i] }
	cases := []struct {
		name   string
		break_ func(qn *Questionnaire)
		paths  []string
		word   string // expected in the first problem's message
	}{
		{"no section", func(qn *Questionnaire) { qn.Sections, qn.Adjustments = nil, nil }, []string{"sections"}, "au moins une section"},
		{"section without questions", func(qn *Questionnaire) { qn.Sections[1].Questions = nil }, []string{"sections[1].questions"}, "au moins une question"},
		{"duplicate section id", func(qn *Questionnaire) { qn.Sections[1].ID = "strategie" },
			[]string{"sections[1].id", "adjustments[0].section"}, "déjà utilisé"},
		{"duplicate question id across sections", func(qn *Questionnaire) { q(qn, 1, 1).ID = "count" },
			[]string{"sections[1].questions[1].id"}, "sections[0].questions[4]"},
		{"duplicate option value", func(qn *Questionnaire) { q(qn, 0, 1).Options[2].Value = "a" },
			[]string{"sections[0].questions[1].options[2].value", "sections[0].questions[3].showIf.values[1]"}, "déjà celle"},
		{"duplicate column id", func(qn *Questionnaire) { q(qn, 1, 0).Columns[1].ID = "name" },
			[]string{"sections[1].questions[0].columns[1].id"}, "déjà celui"},
		{"single with one option", func(qn *Questionnaire) { q(qn, 1, 2).Options = q(qn, 1, 2).Options[:1] },
			[]string{"sections[1].questions[2].options"}, "au moins deux options"},
		{"multiple without options", func(qn *Questionnaire) {
			qn.Sections[0].Questions[3].ShowIf = nil
			q(qn, 0, 1).Options = nil
		}, []string{"sections[0].questions[1].options"}, "au moins deux options"},
		{"table without columns", func(qn *Questionnaire) { q(qn, 1, 0).Columns = nil }, []string{"sections[1].questions[0].columns"}, "au moins une colonne"},
		{"options on an integer", func(qn *Questionnaire) { q(qn, 0, 4).Options = q(qn, 1, 2).Options },
			[]string{"sections[0].questions[4].options"}, "choix"},
		{"columns on a text", func(qn *Questionnaire) { q(qn, 0, 3).Columns = q(qn, 1, 0).Columns },
			[]string{"sections[0].questions[3].columns"}, "tableau"},
		{"condition on an unknown question", func(qn *Questionnaire) { q(qn, 0, 2).ShowIf.Question = "nowhere" },
			[]string{"sections[0].questions[2].showIf.question"}, "n'existe pas"},
		{"condition on a later question", func(qn *Questionnaire) { q(qn, 0, 2).ShowIf = &Condition{Question: "level", Values: []string{"high"}} },
			[]string{"sections[0].questions[2].showIf.question"}, "plus loin"},
		{"condition on itself", func(qn *Questionnaire) { q(qn, 0, 2).ShowIf.Question = "when" },
			[]string{"sections[0].questions[2].showIf.question"}, "propre réponse"},
		{"section condition on its own question", func(qn *Questionnaire) { qn.Sections[1].ShowIf.Question = "apps" },
			[]string{"sections[1].showIf.question"}, "plus loin"},
		{"condition value not an option", func(qn *Questionnaire) { q(qn, 0, 3).ShowIf.Values = []string{"a", "z"} },
			[]string{"sections[0].questions[3].showIf.values[1]"}, "« z »"},
		{"condition value not yes or no", func(qn *Questionnaire) { q(qn, 0, 2).ShowIf.Values = []string{"oui"} },
			[]string{"sections[0].questions[2].showIf.values[0]"}, "yes, no"},
		{"condition without values", func(qn *Questionnaire) { q(qn, 0, 2).ShowIf.Values = nil },
			[]string{"sections[0].questions[2].showIf.values"}, "au moins une réponse"},
		{"condition on a number", func(qn *Questionnaire) { q(qn, 1, 1).ShowIf = &Condition{Question: "count", Values: []string{"3"}} },
			[]string{"sections[1].questions[1].showIf.question"}, "oui/non et à choix"},
		{"min above max", func(qn *Questionnaire) { q(qn, 0, 4).Min = checkNum(11) }, []string{"sections[0].questions[4].min"}, "dépasse"},
		{"bounds on a text", func(qn *Questionnaire) { q(qn, 0, 3).Min = checkNum(1) }, []string{"sections[0].questions[3].min"}, "nombres"},
		{"percentage above 100", func(qn *Questionnaire) { q(qn, 1, 1).Max = checkNum(120) }, []string{"sections[1].questions[1].max"}, "entre 0 et 100"},
		{"maxLength on an integer", func(qn *Questionnaire) { q(qn, 0, 4).MaxLength = 10 }, []string{"sections[0].questions[4].maxLength"}, "texte"},
		{"negative cap", func(qn *Questionnaire) { qn.Sections[0].Cap = -5 }, []string{"sections[0].cap"}, "négatif"},
		{"NaN cap", func(qn *Questionnaire) { qn.Sections[0].Cap = math.NaN() }, []string{"sections[0].cap"}, "pas un nombre"},
		{"negative question cap", func(qn *Questionnaire) { q(qn, 0, 1).Scoring.Max = -1 }, []string{"sections[0].questions[1].scoring.max"}, "négatif"},
		{"bands not increasing", func(qn *Questionnaire) { q(qn, 0, 4).Scoring.Bands[1].Min = 1 },
			[]string{"sections[0].questions[4].scoring.bands[1].min"}, "croissant"},
		{"bands on a text", func(qn *Questionnaire) { q(qn, 0, 3).Scoring = &Scoring{Bands: []Band{{Min: 1, Points: 1}}} },
			[]string{"sections[0].questions[3].scoring.bands"}, "paliers"},
		{"yes points on an integer", func(qn *Questionnaire) { q(qn, 0, 4).Scoring.Yes = 1 }, []string{"sections[0].questions[4].scoring.yes"}, "oui/non"},
		{"negative factor", func(qn *Questionnaire) { qn.Adjustments[0].Factor = -1.25 }, []string{"adjustments[0].factor"}, "strictement positif"},
		{"zero factor", func(qn *Questionnaire) { qn.Adjustments[0].Factor = 0 }, []string{"adjustments[0].factor"}, "strictement positif"},
		{"adjustment on an unknown section", func(qn *Questionnaire) { qn.Adjustments[0].Section = "ailleurs" },
			[]string{"adjustments[0].section"}, "« ailleurs »"},
		{"population bounds reversed", func(qn *Questionnaire) { qn.Adjustments[0].MinPopulation = 5000 },
			[]string{"adjustments[0].minPopulation"}, "dépasse"},
		{"bad kind", func(qn *Questionnaire) { qn.Adjustments[0].Kinds = []string{"Commune"} }, []string{"adjustments[0].kinds[0]"}, "Commune"},
		{"empty title", func(qn *Questionnaire) { qn.Title.FR = "" }, []string{"title.fr"}, "français"},
		{"empty section title", func(qn *Questionnaire) { qn.Sections[1].Title = Text{EN: "Software"} }, []string{"sections[1].title.fr"}, "français"},
		{"blank question label", func(qn *Questionnaire) { q(qn, 0, 0).Label.FR = "  " }, []string{"sections[0].questions[0].label.fr"}, "français"},
		{"empty option label", func(qn *Questionnaire) { q(qn, 1, 2).Options[0].Label.FR = "" },
			[]string{"sections[1].questions[2].options[0].label.fr"}, "français"},
		{"empty column label", func(qn *Questionnaire) { q(qn, 1, 0).Columns[0].Label.FR = "" },
			[]string{"sections[1].questions[0].columns[0].label.fr"}, "français"},
		{"English help alone", func(qn *Questionnaire) { q(qn, 0, 3).Help = Text{EN: "One line"} },
			[]string{"sections[0].questions[3].help.fr"}, "anglaise"},
		{"bad question id", func(qn *Questionnaire) { q(qn, 1, 3).ID = "Serveurs" }, []string{"sections[1].questions[3].id"}, "lettre minuscule"},
		{"bad option value", func(qn *Questionnaire) { q(qn, 1, 2).Options[1].Value = "très haut" },
			[]string{"sections[1].questions[2].options[1].value"}, "très haut"},
		{"unknown type", func(qn *Questionnaire) { q(qn, 1, 3).Type = "checkbox" }, []string{"sections[1].questions[3].type"}, "checkbox"},
		{"bad column type", func(qn *Questionnaire) { q(qn, 1, 0).Columns[1].Type = File },
			[]string{"sections[1].questions[0].columns[1].type"}, "file"},
		{"bad track", func(qn *Questionnaire) { qn.Track = "Label 2025" }, []string{"track"}, "Label 2025"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			qn := validQuestionnaire()
			tc.break_(qn)
			problems := qn.Check()
			var paths []string
			for _, p := range problems {
				paths = append(paths, p.Path)
			}
			if !slices.Equal(paths, tc.paths) {
				t.Fatalf("paths = %q, want %q; problems: %v", paths, tc.paths, problems)
			}
			if !strings.Contains(problems[0].Message, tc.word) {
				t.Errorf("message %q does not contain %q", problems[0].Message, tc.word)
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	if s := (Problem{Path: "track", Message: "Trop long."}).String(); s != "track : Trop long." {
		t.Errorf("String() = %q", s)
	}
	if s := (Problem{Message: "Trop gros."}).String(); s != "Trop gros." {
		t.Errorf("String() = %q", s)
	}
}
