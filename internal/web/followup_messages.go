package web

// What the secretariat and an applicant write to each other inside an
// application: messages, each way, and the request for correction that
// reopens a submitted application; and the secretariat's view of one
// application, where both are written. Every message is mailed to the
// other side; the texts are plain text, shown with their line breaks and
// never as HTML.

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/mail"
)

// Bounds of the texts people write here, in characters.
const (
	maxMessageRunes    = 5000
	minReasonRunes     = 10
	maxReasonRunes     = 2000
	messageFormMaxSize = 128 << 10 // 5,000 characters of any script, percent-encoded
)

// messageForm is a message typed in an application's thread.
type messageForm struct {
	Body string
}

func (f *messageForm) Validate() map[string]string {
	switch n := utf8.RuneCountInString(f.Body); {
	case n == 0:
		return map[string]string{"message": "followup.error.message_required"}
	case n > maxMessageRunes:
		return map[string]string{"message": "followup.error.message_too_long"}
	}
	return map[string]string{}
}

// correctionForm is the secretariat's reason for reopening an application.
type correctionForm struct {
	Reason string
}

func (f *correctionForm) Validate() map[string]string {
	switch n := utf8.RuneCountInString(f.Reason); {
	case n < minReasonRunes:
		return map[string]string{"reason": "followup.error.reason_short"}
	case n > maxReasonRunes:
		return map[string]string{"reason": "followup.error.reason_too_long"}
	}
	return map[string]string{}
}

// plainText keeps what a person typed in a text area as plain text: one
// kind of line break, no control characters (PostgreSQL refuses NUL), no
// blank lines around.
func plainText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
	return strings.TrimSpace(s)
}

type messagesPage struct {
	page
	Acc      *appAccess
	Header   appHeader
	Messages []*domain.ApplicationMessage
	Message  messageForm
}

// messagesShow is the applicant's side of the thread.
func (s *Server) messagesShow(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	s.renderMessages(w, r, acc, http.StatusOK, nil, messageForm{})
}

func (s *Server) renderMessages(w http.ResponseWriter, r *http.Request, acc *appAccess, status int, errs map[string]string, f messageForm) {
	msgs, err := s.db.Messages(r.Context(), acc.App.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &messagesPage{page: page{Title: "followup.messages.title", Errors: errs},
		Acc: acc, Header: s.appHeader(r, acc), Messages: msgs, Message: f}
	s.render(w, r, status, "application_messages", p)
}

// messageCreate posts a member's message to the secretariat. An admin
// who is not a member of the body writes as the secretariat, as on the
// admin page.
func (s *Server) messageCreate(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	f, ok := readMessageForm(w, r)
	if !ok {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if errs := f.Validate(); len(errs) > 0 {
		s.renderMessages(w, r, acc, http.StatusUnprocessableEntity, errs, f)
		return
	}
	if err := s.addMessage(r, acc, f, acc.Me == nil); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, followupAppPath(acc.App.ID)+"/messages#fil", "followup.flash.message_sent")
}

// adminMessageCreate posts the secretariat's message to the applicant.
func (s *Server) adminMessageCreate(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	f, ok := readMessageForm(w, r)
	if !ok {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if errs := f.Validate(); len(errs) > 0 {
		s.renderAdminApplication(w, r, acc, http.StatusUnprocessableEntity, errs, f, correctionForm{})
		return
	}
	if err := s.addMessage(r, acc, f, true); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, followupAdminPath(acc.App.ID)+"#fil", "followup.flash.message_sent")
}

// readMessageForm reads the message posted; a message may be longer than
// the usual form fields, so it is read whole and bounded here.
func readMessageForm(w http.ResponseWriter, r *http.Request) (messageForm, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, messageFormMaxSize)
	if r.ParseForm() != nil {
		return messageForm{}, false
	}
	return messageForm{Body: plainText(r.PostFormValue("message"))}, true
}

// addMessage records a message and mails it to the other side: the
// secretariat's to every approved member of the body, a member's to every
// active admin.
func (s *Server) addMessage(r *http.Request, acc *appAccess, f messageForm, staff bool) error {
	ctx := r.Context()
	u := currentUser(r)
	m := &domain.ApplicationMessage{ApplicationID: acc.App.ID, AuthorID: u.ID, AuthorEmail: u.Email,
		FromStaff: staff, Body: f.Body}
	var to []*domain.User
	var err error
	path, person := followupAdminPath(acc.App.ID)+"#fil", u.Email
	if staff {
		to, err = s.followupRecipients(ctx, acc.App.Body.ID)
		path, person = followupAppPath(acc.App.ID)+"/messages#fil", ""
	} else {
		to, err = s.activeAdmins(ctx)
	}
	if err != nil {
		return err
	}
	mails, err := s.followupMails(to, "application_message", acc.App, acc.Edition, path, func(d *mail.Data) {
		d.Message, d.Person = f.Body, person
	})
	if err != nil {
		return err
	}
	if err := s.db.AddMessage(ctx, m, mails, actor(r)); err != nil {
		return err
	}
	s.outbox.Wake()
	return nil
}

// adminApplicationCorrection reopens a submitted application with the
// secretariat's reason, and tells the élu référent and the responsable.
func (s *Server) adminApplicationCorrection(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := correctionForm{Reason: plainText(r.PostFormValue("reason"))}
	errs, status := f.Validate(), http.StatusUnprocessableEntity
	switch {
	case acc.App.Status != domain.ApplicationSubmitted:
		errs, status = map[string]string{"form": "followup.error.not_submitted"}, http.StatusConflict
	case s.closed(acc):
		errs, status = map[string]string{"form": "followup.error.closed"}, http.StatusConflict
	}
	if len(errs) > 0 {
		s.renderAdminApplication(w, r, acc, status, errs, messageForm{}, f)
		return
	}
	err := s.requestCorrection(r, acc, f.Reason)
	if domain.IsConflict(err) {
		s.renderAdminApplication(w, r, acc, http.StatusConflict, map[string]string{"form": "followup.error.not_submitted"}, messageForm{}, f)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, followupAdminPath(acc.App.ID), "followup.flash.correction_sent")
}

func (s *Server) requestCorrection(r *http.Request, acc *appAccess, reason string) error {
	ctx := r.Context()
	to, err := s.followupRecipients(ctx, acc.App.Body.ID, domain.RoleElu, domain.RoleResponsable)
	if err != nil {
		return err
	}
	mails, err := s.followupMails(to, "application_correction", acc.App, acc.Edition, followupAppPath(acc.App.ID),
		func(d *mail.Data) { d.Reason = reason })
	if err != nil {
		return err
	}
	if err := s.db.RequestCorrection(ctx, acc.App.ID, reason, actor(r), mails); err != nil {
		return err
	}
	s.outbox.Wake()
	return nil
}

// answerLine is one answer as the secretariat reads it.
type answerLine struct {
	ID, Label, Text string
	Required        bool
}

// answerSection is a section of the read-only answers.
type answerSection struct {
	ID, Title string
	Lines     []answerLine
}

type adminApplicationPage struct {
	page
	Acc         *appAccess
	Header      appHeader
	Status      string // message id
	Percent     int
	Missing     int
	Closed      bool
	Sections    []answerSection
	Submissions []*domain.Submission
	Messages    []*domain.ApplicationMessage
	Message     messageForm
	Correction  correctionForm
}

// MayCorrect: only a submitted application can be reopened, and only
// before the deadline, since after it the applicant could not submit again.
func (p *adminApplicationPage) MayCorrect() bool {
	return p.Acc.App.Status == domain.ApplicationSubmitted && !p.Closed
}

// adminApplication is the secretariat's view of one application.
func (s *Server) adminApplication(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	s.renderAdminApplication(w, r, acc, http.StatusOK, nil, messageForm{}, correctionForm{})
}

// renderAdminApplication shows the application, with the errors and the
// text of the form that was refused.
func (s *Server) renderAdminApplication(w http.ResponseWriter, r *http.Request, acc *appAccess, status int,
	errs map[string]string, msg messageForm, corr correctionForm) {
	ctx := r.Context()
	lang := requestLang(r)
	p := &adminApplicationPage{Acc: acc, Header: s.appHeader(r, acc), Status: followupStatus(acc.App), Closed: s.closed(acc),
		Message: msg, Correction: corr, Sections: answerSections(acc, lang)}
	p.page = page{TitleText: s.tr.T(lang, "followup.application.title", "Body", acc.App.Body.Name, "Year", acc.App.Year),
		Errors: errs}
	progress := form.Progress(acc.Def, acc.Values)
	p.Percent = form.Percent(progress)
	for _, sp := range progress {
		p.Missing += sp.RequiredMissing
	}
	var err error
	if p.Submissions, err = s.db.Submissions(ctx, acc.App.ID); err == nil {
		p.Messages, err = s.db.Messages(ctx, acc.App.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "admin_application", p)
}

// answerSections lists the shown questions of the shown sections with
// their answers in words.
func answerSections(acc *appAccess, lang string) []answerSection {
	var out []answerSection
	for i := range acc.Def.Sections {
		sec := &acc.Def.Sections[i]
		if !form.Visible(acc.Def, sec.ShowIf, acc.Values) {
			continue
		}
		as := answerSection{ID: sec.ID, Title: sec.Title.In(lang)}
		for j := range sec.Questions {
			q := &sec.Questions[j]
			if !form.QuestionVisible(acc.Def, sec, q, acc.Values) {
				continue
			}
			as.Lines = append(as.Lines, answerLine{ID: q.ID, Label: q.Label.In(lang),
				Text: form.Display(q, acc.Values[q.ID], lang), Required: q.Required})
		}
		out = append(out, as)
	}
	return out
}
