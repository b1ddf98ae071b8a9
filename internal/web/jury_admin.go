package web

// The secretariat's page of an edition's jury: the phase and its switch,
// the jury settings, and the members. Phase switches and every change are
// audited by the store; the rights come from domain.Can (the secretariat's
// row) and domain.CanSwitch, never from rules written here.

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tnl/internal/domain"
)

// adminJuryPage is /admin/jury/{year}.
type adminJuryPage struct {
	page
	Edition  *domain.Edition
	Steps    []juryPhaseStep
	Next     domain.Phase // "" when the edition cannot move forward
	Prev     domain.Phase // "" when it cannot go back
	Confirm  domain.Phase // a switch awaiting confirmation (?vers=)
	Refusal  string       // a refused switch, translated
	Settings jurySettingsForm
	Members  []domain.JuryMember
	Pages    []juryTask // the jury's other administration pages open now
	Add      juryMemberForm
	Roles    []domain.JuryRole
	locks    map[string]*juryLock // settings that can no longer change (jury_admin_locks.go)
}

// newAdminJuryPage is the page with the settings in effect and an empty
// form to add a juror.
func newAdminJuryPage(e *domain.Edition, r *http.Request) *adminJuryPage {
	return &adminJuryPage{Edition: e, Settings: jurySettingsFormOf(e.Jury, requestLang(r)),
		Add: juryMemberForm{Role: string(domain.JuryJuror)}}
}

// juryPhaseStep is one phase of the timeline shown on the page.
type juryPhaseStep struct {
	Phase   domain.Phase
	Current bool
	Done    bool
}

// juryMemberRoles are the roles an admin gives: the secretariat is the admins'
// own, and applicant and public follow from who a person is.
func juryMemberRoles() []domain.JuryRole {
	var out []domain.JuryRole
	for _, r := range domain.JuryRoles {
		if r.Assignable() && r != domain.JurySecretariat {
			out = append(out, r)
		}
	}
	return out
}

// juryAttests tells whether a role signs a conflict attestation at all
// (observers never do), so that the page says "not applicable" rather than
// "not yet".
func juryAttests(r domain.JuryRole) bool {
	return domain.Can(domain.Viewer{Role: r}, domain.ActAttest, domain.PhaseAttestation)
}

// Attests is juryAttests for the templates.
func (p *adminJuryPage) Attests(r domain.JuryRole) bool { return juryAttests(r) }

// Attests is juryAttests for the templates.
func (p *adminJuryMemberPage) Attests(r domain.JuryRole) bool { return juryAttests(r) }

// juryAdminViewer is how the visibility policy sees an admin on these
// pages: the secretariat.
func juryAdminViewer() domain.Viewer { return domain.Viewer{Role: domain.JurySecretariat} }

// adminJury shows the jury of an edition; ?vers=<phase> asks to confirm a
// phase switch.
func (s *Server) adminJury(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editionAt(w, r)
	if !ok {
		return
	}
	p := newAdminJuryPage(e, r)
	if v := r.URL.Query().Get("vers"); v != "" {
		if err := domain.CanSwitch(e.Phase, domain.Phase(v)); err != nil {
			p.Refusal = s.switchRefusal(requestLang(r), err)
		} else if domain.Can(juryAdminViewer(), domain.ActSwitchPhase, e.Phase) {
			p.Confirm = domain.Phase(v)
		}
	}
	s.renderAdminJury(w, r, http.StatusOK, p)
}

// renderAdminJury completes the page with what comes from the database.
func (s *Server) renderAdminJury(w http.ResponseWriter, r *http.Request, status int, p *adminJuryPage) {
	e := p.Edition
	p.TitleText = s.tr.T(requestLang(r), "jury.admin.title", "Year", e.Year)
	p.Roles = juryMemberRoles()
	for _, ph := range domain.Phases {
		p.Steps = append(p.Steps, juryPhaseStep{Phase: ph, Current: ph == e.Phase, Done: ph.Before(e.Phase)})
	}
	if domain.Can(juryAdminViewer(), domain.ActSwitchPhase, e.Phase) {
		if next, ok := e.Phase.Next(); ok && domain.CanSwitch(e.Phase, next) == nil {
			p.Next = next
		}
		if i := slices.Index(domain.Phases, e.Phase); i > 0 && domain.CanSwitch(e.Phase, domain.Phases[i-1]) == nil {
			p.Prev = domain.Phases[i-1]
		}
	}
	p.Pages = juryPages(&juryAccess{Edition: e, User: currentUser(r)})
	var err error
	if p.locks == nil {
		p.locks, err = s.juryLocks(r, e)
	}
	if err == nil {
		p.Members, err = s.db.JuryMembers(r.Context(), e.Year)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "admin_jury", p)
}

// switchRefusal translates a refused phase switch, naming the phases.
func (s *Server) switchRefusal(lang string, err error) string {
	var se *domain.SwitchError
	if !errors.As(err, &se) {
		return domain.ErrorMessage(err)
	}
	next, _ := se.From.Next()
	name := func(p domain.Phase) string {
		if !p.Valid() {
			return string(p)
		}
		return s.tr.T(lang, p.Key())
	}
	return s.tr.T(lang, string(se.Reason), "From", name(se.From), "To", name(se.To), "Next", name(next))
}

// editionForm loads the edition of a POST and reads its form.
func (s *Server) editionForm(w http.ResponseWriter, r *http.Request) (*domain.Edition, bool) {
	e, ok := s.editionAt(w, r)
	if ok && !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return nil, false
	}
	return e, ok
}

// adminJuryPhase moves the edition to the confirmed phase. A refusal (a
// skip, a second admin's switch in between) shows the page with the reason.
func (s *Server) adminJuryPhase(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editionForm(w, r)
	if !ok {
		return
	}
	if !domain.Can(juryAdminViewer(), domain.ActSwitchPhase, e.Phase) {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	err := s.db.SwitchPhase(r.Context(), e.Year, domain.Phase(field(r, "to")), actor(r))
	var se *domain.SwitchError
	if errors.As(err, &se) {
		p := newAdminJuryPage(e, r)
		p.Refusal = s.switchRefusal(requestLang(r), err)
		s.renderAdminJury(w, r, statusOf(err), p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, adminJuryPath(e.Year)+"#phase", "jury.flash.phase_switched")
}

// adminJurySettingsUpdate saves the jury settings; the conflict rules'
// severities are not on this form and are kept. A change of a locked
// setting, refused by the store (jury_admin_locks.go), is shown like a
// wrong value.
func (s *Server) adminJurySettingsUpdate(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editionForm(w, r)
	if !ok {
		return
	}
	f := readJurySettingsForm(r)
	errs := f.Validate()
	if len(errs) == 0 {
		f.settings.Severities = e.Jury.Severities
		err := s.db.SaveJurySettings(r.Context(), e.Year, f.settings, actor(r))
		if err == nil {
			s.redirect(w, r, adminJuryPath(e.Year)+"#reglages", "jury.flash.settings_saved")
			return
		}
		if errs = lockedProblems(err); errs == nil {
			s.fail(w, r, err)
			return
		}
	}
	p := newAdminJuryPage(e, r)
	var err error
	if p.locks, err = s.juryLocks(r, e); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Settings, p.Errors = f, errs
	s.renderAdminJury(w, r, http.StatusUnprocessableEntity, p)
}

// adminJuryMemberAdd puts an existing account on the jury. Someone without
// an account is refused with the way forward: they sign up first.
func (s *Server) adminJuryMemberAdd(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editionForm(w, r)
	if !ok {
		return
	}
	f := readJuryMemberForm(r, true)
	errs := f.Validate()
	var u *domain.User
	if len(errs) == 0 {
		var err error
		if u, err = s.db.FindUserByEmail(r.Context(), f.Email); domain.IsNotFound(err) {
			errs = map[string]string{"email": "jury.member.error.unknown_email"}
		} else if err != nil {
			s.fail(w, r, err)
			return
		} else if !u.Active() {
			errs = map[string]string{"email": "jury.member.error.inactive"}
		} else if _, err := s.db.FindJuryMember(r.Context(), e.Year, u.ID); err == nil {
			errs = map[string]string{"email": "jury.member.error.already"}
		} else if !domain.IsNotFound(err) {
			s.fail(w, r, err)
			return
		}
	}
	status := http.StatusUnprocessableEntity
	if len(errs) == 0 {
		f.member.Year, f.member.UserID = e.Year, u.ID
		err := s.db.SaveJuryMember(r.Context(), f.member, actor(r))
		if err == nil {
			s.redirect(w, r, adminJuryPath(e.Year)+"#membres", "jury.flash.member_added")
			return
		}
		if errs, status = juryMemberProblem(err); errs == nil {
			s.fail(w, r, err)
			return
		}
	}
	p := newAdminJuryPage(e, r)
	p.Add, p.Errors = f, errs
	s.renderAdminJury(w, r, status, p)
}

// juryMemberProblem turns the store's refusals of a member into the form's
// messages (the same words, in the reader's language); nil for any other
// error.
func juryMemberProblem(err error) (map[string]string, int) {
	switch domain.ErrorCode(err) {
	case domain.ECONFLICT: // the one conflict: a second president
		return map[string]string{"role": "jury.member.error.president_taken"}, http.StatusConflict
	case domain.EINVALID:
		return map[string]string{"max_load": "jury.member.error.loads_order"}, http.StatusUnprocessableEntity
	}
	return nil, 0
}

// adminJuryMemberPage is /admin/jury/{year}/membres/{id}: one member's
// role, tags and loads, and their removal.
type adminJuryMemberPage struct {
	page
	Edition *domain.Edition
	Member  domain.JuryMember
	Form    juryMemberForm
	Roles   []domain.JuryRole
}

// juryMemberAt loads the edition and the member named by the URL, and
// reads the form of a POST.
func (s *Server) juryMemberAt(w http.ResponseWriter, r *http.Request) (*domain.Edition, domain.JuryMember, bool) {
	load := s.editionAt
	if r.Method == http.MethodPost {
		load = s.editionForm
	}
	e, ok := load(w, r)
	if !ok {
		return nil, domain.JuryMember{}, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return nil, domain.JuryMember{}, false
	}
	m, err := s.db.FindJuryMember(r.Context(), e.Year, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, domain.JuryMember{}, false
	}
	return e, m, true
}

func (s *Server) adminJuryMember(w http.ResponseWriter, r *http.Request) {
	e, m, ok := s.juryMemberAt(w, r)
	if !ok {
		return
	}
	s.renderJuryMember(w, r, http.StatusOK, nil, e, m, juryMemberFormOf(m))
}

func (s *Server) renderJuryMember(w http.ResponseWriter, r *http.Request, status int, errs map[string]string,
	e *domain.Edition, m domain.JuryMember, f juryMemberForm) {
	p := &adminJuryMemberPage{Edition: e, Member: m, Form: f, Roles: juryMemberRoles(), page: page{Errors: errs,
		TitleText: s.tr.T(requestLang(r), "jury.member.title", "Name", m.Label(), "Year", e.Year)}}
	s.render(w, r, status, "admin_jury_member", p)
}

// adminJuryMemberUpdate changes a member's role, tags and loads.
func (s *Server) adminJuryMemberUpdate(w http.ResponseWriter, r *http.Request) {
	e, m, ok := s.juryMemberAt(w, r)
	if !ok {
		return
	}
	f := readJuryMemberForm(r, false)
	if errs := f.Validate(); len(errs) > 0 {
		s.renderJuryMember(w, r, http.StatusUnprocessableEntity, errs, e, m, f)
		return
	}
	f.member.Year, f.member.UserID = e.Year, m.UserID
	if err := s.db.SaveJuryMember(r.Context(), f.member, actor(r)); err != nil {
		errs, status := juryMemberProblem(err)
		if errs == nil {
			s.fail(w, r, err)
			return
		}
		s.renderJuryMember(w, r, status, errs, e, m, f)
		return
	}
	s.redirect(w, r, adminJuryPath(e.Year)+"#membres", "jury.flash.member_saved")
}

// adminJuryMemberRemove takes a member off the jury; the store refuses once
// they have written a review, which stays attributed.
func (s *Server) adminJuryMemberRemove(w http.ResponseWriter, r *http.Request) {
	e, m, ok := s.juryMemberAt(w, r)
	if !ok {
		return
	}
	err := s.db.RemoveJuryMember(r.Context(), e.Year, m.UserID, actor(r))
	if domain.IsConflict(err) {
		s.renderJuryMember(w, r, http.StatusConflict, map[string]string{"form": "jury.member.error.has_reviews"},
			e, m, juryMemberFormOf(m))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, adminJuryPath(e.Year)+"#membres", "jury.flash.member_removed")
}

func adminJuryPath(year int) string { return fmt.Sprintf("/admin/jury/%d", year) }

// juryTagList reads a comma-separated list typed by a person: trimmed,
// lower-cased, without blanks or repeats.
func juryTagList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.ToLower(strings.TrimSpace(part)); part != "" && !slices.Contains(out, part) {
			out = append(out, part)
		}
	}
	return out
}
