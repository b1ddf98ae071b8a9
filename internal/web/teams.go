package web

import (
	"net/http"
	"slices"
	"strconv"

	"tnl/internal/domain"
)

// teamAccess is what the signed-in person may do with one body's team.
// Every team handler gets it from teamFor, so that the rule lives in one
// place.
type teamAccess struct {
	Body  *domain.Body
	Me    *domain.Member // the person's own membership of the body, if any
	Admin bool
}

// MaySee: the body's approved members and the admins see the team, and may
// decide the claims waiting in it.
func (a *teamAccess) MaySee() bool {
	return a.Admin || (a.Me != nil && a.Me.Status == domain.MemberApproved)
}

// MayManage: the élu référent, the responsable de candidature and the
// admins invite people, change roles and remove members.
func (a *teamAccess) MayManage() bool { return a.Admin || a.Me.ManagesTeam() }

// isSelf reports whether m is the signed-in person's own membership.
func (a *teamAccess) isSelf(m *domain.Member) bool { return a.Me != nil && a.Me.ID == m.ID }

// teamNeed is what a handler needs to do with a team.
type teamNeed int

const (
	seeTeam    teamNeed = iota // read it, decide claims
	manageTeam                 // invite, change roles, remove
)

// teamFor loads the body named in the URL and authorises the signed-in
// person on its team. Whoever may not see the team gets 404, exactly as for
// an unknown body, so that nothing about another body's team leaks; a
// member who may see it but not manage it gets 403 for what needs managing.
func (s *Server) teamFor(w http.ResponseWriter, r *http.Request, need teamNeed) (*teamAccess, bool) {
	body, ok := s.claimableBody(w, r)
	if !ok {
		return nil, false
	}
	u := currentUser(r)
	acc := &teamAccess{Body: body, Admin: u.Role == domain.RoleAdmin}
	m, err := s.db.Membership(r.Context(), body.ID, u.ID)
	switch {
	case err == nil:
		acc.Me = m
	case !domain.IsNotFound(err):
		s.fail(w, r, err)
		return nil, false
	}
	if !acc.MaySee() {
		s.notFound(w, r)
		return nil, false
	}
	if need == manageTeam && !acc.MayManage() {
		s.errorPage(w, r, http.StatusForbidden)
		return nil, false
	}
	return acc, true
}

// claimableBody loads the body named in the URL. A body an applicant asked
// for and an admin has not accepted (or refused) has no team: 404.
func (s *Server) claimableBody(w http.ResponseWriter, r *http.Request) (*domain.Body, bool) {
	b, err := s.db.FindBodyByKey(r.Context(), r.PathValue("key"))
	if err == nil && (b.Status == domain.BodyRequested || b.Status == domain.BodyRefused) {
		err = domain.Errorf(domain.ENOTFOUND, "Organisme introuvable.")
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return b, true
}

// teamMemberFor checks access to the team of the URL, then loads the
// membership the URL names in it: what every action on one member or claim
// starts with.
func (s *Server) teamMemberFor(w http.ResponseWriter, r *http.Request, need teamNeed) (*teamAccess, *domain.Member, bool) {
	acc, ok := s.teamFor(w, r, need)
	if !ok {
		return nil, nil, false
	}
	m, ok := s.teamMember(w, r, acc)
	return acc, m, ok
}

// teamMember loads the membership named in the URL. It must belong to the
// body of the URL: an id taken from another body's team is 404.
func (s *Server) teamMember(w http.ResponseWriter, r *http.Request, acc *teamAccess) (*domain.Member, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return nil, false
	}
	m, err := s.db.FindMember(r.Context(), id)
	if err == nil && m.BodyID != acc.Body.ID {
		err = domain.Errorf(domain.ENOTFOUND, "Demande introuvable.")
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return nil, false
	}
	return m, true
}

func teamPath(b *domain.Body) string { return "/organismes/" + b.Key + "/equipe" }

// teamPage is the team of one body: its members, the claims waiting, past
// members, and the forms of those who manage it.
type teamPage struct {
	page
	Access   *teamAccess
	Members  []memberRow
	Claims   []memberRow
	Past     []*domain.Member
	Invite   inviteForm
	Roles    []domain.MemberRole
	Sections []domain.Section
}

// memberRow is a membership with the values of its forms.
type memberRow struct {
	*domain.Member
	Edit   roleForm // the role form: the member's role, or what was typed
	Reason string   // a refusal or removal reason typed before an error
	Open   bool     // a form about this member came back with an error
	Self   bool
}

// teamInput is what a refused post typed, shown again beside its errors.
type teamInput struct {
	target int64 // the membership the form was about; 0 for the invitation
	role   *roleForm
	reason string
	invite *inviteForm
}

func (s *Server) teamShow(w http.ResponseWriter, r *http.Request) {
	if acc, ok := s.teamFor(w, r, seeTeam); ok {
		s.renderTeam(w, r, acc, http.StatusOK, nil, teamInput{})
	}
}

// renderTeam shows the team page, with the errors of a refused post.
func (s *Server) renderTeam(w http.ResponseWriter, r *http.Request, acc *teamAccess, status int, errs map[string]string, in teamInput) {
	team, err := s.db.Team(r.Context(), acc.Body.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &teamPage{Access: acc, Roles: domain.MemberRoles, Sections: domain.Sections,
		page:   page{TitleText: s.tr.T(requestLang(r), "team.title", "Body", acc.Body.Name), Errors: errs},
		Invite: inviteForm{Choice: roleForm{prefix: "invite-", Role: domain.RoleContributor}}}
	if in.invite != nil {
		p.Invite = *in.invite
	}
	for _, m := range team {
		row := memberRow{Member: m, Edit: roleForm{Role: m.Role, Sections: m.Sections}, Self: acc.isSelf(m)}
		if in.target == m.ID {
			row.Open, row.Reason = true, in.reason
			if in.role != nil {
				row.Edit = *in.role
			}
		}
		switch m.Status {
		case domain.MemberApproved:
			p.Members = append(p.Members, row)
		case domain.MemberPending:
			p.Claims = append(p.Claims, row)
		default:
			p.Past = append(p.Past, m)
		}
	}
	// The élu référent first, then the responsable, then contributors.
	slices.SortStableFunc(p.Members, func(a, b memberRow) int {
		return slices.Index(domain.MemberRoles, a.Role) - slices.Index(domain.MemberRoles, b.Role)
	})
	slices.SortFunc(p.Claims, func(a, b memberRow) int { return a.CreatedAt.Compare(b.CreatedAt) })
	s.render(w, r, status, "team", p)
}

// teamDone ends a team change: back to where the form was (the team page,
// or the admins' list of claims), or, when the membership changed in the
// meantime (decided by someone else, removed), the team page again with a
// message.
func (s *Server) teamDone(w http.ResponseWriter, r *http.Request, acc *teamAccess, err error, flash string) {
	if domain.IsConflict(err) {
		s.renderTeam(w, r, acc, http.StatusConflict, map[string]string{"form": "error.team.conflict"}, teamInput{})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.outbox.Wake()
	to := teamPath(acc.Body)
	if next := localPath(r.PostFormValue("suite")); next == "/admin/demandes" {
		to = next
	}
	s.redirect(w, r, to, flash)
}

// teamClaimApprove accepts a claim with the role asked for.
func (s *Server) teamClaimApprove(w http.ResponseWriter, r *http.Request) {
	acc, m, ok := s.teamMemberFor(w, r, seeTeam)
	if !ok {
		return
	}
	by := actor(r)
	mail, err := s.mailToUser(r.Context(), m.UserID, "claim_approved",
		teamNews{Body: acc.Body, Person: by.Label, Role: m.Role, Path: teamPath(acc.Body)})
	mails := []*domain.OutboxMail{mail}
	if err == nil && m.Role == domain.RoleResponsable && m.Status == domain.MemberPending {
		var more []*domain.OutboxMail
		more, err = s.demotionMails(r.Context(), acc, m, by.Label)
		mails = append(mails, more...)
	}
	if err == nil {
		_, err = s.db.DecideClaim(r.Context(), m.ID, true, "", by, mails)
	}
	s.teamDone(w, r, acc, err, "flash.team.approved")
}

// teamClaimRefuse refuses a claim; the reason is sent to the claimant and
// shown on their list of bodies.
func (s *Server) teamClaimRefuse(w http.ResponseWriter, r *http.Request) {
	acc, m, ok := s.teamMemberFor(w, r, seeTeam)
	if !ok {
		return
	}
	f := reasonForm{id: "refuse-" + strconv.FormatInt(m.ID, 10), Reason: longField(r, "reason")}
	if errs := f.Validate(); len(errs) > 0 {
		s.renderTeam(w, r, acc, http.StatusUnprocessableEntity, errs, teamInput{target: m.ID, reason: f.Reason})
		return
	}
	by := actor(r)
	mail, err := s.mailToUser(r.Context(), m.UserID, "claim_refused",
		teamNews{Body: acc.Body, Person: by.Label, Role: m.Role, Reason: f.Reason, Path: "/mes-organismes"})
	if err == nil {
		_, err = s.db.DecideClaim(r.Context(), m.ID, false, f.Reason, by, []*domain.OutboxMail{mail})
	}
	s.teamDone(w, r, acc, err, "flash.team.refused")
}
