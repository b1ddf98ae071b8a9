package web

// The minutes (procès-verbal) of the deliberation (jury.md §7): one page
// for the screen and for print (its print styles are in app.css), the
// same content as canonical JSON and as a PDF (jury_minutes_pdf.go), and
// the president's validation. Who reads them, and which items a reader
// sees, is domain.Can's (ActSeeMinutes), asked item by item: an item about
// a file the reader is recused from keeps its number and says only that
// it is reserved.

import (
	"fmt"
	"net/http"
	"slices"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// juryMinutesPage is /jury/{year}/proces-verbal.
type juryMinutesPage struct {
	page
	Edition     *domain.Edition
	Minutes     *store.Minutes
	Validation  *store.MinutesValidation
	Changed     bool // validated, but the decisions changed since
	CanValidate bool
	Embargo     bool // decisions stay confidential until publication
	Recusals    int  // recusals in the items shown
	Refusal     string
}

func minutesPath(year int) string { return fmt.Sprintf("/jury/%d/proces-verbal", year) }

// minutesFor builds the minutes as the person may read them: nil when the
// policy shows them nothing.
func (s *Server) minutesFor(r *http.Request, j *juryAccess) (*store.Minutes, error) {
	if !j.Can(domain.ActSeeMinutes) {
		return nil, nil
	}
	m, err := s.db.Minutes(r.Context(), j.Edition.Year)
	if err != nil {
		return nil, err
	}
	return m.RedactFor(func(_ int64, recusedFrom []int64) bool {
		v := j.Viewer()
		v.Recused = slices.Contains(recusedFrom, j.User.ID)
		return !domain.Can(v, domain.ActSeeMinutes, j.Edition.Phase)
	}), nil
}

// juryMinutes shows the minutes.
func (s *Server) juryMinutes(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	s.renderMinutes(w, r, j, http.StatusOK, "")
}

// minutesView gathers what the page and the PDF show of the minutes, as
// the person may read them: nil when the policy shows them nothing.
func (s *Server) minutesView(r *http.Request, j *juryAccess) (*juryMinutesPage, error) {
	m, err := s.minutesFor(r, j)
	if err != nil || m == nil {
		return nil, err
	}
	p := &juryMinutesPage{Edition: j.Edition, Minutes: m, Embargo: j.Edition.Phase.Before(domain.PhasePublished),
		page: page{TitleText: s.tr.T(requestLang(r), "seal.minutes.title", "Year", j.Edition.Year)}}
	if p.Validation, err = s.db.MinutesValidated(r.Context(), j.Edition.Year); err != nil {
		return nil, err
	}
	p.Changed = p.Validation != nil && p.Validation.DecisionsDigest != m.DecisionsDigest
	for _, it := range m.Items {
		p.Recusals += len(it.Recused)
	}
	return p, nil
}

// minutesPageFor is minutesView for a handler: when the policy shows the
// reader nothing (404) or the minutes cannot be read, the answer is
// written and ok is false.
func (s *Server) minutesPageFor(w http.ResponseWriter, r *http.Request, j *juryAccess) (*juryMinutesPage, bool) {
	p, err := s.minutesView(r, j)
	switch {
	case err != nil:
		s.fail(w, r, err)
	case p == nil:
		s.notFound(w, r)
	default:
		return p, true
	}
	return nil, false
}

// renderMinutes completes and shows the page; refusal explains a refused
// validation.
func (s *Server) renderMinutes(w http.ResponseWriter, r *http.Request, j *juryAccess, status int, refusal string) {
	p, ok := s.minutesPageFor(w, r, j)
	if !ok {
		return
	}
	p.CanValidate, p.Refusal = j.Can(domain.ActSeal), refusal
	s.render(w, r, status, "jury_minutes", p)
}

// juryMinutesJSON answers the minutes as canonical JSON, redacted for the
// reader exactly as the page is.
func (s *Server) juryMinutesJSON(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	m, err := s.minutesFor(r, j)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if m == nil {
		s.notFound(w, r)
		return
	}
	raw, err := store.MinutesJSON(m)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="proces-verbal-%d.json"`, j.Edition.Year))
	w.Write(raw)
}

// juryMinutesValidate records the president's validation of the minutes
// as they stand (audited by the store). A refusal — outside the
// deliberation, say — shows the page with the reason.
func (s *Server) juryMinutesValidate(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFormFor(w, r)
	if !ok {
		return
	}
	if !j.Can(domain.ActSeal) {
		s.refuseJury(w, r, j, domain.ActSeeMinutes)
		return
	}
	if err := s.db.ValidateMinutes(r.Context(), j.Edition.Year, j.User.ID, actor(r)); err != nil {
		if statusOf(err) == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		s.renderMinutes(w, r, j, statusOf(err), domain.ErrorMessage(err))
		return
	}
	s.redirect(w, r, minutesPath(j.Edition.Year), "seal.flash.minutes_validated")
}

// refuseJury answers a jury action the person may not take: 403 when they
// may at least see the page (seen), 404 otherwise, as for a page that
// does not exist.
func (s *Server) refuseJury(w http.ResponseWriter, r *http.Request, j *juryAccess, seen domain.Action) {
	if j.Can(seen) {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	s.notFound(w, r)
}
