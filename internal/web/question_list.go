package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/render"
)

// The list of a track's questions in words: published for applicants, who
// prepare their answers with colleagues before typing them (as a page to
// print and as a spreadsheet), and shown in the builder with the scoring.
// Both come from the very definition applicants answer.

// listSection is one section of a questionnaire described in words.
type listSection struct {
	Number                      int
	ID, Title, Intro, Condition string
	Cap                         float64
	Questions                   []listQuestion
	Last                        bool // the last section
}

// listQuestion is one question described in words.
type listQuestion struct {
	Number      string // "2.3"
	ID          string
	Type        form.Type
	TypeName    string
	Label, Help string
	Required    bool
	Condition   string
	Options     []listOption
	Columns     []string // "Libellé (type)"
	Bounds      string
	Scoring     string // the builder's summary of the scoring
	Last        bool   // the last question of its section
}

type listOption struct {
	Value, Label string
	Points       float64
}

// describer writes a questionnaire in words in one language.
type questionDescriber struct {
	qn   *form.Questionnaire
	lang string
	t    func(id string, args ...any) string
	nums map[string]string // question id → number
}

// describe writes qn in words in lang.
func (s *Server) describeQuestionnaire(qn *form.Questionnaire, lang string) []listSection {
	d := &questionDescriber{qn: qn, lang: lang, nums: map[string]string{},
		t: func(id string, args ...any) string { return s.tr.T(lang, id, args...) }}
	for i, sec := range qn.Sections {
		for j, q := range sec.Questions {
			d.nums[q.ID] = fmt.Sprintf("%d.%d", i+1, j+1)
		}
	}
	out := make([]listSection, len(qn.Sections))
	for i := range qn.Sections {
		sec := &qn.Sections[i]
		ls := listSection{Number: i + 1, ID: sec.ID, Title: sec.Title.In(lang), Intro: sec.Intro.In(lang),
			Condition: d.condition(sec.ShowIf), Cap: sec.Cap}
		for j := range sec.Questions {
			lq := d.question(&sec.Questions[j])
			lq.Last = j == len(sec.Questions)-1
			ls.Questions = append(ls.Questions, lq)
		}
		ls.Last = i == len(qn.Sections)-1
		out[i] = ls
	}
	return out
}

func (d *questionDescriber) question(q *form.Question) listQuestion {
	lq := listQuestion{Number: d.nums[q.ID], ID: q.ID, Type: q.Type, TypeName: d.t("editions.type." + string(q.Type)),
		Label: q.Label.In(d.lang), Help: q.Help.In(d.lang), Required: q.Required, Condition: d.condition(q.ShowIf)}
	for _, o := range q.Options {
		lq.Options = append(lq.Options, listOption{Value: o.Value, Label: o.Label.In(d.lang), Points: o.Points})
	}
	for _, c := range q.Columns {
		lq.Columns = append(lq.Columns, d.t("qlist.column", "Label", c.Label.In(d.lang), "Type", d.t("editions.type."+string(c.Type))))
	}
	lq.Bounds = d.bounds(q)
	lq.Scoring = d.scoring(q)
	return lq
}

// condition words a condition: "Seulement si « … » (1.2) vaut « Oui »".
func (d *questionDescriber) condition(c *form.Condition) string {
	if c == nil {
		return ""
	}
	q, _ := d.qn.Question(c.Question)
	if q == nil {
		return ""
	}
	values := make([]string, len(c.Values))
	for i, v := range c.Values {
		values[i] = d.t("qlist.quoted", "Text", d.valueLabel(q, v))
	}
	id := "qlist.condition"
	if q.Type == form.Multiple {
		id = "qlist.condition_contains"
	}
	return d.t(id, "Question", q.Label.In(d.lang), "Number", d.nums[q.ID], "Values", strings.Join(values, d.t("qlist.or")))
}

// valueLabel words one answer of a yes/no or choice question.
func (d *questionDescriber) valueLabel(q *form.Question, v string) string {
	if q.Type == form.YesNo {
		return form.Display(q, v, d.lang)
	}
	for _, o := range q.Options {
		if o.Value == v {
			return o.Label.In(d.lang)
		}
	}
	return v
}

func (d *questionDescriber) bounds(q *form.Question) string {
	n := func(v *float64) string { return form.FormatPoints(*v, d.lang) }
	switch {
	case q.Min != nil && q.Max != nil:
		return d.t("qlist.bounds.between", "Min", n(q.Min), "Max", n(q.Max))
	case q.Min != nil:
		return d.t("qlist.bounds.min", "Min", n(q.Min))
	case q.Max != nil:
		return d.t("qlist.bounds.max", "Max", n(q.Max))
	case q.MaxLength > 0:
		return d.t("qlist.bounds.length", "Count", q.MaxLength)
	}
	return ""
}

// scoring sums up how the question gives points, for the builder.
func (d *questionDescriber) scoring(q *form.Question) string {
	var lineParts []string
	pts := func(v float64) string { return form.FormatPoints(v, d.lang) }
	if (q.Type == form.Single || q.Type == form.Multiple) && form.BestPoints(q) > 0 {
		lineParts = append(lineParts, d.t("builder.score.options"))
	}
	sc := q.Scoring
	if sc == nil {
		return strings.Join(lineParts, " ; ")
	}
	if sc.Yes != 0 {
		lineParts = append(lineParts, d.t("builder.score.yes", "Points", pts(sc.Yes)))
	}
	if len(sc.Bands) > 0 {
		bands := make([]string, len(sc.Bands))
		for i, b := range sc.Bands {
			bands[i] = d.t("builder.score.band", "Min", pts(b.Min), "Points", pts(b.Points))
		}
		lineParts = append(lineParts, d.t("builder.score.bands", "Bands", strings.Join(bands, ", ")))
	}
	if sc.Answered != 0 {
		lineParts = append(lineParts, d.t("builder.score.answered", "Points", pts(sc.Answered)))
	}
	if sc.Max != 0 {
		lineParts = append(lineParts, d.t("builder.score.max", "Points", pts(sc.Max)))
	}
	return strings.Join(lineParts, " ; ")
}

// publishedQuestionnaire loads the questionnaire of the URL's {year} and
// {track} if its list of questions is public: the edition's applications
// are open or past. Anything else is a 404.
func (s *Server) publishedQuestionnaire(w http.ResponseWriter, r *http.Request) (*domain.Edition, *domain.Track, *form.Questionnaire, bool) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.notFound(w, r)
		return nil, nil, nil, false
	}
	e, err := s.db.FindEdition(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, nil, false
	}
	t, ok := e.Track(r.PathValue("track"))
	if !ok || e.OpensAt == nil || s.now().Before(*e.OpensAt) {
		s.notFound(w, r)
		return nil, nil, nil, false
	}
	cur, err := s.db.CurrentQuestionnaire(r.Context(), year, t.Key)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, nil, false
	}
	qn, err := s.definition(r, cur.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, nil, false
	}
	return e, t, qn, true
}

type questionListPage struct {
	page
	Edition  *domain.Edition
	Track    *domain.Track
	Sections []listSection
	Count    int
}

func (s *Server) questionList(w http.ResponseWriter, r *http.Request) {
	e, t, qn, ok := s.publishedQuestionnaire(w, r)
	if !ok {
		return
	}
	p := &questionListPage{Edition: e, Track: t, Sections: s.describeQuestionnaire(qn, requestLang(r))}
	for _, sec := range p.Sections {
		p.Count += len(sec.Questions)
	}
	p.TitleText = s.tr.T(requestLang(r), "qlist.title", "Track", t.Name, "Year", e.Year)
	s.render(w, r, http.StatusOK, "question_list", p)
}

// questionListODS streams the same list as a spreadsheet, one row per
// question, for organisers and applicants who share the work in a table.
func (s *Server) questionListODS(w http.ResponseWriter, r *http.Request) {
	e, t, qn, ok := s.publishedQuestionnaire(w, r)
	if !ok {
		return
	}
	lang := requestLang(r)
	tr := func(id string, args ...any) string { return s.tr.T(lang, id, args...) }
	w.Header().Set("Content-Type", "application/vnd.oasis.opendocument.spreadsheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="questions-%d-%s.ods"`, e.Year, t.Key))
	sheet, err := render.NewODS(w, tr("qlist.ods.sheet"))
	if err == nil {
		err = writeQuestionRows(sheet, s.describeQuestionnaire(qn, lang), tr)
	}
	if err == nil {
		err = sheet.Close()
	}
	if err != nil {
		// Headers are gone: the download breaks, which the browser shows.
		s.log.Error("question list ODS", "year", e.Year, "track", t.Key, "error", err)
	}
}

// writeQuestionRows writes the header and one row per question.
func writeQuestionRows(sheet render.SheetWriter, sections []listSection, tr func(string, ...any) string) error {
	head := []string{"qlist.ods.section", "qlist.ods.number", "qlist.ods.question", "qlist.ods.type",
		"qlist.ods.required", "qlist.ods.options", "qlist.ods.help", "qlist.ods.condition"}
	for i, id := range head {
		head[i] = tr(id)
	}
	if err := sheet.WriteRow(render.Texts(head...)...); err != nil {
		return err
	}
	for _, sec := range sections {
		for _, q := range sec.Questions {
			required := tr("qlist.no")
			if q.Required {
				required = tr("qlist.yes")
			}
			condition := q.Condition
			if sec.Condition != "" && condition == "" {
				condition = sec.Condition
			}
			err := sheet.WriteRow(render.Texts(sec.Title, q.Number, q.Label, q.TypeName, required,
				questionChoicesText(q, tr), q.Help, condition)...)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// choicesText puts a question's options, table columns or bounds in one
// cell, one per line.
func questionChoicesText(q listQuestion, tr func(string, ...any) string) string {
	var listLines []string
	for _, o := range q.Options {
		listLines = append(listLines, o.Label)
	}
	if len(q.Columns) > 0 {
		listLines = append(listLines, tr("qlist.columns")+" "+strings.Join(q.Columns, ", "))
	}
	if q.Bounds != "" {
		listLines = append(listLines, q.Bounds)
	}
	return strings.Join(listLines, "\n")
}

// schemaShow publishes the JSON Schema of questionnaire files, so that an
// organiser's editor can check a file before it is imported.
func (s *Server) questionnaireSchema(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/schema+json")
	w.Write(form.SchemaJSON)
}

// questionnaireFor decodes a stored definition into a fresh value, which
// the caller may change (the cache of s.definition is shared).
func questionnaireFor(q *domain.Questionnaire) (*form.Questionnaire, error) {
	var qn form.Questionnaire
	if err := json.Unmarshal(q.Definition, &qn); err != nil {
		return nil, fmt.Errorf("questionnaire %d: %w", q.ID, err)
	}
	qn.Schema = ""
	return &qn, nil
}
