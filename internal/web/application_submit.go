package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/store"
)

// submitPage is the completeness check and, when nothing is missing, the
// confirmation of a submission.
type submitPage struct {
	page
	Header     appHeader
	Acc        *appAccess
	Closed     bool
	Missing    []questionLink
	MaySubmit  bool
	Confirmers []string // who may confirm, named for those who may not
	Confirm    bool     // the box as posted, kept on an error
	Answered   int
	Percent    int
	Score      form.Result
}

// submitForm is the confirmation: the box stating, for the body, that the
// answers are accurate.
type submitForm struct {
	Confirm bool
}

// Validate requires the box to be ticked.
func (f *submitForm) Validate() map[string]string {
	if !f.Confirm {
		return map[string]string{"confirmer": "error.submit.confirm_required"}
	}
	return map[string]string{}
}

// submitShow shows what blocks the submission, or the confirmation.
func (s *Server) submitShow(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	p, err := s.submitPageFor(r, acc, acc.Values)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "application_submit", p)
}

// submitPageFor builds the page from answers: the current ones, or those
// a refused submission read inside its transaction.
func (s *Server) submitPageFor(r *http.Request, acc *appAccess, answers form.Answers) (*submitPage, error) {
	lang := requestLang(r)
	p := &submitPage{Acc: acc, Header: s.appHeader(r, acc), Closed: s.closed(acc), MaySubmit: acc.MaySubmit(),
		page: page{TitleText: s.tr.T(lang, "submit.title", "Body", acc.App.Body.Name)}}
	p.Missing = missingLinks(acc, form.Missing(acc.Def, answers), lang)
	progress := form.Progress(acc.Def, answers)
	for _, sp := range progress {
		p.Answered += sp.Answered
	}
	p.Percent = form.Percent(progress)
	p.Score = form.Score(acc.Def, answers, acc.Profile)
	if !p.MaySubmit {
		var err error
		if p.Confirmers, err = s.confirmers(r.Context(), acc); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// confirmers names who may confirm a submission for the body: its élus
// référents, and its responsable when the edition allows it.
func (s *Server) confirmers(ctx context.Context, acc *appAccess) ([]string, error) {
	team, err := s.db.Team(ctx, acc.App.Body.ID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range team {
		if m.Status == domain.MemberApproved && (m.Role == domain.RoleElu ||
			m.Role == domain.RoleResponsable && acc.Edition.ResponsableMaySubmit) {
			out = append(out, m.Email)
		}
	}
	return out, nil
}

// submitCreate submits the application: only those who may confirm, with
// the box ticked, before the deadline and with nothing required missing.
// Completeness is checked again on the answers read inside the
// submission's transaction, so that a colleague's last-second change
// cannot slip an incomplete file through.
func (s *Server) submitCreate(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	if !acc.MaySubmit() || s.closed(acc) {
		s.renderSubmit(w, r, acc, acc.Values, submitRefusal{status: http.StatusForbidden})
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := submitForm{Confirm: r.PostFormValue("confirmer") == "oui"}
	if errs := f.Validate(); len(errs) > 0 {
		s.renderSubmit(w, r, acc, acc.Values, submitRefusal{status: http.StatusUnprocessableEntity, errs: errs})
		return
	}
	recipients, err := s.receiptRecipients(r.Context(), acc.App.Body.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var read form.Answers // the answers the transaction read
	sub, err := s.db.Submit(r.Context(), acc.App.ID, actor(r),
		func(answers map[string]string, number int, at domain.Submission) (*store.SubmitPlan, error) {
			read = answers
			return s.submitPlan(acc, recipients, read, number, at.SubmittedAt)
		})
	switch {
	case err == nil:
		s.outbox.Wake()
		s.redirect(w, r, receiptPath(acc.App.ID, sub.Number), "flash.submit.done")
	case domain.ErrorCode(err) == domain.ECLOSED:
		s.renderSubmit(w, r, acc, acc.Values, submitRefusal{status: http.StatusForbidden, closed: true})
	case domain.ErrorCode(err) == domain.EINVALID && read != nil:
		s.renderSubmit(w, r, acc, read, submitRefusal{status: http.StatusUnprocessableEntity, confirm: true})
	default:
		s.fail(w, r, err)
	}
}

// submitRefusal is why a submission was refused, for the page shown
// again: its status, the form's errors, the box as ticked, and whether
// the store found the deadline passed (a post already in flight at the
// deadline is refused too).
type submitRefusal struct {
	status  int
	errs    map[string]string
	confirm bool
	closed  bool
}

// renderSubmit shows the submission page again after a refusal.
func (s *Server) renderSubmit(w http.ResponseWriter, r *http.Request, acc *appAccess, answers form.Answers, why submitRefusal) {
	p, err := s.submitPageFor(r, acc, answers)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Errors, p.Confirm = why.errs, why.confirm
	p.Closed = p.Closed || why.closed
	s.render(w, r, why.status, "application_submit", p)
}

// submitPlan makes, from the answers read inside the submission's
// transaction, the frozen copy and its digest, the software names for the
// catalogue and the receipts. Anything required missing refuses it.
func (s *Server) submitPlan(acc *appAccess, to []receiptRecipient, answers form.Answers, number int, at time.Time) (*store.SubmitPlan, error) {
	if missing := form.Missing(acc.Def, answers); len(missing) > 0 {
		return nil, domain.Errorf(domain.EINVALID, "%d réponses obligatoires manquent.", len(missing))
	}
	canonical, sum := form.Digest(answers)
	plan := &store.SubmitPlan{Answers: canonical, Digest: sum, Software: softwareNames(acc.Def, answers)}
	for _, rc := range to {
		d := s.mailData(rc.Email, receiptPath(acc.App.ID, number))
		d.Body, d.Year, d.Track = acc.App.Body.Name, acc.App.Year, acc.Track.Name
		d.Number, d.At, d.Digest = number, secondsText(s.tr, rc.Lang, at), sum
		d.Deadline = s.tr.formatDateTime(rc.Lang, acc.Edition.Deadline())
		m, err := s.mail.Render(rc.Email, "application_receipt", rc.Lang, d)
		if err != nil {
			return nil, err
		}
		plan.Mails = append(plan.Mails, m)
	}
	return plan, nil
}

// softwareNames lists the software named in the answers to software-list
// questions: the catalogue offered to every applicant grows with them.
func softwareNames(def *form.Questionnaire, answers form.Answers) []string {
	var names []string
	for i := range def.Sections {
		for j := range def.Sections[i].Questions {
			if q := &def.Sections[i].Questions[j]; q.Type == form.Software {
				names = append(names, form.List(answers[q.ID])...)
			}
		}
	}
	return names
}

// receiptRecipient is one person a receipt is mailed to.
type receiptRecipient struct {
	Email, Lang string
}

// receiptRecipients are the body's approved élus and responsables, who
// answer for the application, each in their language.
func (s *Server) receiptRecipients(ctx context.Context, bodyID int64) ([]receiptRecipient, error) {
	team, err := s.db.Team(ctx, bodyID)
	if err != nil {
		return nil, err
	}
	var out []receiptRecipient
	for _, m := range team {
		if m.Status != domain.MemberApproved || (m.Role != domain.RoleElu && m.Role != domain.RoleResponsable) {
			continue
		}
		u, err := s.db.FindUserByID(ctx, m.UserID)
		if err != nil {
			return nil, err
		}
		if u.Active() {
			out = append(out, receiptRecipient{Email: u.Email, Lang: u.Lang})
		}
	}
	return out, nil
}

// secondsText words an instant to the second in Paris time, as a receipt
// must: "1er octobre 2026 à 10 h 00 min 05 s (heure de Paris)".
func secondsText(tr *translator, lang string, t time.Time) string {
	p := t.In(domain.Paris)
	if lang == "en" {
		return fmt.Sprintf("%s at %s (Paris time)", tr.formatDate(lang, t), p.Format("15:04:05"))
	}
	return fmt.Sprintf("%s à %d h %02d min %02d s (heure de Paris)", tr.formatDate(lang, t), p.Hour(), p.Minute(), p.Second())
}

func receiptPath(appID int64, number int) string {
	return fmt.Sprintf("/candidatures/%d/recus/%d", appID, number)
}

// receiptPage is one submission's receipt, printable: who submitted what
// and when, its digest, and the submitted answers in words.
type receiptPage struct {
	page
	Header      appHeader
	Acc         *appAccess
	Submission  *domain.Submission
	By          string // the submitter's email
	At          string // the time to the second, in words
	Sections    []receiptSection
	Submissions []*domain.Submission
}

// receiptSection is one section's submitted answers.
type receiptSection struct {
	Title string
	Rows  []receiptRow
}

// receiptRow is one submitted answer in words.
type receiptRow struct {
	Label, Value string
}

// receiptShow shows the receipt of submission {n}, rebuilt from its frozen
// copy of the answers, not from the answers as they are now.
func (s *Server) receiptShow(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	sub, subs, ok := s.submissionFor(w, r, acc)
	if !ok {
		return
	}
	p, err := s.receiptPageFor(r, acc, sub)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Submissions = subs
	s.render(w, r, http.StatusOK, "application_receipt", p)
}

// receiptAnswers serves a submission's frozen answers exactly as they were
// hashed, so that anyone can check the receipt's digest with a common tool
// (sha256sum) rather than take the site's word for it.
func (s *Server) receiptAnswers(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	sub, _, ok := s.submissionFor(w, r, acc)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="candidature-%d-soumission-%d.json"`, acc.App.ID, sub.Number))
	w.Write(sub.Answers)
}

// submissionFor finds submission {n} of the application, with all its
// submissions, newest first.
func (s *Server) submissionFor(w http.ResponseWriter, r *http.Request, acc *appAccess) (*domain.Submission, []*domain.Submission, bool) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		s.notFound(w, r)
		return nil, nil, false
	}
	subs, err := s.db.Submissions(r.Context(), acc.App.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	i := slices.IndexFunc(subs, func(sub *domain.Submission) bool { return sub.Number == n })
	if i < 0 {
		s.notFound(w, r)
		return nil, nil, false
	}
	return subs[i], subs, true
}

func (s *Server) receiptPageFor(r *http.Request, acc *appAccess, sub *domain.Submission) (*receiptPage, error) {
	lang := requestLang(r)
	answers, err := submittedAnswers(sub)
	if err != nil {
		return nil, err
	}
	p := &receiptPage{Acc: acc, Header: s.appHeader(r, acc), Submission: sub, At: secondsText(s.tr, lang, sub.SubmittedAt),
		Sections: receiptSections(acc.Def, answers, lang),
		page:     page{TitleText: s.tr.T(lang, "receipt.title", "Number", sub.Number, "Body", acc.App.Body.Name)}}
	if u, err := s.db.FindUserByID(r.Context(), sub.SubmittedBy); err == nil {
		p.By = u.Email
	} else if !domain.IsNotFound(err) {
		return nil, err
	}
	return p, nil
}

// receiptSections lays the submitted answers out by section, in form
// order and in words. An answer to a question the application's current
// questionnaire no longer has is listed at the end under its id, so that
// the receipt always shows everything the digest covers.
func receiptSections(def *form.Questionnaire, answers form.Answers, lang string) []receiptSection {
	var out []receiptSection
	seen := map[string]bool{}
	for i := range def.Sections {
		sec := &def.Sections[i]
		rs := receiptSection{Title: sec.Title.In(lang)}
		for j := range sec.Questions {
			q := &sec.Questions[j]
			seen[q.ID] = true
			if v := answers[q.ID]; v != "" {
				rs.Rows = append(rs.Rows, receiptRow{Label: q.Label.In(lang), Value: form.Display(q, v, lang)})
			}
		}
		if len(rs.Rows) > 0 {
			out = append(out, rs)
		}
	}
	var others []string
	for id, v := range answers {
		if !seen[id] && v != "" {
			others = append(others, id)
		}
	}
	slices.Sort(others)
	if len(others) > 0 {
		rs := receiptSection{}
		for _, id := range others {
			rs.Rows = append(rs.Rows, receiptRow{Label: id, Value: answers[id]})
		}
		out = append(out, rs)
	}
	return out
}
