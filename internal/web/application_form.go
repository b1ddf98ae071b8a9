package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// answerSectionPage is one section of the applicant's form: editable, or read
// only (the deadline passed, the secretariat's view, a contributor outside
// their sections), with the reason.
type answerSectionPage struct {
	page
	Header      appHeader
	Section     *form.Section
	Intro       string
	Questions   []questionView
	Uploads     []questionView // file questions: each posts its own upload form
	ReadOnly    bool
	ReadOnlyWhy string // message id
	Refused     string // message id of a write just refused (403)
	Hidden      bool   // the section does not apply, given the answers
	Action      string
	AutosaveURL string
	Points, Max float64
	Next        string // the next section's address, "" on the last
	Overview    string
}

// sectionState is what a section page shows besides the saved answers:
// what was just typed and what went wrong with it.
type sectionState struct {
	status    int
	typed     url.Values
	problems  map[string]string
	conflicts map[string]*domain.Answer
	mine      map[string]string // refused values, canonical, by question
	refused   string            // message id of a refused write
	extraRows map[string]int    // spare table rows asked for, by question
}

// applicationSection shows one section of the form.
func (s *Server) applicationSection(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	sec := formSection(acc.Def, r.PathValue("section"))
	if sec == nil {
		s.notFound(w, r)
		return
	}
	st := sectionState{status: http.StatusOK, extraRows: moreRowsAsked(r.URL.Query())}
	s.renderAnswerSection(w, r, acc, sec, st)
}

// formSection returns the section with that id, or nil.
func formSection(def *form.Questionnaire, id string) *form.Section {
	for i := range def.Sections {
		if def.Sections[i].ID == id {
			return &def.Sections[i]
		}
	}
	return nil
}

// readOnlyReason says why the person may not edit this section now, as a
// message id, or "" when they may.
func (s *Server) readOnlyReason(acc *appAccess, sec *form.Section) string {
	switch {
	case s.closed(acc):
		return "form.page.readonly.closed"
	case acc.Me == nil:
		return "form.page.readonly.admin"
	case !acc.MayEditSection(sec.ID):
		return "form.page.readonly.section"
	}
	return ""
}

// renderAnswerSection shows a section with st's typed values and problems.
func (s *Server) renderAnswerSection(w http.ResponseWriter, r *http.Request, acc *appAccess, sec *form.Section, st sectionState) {
	lang := requestLang(r)
	p := &answerSectionPage{
		page:    page{TitleText: sec.Title.In(lang), Errors: map[string]string{}},
		Header:  s.appHeader(r, acc),
		Section: sec, Intro: sec.Intro.In(lang), ReadOnlyWhy: s.readOnlyReason(acc, sec), Refused: st.refused,
		Hidden:   !form.Visible(acc.Def, sec.ShowIf, acc.Values),
		Action:   sectionURL(acc.App.ID, sec.ID),
		Overview: fmt.Sprintf("/candidatures/%d", acc.App.ID),
	}
	p.ReadOnly = p.ReadOnlyWhy != ""
	p.AutosaveURL = fmt.Sprintf("/candidatures/%d/reponses", acc.App.ID)
	p.Next = nextFormSection(p.Header, sec.ID)
	for _, sc := range acc.score().Sections {
		if sc.Section == sec.ID {
			p.Points, p.Max = sc.Points, sc.Max
		}
	}
	p.Questions = s.questionViewsWith(acc, sec, lang, st.typed, st.problems, st.conflicts, st.extraRows)
	if err := s.fillConflicts(r, p.Questions, sec, st.mine, lang); err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.ReadOnly {
		readOnlyViews(p.Questions)
	} else {
		p.Scripts = []string{"autosave.js"}
		if err := s.fillCatalogue(r, p.Questions); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	for _, q := range p.Questions {
		if q.Problem != "" {
			p.Errors[q.Anchor] = q.Problem
		}
		if q.Type == form.File {
			p.Uploads = append(p.Uploads, q)
		}
	}
	s.render(w, r, st.status, "application_section", p)
}

// nextFormSection is the address of the section after current in the
// navigation, or "".
func nextFormSection(h appHeader, current string) string {
	for i, l := range h.Sections {
		if l.ID == current && i+1 < len(h.Sections) {
			return h.Sections[i+1].URL
		}
	}
	return ""
}

// fillCatalogue offers the known software names to the software lists.
func (s *Server) fillCatalogue(r *http.Request, qs []questionView) error {
	var names []string
	for i := range qs {
		if qs[i].Type != form.Software {
			continue
		}
		if names == nil {
			var err error
			if names, err = s.db.SoftwareCatalogue(r.Context(), catalogueMax); err != nil {
				return err
			}
		}
		qs[i].Catalogue = names
	}
	return nil
}

// fillConflicts names who saved the newer answers and shows the refused
// values as text.
func (s *Server) fillConflicts(r *http.Request, qs []questionView, sec *form.Section, mine map[string]string, lang string) error {
	for i := range qs {
		c := qs[i].Conflict
		if c == nil {
			continue
		}
		if q := formSectionQuestion(sec, qs[i].ID); q != nil {
			c.Mine = form.Display(q, mine[q.ID], lang)
		}
		email, err := s.answerSavedBy(r, c.SavedByID)
		if err != nil {
			return err
		}
		c.SavedBy = email
	}
	return nil
}

// answerSavedBy is the email of the person who saved an answer; "" when the
// account is gone or the save came from the system.
func (s *Server) answerSavedBy(r *http.Request, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	u, err := s.db.FindUserByID(r.Context(), id)
	if domain.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return u.Email, nil
}

// formSectionQuestion finds a question of one section.
func formSectionQuestion(sec *form.Section, id string) *form.Question {
	for i := range sec.Questions {
		if sec.Questions[i].ID == id {
			return &sec.Questions[i]
		}
	}
	return nil
}

// moreRowsAsked reads the spare table rows asked for by "Ajouter des
// lignes" from the address it redirects to: lignes=<question>-<count>.
func moreRowsAsked(q url.Values) map[string]int {
	id, n, ok := strings.Cut(q.Get("lignes"), "-")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count <= 0 {
		return nil
	}
	return map[string]int{id: min(count, maxSpareRows)}
}

// The fields of each question type, for questionViews (application_header.go).

// answerFields turns a saved canonical value into the form fields that would
// post it, so that a saved answer and a typed one are shown alike.
func answerFields(q *form.Question, value, lang string) url.Values {
	f := url.Values{}
	name := form.AnswerField(q.ID)
	switch q.Type {
	case form.Multiple, form.Software:
		f[name] = form.List(value)
	case form.Table:
		for r, row := range form.Rows(value) {
			for c, col := range q.Columns {
				if c < len(row) {
					f.Set(form.CellField(q.ID, r, col.ID), answerEditText(col.Type, row[c], lang))
				}
			}
		}
	default:
		f.Set(name, answerEditText(q.Type, value, lang))
	}
	return f
}

// answerEditText writes a canonical scalar the way people type it: a decimal
// comma for French percentages, dates as JJ/MM/AAAA. Parse reads both.
func answerEditText(t form.Type, v, lang string) string {
	if t == form.Percentage && lang != "en" {
		return strings.Replace(v, ".", ",", 1)
	}
	if d, err := time.Parse(time.DateOnly, v); t == form.Date && err == nil {
		return d.Format("02/01/2006")
	}
	return v
}

func fillQuestionChoices(v *questionView, q *form.Question, lang string, fields url.Values) {
	chosen := map[string]bool{}
	for _, c := range fields[v.Field] {
		chosen[c] = true
	}
	opts := q.Options
	if q.Type == form.YesNo {
		opts = []form.Option{{Value: "yes", Label: form.Text{FR: "Oui", EN: "Yes"}},
			{Value: "no", Label: form.Text{FR: "Non", EN: "No"}}}
	}
	v.Select = q.Type == form.Single && len(opts) > selectAbove
	for i, o := range opts {
		v.Options = append(v.Options, optionView{ID: fmt.Sprintf("%s-%d", v.Field, i), Value: o.Value,
			Label: o.Label.In(lang), Checked: chosen[o.Value]})
	}
	if !v.Select && len(v.Options) > 0 {
		v.Anchor = v.Options[0].ID
	}
}

func fillQuestionScalar(v *questionView, q *form.Question, fields url.Values) {
	v.Value = fields.Get(v.Field)
	v.InputType, v.InputMode = answerInputKind(q.Type)
	v.MaxLength = q.MaxLength
}

// answerInputKind chooses the input type and virtual keyboard of a scalar type.
// Numbers use a text input with a numeric keyboard: type=number would
// refuse "12 000" and the French decimal comma in some browsers.
func answerInputKind(t form.Type) (inputType, inputMode string) {
	switch t {
	case form.Integer:
		return "text", "numeric"
	case form.Percentage:
		return "text", "decimal"
	case form.URL:
		return "url", ""
	}
	// Dates too are text, typed JJ/MM/AAAA: the browsers' date fields keep
	// the focus in inner parts that focus styles do not reach, and read
	// poorly with screen readers.
	return "text", ""
}

func fillQuestionTable(v *questionView, q *form.Question, lang string, fields url.Values, spare int) {
	for _, c := range q.Columns {
		v.Columns = append(v.Columns, columnView{ID: c.ID, Label: c.Label.In(lang), Type: c.Type})
	}
	rows := postedTableRows(q, fields)
	for r := range rows + spare {
		row := rowView{Index: r, Number: r + 1}
		for _, c := range q.Columns {
			name := form.CellField(q.ID, r, c.ID)
			it, im := answerInputKind(c.Type)
			row.Cells = append(row.Cells, cellView{ID: name, Name: name, Value: fields.Get(name),
				Label: c.Label.In(lang), Column: c.ID, Type: c.Type, InputType: it, InputMode: im})
		}
		v.Rows = append(v.Rows, row)
	}
	v.Anchor = v.Rows[0].Cells[0].ID
}

// postedTableRows is one more than the highest row index with a non-blank
// cell: the rows to show before the spare ones.
func postedTableRows(q *form.Question, fields url.Values) int {
	n := 0
	prefix := form.AnswerField(q.ID) + "."
	for key, vs := range fields {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		rowText, _, _ := strings.Cut(rest, ".")
		if r, err := strconv.Atoi(rowText); err == nil && r >= 0 && r < form.MaxRows+maxSpareRows {
			n = max(n, r+1)
		}
	}
	return n
}

func fillQuestionEntries(v *questionView, fields url.Values) {
	var entries []string
	for _, e := range fields[v.Field] {
		if strings.TrimSpace(e) != "" {
			entries = append(entries, e)
		}
	}
	for i := range len(entries) + spareEntries {
		e := entryView{ID: fmt.Sprintf("%s-%d", v.Field, i), Number: i + 1}
		if i < len(entries) {
			e.Value = entries[i]
		}
		v.Entries = append(v.Entries, e)
	}
	v.Anchor = v.Entries[0].ID
}

func fillQuestionFiles(v *questionView, value string) {
	for _, f := range form.Files(value) {
		v.Files = append(v.Files, fileView{ID: f.ID, Name: f.Name,
			URL:        fmt.Sprintf("/candidatures/%d/fichiers/%d", v.AppID, f.ID),
			RemoveName: fmt.Sprintf("%s/%d", v.ID, f.ID)})
	}
	v.Anchor = "file-" + v.ID
}
