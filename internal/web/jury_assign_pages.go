package web

// The assignment pages and the secretariat's runs: the matrix for the
// secretariat (with its forms) and the president (read only), a run of the
// solver saved as the proposal, and the release.

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// assignPage is the matrix page, for the secretariat (forms) and the
// president (ReadOnly).
type assignPage struct {
	page
	Edition   *domain.Edition
	NotYet    bool // the phase does not show assignments yet
	ReadOnly  bool
	CanManage bool
	View      assignView
	Problems  []string // why the solver found no assignment
	Form      assignEditForm
	Files     []selectOption
	Jurors    []selectOption
	Confirm   bool
	Ran       bool // a run just happened: Added and Removed say what it changed
	Added     int
	Removed   int
}

func (s *Server) assignPageOf(r *http.Request, j *juryAccess, readOnly bool) (*assignPage, *assignData, error) {
	p := &assignPage{Edition: j.Edition, ReadOnly: readOnly,
		page: page{TitleText: s.tr.T(requestLang(r), "assign.admin.title", "Year", j.Edition.Year)}}
	if !j.Can(domain.ActSeeAssignmentsAll) {
		p.NotYet = true
		return p, nil, nil
	}
	d, err := s.loadAssignData(r, j)
	if err != nil {
		return nil, nil, err
	}
	p.View = d.view()
	p.CanManage = !readOnly && j.Can(domain.ActManageAssignments)
	for _, a := range d.files {
		p.Files = append(p.Files, selectOption{Value: strconv.FormatInt(a.ID, 10), Text: a.Body.Name})
	}
	for _, m := range d.reviewers {
		p.Jurors = append(p.Jurors, selectOption{Value: strconv.FormatInt(m.UserID, 10), Text: m.Label()})
	}
	return p, d, nil
}

// adminAssignments shows the matrix with its forms.
func (s *Server) adminAssignments(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	p, _, err := s.assignPageOf(r, j, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	if a, err := strconv.Atoi(q.Get("ajouts")); err == nil {
		p.Ran, p.Added = true, a
		p.Removed, _ = strconv.Atoi(q.Get("retraits"))
	}
	s.render(w, r, http.StatusOK, "admin_jury_assignments", p)
}

// juryAssignments is the president's read-only copy of the matrix.
func (s *Server) juryAssignments(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryCan(w, r, domain.ActSeeAssignmentsAll)
	if !ok {
		return
	}
	p, _, err := s.assignPageOf(r, j, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_jury_assignments", p)
}

// managing loads the page for a POST, refusing outside the phases where
// the secretariat manages assignments.
func (s *Server) managing(w http.ResponseWriter, r *http.Request) (*assignPage, *assignData, bool) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return nil, nil, false
	}
	if !j.Can(domain.ActManageAssignments) {
		s.errorPage(w, r, http.StatusConflict)
		return nil, nil, false
	}
	p, d, err := s.assignPageOf(r, j, false)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return nil, nil, false
	}
	return p, d, true
}

func assignPath(year int) string { return fmt.Sprintf("/admin/jury/%d/attributions", year) }

// adminAssignmentsPropose runs the solver and saves its proposal, or shows
// why no assignment satisfies the rules.
func (s *Server) adminAssignmentsPropose(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.managing(w, r)
	if !ok {
		return
	}
	res, err := jury.Assign(d.request())
	var infeasible *jury.AssignError
	if errors.As(err, &infeasible) {
		p.Problems = s.assignProblems(r, d, infeasible)
		s.render(w, r, http.StatusUnprocessableEntity, "admin_jury_assignments", p)
		return
	}
	if err == nil {
		err = s.db.SaveAssignments(r.Context(), d.edition.Year, d.fromResult(res), actor(r))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("%s?ajouts=%d&retraits=%d#matrice", assignPath(d.edition.Year), len(res.Added), len(res.Removed)), "")
}

// assignProblems says in the page's language why the solver failed, naming
// the files and jurors concerned.
func (s *Server) assignProblems(r *http.Request, d *assignData, e *jury.AssignError) []string {
	lang := requestLang(r)
	names := map[int64]string{}
	for _, a := range d.files {
		names[a.ID] = a.Body.Name
	}
	people := map[int64]string{}
	for _, m := range d.reviewers {
		people[m.UserID] = m.Label()
	}
	list := func(ids []int64, from map[int64]string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			if out[i] = from[id]; out[i] == "" {
				out[i] = "n° " + strconv.FormatInt(id, 10)
			}
		}
		return strings.Join(out, ", ")
	}
	var out []string
	for _, pb := range e.Problems {
		if pb.Code == jury.AssignCodeInvalid {
			out = append(out, pb.Message)
			continue
		}
		out = append(out, s.tr.T(lang, "assign.problem."+strings.TrimPrefix(string(pb.Code), "assign_"),
			"Files", list(pb.FileIDs, names), "Jurors", list(pb.JurorIDs, people), "Have", pb.Have, "Need", pb.Need))
	}
	return out
}

// adminAssignmentsRelease makes the assignments visible to the jurors,
// once the secretariat has ticked the confirmation.
func (s *Server) adminAssignmentsRelease(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.managing(w, r)
	if !ok {
		return
	}
	if p.Confirm = field(r, "confirmer") == "oui"; !p.Confirm {
		p.Errors = map[string]string{"confirmer": "assign.error.confirm"}
		s.render(w, r, http.StatusUnprocessableEntity, "admin_jury_assignments", p)
		return
	}
	if err := s.db.ReleaseAssignments(r.Context(), d.edition.Year, actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, assignPath(d.edition.Year), "assign.flash.released")
}
