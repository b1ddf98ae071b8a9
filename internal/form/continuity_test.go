package form

import (
	"reflect"
	"testing"
)

// thisYear is next year's form: "tools" lost option "c", "level" lost
// "b", "agents" became a date, "notes" became a long text, "old" is gone
// and "new" appeared.
func thisYear() *Questionnaire {
	return &Questionnaire{Sections: []Section{
		{ID: "s1", Questions: []Question{
			{ID: "strategy", Type: YesNo},
			{ID: "tools", Type: Multiple, Options: []Option{{Value: "a"}, {Value: "b"}}},
			{ID: "level", Type: Single, Options: []Option{{Value: "a"}, {Value: "c"}}},
			{ID: "agents", Type: Date},
			{ID: "notes", Type: LongText},
		}},
		{ID: "s2", Questions: []Question{
			{ID: "deliberation", Type: File},
			{ID: "servers", Type: Table, Columns: []Column{{ID: "name", Type: ShortText}, {ID: "os", Type: ShortText}}},
			{ID: "share", Type: Percentage},
			{ID: "new", Type: ShortText},
		}},
	}}
}

func TestCarry(t *testing.T) {
	last := Answers{
		"strategy":     "yes",
		"tools":        `["a","c"]`,
		"level":        "b",
		"agents":       "12",
		"notes":        "Plan adopté en 2025",
		"deliberation": `[{"id":4,"name":"délibération.pdf"}]`,
		"servers":      `[["web"]]`, // one column last year, two now
		"share":        "40",
		"old":          "gone",
	}
	want := Answers{
		"strategy": "yes",
		"tools":    `["a"]`,
		"notes":    "Plan adopté en 2025",
		"share":    "40",
	}
	if got := Carry(thisYear(), last); !reflect.DeepEqual(got, want) {
		t.Fatalf("Carry = %v, want %v", got, want)
	}
	if got := Carry(thisYear(), Answers{"tools": `["c"]`}); len(got) != 0 {
		t.Errorf("a multiple choice left with no option must be dropped, got %v", got)
	}
	if got := Carry(thisYear(), nil); len(got) != 0 {
		t.Errorf("Carry(nil) = %v", got)
	}
}

func TestChanges(t *testing.T) {
	last := Answers{
		"strategy": "no",
		"tools":    `["b","a"]`, // same choice as this year, other order
		"agents":   "2025-01-01",
		"share":    "40",
		"old":      "gone",
	}
	cur := Answers{
		"strategy": "yes",
		"tools":    `["a","b"]`,
		"share":    "40",
		"new":      "ajouté",
	}
	want := []Change{
		{Section: "s1", Question: "strategy", Before: "no", After: "yes", Kind: ChangeChanged},
		{Section: "s1", Question: "agents", Before: "2025-01-01", After: "", Kind: ChangeRemoved},
		{Section: "s2", Question: "new", Before: "", After: "ajouté", Kind: ChangeAdded},
	}
	if got := Changes(thisYear(), last, cur); !reflect.DeepEqual(got, want) {
		t.Fatalf("Changes = %+v, want %+v", got, want)
	}
	if got := Changes(thisYear(), cur, cur); got != nil {
		t.Errorf("no change expected, got %+v", got)
	}
}
