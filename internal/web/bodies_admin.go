package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"tnl/internal/directory"
	"tnl/internal/domain"
)

// The administration of bodies outside the directory: requests to approve
// or refuse, historical laureates to link to their directory body, and
// corrections. The store writes every change to the audit log.

type adminBodyRow struct {
	Body      *domain.Body
	Requester string // email of the applicant who asked
	Members   int
}

type adminBodiesPage struct {
	page
	Requested  []adminBodyRow
	Historical []*domain.Body
	Approved   []*domain.Body
	Typed      map[string]string // what was typed in the form that failed, by field
}

func (s *Server) adminBodies(w http.ResponseWriter, r *http.Request) {
	s.renderAdminBodies(w, r, http.StatusOK, nil, nil)
}

// renderAdminBodies shows the lists, with an error beside the form of the
// action that was refused.
func (s *Server) renderAdminBodies(w http.ResponseWriter, r *http.Request, status int, errs, typed map[string]string) {
	ctx := r.Context()
	p := &adminBodiesPage{page: page{Title: "admin.bodies.title", Errors: errs, Scripts: []string{"combobox.js"}}, Typed: typed}
	requested, err := s.db.ListBodies(ctx, domain.BodyRequested)
	if err == nil {
		p.Requested, err = s.requestRows(ctx, requested)
	}
	if err == nil {
		p.Historical, err = s.db.ListBodies(ctx, domain.BodyHistorical)
	}
	if err == nil {
		p.Approved, err = s.db.ListBodies(ctx, domain.BodyApproved)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "admin_bodies", p)
}

// requestRows adds to each request who made it and how many members it
// lists; requests are few, so a query or two each is fine.
func (s *Server) requestRows(ctx context.Context, bodies []*domain.Body) ([]adminBodyRow, error) {
	rows := make([]adminBodyRow, len(bodies))
	for i, b := range bodies {
		rows[i].Body = b
		if b.RequestedBy != 0 {
			u, err := s.db.FindUserByID(ctx, b.RequestedBy)
			if err != nil && !domain.IsNotFound(err) {
				return nil, err
			}
			if u != nil {
				rows[i].Requester = u.Email
			}
		}
		members, err := s.db.LinkedMembers(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		rows[i].Members = len(members)
	}
	return rows, nil
}

// bodyID reads the {id} of an admin route; 0 if it is not one.
func bodyID(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

func (s *Server) adminBodyApprove(w http.ResponseWriter, r *http.Request) { s.decideBody(w, r, true) }

func (s *Server) adminBodyRefuse(w http.ResponseWriter, r *http.Request) { s.decideBody(w, r, false) }

// decideBody approves or refuses a requested body and tells the applicant
// who asked for it; a refusal must say why.
func (s *Server) decideBody(w http.ResponseWriter, r *http.Request, approve bool) {
	id := bodyID(r)
	if id == 0 {
		s.notFound(w, r)
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	reason := field(r, "reason")
	if !approve && reason == "" {
		s.renderAdminBodies(w, r, http.StatusUnprocessableEntity, map[string]string{fmt.Sprintf("reason-%d", id): "bodies.error.reason_required"}, nil)
		return
	}
	b, err := s.db.FindBodyByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, path, flash := "body_approved", "/organismes/"+b.Key, "bodies.admin.flash_approved"
	if !approve {
		name, path, flash = "body_refused", "/organismes/demander", "bodies.admin.flash_refused"
	}
	mails, err := s.requesterMail(r.Context(), b, name, path, reason)
	if err == nil {
		_, err = s.db.DecideBody(r.Context(), id, approve, reason, actor(r), mails)
	}
	if domain.IsConflict(err) {
		s.renderAdminBodies(w, r, http.StatusConflict, map[string]string{"form": "bodies.admin.already_decided"}, nil)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.outbox.Wake()
	s.redirect(w, r, "/admin/organismes", flash)
}

// requesterMail renders the mail telling the applicant who asked for b
// what was decided; none when nobody asked (historical laureates).
func (s *Server) requesterMail(ctx context.Context, b *domain.Body, name, path, reason string) ([]*domain.OutboxMail, error) {
	if b.RequestedBy == 0 {
		return nil, nil
	}
	u, err := s.db.FindUserByID(ctx, b.RequestedBy)
	if domain.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	data := s.mailData(u.Email, path)
	data.Body, data.Reason = b.Name, reason
	m, err := s.mail.Render(u.Email, name, u.Lang, data)
	if err != nil {
		return nil, err
	}
	return []*domain.OutboxMail{m}, nil
}

// adminBodyMerge links a historical laureate (or a duplicate request) to the
// body it really is: its awards, team and members move there, and it goes.
func (s *Server) adminBodyMerge(w http.ResponseWriter, r *http.Request) {
	id := bodyID(r)
	if id == 0 {
		s.notFound(w, r)
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	typed, name := field(r, "into"), fmt.Sprintf("into-%d", id)
	from, err := s.db.FindBodyByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	into, problem, err := s.mergeTarget(r.Context(), from, typed)
	if err == nil && problem == "" {
		err = s.db.MergeBody(r.Context(), from.ID, into.ID, actor(r))
	}
	switch {
	case err != nil:
		s.fail(w, r, err)
	case problem != "":
		s.renderAdminBodies(w, r, http.StatusUnprocessableEntity, map[string]string{name: problem}, map[string]string{name: typed})
	default:
		s.redirect(w, r, "/admin/organismes", "bodies.admin.flash_merged")
	}
}

// mergeTarget finds the body an admin typed (a key, a SIREN, an INSEE code
// or the address of its page) and checks that from may be merged into it;
// a problem is a message id.
func (s *Server) mergeTarget(ctx context.Context, from *domain.Body, typed string) (*domain.Body, string, error) {
	if from.Status == domain.BodyOfficial {
		return nil, "bodies.error.merge_official", nil
	}
	code := strings.Join(strings.Fields(typed), "")
	if i := strings.LastIndex(code, "/organismes/"); i >= 0 {
		code = code[i+len("/organismes/"):]
	}
	if code == "" {
		return nil, "bodies.error.into_required", nil
	}
	dir, err := directory.Load()
	if err != nil {
		return nil, "", err
	}
	if c, ok := dir.ByINSEE(strings.ToUpper(code)); ok {
		code = c.Key()
	}
	if !bodyKeyPattern.MatchString(code) {
		return nil, "bodies.error.into_unknown", nil
	}
	into, err := s.db.FindBodyByKey(ctx, code)
	switch {
	case domain.IsNotFound(err):
		return nil, "bodies.error.into_unknown", nil
	case err != nil:
		return nil, "", err
	case into.ID == from.ID:
		return nil, "bodies.error.merge_self", nil
	}
	return into, "", nil
}
