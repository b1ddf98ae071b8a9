package web

import (
	"fmt"
	"net/http"
	"strconv"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// actor names the signed-in admin in the audit log.
func actor(r *http.Request) domain.Actor {
	u := currentUser(r)
	return domain.Actor{ID: u.ID, Label: u.Email}
}

type adminHomePage struct {
	page
	Counts       map[string]int // by role
	PendingMails int
	AuditBroken  int64
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	users, err := s.db.ListUsers(r.Context(), store.UserFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &adminHomePage{page: page{Title: "admin.title"}, Counts: map[string]int{}}
	for _, u := range users {
		p.Counts[string(u.Role)]++
	}
	pending, err := s.db.ListMail(r.Context(), true, 1000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.PendingMails = len(pending)
	if p.AuditBroken, err = s.db.VerifyAudit(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_home", p)
}

type adminUsersPage struct {
	page
	Users []*domain.User
	Query string
	Role  string
	Roles []domain.Role
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, nil)
}

// renderUsers shows the list of accounts, with an error above it when an
// action on one of them was refused.
func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) {
	q := r.URL.Query()
	f := store.UserFilter{Query: q.Get("q"), Role: domain.Role(q.Get("role"))}
	if !f.Role.Valid() {
		f.Role = ""
	}
	users, err := s.db.ListUsers(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "admin_users", &adminUsersPage{
		page: page{Title: "admin.users.title", Errors: errs}, Users: users, Query: f.Query, Role: string(f.Role), Roles: domain.Roles,
	})
}

// userAction runs an admin action on the account named in the URL. An admin
// may not change their own account here, so that the last admin cannot lock
// everyone out by mistake.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, act func(id int64) (*domain.User, error), flash string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if id == currentUser(r).ID {
		s.renderUsers(w, r, http.StatusUnprocessableEntity, map[string]string{"form": "error.admin.self"})
		return
	}
	if _, err := act(id); err != nil {
		if domain.ErrorCode(err) == domain.EINVALID {
			s.renderUsers(w, r, http.StatusUnprocessableEntity, map[string]string{"form": "error.role.invalid"})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/utilisateurs", flash)
}

func (s *Server) adminUserRole(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, func(id int64) (*domain.User, error) {
		return s.db.SetUserRole(r.Context(), id, domain.Role(r.PostFormValue("role")), actor(r))
	}, "flash.role_changed")
}

func (s *Server) adminUserDeactivate(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, func(id int64) (*domain.User, error) {
		return s.db.SetUserActive(r.Context(), id, false, actor(r))
	}, "flash.user_deactivated")
}

func (s *Server) adminUserReactivate(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, func(id int64) (*domain.User, error) {
		return s.db.SetUserActive(r.Context(), id, true, actor(r))
	}, "flash.user_reactivated")
}

type adminOutboxPage struct {
	page
	Mails   []*domain.OutboxMail
	Pending bool
	Mail    *domain.OutboxMail
	SMTP    bool
}

func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) {
	pending := r.URL.Query().Get("etat") == "attente"
	mails, err := s.db.ListMail(r.Context(), pending, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_outbox", &adminOutboxPage{page: page{Title: "admin.outbox.title"}, Mails: mails, Pending: pending, SMTP: s.cfg.SMTPURL != ""})
}

// adminOutboxShow shows one email whole. Mails may carry live sign-in
// links, so reading one is a privileged action and is logged.
func (s *Server) adminOutboxShow(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	m, err := s.db.FindMail(r.Context(), id)
	if err == nil {
		err = s.db.RecordAudit(r.Context(), &domain.AuditEntry{
			Actor: actor(r), Action: "outbox.read", ObjectType: "outbox", ObjectID: fmt.Sprint(id),
		})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_mail", &adminOutboxPage{page: page{Title: "admin.mail.title"}, Mail: m})
}

type adminAuditPage struct {
	page
	Entries []domain.AuditEntry
	Filter  store.AuditFilter
	Next    int64
	Broken  int64
}

func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.AuditFilter{Action: q.Get("action"), Actor: q.Get("acteur"), Limit: 100}
	f.Before, _ = strconv.ParseInt(q.Get("avant"), 10, 64)
	entries, err := s.db.ListAudit(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &adminAuditPage{page: page{Title: "admin.audit.title"}, Entries: entries, Filter: f}
	if len(entries) == f.Limit {
		p.Next = entries[len(entries)-1].ID
	}
	if p.Broken, err = s.db.VerifyAudit(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_audit", p)
}
