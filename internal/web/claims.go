package web

import (
	"context"
	"net/http"
	"slices"

	"tnl/internal/domain"
)

// claimPage is the form a signed-in person fills to act for a body, or
// where their earlier claim stands.
type claimPage struct {
	page
	Body     *domain.Body
	Existing *domain.Member // the person's membership of the body, if any
	Form     claimForm
	Roles    []domain.MemberRole
}

// Waiting reports whether the person already asked or already acts for
// the body: then there is nothing to ask.
func (p *claimPage) Waiting() bool {
	return p.Existing != nil && (p.Existing.Status == domain.MemberPending || p.Existing.Status == domain.MemberApproved)
}

func (s *Server) claimShow(w http.ResponseWriter, r *http.Request) {
	if body, ok := s.claimableBody(w, r); ok {
		s.renderClaim(w, r, body, http.StatusOK, nil, claimForm{})
	}
}

// renderClaim shows the claim page with what was typed and its errors.
func (s *Server) renderClaim(w http.ResponseWriter, r *http.Request, body *domain.Body, status int, errs map[string]string, f claimForm) {
	p := &claimPage{Body: body, Form: f, Roles: domain.MemberRoles,
		page: page{TitleText: s.tr.T(requestLang(r), "claim.title", "Body", body.Name), Errors: errs}}
	m, err := s.db.Membership(r.Context(), body.ID, currentUser(r).ID)
	switch {
	case err == nil:
		p.Existing = m
	case !domain.IsNotFound(err):
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "claim", p)
}

// claimCreate records a claim and tells those who may decide it: the
// body's members and the admins, each in their language.
func (s *Server) claimCreate(w http.ResponseWriter, r *http.Request) {
	body, ok := s.claimableBody(w, r)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := claimForm{Role: domain.MemberRole(field(r, "role")), Message: longField(r, "message")}
	if errs := f.Validate(); len(errs) > 0 {
		s.renderClaim(w, r, body, http.StatusUnprocessableEntity, errs, f)
		return
	}
	u := currentUser(r)
	m := &domain.Member{BodyID: body.ID, UserID: u.ID, Email: u.Email, Role: f.Role, Message: f.Message}
	mails, err := s.claimReceivedMails(r.Context(), body, m)
	if err == nil {
		err = s.db.Claim(r.Context(), m, actor(r), mails)
	}
	if domain.IsConflict(err) {
		s.renderClaim(w, r, body, http.StatusConflict, map[string]string{"form": "error.team.claim_duplicate"}, f)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.outbox.Wake()
	s.redirect(w, r, "/organismes/"+body.Key+"/rejoindre", "flash.team.claim_sent")
}

// membershipRow is a membership with its body, for lists across bodies.
type membershipRow struct {
	*domain.Member
	Body *domain.Body
}

// withBodies loads the body of each membership, once per body.
func (s *Server) withBodies(ctx context.Context, members []*domain.Member) ([]membershipRow, error) {
	bodies := map[int64]*domain.Body{}
	rows := make([]membershipRow, 0, len(members))
	for _, m := range members {
		b, ok := bodies[m.BodyID]
		if !ok {
			var err error
			if b, err = s.db.FindBodyByID(ctx, m.BodyID); err != nil {
				return nil, err
			}
			bodies[m.BodyID] = b
		}
		rows = append(rows, membershipRow{Member: m, Body: b})
	}
	return rows, nil
}

// membershipsPage lists memberships across bodies: a person's own on
// /mes-organismes, every pending claim on /admin/demandes.
type membershipsPage struct {
	page
	Rows []membershipRow
}

// myBodies lists what the signed-in person asked for or holds, with the
// reason of a refusal or a removal.
func (s *Server) myBodies(w http.ResponseWriter, r *http.Request) {
	s.renderMemberships(w, r, "my_bodies", "my_bodies.title", func(ctx context.Context) ([]*domain.Member, error) {
		return s.db.MembershipsOf(ctx, currentUser(r).ID)
	})
}

// adminClaims lists every claim waiting for a decision, oldest first. Its
// forms post to the team routes of each body, where admins are allowed.
func (s *Server) adminClaims(w http.ResponseWriter, r *http.Request) {
	s.renderMemberships(w, r, "admin_claims", "admin.claims.title", func(ctx context.Context) ([]*domain.Member, error) {
		claims, err := s.db.PendingClaims(ctx)
		slices.SortFunc(claims, func(a, b *domain.Member) int { return a.CreatedAt.Compare(b.CreatedAt) })
		return claims, err
	})
}

func (s *Server) renderMemberships(w http.ResponseWriter, r *http.Request, tmpl, title string, list func(context.Context) ([]*domain.Member, error)) {
	members, err := list(r.Context())
	var rows []membershipRow
	if err == nil {
		rows, err = s.withBodies(r.Context(), members)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, tmpl, &membershipsPage{page: page{Title: title}, Rows: rows})
}
