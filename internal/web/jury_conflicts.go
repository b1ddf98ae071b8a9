package web

// Conflicts of interest (jury.md §3), the secretariat's side: the register
// of an edition, the automatic suggestions and the decisions on each
// conflict. The juror's page is in jury_conflicts_member.go, the
// applicant's in application_conflicts.go, affiliations in
// jury_affiliations.go. Rights are domain.Can's, asked through juryFor.

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// conflictStatuses are the statuses in the order the summary and the filter
// show them.
var conflictStatuses = []jury.ConflictStatus{jury.ConflictSuggested, jury.ConflictConfirmed,
	jury.ConflictPinned, jury.ConflictDismissed}

// The decisions an admin may take on a conflict.
const (
	decisionConfirm     = "confirm"
	decisionDismiss     = "dismiss"
	decisionPinRecuse   = "pin_recuse"
	decisionPinDisclose = "pin_disclose"
)

var conflictDecisions = []string{decisionConfirm, decisionDismiss, decisionPinRecuse, decisionPinDisclose}

// conflictDecisionForm is the decision typed on one line of the register.
type conflictDecisionForm struct {
	ID       int64
	Decision string
	Reason   string
}

func (f *conflictDecisionForm) Validate() map[string]string {
	errs := map[string]string{}
	if !slices.Contains(conflictDecisions, f.Decision) {
		errs[f.Field("decision")] = "conflicts.error.decision"
	}
	if f.Decision == decisionDismiss && f.Reason == "" {
		errs[f.Field("reason")] = "conflicts.error.reason_required"
	}
	return errs
}

// Field is the id of one of the form's fields: each line has its own.
func (f conflictDecisionForm) Field(name string) string { return fmt.Sprintf("%s-%d", name, f.ID) }

// conflictFilter is the register's filter, read from the query string.
type conflictFilter struct {
	Status string
	Juror  string
	status jury.ConflictStatus
	juror  int64
}

func readConflictFilter(q url.Values) conflictFilter {
	f := conflictFilter{Status: q.Get("statut"), Juror: q.Get("jure")}
	if s := jury.ConflictStatus(f.Status); s.Valid() {
		f.status = s
	} else {
		f.Status = ""
	}
	if id, err := strconv.ParseInt(f.Juror, 10, 64); err == nil && id > 0 {
		f.juror = id
	} else {
		f.Juror = ""
	}
	return f
}

// Query is the filter as a query string ("" when it filters nothing), to
// come back to the same view after a decision.
func (f conflictFilter) Query() string {
	v := url.Values{}
	if f.Status != "" {
		v.Set("statut", f.Status)
	}
	if f.Juror != "" {
		v.Set("jure", f.Juror)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func (f conflictFilter) keeps(c store.ConflictEntry) bool {
	return (f.status == "" || c.Status == f.status) && (f.juror == 0 || c.Juror == f.juror)
}

// conflictRow is one line of the register with what the admin may do on it.
type conflictRow struct {
	store.ConflictEntry
	Manage bool
	Form   conflictDecisionForm
}

type adminConflictsPage struct {
	page
	Edition   *domain.Edition
	CanSee    bool // the register is open in this phase
	CanManage bool
	Counts    map[jury.ConflictStatus]int
	Statuses  []jury.ConflictStatus
	Decisions []string
	Total     int
	Rows      []conflictRow
	Filter    conflictFilter
	Members   []domain.JuryMember
	Added     int // suggestions added by the last run, -1 when none was just run
}

func conflictsAdminPath(year int) string { return fmt.Sprintf("/admin/jury/%d/conflits", year) }

// adminConflicts shows the register of an edition.
func (s *Server) adminConflicts(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	added := -1
	if n, err := strconv.Atoi(r.URL.Query().Get("nouvelles")); err == nil && n >= 0 {
		added = n
	}
	s.renderAdminConflicts(w, r, j, http.StatusOK, readConflictFilter(r.URL.Query()), nil, nil, added)
}

// renderAdminConflicts builds the register as the admin may see it: the
// lines of files the admin is recused from are left out, counts included.
func (s *Server) renderAdminConflicts(w http.ResponseWriter, r *http.Request, j *juryAccess, status int,
	f conflictFilter, errs map[string]string, typed *conflictDecisionForm, added int) {
	ctx := r.Context()
	lang := requestLang(r)
	p := &adminConflictsPage{Edition: j.Edition, Filter: f, Added: added, Statuses: conflictStatuses,
		Decisions: conflictDecisions, Counts: map[jury.ConflictStatus]int{}, CanSee: j.Can(domain.ActSeeConflictsAll),
		CanManage: j.Can(domain.ActManageConflicts),
		page:      page{TitleText: s.tr.T(lang, "conflicts.admin.title", "Year", j.Edition.Year), Errors: errs}}
	var err error
	if p.Members, err = s.db.JuryMembers(ctx, j.Edition.Year); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.CanSee {
		if err := s.fillConflictRows(r, j, p, typed); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "admin_jury_conflicts", p)
}

func (s *Server) fillConflictRows(r *http.Request, j *juryAccess, p *adminConflictsPage, typed *conflictDecisionForm) error {
	all, err := s.db.Conflicts(r.Context(), j.Edition.Year, store.ConflictFilter{})
	if err != nil {
		return err
	}
	mine, err := s.db.EffectiveConflicts(r.Context(), j.Edition.Year)
	if err != nil {
		return err
	}
	for _, c := range all {
		v := viewerOn(j, mine, c.Application)
		if !domain.Can(v, domain.ActSeeConflictsAll, j.Edition.Phase) {
			continue
		}
		p.Counts[c.Status]++
		p.Total++
		if !p.Filter.keeps(c) {
			continue
		}
		row := conflictRow{ConflictEntry: c, Manage: domain.Can(v, domain.ActManageConflicts, j.Edition.Phase),
			Form: conflictDecisionForm{ID: c.ID}}
		if typed != nil && typed.ID == c.ID {
			row.Form = *typed
		}
		p.Rows = append(p.Rows, row)
	}
	return nil
}

// viewerOn adds to the person's jury facts their conflict with one
// application, read from the edition's effective conflicts: the same facts
// as fileViewer, for pages that list many files at once.
func viewerOn(j *juryAccess, m jury.ConflictMap, applicationID int64) domain.Viewer {
	v := j.Viewer()
	v.Recused, v.Disclosed = m.Recused(j.User.ID, applicationID), m.Disclosed(j.User.ID, applicationID)
	return v
}

// adminConflictsSuggest runs the automatic rules and says how many new
// suggestions they added.
func (s *Server) adminConflictsSuggest(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	if !j.Can(domain.ActManageConflicts) {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	n, err := s.db.SuggestConflicts(r.Context(), j.Edition.Year, actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("%s?nouvelles=%d", conflictsAdminPath(j.Edition.Year), n), "")
}

// adminConflictDecide confirms, dismisses (with a reason) or pins one
// conflict.
func (s *Server) adminConflictDecide(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	c, ok := s.conflictAt(w, r, j)
	if !ok {
		return
	}
	if !s.canFile(r, j, c.Application, domain.ActManageConflicts) {
		s.notFound(w, r) // as for a file the admin is recused from: nothing to see
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	filter := readConflictFilter(r.PostForm)
	f := conflictDecisionForm{ID: c.ID, Decision: field(r, "decision"), Reason: field(r, "reason")}
	if errs := f.Validate(); len(errs) > 0 {
		s.renderAdminConflicts(w, r, j, http.StatusUnprocessableEntity, filter, errs, &f, -1)
		return
	}
	var err error
	switch f.Decision {
	case decisionConfirm, decisionDismiss:
		err = s.db.DecideConflict(r.Context(), c.ID, f.Decision == decisionConfirm, f.Reason, actor(r))
	case decisionPinRecuse:
		err = s.db.PinConflict(r.Context(), c.ID, jury.ConflictRecuse, f.Reason, actor(r))
	case decisionPinDisclose:
		err = s.db.PinConflict(r.Context(), c.ID, jury.ConflictDisclose, f.Reason, actor(r))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, conflictsAdminPath(j.Edition.Year)+filter.Query()+fmt.Sprintf("#conflit-%d", c.ID),
		"conflicts.flash.decided")
}

// conflictAt loads the conflict named by the URL's {id}, which must belong
// to the edition of the URL: 404 otherwise.
func (s *Server) conflictAt(w http.ResponseWriter, r *http.Request, j *juryAccess) (store.ConflictEntry, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return store.ConflictEntry{}, false
	}
	c, err := s.db.FindConflict(r.Context(), id)
	if err == nil && c.Year != j.Edition.Year {
		err = domain.Errorf(domain.ENOTFOUND, "Conflit d'intérêts introuvable.")
	}
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	return c, true
}
