package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tnl/internal/form"
)

// The builder's two forms, a section and a question, each read from the
// post, turned into a change of the questionnaire, and filled back from a
// stored definition. Lists (options, table columns, score bands) are typed
// one per line with "|" or ":" between the parts, so no JavaScript is
// needed to add a row.

// issue is one thing wrong with a builder form: a message id with its
// arguments (what the form could not read) or, from form.Check, a message
// already in words with the place in the questionnaire it concerns.
type builderIssue struct {
	Field string // the form field it concerns, "" when none of this form
	Path  string // where in the questionnaire, for Check's problems
	ID    string
	Args  []any
	Text  string
}

type builderSectionForm struct {
	Base                                        string // sectionDigest of the section as the form was opened
	ID, TitleFR, TitleEN, IntroFR, IntroEN, Cap string
	ShowIfQuestion, ShowIfValues                string
	// The first question of a new section: a section is never empty.
	FirstID, FirstType, FirstLabel string
}

func readBuilderSectionForm(r *http.Request) builderSectionForm {
	return builderSectionForm{Base: field(r, "base"), ID: field(r, "id"), TitleFR: field(r, "title_fr"), TitleEN: field(r, "title_en"),
		IntroFR: longField(r, "intro_fr"), IntroEN: longField(r, "intro_en"), Cap: field(r, "cap"),
		ShowIfQuestion: field(r, "showif_question"), ShowIfValues: field(r, "showif_values"),
		FirstID: field(r, "first_id"), FirstType: field(r, "first_type"), FirstLabel: field(r, "first_label")}
}

func builderSectionFormOf(s *form.Section) builderSectionForm {
	f := builderSectionForm{Base: sectionDigest(s), ID: s.ID, TitleFR: s.Title.FR, TitleEN: s.Title.EN, IntroFR: s.Intro.FR, IntroEN: s.Intro.EN}
	if s.Cap != 0 {
		f.Cap = decimalText(s.Cap)
	}
	f.ShowIfQuestion, f.ShowIfValues = conditionFormFields(s.ShowIf)
	return f
}

// section builds the section the form describes, keeping the questions of
// old (nil for a new section, which gets its first question instead).
func (f *builderSectionForm) section(qn *form.Questionnaire, old *form.Section) (form.Section, []builderIssue) {
	var issues []builderIssue
	s := form.Section{ID: f.ID, Title: form.Text{FR: f.TitleFR, EN: f.TitleEN}, Intro: form.Text{FR: f.IntroFR, EN: f.IntroEN}}
	s.Cap = readDecimalField(&issues, "cap", f.Cap)
	s.ShowIf = readConditionFields(&issues, qn, f.ShowIfQuestion, f.ShowIfValues)
	if old != nil {
		s.Questions = old.Questions
	} else {
		s.Questions = []form.Question{{ID: f.FirstID, Type: form.Type(f.FirstType), Label: form.Text{FR: f.FirstLabel}}}
	}
	return s, issues
}

type builderQuestionForm struct {
	Base                             string // elementDigest of the question as the form was opened
	Section                          string
	ID, Type                         string
	LabelFR, LabelEN, HelpFR, HelpEN string
	Required                         bool
	ShowIfQuestion, ShowIfValues     string
	Options, Columns                 string
	Min, Max, MaxLength              string
	ScoreYes, ScoreBands             string
	ScoreAnswered, ScoreMax          string
}

func readBuilderQuestionForm(r *http.Request) builderQuestionForm {
	return builderQuestionForm{Base: field(r, "base"), Section: field(r, "section"), ID: field(r, "id"), Type: field(r, "type"),
		LabelFR: longField(r, "label_fr"), LabelEN: longField(r, "label_en"),
		HelpFR: longField(r, "help_fr"), HelpEN: longField(r, "help_en"),
		Required:       r.PostFormValue("required") == "1",
		ShowIfQuestion: field(r, "showif_question"), ShowIfValues: field(r, "showif_values"),
		Options: longField(r, "options"), Columns: longField(r, "columns"),
		Min: field(r, "min"), Max: field(r, "max"), MaxLength: field(r, "max_length"),
		ScoreYes: field(r, "score_yes"), ScoreBands: longField(r, "score_bands"),
		ScoreAnswered: field(r, "score_answered"), ScoreMax: field(r, "score_max")}
}

func builderQuestionFormOf(q *form.Question, section string) builderQuestionForm {
	f := builderQuestionForm{Base: elementDigest(q), Section: section, ID: q.ID, Type: string(q.Type), LabelFR: q.Label.FR, LabelEN: q.Label.EN,
		HelpFR: q.Help.FR, HelpEN: q.Help.EN, Required: q.Required}
	f.ShowIfQuestion, f.ShowIfValues = conditionFormFields(q.ShowIf)
	var listLines []string
	for _, o := range q.Options {
		listLines = append(listLines, joinLineParts(o.Value, o.Label.FR, optionPointsPart(o.Points, o.Label.EN != ""), o.Label.EN))
	}
	f.Options = strings.Join(listLines, "\n")
	listLines = nil
	for _, c := range q.Columns {
		listLines = append(listLines, joinLineParts(c.ID, c.Label.FR, string(c.Type), c.Label.EN))
	}
	f.Columns = strings.Join(listLines, "\n")
	f.Min, f.Max = optionalDecimal(q.Min), optionalDecimal(q.Max)
	if q.MaxLength > 0 {
		f.MaxLength = strconv.Itoa(q.MaxLength)
	}
	if sc := q.Scoring; sc != nil {
		f.ScoreYes, f.ScoreAnswered, f.ScoreMax = zeroBlankDecimal(sc.Yes), zeroBlankDecimal(sc.Answered), zeroBlankDecimal(sc.Max)
		listLines = nil
		for _, b := range sc.Bands {
			listLines = append(listLines, decimalText(b.Min)+" : "+decimalText(b.Points))
		}
		f.ScoreBands = strings.Join(listLines, "\n")
	}
	return f
}

// question builds the question the form describes.
func (f *builderQuestionForm) question(qn *form.Questionnaire) (form.Question, []builderIssue) {
	var issues []builderIssue
	q := form.Question{ID: f.ID, Type: form.Type(f.Type), Required: f.Required,
		Label: form.Text{FR: f.LabelFR, EN: f.LabelEN}, Help: form.Text{FR: f.HelpFR, EN: f.HelpEN}}
	q.ShowIf = readConditionFields(&issues, qn, f.ShowIfQuestion, f.ShowIfValues)
	q.Options = readOptionLines(&issues, f.Options)
	q.Columns = readColumnLines(&issues, f.Columns)
	if f.Min != "" {
		v := readDecimalField(&issues, "min", f.Min)
		q.Min = &v
	}
	if f.Max != "" {
		v := readDecimalField(&issues, "max", f.Max)
		q.Max = &v
	}
	if f.MaxLength != "" {
		n, err := strconv.Atoi(f.MaxLength)
		if err != nil || n < 0 {
			issues = append(issues, builderIssue{Field: "max_length", ID: "builder.error.whole_number"})
		}
		q.MaxLength = n
	}
	sc := form.Scoring{Yes: readDecimalField(&issues, "score_yes", f.ScoreYes),
		Answered: readDecimalField(&issues, "score_answered", f.ScoreAnswered), Max: readDecimalField(&issues, "score_max", f.ScoreMax),
		Bands: readBandLines(&issues, f.ScoreBands)}
	if sc.Yes != 0 || sc.Answered != 0 || sc.Max != 0 || len(sc.Bands) > 0 {
		q.Scoring = &sc
	}
	return q, issues
}

// conditionFields writes a condition back as the form's two fields.
func conditionFormFields(c *form.Condition) (question, values string) {
	if c == nil {
		return "", ""
	}
	return c.Question, strings.Join(c.Values, ", ")
}

// readCondition reads "show only if question … has one of these answers".
// Values are separated by commas; oui and non stand for yes and no.
func readConditionFields(issues *[]builderIssue, qn *form.Questionnaire, question, values string) *form.Condition {
	if question == "" {
		if values != "" {
			*issues = append(*issues, builderIssue{Field: "showif_question", ID: "builder.error.condition_question"})
		}
		return nil
	}
	c := &form.Condition{Question: question}
	target, _ := qn.Question(question)
	for _, v := range strings.FieldsFunc(values, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		v = strings.TrimSpace(v)
		if target != nil && target.Type == form.YesNo {
			switch strings.ToLower(v) {
			case "oui":
				v = "yes"
			case "non":
				v = "no"
			}
		}
		if v != "" && !slices.Contains(c.Values, v) {
			c.Values = append(c.Values, v)
		}
	}
	return c
}

// readNumber reads an optional number; an empty field is 0.
func readDecimalField(issues *[]builderIssue, name, s string) float64 {
	if s == "" {
		return 0
	}
	v, ok := parseDecimal(s)
	if !ok {
		*issues = append(*issues, builderIssue{Field: name, ID: "builder.error.number", Args: []any{"Value", s}})
	}
	return v
}

// lines splits a list field into its non-blank lines, numbered from 1.
func listLines(s string) (out []string, numbers []int) {
	for i, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
			numbers = append(numbers, i+1)
		}
	}
	return out, numbers
}

// parts splits a line on "|" and trims each part.
func lineParts(line string) []string {
	ps := strings.Split(line, "|")
	for i := range ps {
		ps[i] = strings.TrimSpace(ps[i])
	}
	return ps
}

// readOptions reads "valeur | libellé | points | libellé anglais" lines.
func readOptionLines(issues *[]builderIssue, s string) []form.Option {
	var out []form.Option
	ls, numbers := listLines(s)
	for i, l := range ls {
		ps := lineParts(l)
		if len(ps) < 2 || len(ps) > 4 {
			*issues = append(*issues, builderIssue{Field: "options", ID: "builder.error.option_line", Args: []any{"Line", numbers[i]}})
			continue
		}
		o := form.Option{Value: ps[0], Label: form.Text{FR: ps[1]}}
		if len(ps) > 2 && ps[2] != "" {
			v, ok := parseDecimal(ps[2])
			if !ok {
				*issues = append(*issues, builderIssue{Field: "options", ID: "builder.error.option_points", Args: []any{"Line", numbers[i]}})
			}
			o.Points = v
		}
		if len(ps) > 3 {
			o.Label.EN = ps[3]
		}
		out = append(out, o)
	}
	return out
}

// readColumns reads "id | libellé | type | libellé anglais" lines.
func readColumnLines(issues *[]builderIssue, s string) []form.Column {
	var out []form.Column
	ls, numbers := listLines(s)
	for i, l := range ls {
		ps := lineParts(l)
		if len(ps) < 3 || len(ps) > 4 {
			*issues = append(*issues, builderIssue{Field: "columns", ID: "builder.error.column_line", Args: []any{"Line", numbers[i]}})
			continue
		}
		c := form.Column{ID: ps[0], Label: form.Text{FR: ps[1]}, Type: form.Type(ps[2])}
		if len(ps) > 3 {
			c.Label.EN = ps[3]
		}
		out = append(out, c)
	}
	return out
}

// readBands reads "seuil : points" lines.
func readBandLines(issues *[]builderIssue, s string) []form.Band {
	var out []form.Band
	ls, numbers := listLines(s)
	for i, l := range ls {
		minText, pointsText, ok := strings.Cut(l, ":")
		lo, ok1 := parseDecimal(minText)
		pts, ok2 := parseDecimal(pointsText)
		if !ok || !ok1 || !ok2 {
			*issues = append(*issues, builderIssue{Field: "score_bands", ID: "builder.error.band_line", Args: []any{"Line", numbers[i]}})
			continue
		}
		out = append(out, form.Band{Min: lo, Points: pts})
	}
	return out
}

// joinParts writes a list line, leaving out empty trailing parts.
func joinLineParts(ps ...string) string {
	for len(ps) > 0 && ps[len(ps)-1] == "" {
		ps = ps[:len(ps)-1]
	}
	return strings.Join(ps, " | ")
}

// pointsPart writes an option's points; zero is left out unless a part
// follows it.
func optionPointsPart(v float64, more bool) string {
	if v == 0 && !more {
		return ""
	}
	return decimalText(v)
}

func zeroBlankDecimal(v float64) string {
	if v == 0 {
		return ""
	}
	return decimalText(v)
}

func optionalDecimal(v *float64) string {
	if v == nil {
		return ""
	}
	return decimalText(*v)
}

// problemField finds the form field a Check problem concerns: its path
// must lie under base (the section or question the form edits); fields
// maps what follows base to a field name.
func checkProblemField(path, base string, fields [][2]string) string {
	rest, ok := strings.CutPrefix(path, base)
	if !ok {
		return ""
	}
	for _, f := range fields {
		tail, ok := strings.CutPrefix(rest, f[0])
		if ok && (tail == "" || tail[0] == '.' || tail[0] == '[') {
			return f[1]
		}
	}
	return ""
}

var (
	sectionProblemFields = [][2]string{
		{".id", "id"}, {".title", "title_fr"}, {".intro", "intro_fr"}, {".cap", "cap"},
		{".showIf.values", "showif_values"}, {".showIf", "showif_question"},
		{".questions[0].id", "first_id"}, {".questions[0].label", "first_label"}, {".questions[0]", "first_type"},
	}
	questionProblemFields = [][2]string{
		{".id", "id"}, {".type", "type"}, {".label", "label_fr"}, {".help", "help_fr"},
		{".showIf.values", "showif_values"}, {".showIf", "showif_question"},
		{".options", "options"}, {".columns", "columns"}, {".min", "min"}, {".max", "max"},
		{".maxLength", "max_length"}, {".scoring.yes", "score_yes"}, {".scoring.bands", "score_bands"},
		{".scoring.answered", "score_answered"}, {".scoring.max", "score_max"}, {".scoring", "score_max"},
	}
)

// checkIssues runs Check on qn and turns its problems into issues, tied to
// the form's fields when they concern the edited item at base.
func checkBuilderIssues(qn *form.Questionnaire, base string, fields [][2]string) []builderIssue {
	var out []builderIssue
	for _, p := range qn.Check() {
		out = append(out, builderIssue{Path: p.Path, Text: p.Message, Field: checkProblemField(p.Path, base, fields)})
	}
	return out
}

// sectionPath and questionPath are the places Check names.
func checkSectionPath(i int) string     { return fmt.Sprintf("sections[%d]", i) }
func checkQuestionPath(i, j int) string { return fmt.Sprintf("sections[%d].questions[%d]", i, j) }

// elementDigest identifies the state of a questionnaire element: an edit
// form carries it from when it was opened, and a save made on another state
// (someone changed the element meanwhile) is refused rather than silently
// overwriting the other change.
func elementDigest(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// sectionDigest is elementDigest of a section's own settings: a change to
// one of its questions is not a change to the section.
func sectionDigest(s *form.Section) string {
	own := *s
	own.Questions = nil
	return elementDigest(own)
}
