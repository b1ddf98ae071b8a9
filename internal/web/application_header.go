package web

// The application's header and section navigation, shared by every page of
// one application (the form's sections, the overview, the submission, the
// receipts). Names other pages rely on — keep them stable:
//
// Go:
//   - appHeader, built by s.appHeader(r, acc): the body, edition, track,
//     status, deadline, time left, progress and the sections' links. The
//     current section is read from the route's {section}, if any.
//   - s.closed(acc): the deadline has passed, so the application is read-only.
//   - questionView, built by s.questionViews(acc, section, lang, typed,
//     problems, conflicts): one question ready for the "question"
//     template, for editing, for reading (readOnlyViews sets ReadOnly: the
//     Display text) or as an inert preview (set Disabled).
//   - sectionURL(appID, section): the address of one section of the form.
//
// Templates (templates/partials/application.html; Go writes them, see
// application_render.go), each given a dict with the page data as P:
//
//	{{template "app-header" dict "P" $ "H" .Header}}
//	{{template "section-nav" dict "P" $ "H" .Header}}
//	{{template "question" dict "P" $ "Q" $q}}   ($q a questionView)

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// appHeader is what the top of every application page shows.
type appHeader struct {
	AppID       int64
	Body        string
	Year        int
	Track       string
	Status      domain.ApplicationStatus
	Submissions int
	Reopened    bool   // a submitted application sent back for correction
	Correction  string // the secretariat's reason, while reopened
	Deadline    time.Time
	HasDeadline bool
	Closed      bool
	LeftID      string // message id of the time left ("encore 12 jours"), "" without deadline
	LeftCount   int
	Percent     int // share of the shown questions answered
	Answered    int
	Visible     int
	Score       float64 // indicative total
	Max         float64
	Sections    []sectionLink
	Current     string // the section shown, "" on other pages
}

// sectionLink is one entry of the section navigation.
type sectionLink struct {
	ID, Title, URL  string
	Answered        int
	Visible         int
	RequiredMissing int
	Current         bool
}

// Submitted reports whether the application is submitted now.
func (h appHeader) Submitted() bool { return h.Status == domain.ApplicationSubmitted }

// closed reports whether the edition's deadline has passed: every page of
// the application is then read-only, and the store refuses writes anyway.
func (s *Server) closed(acc *appAccess) bool {
	return acc.Edition.ClosedAt(s.now())
}

// appHeader builds the header of acc's pages in the request's language.
func (s *Server) appHeader(r *http.Request, acc *appAccess) appHeader {
	lang := requestLang(r)
	h := appHeader{
		AppID: acc.App.ID, Body: acc.App.Body.Name, Year: acc.App.Year, Track: acc.Track.Name,
		Status: acc.App.Status, Submissions: acc.App.Submissions,
		Reopened: acc.App.Status == domain.ApplicationDraft && acc.App.Submissions > 0,
		Closed:   s.closed(acc), Current: r.PathValue("section"),
	}
	if h.Reopened {
		h.Correction = acc.App.Correction
	}
	if acc.Edition.ClosesAt != nil {
		h.HasDeadline, h.Deadline = true, acc.Edition.Deadline()
		h.LeftID, h.LeftCount = deadlineLeft(acc.Edition.ClosesAt.Sub(s.now()))
	}
	score := acc.score()
	h.Score, h.Max = score.Total, score.Max
	progress := form.Progress(acc.Def, acc.Values)
	for i, p := range progress {
		sec := &acc.Def.Sections[i]
		if !form.Visible(acc.Def, sec.ShowIf, acc.Values) {
			continue // a section that does not apply to this body
		}
		h.Answered += p.Answered
		h.Visible += p.Visible
		h.Sections = append(h.Sections, sectionLink{
			ID: sec.ID, Title: sec.Title.In(lang), URL: sectionURL(acc.App.ID, sec.ID),
			Answered: p.Answered, Visible: p.Visible, RequiredMissing: p.RequiredMissing,
			Current: sec.ID == h.Current,
		})
	}
	h.Percent = form.Percent(progress)
	return h
}

// deadlineLeft words the time until the first refused instant: days while
// more than two remain, then hours, then minutes.
func deadlineLeft(d time.Duration) (id string, count int) {
	switch {
	case d <= 0:
		return "form.header.left.closed", 0
	case d >= 48*time.Hour:
		return "form.header.left.days", int(d / (24 * time.Hour))
	case d >= time.Hour:
		return "form.header.left.hours", int(d / time.Hour)
	}
	return "form.header.left.minutes", max(1, int(d/time.Minute))
}

// sectionURL is the address of one section of the form.
func sectionURL(appID int64, section string) string {
	return fmt.Sprintf("/candidatures/%d/sections/%s", appID, url.PathEscape(section))
}

// PointsText formats indicative points in the page's language ("12,5").
func (p page) PointsText(x float64) string { return form.FormatPoints(x, p.Lang) }

// questionView is one question ready for the "question" template: the
// fields to edit it (what was saved, or what the person just typed) or,
// with ReadOnly, the answer as text.
type questionView struct {
	ID       string
	Type     form.Type
	Field    string // the answer's HTML name, a.<id>
	Anchor   string // the id of its first control, where error links lead
	Version  int    // the answer version the page was loaded at (v.<id>)
	Label    string
	Help     string
	Required bool
	ReadOnly bool
	Disabled bool // a preview: controls shown but inert
	AppID    int64

	// Conditional questions whose controlling answer is on the same page
	// are rendered hidden, so a script can show them as soon as it changes.
	Hidden     bool
	ShowIf     string // the controlling question's id
	ShowValues string // JSON array of the values that show this one

	Value   string // scalar types: the input's value
	Display string // the saved answer as text
	Problem string // message id of what is wrong with the typed value

	Options   []optionView // yesno, single, multiple
	Select    bool         // a single choice with many options
	InputType string       // scalar types: text, url, date…
	InputMode string       // numeric, decimal
	MaxLength int
	Columns   []columnView // table
	Rows      []rowView
	Entries   []entryView // software
	Catalogue []string
	Files     []fileView // file
	Conflict  *conflictView
}

type optionView struct {
	ID, Value, Label string
	Checked          bool
}

type columnView struct {
	ID, Label string
	Type      form.Type
}

type rowView struct {
	Index, Number int
	Cells         []cellView
}

type cellView struct {
	ID, Name, Value, Label string
	Column                 string
	Type                   form.Type
	InputType, InputMode   string
}

type entryView struct {
	ID, Value string
	Number    int
}

type fileView struct {
	ID         int64
	Name, URL  string
	RemoveName string // the value of the remove button: <question>/<attachment id>
}

// conflictView is a newer answer someone else saved while the person was
// editing: shown beside what they typed.
type conflictView struct {
	Version   int
	Mine      string // what the person typed, as text
	Display   string // the newer answer, as text
	SavedBy   string // email, filled by the handler
	SavedByID int64
	SavedAt   time.Time
}

// Spare rows and entries offered to fill in, without JavaScript.
const (
	spareRows    = 2
	maxSpareRows = 50 // spare rows one page may ask for
	spareEntries = 3
	selectAbove  = 6 // a single choice with more options becomes a select
	catalogueMax = 500
)

// questionViews builds the views of a section's questions. Values come from
// typed (a posted form, to show again what was typed) when it is not nil,
// else from the saved answers; problems maps a question id to a message
// id; conflicts maps a question id to the newer answer that refused a save.
// Questions hidden by a condition are left out, except those whose
// controlling question is in this section: they are kept, Hidden, for
// autosave.js to reveal. The views are editable; set ReadOnly to show
// answers as text.
func (s *Server) questionViews(acc *appAccess, section *form.Section, lang string, typed url.Values,
	problems map[string]string, conflicts map[string]*domain.Answer) []questionView {
	return s.questionViewsWith(acc, section, lang, typed, problems, conflicts, nil)
}

// questionViewsWith is questionViews with more spare rows for some tables
// (question id → spare rows), as "Ajouter des lignes" asks.
func (s *Server) questionViewsWith(acc *appAccess, section *form.Section, lang string, typed url.Values,
	problems map[string]string, conflicts map[string]*domain.Answer, spare map[string]int) []questionView {
	out := make([]questionView, 0, len(section.Questions))
	for i := range section.Questions {
		q := &section.Questions[i]
		hidden := !form.QuestionVisible(acc.Def, section, q, acc.Values)
		if hidden && !controlledInSection(section, q) {
			continue
		}
		v := buildQuestionView(acc, q, lang, typed, max(spareRows, spare[q.ID]))
		v.Hidden = hidden
		v.Problem = problems[q.ID]
		if c := conflicts[q.ID]; c != nil {
			v.Version = c.Version
			v.Conflict = &conflictView{Version: c.Version, Display: form.Display(q, c.Value, lang),
				SavedByID: c.SavedBy, SavedAt: c.SavedAt}
		}
		out = append(out, v)
	}
	return out
}

// controlledInSection reports whether q's condition depends on a question of the
// same section, so a change on this page may reveal it.
func controlledInSection(section *form.Section, q *form.Question) bool {
	if q.ShowIf == nil {
		return false
	}
	for i := range section.Questions {
		if section.Questions[i].ID == q.ShowIf.Question {
			return true
		}
	}
	return false
}

// readOnlyViews turns views into their reading form.
func readOnlyViews(vs []questionView) []questionView {
	for i := range vs {
		vs[i].ReadOnly = true
	}
	return vs
}

// buildQuestionView fills one view from the typed fields or the saved answer.
func buildQuestionView(acc *appAccess, q *form.Question, lang string, typed url.Values, spare int) questionView {
	saved := acc.Answers[q.ID]
	v := questionView{
		ID: q.ID, Type: q.Type, Field: form.AnswerField(q.ID), Version: saved.Version,
		Label: q.Label.In(lang), Help: q.Help.In(lang), Required: q.Required,
		Display: form.Display(q, saved.Value, lang),
	}
	if acc.App != nil {
		v.AppID = acc.App.ID
	}
	if q.ShowIf != nil {
		b, _ := json.Marshal(q.ShowIf.Values) // []string always marshals
		v.ShowIf, v.ShowValues = q.ShowIf.Question, string(b)
	}
	fields := answerFields(q, saved.Value, lang)
	if typed != nil && q.Type != form.File {
		fields = typed
		if n, err := strconv.Atoi(typed.Get(form.VersionField(q.ID))); err == nil {
			v.Version = n
		}
	}
	v.Anchor = v.Field
	switch q.Type {
	case form.YesNo, form.Single, form.Multiple:
		fillQuestionChoices(&v, q, lang, fields)
	case form.Table:
		fillQuestionTable(&v, q, lang, fields, spare)
	case form.Software:
		fillQuestionEntries(&v, fields)
	case form.File:
		fillQuestionFiles(&v, saved.Value)
	default:
		fillQuestionScalar(&v, q, fields)
	}
	return v
}
