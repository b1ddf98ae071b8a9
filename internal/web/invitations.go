package web

import (
	"context"
	"net/http"
	"net/url"

	"tnl/internal/domain"
)

// teamInvite offers a place in the team to an email address, by a
// single-use link that expires. The link is spent by a POST from the page
// it opens, so that mail scanners that follow links leave it intact.
func (s *Server) teamInvite(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.teamFor(w, r, manageTeam)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := inviteForm{Email: domain.NormalizeEmail(field(r, "email")), Choice: readRoleForm(r, "invite-")}
	errs := f.Validate()
	invitee, err := s.db.FindUserByEmail(r.Context(), f.Email)
	if err != nil && !domain.IsNotFound(err) {
		s.fail(w, r, err)
		return
	}
	if len(errs) == 0 && invitee != nil && s.inTeam(r.Context(), acc.Body, invitee) {
		errs["email"] = "error.team.already_member"
	}
	if len(errs) > 0 {
		s.renderTeam(w, r, acc, http.StatusUnprocessableEntity, errs, teamInput{invite: &f})
		return
	}
	secret, by, sections := domain.RandomToken(), actor(r), f.Choice.givenSections()
	inv := &domain.Invitation{Hash: domain.HashToken(secret), BodyID: acc.Body.ID, Email: f.Email, Role: f.Choice.Role,
		Sections: sections, InvitedBy: by.ID, ExpiresAt: s.now().Add(domain.InvitationLifetime)}
	lang := requestLang(r)
	if invitee != nil && invitee.Lang != "" {
		lang = invitee.Lang
	}
	mail, err := s.teamMail(f.Email, lang, "invitation",
		teamNews{Body: acc.Body, Person: by.Label, Role: inv.Role, Sections: sections, Path: "/invitation?jeton=" + secret})
	if err == nil {
		err = s.db.Invite(r.Context(), inv, by, mail)
	}
	s.teamDone(w, r, acc, err, "flash.team.invited")
}

// inTeam reports whether u is already an approved member of the body.
func (s *Server) inTeam(ctx context.Context, b *domain.Body, u *domain.User) bool {
	m, err := s.db.Membership(ctx, b.ID, u.ID)
	return err == nil && m.Status == domain.MemberApproved
}

// invitationPage shows an invitation: which body, which role, who invites.
type invitationPage struct {
	page
	Token      string
	Invitation *domain.Invitation
	Body       *domain.Body
	InvitedBy  string
	Back       string // this page's address, to come back to after signing in
}

// invitationShow is public: the person invited may not have an account or
// may not be signed in yet, and is shown how to come back to the link.
func (s *Server) invitationShow(w http.ResponseWriter, r *http.Request) {
	secret := r.URL.Query().Get("jeton")
	inv, err := s.db.CheckInvitation(r.Context(), domain.HashToken(secret))
	if domain.ErrorCode(err) == domain.EINVALID {
		s.invitationGone(w, r)
		return
	}
	p := &invitationPage{page: page{Title: "invitation.title"}, Token: secret, Invitation: inv,
		Back: "/invitation?jeton=" + url.QueryEscape(secret)}
	if err == nil {
		p.Body, err = s.db.FindBodyByID(r.Context(), inv.BodyID)
	}
	if err == nil {
		if inviter, ferr := s.db.FindUserByID(r.Context(), inv.InvitedBy); ferr == nil {
			p.InvitedBy = inviter.Email
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "invitation", p)
}

// invitationGone says that a link expired or was used: 410, nothing done.
func (s *Server) invitationGone(w http.ResponseWriter, r *http.Request) {
	p := &invitationPage{page: page{Title: "invitation.title", Errors: map[string]string{"form": "error.team.invitation_invalid"}}}
	s.render(w, r, http.StatusGone, "invitation", p)
}

// invitationAccept spends the invitation: the signed-in person joins the
// team with the role offered.
func (s *Server) invitationAccept(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	m, err := s.db.AcceptInvitation(r.Context(), domain.HashToken(r.PostFormValue("jeton")), actor(r), nil)
	if domain.ErrorCode(err) == domain.EINVALID {
		s.invitationGone(w, r)
		return
	}
	var body *domain.Body
	if err == nil {
		body, err = s.db.FindBodyByID(r.Context(), m.BodyID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, teamPath(body), "flash.team.joined")
}
