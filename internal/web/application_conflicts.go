package web

// Conflicts of interest, the applicant's side (jury.md §3, "applicant
// declaration"): the jury of the edition is published, so the members of
// an application may name a juror they have links with, until the
// assignment of the files (domain.Can, ActDeclareConflict). Each
// declaration recuses the juror until the secretariat decides.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// applicantConflictTypes are the links an applicant may declare.
var applicantConflictTypes = []jury.ConflictType{jury.ConflictDirectBody, jury.ConflictPersonal,
	jury.ConflictCommercial, jury.ConflictOrganisational, jury.ConflictOther}

// applicantConflictForm names a juror and says what links them.
type applicantConflictForm struct {
	Juror   string
	Type    string
	Text    string
	jurorID int64
	allowed map[int64]bool
}

func (f *applicantConflictForm) Validate() map[string]string {
	errs := map[string]string{}
	id, err := strconv.ParseInt(f.Juror, 10, 64)
	if err != nil || !f.allowed[id] {
		errs["juror"] = "conflicts.error.juror"
	}
	f.jurorID = id
	if t := jury.ConflictType(f.Type); !t.Valid() || !slices.Contains(applicantConflictTypes, t) {
		errs["type"] = "conflicts.error.type"
	}
	switch {
	case f.Text == "":
		errs["text"] = "conflicts.error.text_required"
	case utf8.RuneCountInString(f.Text) > maxConflictText:
		errs["text"] = "conflicts.error.text_too_long"
	}
	return errs
}

type applicationConflictsPage struct {
	page
	Acc        *appAccess
	Jury       []domain.JuryMember // the members an applicant may name
	Declared   []store.ConflictEntry
	CanDeclare bool
	Types      []jury.ConflictType
	Form       applicantConflictForm
}

func applicationConflictsPath(id int64) string { return fmt.Sprintf("/candidatures/%d/conflits", id) }

// applicantViewer is the person's standing on the application for the
// jury's policy: the body's members are its applicant, the secretariat is
// the secretariat.
func applicantViewer(acc *appAccess) domain.Viewer {
	if acc.Me != nil {
		return domain.Viewer{Role: domain.JuryApplicant, Own: true}
	}
	return domain.Viewer{Role: domain.JurySecretariat}
}

// applicationConflicts shows the jury of the edition and the application's
// declarations, with the form while declarations are open.
func (s *Server) applicationConflicts(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	s.renderApplicationConflicts(w, r, acc, http.StatusOK, nil, applicantConflictForm{})
}

func (s *Server) renderApplicationConflicts(w http.ResponseWriter, r *http.Request, acc *appAccess, status int,
	errs map[string]string, f applicantConflictForm) {
	v, phase := applicantViewer(acc), acc.Edition.Phase
	if !domain.Can(v, domain.ActSeeConflictsOwn, phase) && !domain.Can(v, domain.ActSeeConflictsAll, phase) {
		s.notFound(w, r)
		return
	}
	lang := requestLang(r)
	p := &applicationConflictsPage{Acc: acc, Form: f, Types: applicantConflictTypes,
		CanDeclare: domain.Can(v, domain.ActDeclareConflict, phase),
		page: page{TitleText: s.tr.T(lang, "conflicts.applicant.title", "Body", acc.App.Body.Name, "Year", acc.App.Year),
			Errors: errs}}
	var err error
	if p.Jury, err = s.nameableJury(r, acc.App.Year); err == nil {
		p.Declared, err = s.db.Conflicts(r.Context(), acc.App.Year,
			store.ConflictFilter{Application: acc.App.ID, Source: jury.ConflictSourceApplicant})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "application_conflicts", p)
}

// nameableJury lists the members who review or vote: observers only read
// the minutes, so a link with them matters to no decision.
func (s *Server) nameableJury(r *http.Request, year int) ([]domain.JuryMember, error) {
	members, err := s.db.JuryMembers(r.Context(), year)
	if err != nil {
		return nil, err
	}
	out := members[:0]
	for _, m := range members {
		if m.Role != domain.JuryObserver {
			out = append(out, m)
		}
	}
	return out, nil
}

// applicationConflictDeclare records the link an applicant declares with a
// juror, as a recusal for the secretariat to confirm.
func (s *Server) applicationConflictDeclare(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	if !domain.Can(applicantViewer(acc), domain.ActDeclareConflict, acc.Edition.Phase) {
		s.notFound(w, r)
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := applicantConflictForm{Juror: field(r, "juror"), Type: field(r, "type"), Text: longField(r, "text"),
		allowed: map[int64]bool{}}
	members, err := s.nameableJury(r, acc.App.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range members {
		f.allowed[m.UserID] = true
	}
	if errs := f.Validate(); len(errs) > 0 {
		s.renderApplicationConflicts(w, r, acc, http.StatusUnprocessableEntity, errs, f)
		return
	}
	_, err = s.db.DeclareConflict(r.Context(), store.ConflictDeclaration{Year: acc.App.Year, Juror: f.jurorID,
		Application: acc.App.ID, Type: jury.ConflictType(f.Type), Severity: jury.ConflictRecuse, Text: f.Text,
		Source: jury.ConflictSourceApplicant}, actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, applicationConflictsPath(acc.App.ID)+"#declarations", "conflicts.flash.applicant_declared")
}
