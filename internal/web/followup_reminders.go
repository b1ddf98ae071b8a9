package web

// Reminders to the bodies whose application is still a draft, at days
// before the deadline the secretariat chooses. The store sends each
// reminder once per application (see store.SendDueReminders); the server
// runs SendReminders every minute, and the page below can run it at once.
// The helpers at the end render the follow-up's mails (reminders, messages,
// corrections) for their recipients.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"tnl/internal/domain"
	"tnl/internal/mail"
	"tnl/internal/store"
)

// Bounds of the reminder days an edition may have.
const (
	maxReminderDays = 10
	maxDaysBefore   = 365
)

// remindersForm is the list of days typed by the secretariat: "30, 7, 1".
type remindersForm struct {
	Days string
	list []int
}

func (f *remindersForm) Validate() map[string]string {
	f.list = nil
	for _, part := range strings.FieldsFunc(f.Days, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 || n > maxDaysBefore {
			return map[string]string{"days": "followup.error.days_invalid"}
		}
		f.list = append(f.list, n)
	}
	if len(f.list) > maxReminderDays {
		return map[string]string{"days": "followup.error.days_too_many"}
	}
	return map[string]string{}
}

// reminderRow is one reminder of the page, with when it goes.
type reminderRow struct {
	store.Reminder
	Due time.Time
}

type adminRemindersPage struct {
	page
	Edition *domain.Edition
	Form    remindersForm
	Rows    []reminderRow
	Drafts  int // applications still in draft, which reminders would reach
	Sent    int // applications just reminded by the button, -1 when not pressed
}

// adminReminders shows an edition's reminder days and what they sent.
func (s *Server) adminReminders(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editionAt(w, r)
	if !ok {
		return
	}
	days, err := s.db.ReminderDays(r.Context(), e.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	words := make([]string, len(days))
	for i, d := range days {
		words[i] = strconv.Itoa(d)
	}
	sent := -1
	if n, err := strconv.Atoi(r.URL.Query().Get("envoyes")); err == nil && n >= 0 {
		sent = n
	}
	s.renderReminders(w, r, e, http.StatusOK, nil, remindersForm{Days: strings.Join(words, ", ")}, sent)
}

func (s *Server) renderReminders(w http.ResponseWriter, r *http.Request, e *domain.Edition, status int,
	errs map[string]string, f remindersForm, sent int) {
	ctx := r.Context()
	lang := requestLang(r)
	p := &adminRemindersPage{Edition: e, Form: f, Sent: sent,
		page: page{TitleText: s.tr.T(lang, "followup.reminders.title", "Year", e.Year), Errors: errs}}
	reminders, err := s.db.Reminders(ctx, e.Year)
	if err == nil {
		p.Drafts, err = s.db.CountApplications(ctx, store.ApplicationFilter{Year: e.Year, Status: domain.ApplicationDraft})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, rm := range reminders {
		row := reminderRow{Reminder: rm}
		if e.ClosesAt != nil {
			row.Due = store.ReminderDue(*e.ClosesAt, rm.DaysBefore)
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, r, status, "admin_reminders", p)
}

// adminRemindersUpdate replaces an edition's reminder days.
func (s *Server) adminRemindersUpdate(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editionAt(w, r)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := remindersForm{Days: field(r, "days")}
	if errs := f.Validate(); len(errs) > 0 {
		s.renderReminders(w, r, e, http.StatusUnprocessableEntity, errs, f, -1)
		return
	}
	if err := s.db.SetReminderDays(r.Context(), e.Year, f.list, actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, remindersPath(e.Year), "followup.flash.reminders_saved")
}

// adminRemindersSend sends the reminders due now rather than at the next
// minute, and traces who asked.
func (s *Server) adminRemindersSend(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editionAt(w, r)
	if !ok {
		return
	}
	n, err := s.SendReminders(r.Context())
	if err == nil {
		err = s.db.RecordAudit(r.Context(), &domain.AuditEntry{Actor: actor(r), Action: "edition.reminders.send",
			ObjectType: "edition", ObjectID: strconv.Itoa(e.Year), After: fmt.Sprintf(`{"sent":%d}`, n)})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("%s?envoyes=%d", remindersPath(e.Year), n), "")
}

func remindersPath(year int) string { return fmt.Sprintf("/admin/editions/%d/rappels", year) }

// SendReminders sends every reminder that has fallen due to the élu
// référent and the responsable of each body whose application is still a
// draft, and wakes the outbox; it returns how many applications were
// reminded. The server calls it every minute; a reminder goes once per
// application whatever the number of calls or servers.
func (s *Server) SendReminders(ctx context.Context) (int, error) {
	editions := map[int]*domain.Edition{}
	n, err := s.db.SendDueReminders(ctx, s.now(), func(app *domain.Application, _ int) []*domain.OutboxMail {
		mails, err := s.reminderMails(ctx, editions, app)
		if err != nil {
			s.log.Warn("building a reminder; it will be tried again", "application", app.ID, "error", err)
			return nil
		}
		return mails
	})
	if n > 0 {
		s.outbox.Wake()
	}
	return n, err
}

// reminderMails renders one application's reminder for each of its
// recipients; an empty list when nobody holds those roles.
func (s *Server) reminderMails(ctx context.Context, editions map[int]*domain.Edition, app *domain.Application) ([]*domain.OutboxMail, error) {
	e, ok := editions[app.Year]
	if !ok {
		var err error
		if e, err = s.db.FindEdition(ctx, app.Year); err != nil {
			return nil, err
		}
		editions[app.Year] = e
	}
	to, err := s.followupRecipients(ctx, app.Body.ID, domain.RoleElu, domain.RoleResponsable)
	if err != nil {
		return nil, err
	}
	return s.followupMails(to, "application_reminder", app, e, followupAppPath(app.ID), nil)
}

// followupDeadline writes an edition's last accepted instant for a mail in
// lang: "10 novembre 2026 à 23 h 59".
func (s *Server) followupDeadline(lang string, e *domain.Edition) string {
	if e.ClosesAt == nil {
		return ""
	}
	return s.tr.formatDateTime(lang, e.Deadline())
}

// followupAppPath is the applicant's page of an application, and
// followupAdminPath the secretariat's.
func followupAppPath(id int64) string   { return fmt.Sprintf("/candidatures/%d", id) }
func followupAdminPath(id int64) string { return fmt.Sprintf("/admin/candidatures/%d", id) }

// followupRecipients returns the accounts of a body's approved members
// with one of roles (any role when none is given), to mail each in their
// language.
func (s *Server) followupRecipients(ctx context.Context, bodyID int64, roles ...domain.MemberRole) ([]*domain.User, error) {
	team, err := s.db.Team(ctx, bodyID)
	if err != nil {
		return nil, err
	}
	var out []*domain.User
	for _, m := range team {
		if m.Status != domain.MemberApproved || (len(roles) > 0 && !slices.Contains(roles, m.Role)) {
			continue
		}
		u, err := s.db.FindUserByID(ctx, m.UserID)
		if err != nil {
			return nil, err
		}
		if u.Active() {
			out = append(out, u)
		}
	}
	return out, nil
}

// activeAdmins are the secretariat: who reads the applicants' messages.
func (s *Server) activeAdmins(ctx context.Context) ([]*domain.User, error) {
	admins, err := s.db.ListUsers(ctx, store.UserFilter{Role: domain.RoleAdmin})
	if err != nil {
		return nil, err
	}
	var out []*domain.User
	for _, a := range admins {
		if a.Active() {
			out = append(out, a)
		}
	}
	return out, nil
}

// followupMails renders one mail about an application for each recipient,
// in their language: the body, the edition, the track, the deadline in
// words and the link, plus what set adds.
func (s *Server) followupMails(to []*domain.User, name string, app *domain.Application, e *domain.Edition,
	path string, set func(d *mail.Data)) ([]*domain.OutboxMail, error) {
	track := app.Track
	if t, ok := e.Track(app.Track); ok {
		track = t.Name
	}
	mails := make([]*domain.OutboxMail, 0, len(to))
	for _, u := range to {
		d := s.mailData(u.Email, path)
		d.Body, d.Year, d.Track, d.Deadline = app.Body.Name, app.Year, track, s.followupDeadline(u.Lang, e)
		if set != nil {
			set(&d)
		}
		m, err := s.mail.Render(u.Email, name, u.Lang, d)
		if err != nil {
			return nil, err
		}
		mails = append(mails, m)
	}
	return mails, nil
}
