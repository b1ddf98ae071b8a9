package web

// Feedback letters (issue 6 §8, jury.md §8): the rapporteur of a file
// drafts one letter to the applicant, prefilled from the applicant-visible
// texts of the reviews (strengths, suggestions) and never naming a juror;
// the president approves it — the vice-president for a file the president
// is recused from. The letter is published with the results (the next
// issue): until then no applicant page shows it.
//
// Who reads, drafts and approves a letter, and in which phases, is
// domain.Can's (ActSeeLetter, ActDraftLetter, ActApproveLetter) with the
// person's facts about the file, the rapporteur among them: never a
// recused juror.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// juryLetterPage is /jury/{year}/dossiers/{id}/lettre.
type juryLetterPage struct {
	page
	Edition    *domain.Edition
	App        *domain.Application
	Letter     *store.FeedbackLetter // nil before the first draft
	Form       letterForm
	Prefilled  bool // the form shows the draft built from the reviews
	Strengths  []string
	Ideas      []string
	Rights     letterRights
	Rapporteur bool // the file has a rapporteur
	Stale      bool // a save was refused: someone saved a newer version
	Refusal    string
}

// letterForm is the rapporteur's form.
type letterForm struct {
	Body    string
	Version int
}

// Validate checks the letter's length; the store checks who writes it.
func (f *letterForm) Validate() map[string]string {
	errs := map[string]string{}
	switch n := len([]rune(strings.TrimSpace(f.Body))); {
	case n == 0:
		errs["body"] = "seal.letter.error.empty"
	case n > store.MaxLetterText:
		errs["body"] = "seal.letter.error.long"
	}
	return errs
}

// letterRights is what the person may do with one file's letter.
type letterRights struct {
	Read, Draft, Approve bool
}

// letterRightsOf asks the policy for the person's rights on one file's
// letter.
func (s *Server) letterRightsOf(r *http.Request, j *juryAccess, appID int64) (letterRights, error) {
	v, err := s.fileViewer(r, j, appID)
	if err != nil {
		return letterRights{}, err
	}
	can := func(a domain.Action) bool { return domain.Can(v, a, j.Edition.Phase) }
	return letterRights{Read: can(domain.ActSeeLetter), Draft: can(domain.ActDraftLetter),
		Approve: can(domain.ActApproveLetter)}, nil
}

func letterPath(year int, appID int64) string {
	return fmt.Sprintf("/jury/%d/dossiers/%d/lettre", year, appID)
}

// letterFor loads the file of the URL for a person who may read its
// letter; anyone else gets 404, as for a file that does not exist.
func (s *Server) letterFor(w http.ResponseWriter, r *http.Request) (*juryAccess, *juryLetterPage, bool) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return nil, nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return nil, nil, false
	}
	app, err := s.db.FindApplication(r.Context(), id)
	if err != nil || app.Year != j.Edition.Year || app.Submissions == 0 {
		s.notFound(w, r)
		return nil, nil, false
	}
	rights, err := s.letterRightsOf(r, j, app.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	if !rights.Read {
		s.notFound(w, r)
		return nil, nil, false
	}
	rapporteur, err := s.db.Rapporteur(r.Context(), app.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	p := &juryLetterPage{Edition: j.Edition, App: app, Rights: rights, Rapporteur: rapporteur != 0,
		page: page{TitleText: s.tr.T(requestLang(r), "seal.letter.title", "Body", app.Body.Name)}}
	switch l, err := s.db.FeedbackLetter(r.Context(), app.ID); {
	case err == nil:
		p.Letter = l
	case !domain.IsNotFound(err):
		s.fail(w, r, err)
		return nil, nil, false
	}
	return j, p, true
}

// juryLetter shows the letter: the stored one, or a draft built from the
// reviews for the rapporteur to start from.
func (s *Server) juryLetter(w http.ResponseWriter, r *http.Request) {
	_, p, ok := s.letterFor(w, r)
	if !ok {
		return
	}
	if p.Letter != nil {
		p.Form = letterForm{Body: p.Letter.Body, Version: p.Letter.Version}
	}
	s.renderLetter(w, r, p, http.StatusOK)
}

// renderLetter adds the reviews' applicant-visible texts, anonymous, and
// the prefilled draft when there is no letter yet.
func (s *Server) renderLetter(w http.ResponseWriter, r *http.Request, p *juryLetterPage, status int) {
	reviews, err := s.db.Reviews(r.Context(), p.App.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Strengths, p.Ideas = letterSources(reviews)
	if p.Letter == nil && p.Form.Body == "" && p.Rights.Draft {
		p.Form.Body, p.Prefilled = s.letterDraft(p.Edition.Year, p.Strengths, p.Ideas), true
	}
	s.render(w, r, status, "jury_letter", p)
}

// letterSources collects the strengths and suggestions of the submitted
// reviews, each juror's latest stage only. They are sorted so that their
// order says nothing about who wrote them.
func letterSources(reviews []domain.Review) (strengths, ideas []string) {
	latest := map[int64]domain.Review{}
	for _, rv := range reviews {
		if rv.Status != domain.ReviewSubmitted {
			continue
		}
		if cur, ok := latest[rv.UserID]; !ok || rv.Stage == domain.ReviewPost || cur.Stage != domain.ReviewPost {
			latest[rv.UserID] = rv
		}
	}
	for _, rv := range latest {
		if t := strings.TrimSpace(rv.Strengths); t != "" && !slices.Contains(strengths, t) {
			strengths = append(strengths, t)
		}
		if t := strings.TrimSpace(rv.Suggestions); t != "" && !slices.Contains(ideas, t) {
			ideas = append(ideas, t)
		}
	}
	slices.Sort(strengths)
	slices.Sort(ideas)
	return strengths, ideas
}

// letterDraft is the rapporteur's starting point, in French (the letter
// goes to a French local government): greeting, strengths, suggestions,
// closing. The rapporteur rewrites it into one voice.
func (s *Server) letterDraft(year int, strengths, ideas []string) string {
	t := func(id string, args ...any) string { return s.tr.T("fr", id, args...) }
	var b strings.Builder
	b.WriteString(t("seal.letter.draft.greeting") + "\n\n" + t("seal.letter.draft.intro", "Year", year) + "\n")
	for _, part := range []struct {
		title string
		items []string
	}{{t("seal.letter.draft.strengths"), strengths}, {t("seal.letter.draft.ideas"), ideas}} {
		if len(part.items) == 0 {
			continue
		}
		b.WriteString("\n" + part.title + "\n")
		for _, it := range part.items {
			b.WriteString("- " + strings.ReplaceAll(strings.ReplaceAll(it, "\r\n", "\n"), "\n", "\n  ") + "\n")
		}
	}
	b.WriteString("\n" + t("seal.letter.draft.closing") + "\n")
	return b.String()
}

// letterPostFor opens a post on a letter: the page, and the letter's
// version the person's form answers. An unreadable form is refused with
// 400, a person without the right (may says which) with 403; ok is false
// once the answer is written.
func (s *Server) letterPostFor(w http.ResponseWriter, r *http.Request, may func(letterRights) bool) (*juryAccess, *juryLetterPage, int, bool) {
	j, p, ok := s.letterFor(w, r)
	if !ok {
		return nil, nil, 0, false
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return nil, nil, 0, false
	}
	if !may(p.Rights) {
		s.errorPage(w, r, http.StatusForbidden)
		return nil, nil, 0, false
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	return j, p, version, true
}

// juryLetterSave saves the rapporteur's letter. A save from an older
// version is refused and shows both: what the person typed, kept in the
// form, and the newer letter above it.
func (s *Server) juryLetterSave(w http.ResponseWriter, r *http.Request) {
	j, p, version, ok := s.letterPostFor(w, r, func(l letterRights) bool { return l.Draft })
	if !ok {
		return
	}
	p.Form = letterForm{Body: r.PostFormValue("body"), Version: version}
	if errs := p.Form.Validate(); len(errs) > 0 {
		p.Errors = errs
		s.renderLetter(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	_, err := s.db.SaveFeedbackLetter(r.Context(), p.App.ID, p.Form.Body, version, actor(r))
	if err != nil {
		s.letterRefused(w, r, p, err)
		return
	}
	s.redirect(w, r, letterPath(j.Edition.Year, p.App.ID), "seal.flash.letter_saved")
}

// letterRefused shows the page again with the store's reason.
func (s *Server) letterRefused(w http.ResponseWriter, r *http.Request, p *juryLetterPage, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.fail(w, r, err)
		return
	}
	p.Refusal, p.Stale = domain.ErrorMessage(err), err == store.ErrStaleLetter
	if p.Stale && p.Letter != nil {
		p.Form.Version = p.Letter.Version // the next save answers the newer letter
	}
	s.renderLetter(w, r, p, status)
}

// juryLetterApprove records the approval of the version the approver
// read.
func (s *Server) juryLetterApprove(w http.ResponseWriter, r *http.Request) {
	j, p, version, ok := s.letterPostFor(w, r, func(l letterRights) bool { return l.Approve })
	if !ok {
		return
	}
	if err := s.db.ApproveFeedbackLetter(r.Context(), p.App.ID, version, actor(r)); err != nil {
		if p.Letter != nil {
			p.Form = letterForm{Body: p.Letter.Body, Version: p.Letter.Version}
		}
		s.letterRefused(w, r, p, err)
		return
	}
	s.redirect(w, r, letterPath(j.Edition.Year, p.App.ID), "seal.flash.letter_approved")
}

// juryLettersPage is /jury/{year}/lettres: the letters the person may
// read, with their state.
type juryLettersPage struct {
	page
	Edition *domain.Edition
	Lines   []letterLine
}

type letterLine struct {
	store.LetterLine
	Rights letterRights
}

// juryLetters lists the letters: the rapporteur's own files, every file
// for the president and the secretariat, none of a file the person is
// recused from.
func (s *Server) juryLetters(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	lines, err := s.db.LetterLines(r.Context(), j.Edition.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &juryLettersPage{Edition: j.Edition,
		page: page{TitleText: s.tr.T(requestLang(r), "seal.letters.title", "Year", j.Edition.Year)}}
	for _, l := range lines {
		rights, err := s.letterRightsOf(r, j, l.ApplicationID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if rights.Read {
			p.Lines = append(p.Lines, letterLine{LetterLine: l, Rights: rights})
		}
	}
	s.render(w, r, http.StatusOK, "jury_letters", p)
}
