// Package form holds questionnaire definitions and the rules that apply to
// answers: parsing and validation per question type, conditions,
// completeness and the indicative score. It does no I/O.
package form

// Type is the kind of answer a question expects.
type Type string

// The question types. Their canonical answer values (the strings stored and
// compared) are described on Value.
const (
	YesNo      Type = "yesno"
	Single     Type = "single"
	Multiple   Type = "multiple"
	Integer    Type = "integer"
	Percentage Type = "percentage"
	ShortText  Type = "text"
	LongText   Type = "longtext"
	URL        Type = "url"
	Date       Type = "date"
	File       Type = "file"
	Table      Type = "table"
	Software   Type = "software"
)

// Types lists every question type in the order the builder offers them.
var Types = []Type{YesNo, Single, Multiple, Integer, Percentage, ShortText, LongText, URL, Date, File, Table, Software}

// Text is a string in French and, when given, English.
type Text struct {
	FR string `json:"fr"`
	EN string `json:"en,omitempty"`
}

// In returns the text in lang, falling back to French.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.FR
}

// Questionnaire is the definition of one track's form in one edition. It is
// stored as JSON (the format of import and export, described by
// schema.json) and frozen once an application uses it.
type Questionnaire struct {
	Schema      string       `json:"$schema,omitempty"`
	Track       string       `json:"track"`
	Title       Text         `json:"title"`
	Sections    []Section    `json:"sections"`
	Adjustments []Adjustment `json:"adjustments,omitempty"`
}

// Section is a page of the form, usually one of the five domains.
type Section struct {
	ID        string     `json:"id"`
	Title     Text       `json:"title"`
	Intro     Text       `json:"intro,omitzero"`
	Cap       float64    `json:"cap,omitempty"` // most points the section may give; 0: no cap
	ShowIf    *Condition `json:"showIf,omitempty"`
	Questions []Question `json:"questions"`
}

// Question is one item of a section.
type Question struct {
	ID        string     `json:"id"`
	Type      Type       `json:"type"`
	Label     Text       `json:"label"`
	Help      Text       `json:"help,omitzero"`
	Required  bool       `json:"required,omitempty"`
	ShowIf    *Condition `json:"showIf,omitempty"`
	Options   []Option   `json:"options,omitempty"` // single, multiple
	Columns   []Column   `json:"columns,omitempty"` // table
	Min       *float64   `json:"min,omitempty"`     // integer, percentage (0–100 by default)
	Max       *float64   `json:"max,omitempty"`
	MaxLength int        `json:"maxLength,omitempty"` // text types; 0: the type's default
	Scoring   *Scoring   `json:"scoring,omitempty"`
}

// Option is one choice of a single or multiple choice question.
type Option struct {
	Value  string  `json:"value"`
	Label  Text    `json:"label"`
	Points float64 `json:"points,omitempty"`
}

// Column is one typed column of a repeatable table. Its type is one of
// text, integer, percentage, url, date, yesno.
type Column struct {
	ID    string `json:"id"`
	Label Text   `json:"label"`
	Type  Type   `json:"type"`
}

// Scoring says how an answer turns into points. Choices carry their points
// on their options; a yes/no gives Yes points for "yes"; numbers, tables
// (rows) and software lists (entries) use the highest band whose Min the
// value reaches; any other answered question gives Answered. Max caps the
// question's points (0: no cap).
type Scoring struct {
	Yes      float64 `json:"yes,omitempty"`
	Bands    []Band  `json:"bands,omitempty"`
	Answered float64 `json:"answered,omitempty"`
	Max      float64 `json:"max,omitempty"`
}

// Band gives Points to a value of at least Min.
type Band struct {
	Min    float64 `json:"min"`
	Points float64 `json:"points"`
}

// Condition shows a question or section only when the answer to Question
// equals (or, for a multiple choice, contains) one of Values.
type Condition struct {
	Question string   `json:"question"`
	Values   []string `json:"values"`
}

// Adjustment multiplies a section's points (before its cap) for bodies of
// the given kinds and population band, so that a village is not judged like
// a métropole. Empty Kinds means every kind; a zero bound is open; an empty
// Section means every section.
type Adjustment struct {
	Kinds         []string `json:"kinds,omitempty"`
	MinPopulation int      `json:"minPopulation,omitempty"`
	MaxPopulation int      `json:"maxPopulation,omitempty"`
	Section       string   `json:"section,omitempty"`
	Factor        float64  `json:"factor"`
}

// Answers maps a question id to its canonical value:
//   - yesno: "yes" or "no";
//   - single: the option's value; multiple: a JSON array of option values;
//   - integer, percentage: the decimal number as typed after normalisation
//     ("12", "37.5");
//   - text, longtext, url, date (YYYY-MM-DD): the text;
//   - table: a JSON array of rows, each a JSON array of strings in column order;
//   - software: a JSON array of names;
//   - file: a JSON array of {"id": attachment id, "name": file name}.
//
// An empty string means unanswered.
type Answers map[string]string
