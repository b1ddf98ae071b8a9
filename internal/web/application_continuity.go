package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// carriedKey is the session key under which a start from last year leaves,
// for the overview, how many answers were copied and from which year.
const carriedKey = "apps.carried"

// carriedNote is what a start from an earlier application tells the
// overview once.
type carriedNote struct {
	Count, Year int
}

func (n carriedNote) String() string { return fmt.Sprintf("%d:%d", n.Count, n.Year) }

// popCarried reads and forgets the note a start left, if any.
func (s *Server) popCarried(r *http.Request) *carriedNote {
	v := s.sessions.PopString(r.Context(), carriedKey)
	var n carriedNote
	if _, err := fmt.Sscanf(v, "%d:%d", &n.Count, &n.Year); err != nil {
		return nil
	}
	return &n
}

// carrySource loads the earlier application a start copies from. It must
// be the same body's, from an earlier edition; anything else is an error
// in the form (a tampered or stale page), not a leak: 422.
func (s *Server) carrySource(w http.ResponseWriter, r *http.Request, id int64, body *domain.Body, year int) (*domain.Application, bool) {
	if id == 0 {
		return nil, true
	}
	src, err := s.db.FindApplication(r.Context(), id)
	if err != nil && !domain.IsNotFound(err) {
		s.fail(w, r, err)
		return nil, false
	}
	if err != nil || src.Body.ID != body.ID || src.Year >= year {
		s.renderApplications(w, r, http.StatusUnprocessableEntity,
			&applicationsPage{page: page{Errors: map[string]string{"form": "error.apps.source_invalid"}}})
		return nil, false
	}
	return src, true
}

// carryAnswers copies into app the answers of src whose questions still
// exist in app's questionnaire with a value it accepts (form.Carry), and
// returns how many were copied. Files stay with the earlier application.
func (s *Server) carryAnswers(r *http.Request, src, app *domain.Application) (int, error) {
	def, err := s.applicationDefinition(r, app)
	if err != nil {
		return 0, err
	}
	last, err := s.currentValues(r, src.ID)
	if err != nil {
		return 0, err
	}
	carried := form.Carry(def, last)
	if len(carried) == 0 {
		return 0, nil
	}
	questions := make([]string, 0, len(carried))
	for q := range carried {
		questions = append(questions, q)
	}
	slices.Sort(questions)
	saves := make([]domain.AnswerSave, len(questions))
	for i, q := range questions {
		saves[i] = domain.AnswerSave{ApplicationID: app.ID, Question: q, Value: carried[q], UserID: currentUser(r).ID}
	}
	results, err := s.db.SaveAnswers(r.Context(), saves)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, res := range results {
		if res.Conflict == nil {
			n++
		}
	}
	return n, nil
}

// previousApplication is the body's application to compare with: the
// latest of an earlier edition in the same track, else in any track; nil
// when the body never applied before.
func (s *Server) previousApplication(r *http.Request, app *domain.Application) (*domain.Application, error) {
	apps, err := s.db.BodyApplications(r.Context(), app.Body.ID)
	if err != nil {
		return nil, err
	}
	sources, _ := carrySources(apps, app.Year, app.Track)
	if len(sources) == 0 {
		return nil, nil
	}
	return sources[0], nil
}

// baselineAnswers are the answers of an earlier application as the jury
// saw them: its latest submission's frozen copy, else (never submitted)
// its current answers.
func (s *Server) baselineAnswers(r *http.Request, prev *domain.Application) (form.Answers, *domain.Submission, error) {
	subs, err := s.db.Submissions(r.Context(), prev.ID)
	if err != nil {
		return nil, nil, err
	}
	if len(subs) > 0 {
		a, err := submittedAnswers(subs[0])
		return a, subs[0], err
	}
	a, err := s.currentValues(r, prev.ID)
	return a, nil, err
}

// submittedAnswers decodes a submission's canonical copy of the answers.
func submittedAnswers(sub *domain.Submission) (form.Answers, error) {
	a := form.Answers{}
	if err := json.Unmarshal(sub.Answers, &a); err != nil {
		return nil, fmt.Errorf("submission %d: %w", sub.ID, err)
	}
	return a, nil
}

// changesPage compares the application with the body's previous one.
type changesPage struct {
	page
	Header        appHeader
	Acc           *appAccess
	Previous      *domain.Application
	PreviousTrack string             // its track's name, as this edition names it
	Baseline      *domain.Submission // the previous submission compared with; nil: its draft answers
	Sections      []changeSection
	Count         int
}

// changeSection is one section's changed answers.
type changeSection struct {
	ID, Title string
	Rows      []changeRow
}

// changeRow is one changed answer, in words.
type changeRow struct {
	Question, Label string
	Before, After   string
	Kind            string
}

// applicationChanges shows what changed since the body's previous
// application: answers added, removed or changed, section by section.
func (s *Server) applicationChanges(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	lang := requestLang(r)
	p := &changesPage{Acc: acc, page: page{TitleText: s.tr.T(lang, "changes.title", "Body", acc.App.Body.Name)}}
	p.Header = s.appHeader(r, acc)
	prev, err := s.previousApplication(r, acc.App)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if prev != nil {
		p.Previous, p.PreviousTrack = prev, prev.Track
		if t, ok := acc.Edition.Track(prev.Track); ok {
			p.PreviousTrack = t.Name
		}
		last, sub, err := s.baselineAnswers(r, prev)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Baseline = sub
		p.Sections, p.Count = changeSections(acc.Def, form.Changes(acc.Def, last, acc.Values), lang)
	}
	s.render(w, r, http.StatusOK, "application_changes", p)
}

// changeSections groups changes by section, in form order, in words.
func changeSections(def *form.Questionnaire, changes []form.Change, lang string) ([]changeSection, int) {
	var out []changeSection
	for _, c := range changes {
		q, sec := def.Question(c.Question)
		if q == nil {
			continue
		}
		if len(out) == 0 || out[len(out)-1].ID != sec.ID {
			out = append(out, changeSection{ID: sec.ID, Title: sec.Title.In(lang)})
		}
		row := changeRow{Question: q.ID, Label: q.Label.In(lang), Kind: c.Kind,
			Before: strings.TrimSpace(form.Display(q, c.Before, lang)), After: strings.TrimSpace(form.Display(q, c.After, lang))}
		out[len(out)-1].Rows = append(out[len(out)-1].Rows, row)
	}
	return out, len(changes)
}
