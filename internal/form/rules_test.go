package form

import (
	"bytes"
	"reflect"
	"testing"
)

// rulesForm has a chain strategy → level → detail, a condition on a
// multiple choice, a section shown only with a strategy and a cycle.
func rulesForm() *Questionnaire {
	return &Questionnaire{Sections: []Section{
		{ID: "strat", Questions: []Question{
			{ID: "strategy", Type: YesNo, Required: true},
			{ID: "level", Type: Single, Required: true, Options: choices, ShowIf: &Condition{Question: "strategy", Values: []string{"yes"}}},
			{ID: "detail", Type: ShortText, Required: true, ShowIf: &Condition{Question: "level", Values: []string{"b", "c"}}},
			{ID: "tools", Type: Multiple, Options: choices},
			{ID: "tools_c", Type: ShortText, Required: true, ShowIf: &Condition{Question: "tools", Values: []string{"c"}}},
			{ID: "loop1", Type: ShortText, Required: true, ShowIf: &Condition{Question: "loop2", Values: []string{"x"}}},
			{ID: "loop2", Type: ShortText, Required: true, ShowIf: &Condition{Question: "loop1", Values: []string{"x"}}},
			{ID: "ghost", Type: ShortText, Required: true, ShowIf: &Condition{Question: "nowhere", Values: []string{"x"}}},
		}},
		{ID: "plan", ShowIf: &Condition{Question: "strategy", Values: []string{"yes"}}, Questions: []Question{
			{ID: "plan_url", Type: URL, Required: true},
			{ID: "plan_note", Type: LongText},
		}},
		{ID: "open", Questions: []Question{
			{ID: "portal", Type: URL},
			// Reached twice (section and question) through "plan_url": not a cycle.
			{ID: "diamond", Type: ShortText, ShowIf: &Condition{Question: "plan_url", Values: []string{"https://x.example"}}},
		}},
	}}
}

func TestQuestionLookup(t *testing.T) {
	qn := rulesForm()
	q, s := qn.Question("plan_url")
	if q == nil || q.ID != "plan_url" || s.ID != "plan" {
		t.Fatalf("Question(plan_url) = %v, %v", q, s)
	}
	if q, s := qn.Question("nowhere"); q != nil || s != nil {
		t.Fatal("unknown id must give nil, nil")
	}
}

func TestVisible(t *testing.T) {
	qn := rulesForm()
	tests := []struct {
		name     string
		question string
		a        Answers
		want     bool
	}{
		{"no condition", "strategy", Answers{}, true},
		{"condition met", "level", Answers{"strategy": "yes"}, true},
		{"condition unanswered", "level", Answers{}, false},
		{"condition not met", "level", Answers{"strategy": "no"}, false},
		{"chain met", "detail", Answers{"strategy": "yes", "level": "b"}, true},
		{"chain broken upstream", "detail", Answers{"strategy": "no", "level": "b"}, false},
		{"multiple contains", "tools_c", Answers{"tools": `["a","c"]`}, true},
		{"multiple lacks", "tools_c", Answers{"tools": `["a","b"]`}, false},
		{"cycle is hidden", "loop1", Answers{"loop1": "x", "loop2": "x"}, false},
		{"unknown controlling question", "ghost", Answers{"nowhere": "x"}, false},
		{"hidden section", "plan_url", Answers{"strategy": "no"}, false},
		{"shown section", "plan_url", Answers{"strategy": "yes"}, true},
		{"controlled by a question of a hidden section", "diamond", Answers{"strategy": "no", "plan_url": "https://x.example"}, false},
		{"diamond", "diamond", Answers{"strategy": "yes", "plan_url": "https://x.example"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, s := qn.Question(tt.question)
			if got := QuestionVisible(qn, s, q, tt.a); got != tt.want {
				t.Fatalf("QuestionVisible(%s) = %v, want %v", tt.question, got, tt.want)
			}
		})
	}
	if !Visible(qn, nil, nil) {
		t.Error("a nil condition must hold")
	}
}

func TestMissing(t *testing.T) {
	qn := rulesForm()
	tests := []struct {
		name string
		a    Answers
		want []Ref
	}{
		{"nothing answered", Answers{}, []Ref{{"strat", "strategy"}}},
		{"no strategy hides the chain and the section", Answers{"strategy": "no", "level": "b"}, nil},
		{"strategy shows the section", Answers{"strategy": "yes", "level": "c", "tools": `["c"]`},
			[]Ref{{"strat", "detail"}, {"strat", "tools_c"}, {"plan", "plan_url"}}},
		{"complete", Answers{"strategy": "yes", "level": "a", "plan_url": "https://x.example"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Missing(qn, tt.a); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Missing = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	qn := rulesForm()
	a := Answers{"strategy": "yes", "level": "b", "plan_note": "texte", "portal": "https://data.example"}
	want := []SectionProgress{
		{Section: "strat", Answered: 2, Visible: 4, RequiredMissing: 1}, // strategy, level, detail, tools
		{Section: "plan", Answered: 1, Visible: 2, RequiredMissing: 1},
		{Section: "open", Answered: 1, Visible: 1},
	}
	got := Progress(qn, a)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Progress = %+v, want %+v", got, want)
	}
	if p := Percent(got); p != 57 { // 4 of 7
		t.Errorf("Percent = %d, want 57", p)
	}
	if p := Percent(nil); p != 100 {
		t.Errorf("Percent(nothing to answer) = %d, want 100", p)
	}
}

func TestDigest(t *testing.T) {
	a := Answers{}
	for _, k := range []string{"b", "a", "c"} {
		a[k] = k + "1"
	}
	b := Answers{"c": "c1", "a": "a1", "b": "b1", "blank": ""}
	canonA, sumA := Digest(a)
	canonB, sumB := Digest(b)
	if !bytes.Equal(canonA, canonB) || sumA != sumB {
		t.Fatalf("same answers, different digests: %s %s", canonA, canonB)
	}
	if string(canonA) != `{"a":"a1","b":"b1","c":"c1"}` {
		t.Errorf("canonical = %s", canonA)
	}
	if len(sumA) != 64 {
		t.Errorf("sum %q is not SHA-256 hex", sumA)
	}
	for range 20 { // map iteration order varies between runs
		if _, s := Digest(a); s != sumA {
			t.Fatal("digest is not stable")
		}
	}
	b["b"] = "b2"
	if _, s := Digest(b); s == sumA {
		t.Error("changing an answer must change the digest")
	}
}
