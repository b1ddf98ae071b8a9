package web

// The assignment of files to reviewers (issue 6 §3, jury.md §4): the
// secretariat runs the solver, looks at the matrix and the workload, edits
// by hand, then releases; the president reads the same page without the
// forms; each juror sees the list of their own files once released.
//
// "Proposer une attribution" saves the solver's result at once as the
// current proposal: until the release the assignments table IS the
// proposal, and nobody but the secretariat and the president sees it
// (store.FileFacts counts an assignment only once released). So every step
// is a plain POST/redirect/GET with one audit entry, and manual edits work
// on a stored set. A run keeps every assignment still valid (the solver's
// Existing), so a re-run after late conflicts only fills the gaps.

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// assignData is what the assignment pages read, cut to the files the
// viewer may see: hidden keeps the rows of the others, so that a save
// never loses them.
type assignData struct {
	edition   *domain.Edition
	settings  domain.JurySettings
	reviewers []domain.JuryMember // every member but observers, president first
	files     []*domain.Application
	conflicts jury.ConflictMap
	rows      []domain.Assignment // on files
	hidden    []domain.Assignment // on files the viewer is recused from
}

func (s *Server) loadAssignData(r *http.Request, j *juryAccess) (*assignData, error) {
	ctx, year := r.Context(), j.Edition.Year
	d := &assignData{edition: j.Edition, settings: j.Edition.Jury.WithDefaults()}
	members, err := s.db.JuryMembers(ctx, year)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.Role != domain.JuryObserver {
			d.reviewers = append(d.reviewers, m)
		}
	}
	if d.conflicts, err = s.db.EffectiveConflicts(ctx, year); err != nil {
		return nil, err
	}
	apps, err := s.db.ListApplications(ctx, store.ApplicationFilter{Year: year, Status: domain.ApplicationSubmitted})
	if err != nil {
		return nil, err
	}
	// By name as people read it: Échirolles among the E, not after Voiron.
	slices.SortStableFunc(apps, func(a, b *domain.Application) int {
		return cmp.Compare(a.Body.SearchName, b.Body.SearchName)
	})
	visible := map[int64]bool{}
	for _, a := range apps {
		v := j.Viewer()
		v.Recused = d.conflicts.Recused(j.User.ID, a.ID)
		if domain.Can(v, domain.ActSeeAssignmentsAll, j.Edition.Phase) {
			d.files = append(d.files, a)
			visible[a.ID] = true
		}
	}
	rows, err := s.db.Assignments(ctx, year)
	if err != nil {
		return nil, err
	}
	for _, a := range rows {
		if visible[a.ApplicationID] {
			d.rows = append(d.rows, a)
		} else {
			d.hidden = append(d.hidden, a)
		}
	}
	return d, nil
}

// request builds the solver's input: the files, the reviewers with their
// loads and tags, recusals as hard constraints, the current set to keep.
// The solver does not spread loads by itself: with even, a reviewer
// without a maximum load gets an even share of what the capped ones leave
// (at most the share rounded up; on a first run, at least rounded down).
func (d *assignData) request(even bool) jury.AssignRequest {
	req := jury.AssignRequest{Mode: jury.AssignModeReviewers, K: d.settings.Reviewers,
		Diversity: d.settings.DiversityTags, Seed: uint64(d.edition.Year)}
	if d.settings.Mode == domain.AssignFullPanel {
		req.Mode = jury.AssignModeFullPanel
	}
	for _, a := range d.files {
		req.Files = append(req.Files, jury.AssignFile{ID: a.ID})
		for _, m := range d.reviewers {
			if d.conflicts.Recused(m.UserID, a.ID) {
				req.Conflicts = append(req.Conflicts, jury.AssignPair{FileID: a.ID, JurorID: m.UserID})
			}
		}
	}
	low, high := 0, 0
	if even && req.Mode == jury.AssignModeReviewers {
		low, high = d.evenShare()
	}
	for _, m := range d.reviewers {
		j := jury.AssignJuror{ID: m.UserID, Min: m.MinLoad, Max: m.MaxLoad, Tags: m.Tags, Assessor: m.Role == domain.JuryAssessor}
		if j.Max == 0 && high > 0 {
			j.Max = max(high, j.Min)
			if len(d.rows) == 0 { // on a re-run a minimum could move kept assignments
				j.Min = max(j.Min, min(low, d.allowed(m.UserID)))
			}
		}
		req.Jurors = append(req.Jurors, j)
	}
	for _, a := range d.rows {
		req.Existing = append(req.Existing, jury.AssignPair{FileID: a.ApplicationID, JurorID: a.UserID, Rapporteur: a.Rapporteur})
	}
	return req
}

// evenShare bounds the load of a reviewer without a maximum: what the
// capped reviewers leave, split evenly, rounded down and up; (0, 0) when
// all are capped.
func (d *assignData) evenShare() (low, high int) {
	need, capped, free := len(d.files)*d.settings.Reviewers, 0, 0
	for _, m := range d.reviewers {
		if m.MaxLoad > 0 {
			capped += min(m.MaxLoad, len(d.files))
		} else {
			free++
		}
	}
	if free == 0 {
		return 0, 0
	}
	left := max(need-capped, 0)
	return left / free, max((left+free-1)/free, (need+len(d.reviewers)-1)/len(d.reviewers))
}

// allowed counts the files a reviewer is not recused from.
func (d *assignData) allowed(userID int64) int {
	n := 0
	for _, a := range d.files {
		if !d.conflicts.Recused(userID, a.ID) {
			n++
		}
	}
	return n
}

// propose runs the solver with even shares, and, if that leaves no
// solution (conflicts can crowd the shares), without them, so that an
// error only means that the rules themselves cannot be met.
func (d *assignData) propose() (*jury.AssignResult, error) {
	res, err := jury.Assign(d.request(true))
	var infeasible *jury.AssignError
	if errors.As(err, &infeasible) {
		res, err = jury.Assign(d.request(false))
	}
	return res, err
}

// fromResult turns the solver's answer into the rows to save; a kept row
// keeps its source, so a manual choice stays marked as such.
func (d *assignData) fromResult(res *jury.AssignResult) []domain.Assignment {
	source := map[[2]int64]string{}
	for _, a := range d.rows {
		source[[2]int64{a.ApplicationID, a.UserID}] = a.Source
	}
	out := d.valid(d.hidden)
	for _, f := range res.Files {
		for _, id := range f.Reviewers {
			src := source[[2]int64{f.FileID, id}]
			if src == "" {
				src = domain.AssignSolver
			}
			out = append(out, domain.Assignment{ApplicationID: f.FileID, UserID: id, Rapporteur: id == f.Rapporteur, Source: src})
		}
	}
	return out
}

// valid drops the rows of jurors recused since they were assigned: the
// store refuses them, and the matrix already shows them as recused, not
// assigned. Any save after a late conflict thus clears them.
func (d *assignData) valid(rows []domain.Assignment) []domain.Assignment {
	return slices.DeleteFunc(slices.Clone(rows), func(a domain.Assignment) bool {
		return d.conflicts.Recused(a.UserID, a.ApplicationID)
	})
}

// The states of a matrix cell.
const (
	cellReviewer   = "reviewer"
	cellRapporteur = "rapporteur"
	cellRecused    = "recused"
)

// assignRow is one file of the matrix.
type assignRow struct {
	ID        int64
	Body      string
	Cells     []string // one state per reviewer column, "" when not assigned
	Reviewers int
	HasLead   bool
	Missing   []string // diversity tags none of its reviewers holds
}

// assignCol is one reviewer: a matrix column and a workload line.
type assignCol struct {
	Member       domain.JuryMember
	Files, Leads int
	Hours        int // rounded up, from the edition's minutes per review
}

// assignView is the matrix and its figures.
type assignView struct {
	Full     bool
	K        int
	Minutes  int
	Rows     []assignRow
	Cols     []assignCol
	Total    int // assignments on the files shown
	Short    int // files with fewer than K reviewers or no rapporteur
	Gaps     int // files missing a diversity tag
	PerJuror int // the calculator: files per reviewer before any proposal
	PerHours int
}

func hoursOf(files, minutes int) int { return (files*minutes + 59) / 60 }

func (d *assignData) view() assignView {
	v := assignView{Full: d.settings.Mode == domain.AssignFullPanel, K: d.settings.Reviewers, Minutes: d.settings.MinutesPerReview}
	at := map[[2]int64]domain.Assignment{}
	for _, a := range d.rows {
		at[[2]int64{a.ApplicationID, a.UserID}] = a
	}
	v.Cols = make([]assignCol, len(d.reviewers))
	for i, m := range d.reviewers {
		v.Cols[i].Member = m
	}
	for _, f := range d.files {
		row := assignRow{ID: f.ID, Body: f.Body.Name, Cells: make([]string, len(d.reviewers))}
		tags := map[string]bool{}
		for i, m := range d.reviewers {
			a, ok := at[[2]int64{f.ID, m.UserID}]
			switch {
			case d.conflicts.Recused(m.UserID, f.ID):
				row.Cells[i] = cellRecused
				continue
			case !ok:
				continue
			case a.Rapporteur:
				row.Cells[i], row.HasLead = cellRapporteur, true
				v.Cols[i].Leads++
			default:
				row.Cells[i] = cellReviewer
			}
			row.Reviewers++
			v.Cols[i].Files++
			for _, t := range m.Tags {
				tags[t] = true
			}
		}
		for _, t := range d.settings.DiversityTags {
			if row.Reviewers > 0 && !tags[t] {
				row.Missing = append(row.Missing, t)
			}
		}
		v.Total += row.Reviewers
		if row.Reviewers > 0 && (row.Reviewers < v.K || !row.HasLead) {
			v.Short++
		}
		if len(row.Missing) > 0 {
			v.Gaps++
		}
		v.Rows = append(v.Rows, row)
	}
	for i := range v.Cols {
		v.Cols[i].Hours = hoursOf(v.Cols[i].Files, v.Minutes)
	}
	v.PerJuror = len(d.files)
	if !v.Full && len(d.reviewers) > 0 {
		v.PerJuror = (len(d.files)*v.K + len(d.reviewers) - 1) / len(d.reviewers)
	}
	v.PerHours = hoursOf(v.PerJuror, v.Minutes)
	return v
}

// assignEditForm is one manual edit: add or remove a reviewer on a file, or
// make them its rapporteur (one of the three submit buttons).
type assignEditForm struct {
	Application, Juror, Op string
	app, user              int64
}

// The manual edits.
const (
	assignOpAdd    = "ajouter"
	assignOpRemove = "retirer"
	assignOpLead   = "rapporteur"
)

func (f *assignEditForm) Validate() map[string]string {
	errs := map[string]string{}
	var err error
	if f.app, err = strconv.ParseInt(f.Application, 10, 64); err != nil {
		errs["application"] = "assign.error.application"
	}
	if f.user, err = strconv.ParseInt(f.Juror, 10, 64); err != nil {
		errs["juror"] = "assign.error.juror"
	}
	if f.Op != assignOpAdd && f.Op != assignOpRemove && f.Op != assignOpLead {
		errs["form"] = "assign.error.op"
	}
	return errs
}

// apply makes the edit on d's rows, or says in the form's terms why not.
func (f *assignEditForm) apply(d *assignData) ([]domain.Assignment, map[string]string) {
	if !slices.ContainsFunc(d.files, func(a *domain.Application) bool { return a.ID == f.app }) {
		return nil, map[string]string{"application": "assign.error.application"}
	}
	i := slices.IndexFunc(d.reviewers, func(m domain.JuryMember) bool { return m.UserID == f.user })
	if i < 0 {
		return nil, map[string]string{"juror": "assign.error.juror"}
	}
	rows := d.valid(d.rows)
	at := slices.IndexFunc(rows, func(a domain.Assignment) bool { return a.ApplicationID == f.app && a.UserID == f.user })
	recused := d.conflicts.Recused(f.user, f.app)
	switch {
	case recused && f.Op == assignOpRemove:
		// An assignment made before the conflict: valid dropped it already.
	case recused:
		return nil, map[string]string{"juror": "assign.error.recused"}
	case f.Op == assignOpAdd && at >= 0:
		return nil, map[string]string{"juror": "assign.error.already"}
	case f.Op == assignOpAdd:
		rows = append(rows, domain.Assignment{ApplicationID: f.app, UserID: f.user, Source: domain.AssignManual})
	case at < 0:
		return nil, map[string]string{"juror": "assign.error.not_assigned"}
	case f.Op == assignOpRemove:
		rows = slices.Delete(rows, at, at+1)
	case d.reviewers[i].Role == domain.JuryAssessor:
		return nil, map[string]string{"juror": "assign.error.assessor_lead"}
	default:
		for k := range rows {
			if rows[k].ApplicationID == f.app {
				rows[k].Rapporteur = k == at
			}
		}
		rows[at].Source = domain.AssignManual
	}
	return append(rows, d.valid(d.hidden)...), nil
}

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
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	if !j.Can(domain.ActSeeAssignmentsAll) {
		s.notFound(w, r)
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
	res, err := d.propose()
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

// adminAssignmentsEdit adds or removes a reviewer, or changes a rapporteur.
func (s *Server) adminAssignmentsEdit(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.managing(w, r)
	if !ok {
		return
	}
	p.Form = assignEditForm{Application: field(r, "application"), Juror: field(r, "juror"), Op: field(r, "op")}
	errs := p.Form.Validate()
	var rows []domain.Assignment
	if len(errs) == 0 {
		rows, errs = p.Form.apply(d)
	}
	if len(errs) > 0 {
		p.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, "admin_jury_assignments", p)
		return
	}
	if err := s.db.SaveAssignments(r.Context(), d.edition.Year, rows, actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, assignPath(d.edition.Year)+"#modifier", "assign.flash.edited")
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

// juryFilesPage is a juror's list of their files.
type juryFilesPage struct {
	page
	Edition *domain.Edition
	NotYet  bool
	Files   []store.JurorFile
	Leads   int
}

// juryFiles lists the signed-in juror's files once released: the files
// they are recused from never appear, nor are they counted.
func (s *Server) juryFiles(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	if j.Member == nil || j.Member.Role == domain.JuryObserver {
		s.notFound(w, r)
		return
	}
	e := j.Edition
	p := &juryFilesPage{Edition: e, page: page{TitleText: s.tr.T(requestLang(r), "assign.files.title", "Year", e.Year)}}
	if !j.Can(domain.ActSeeAssignmentsOwn) || e.AssignmentsReleasedAt == nil {
		p.NotYet = true
		s.render(w, r, http.StatusOK, "jury_files", p)
		return
	}
	files, err := s.db.JurorFiles(r.Context(), e.Year, j.User.ID, e.Jury.WithDefaults().Mode == domain.AssignFullPanel)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Files = files
	for _, f := range files {
		if f.Rapporteur {
			p.Leads++
		}
	}
	s.render(w, r, http.StatusOK, "jury_files", p)
}
