package web

import (
	"fmt"
	"net/http"
	"strconv"

	"tnl/internal/domain"
)

// teamMemberRole changes a member's role and sections. Making someone
// responsable transfers the role: the store makes the previous responsable
// a contributor, and both are told.
func (s *Server) teamMemberRole(w http.ResponseWriter, r *http.Request) {
	acc, m, ok := s.teamMemberFor(w, r, manageTeam)
	if !ok {
		return
	}
	f := readRoleForm(r, fmt.Sprintf("m%d-", m.ID))
	errs := f.Validate()
	if acc.isSelf(m) {
		errs = map[string]string{"form": "error.team.self"}
	}
	if len(errs) > 0 {
		s.renderTeam(w, r, acc, http.StatusUnprocessableEntity, errs, teamInput{target: m.ID, role: &f})
		return
	}
	by, sections := actor(r), f.givenSections()
	mail, err := s.mailToUser(r.Context(), m.UserID, "member_role",
		teamNews{Body: acc.Body, Person: by.Label, Role: f.Role, Sections: sections, Path: teamPath(acc.Body)})
	mails := []*domain.OutboxMail{mail}
	if err == nil && f.Role == domain.RoleResponsable && m.Status == domain.MemberApproved {
		var more []*domain.OutboxMail
		more, err = s.demotionMails(r.Context(), acc, m, by.Label)
		mails = append(mails, more...)
	}
	if err == nil {
		_, err = s.db.SetMemberRole(r.Context(), m.ID, f.Role, sections, by, mails)
	}
	s.teamDone(w, r, acc, err, "flash.team.role_changed")
}

// teamMemberRemove ends a membership, with a reason sent to the person. No
// one removes themselves here: another member or an admin does it, so that
// a team is not left without anyone who manages it by a slip.
func (s *Server) teamMemberRemove(w http.ResponseWriter, r *http.Request) {
	acc, m, ok := s.teamMemberFor(w, r, manageTeam)
	if !ok {
		return
	}
	f := reasonForm{id: "remove-" + strconv.FormatInt(m.ID, 10), Reason: longField(r, "reason")}
	errs := f.Validate()
	if acc.isSelf(m) {
		errs = map[string]string{"form": "error.team.remove_self"}
	}
	if len(errs) > 0 {
		s.renderTeam(w, r, acc, http.StatusUnprocessableEntity, errs, teamInput{target: m.ID, reason: f.Reason})
		return
	}
	by := actor(r)
	mail, err := s.mailToUser(r.Context(), m.UserID, "member_removed",
		teamNews{Body: acc.Body, Person: by.Label, Role: m.Role, Reason: f.Reason, Path: "/mes-organismes"})
	if err == nil {
		_, err = s.db.RemoveMember(r.Context(), m.ID, f.Reason, by, []*domain.OutboxMail{mail})
	}
	s.teamDone(w, r, acc, err, "flash.team.removed")
}
