package web

// Conflicts of interest, the jury member's side (jury.md §3, phases P2–P3):
// the names of the applicants, the member's own conflicts with their
// reasons, the declaration of a missing link and the attestation that
// opens the files. Each part shows only when domain.Can allows it.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// maxConflictText bounds the free text of a declaration.
const maxConflictText = 2000

// declaredTypes are the types a juror may declare: every type, the closest
// links first.
var declaredTypes = jury.ConflictTypes

// conflictDeclareForm is a juror's declaration of a link with an applicant.
type conflictDeclareForm struct {
	Application string
	Type        string
	Severity    string
	Text        string
	appID       int64
	allowed     map[int64]bool // the applications the person may declare about
	types       []jury.ConflictType
}

func (f *conflictDeclareForm) Validate() map[string]string {
	errs := map[string]string{}
	id, err := strconv.ParseInt(f.Application, 10, 64)
	if err != nil || !f.allowed[id] {
		errs["application"] = "conflicts.error.application"
	}
	f.appID = id
	if t := jury.ConflictType(f.Type); !t.Valid() || !slices.Contains(f.types, t) {
		errs["type"] = "conflicts.error.type"
	}
	if !jury.ConflictSeverity(f.Severity).Valid() {
		errs["severity-recuse"] = "conflicts.error.severity"
	}
	switch {
	case f.Type == string(jury.ConflictOther) && f.Text == "":
		errs["text"] = "conflicts.error.text_required"
	case utf8.RuneCountInString(f.Text) > maxConflictText:
		errs["text"] = "conflicts.error.text_too_long"
	}
	return errs
}

// attestForm is the checkbox of the attestation.
type attestForm struct{ Attest bool }

func (f *attestForm) Validate() map[string]string {
	if !f.Attest {
		return map[string]string{"attest": "conflicts.error.attest_required"}
	}
	return map[string]string{}
}

// applicantName is one applicant in the names list, with the reader's own
// link to it.
type applicantName struct {
	store.ConflictApplicant
	Recused, Disclosed bool
}

type juryConflictsPage struct {
	page
	Edition     *domain.Edition
	Role        domain.JuryRole
	ShowNames   bool
	Names       []applicantName
	ShowOwn     bool
	Own         []store.ConflictEntry
	CanDeclare  bool
	Declarable  []store.ConflictApplicant
	Types       []jury.ConflictType
	Form        conflictDeclareForm
	CanAttest   bool
	AttestedAt  *time.Time
	Attest      attestForm
	CanSeeFiles bool
}

func conflictsJuryPath(year int) string { return fmt.Sprintf("/jury/%d/conflits", year) }

// juryConflicts shows a member their conflicts page.
func (s *Server) juryConflicts(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	if j.Member == nil { // the secretariat, who has no conflicts of its own to check here
		http.Redirect(w, r, conflictsAdminPath(j.Edition.Year), http.StatusSeeOther)
		return
	}
	s.renderJuryConflicts(w, r, j, http.StatusOK, nil, conflictDeclareForm{Severity: string(jury.ConflictRecuse)}, attestForm{})
}

func (s *Server) renderJuryConflicts(w http.ResponseWriter, r *http.Request, j *juryAccess, status int,
	errs map[string]string, f conflictDeclareForm, a attestForm) {
	p := &juryConflictsPage{Edition: j.Edition, Role: j.Role(), Form: f, Attest: a, Types: declaredTypes,
		ShowNames: j.Can(domain.ActSeeNames), ShowOwn: j.Can(domain.ActSeeConflictsOwn),
		CanDeclare: j.Can(domain.ActDeclareConflict), CanAttest: j.Can(domain.ActAttest),
		CanSeeFiles: j.Can(domain.ActSeeFile),
		page:        page{TitleText: s.tr.T(requestLang(r), "conflicts.jury.title", "Year", j.Edition.Year), Errors: errs}}
	if !p.ShowNames && !p.ShowOwn {
		s.notFound(w, r) // nothing to show yet in this phase: as if the page did not exist
		return
	}
	if j.Member != nil {
		p.AttestedAt = j.Member.AttestedAt
	}
	if err := s.fillJuryConflicts(r, j, p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "jury_conflicts", p)
}

// fillJuryConflicts reads the names, the person's own conflicts and the
// applications they may still declare a link with.
func (s *Server) fillJuryConflicts(r *http.Request, j *juryAccess, p *juryConflictsPage) error {
	ctx := r.Context()
	names, err := s.db.ConflictApplicants(ctx, j.Edition.Year)
	if err != nil {
		return err
	}
	m, err := s.db.EffectiveConflicts(ctx, j.Edition.Year)
	if err != nil {
		return err
	}
	for _, n := range names {
		v := viewerOn(j, m, n.ID)
		if p.ShowNames {
			row := applicantName{ConflictApplicant: n}
			if p.ShowOwn {
				row.Recused, row.Disclosed = v.Recused, v.Disclosed
			}
			p.Names = append(p.Names, row)
		}
		if p.CanDeclare && domain.Can(v, domain.ActDeclareConflict, j.Edition.Phase) {
			p.Declarable = append(p.Declarable, n)
		}
	}
	if !p.ShowOwn {
		return nil
	}
	if p.Own, err = s.db.Conflicts(ctx, j.Edition.Year, store.ConflictFilter{Juror: j.User.ID}); err != nil {
		return err
	}
	// An applicant's words are for the secretariat only (the applicant's
	// page says so): the juror learns the link exists, not what was said.
	for i := range p.Own {
		if p.Own[i].Source == jury.ConflictSourceApplicant {
			p.Own[i].Reason = ""
		}
	}
	return nil
}

// juryConflictDeclare records a link the member declares with an applicant.
func (s *Server) juryConflictDeclare(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	if !j.Can(domain.ActDeclareConflict) {
		s.notFound(w, r)
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := conflictDeclareForm{Application: field(r, "application"), Type: field(r, "type"),
		Severity: field(r, "severity"), Text: longField(r, "text"), types: declaredTypes, allowed: map[int64]bool{}}
	names, err := s.db.ConflictApplicants(r.Context(), j.Edition.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, n := range names {
		f.allowed[n.ID] = true
	}
	if errs := f.Validate(); len(errs) > 0 {
		s.renderJuryConflicts(w, r, j, http.StatusUnprocessableEntity, errs, f, attestForm{})
		return
	}
	if !s.canFile(r, j, f.appID, domain.ActDeclareConflict) {
		s.notFound(w, r) // already recused from it: nothing more to declare
		return
	}
	_, err = s.db.DeclareConflict(r.Context(), store.ConflictDeclaration{Year: j.Edition.Year, Juror: j.User.ID,
		Application: f.appID, Type: jury.ConflictType(f.Type), Severity: jury.ConflictSeverity(f.Severity),
		Text: f.Text, Source: jury.ConflictSourceJuror}, actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, conflictsJuryPath(j.Edition.Year)+"#vos-conflits", "conflicts.flash.declared")
}

// juryConflictsAttest records the member's attestation, which opens the
// files they are not recused from.
func (s *Server) juryConflictsAttest(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	if !j.Can(domain.ActAttest) || j.Member == nil {
		s.notFound(w, r)
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	a := attestForm{Attest: r.PostFormValue("attest") == "1"}
	if errs := a.Validate(); len(errs) > 0 {
		s.renderJuryConflicts(w, r, j, http.StatusUnprocessableEntity, errs,
			conflictDeclareForm{Severity: string(jury.ConflictRecuse)}, a)
		return
	}
	if _, err := s.db.AttestConflicts(r.Context(), j.Edition.Year, j.User.ID, actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, conflictsJuryPath(j.Edition.Year)+"#attestation", "conflicts.flash.attested")
}
