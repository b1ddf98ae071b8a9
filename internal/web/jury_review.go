package web

// The review form (issue 6 §4, jury.md §5): one page per file, where a
// juror reads the applicant's answers section by section beside the
// section's criteria, then proposes a level, nominates for mentions and
// writes the texts, each with its readers stated. Every decision about who
// sees or writes what is domain.Can's, through juryFor and fileViewer: a
// recused juror gets 404, exactly as for an unknown file. The form works
// without JavaScript and with the keyboard alone (radio groups in
// fieldsets, plain buttons); the views are built in jury_review_form.go.

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// maxReviewBytes bounds a review post: four texts of 10,000 characters in
// four-byte UTF-8, escaped, with room for the criteria.
const maxReviewBytes = 1 << 20

// juryFile is one file as a jury member may see it: the application with
// its answers (the applicant's appAccess, read-only) and the person's
// facts about it.
type juryFile struct {
	j        *juryAccess
	acc      *appAccess
	viewer   domain.Viewer
	criteria []jury.SectionCriteria
}

// can asks the policy about this file.
func (f *juryFile) can(a domain.Action) bool { return domain.Can(f.viewer, a, f.j.Edition.Phase) }

// juryFileFor loads the file named by the URL for those who may see it
// (seenFileFor: 404 for anyone else), with its answers and criteria.
func (s *Server) juryFileFor(w http.ResponseWriter, r *http.Request) (*juryFile, bool) {
	j, app, v, ok := s.seenFileFor(w, r)
	if !ok {
		return nil, false
	}
	f := &juryFile{j: j, viewer: v, acc: &appAccess{App: app,
		Profile: form.Profile{Kind: app.Body.Kind, Population: app.Body.Population}}}
	if err := s.loadApplicationParts(r, f.acc); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	f.criteria = jury.Criteria(f.acc.Def)
	return f, true
}

// reviewState is what the review page shows beside the file: the review
// in the form (stored, or as just typed) and what happened to a post.
type reviewState struct {
	status  int
	stored  *domain.Review // the review the form started from: nil when none
	shown   *domain.Review // what the form shows
	abstain bool           // "I abstain" chosen, even with the reason missing
	errors  map[string]string
	stale   *domain.Review // the newer review that refused a save
	refused string         // message id: why a save was refused
}

// storedReview reads the review the person's form starts from at the
// current stage: the review of the stage, or in discussion the pre one a
// new post review copies (store.SaveReview's "head").
func (s *Server) storedReview(r *http.Request, f *juryFile) (*domain.Review, error) {
	stages := []domain.ReviewStage{domain.ReviewPre}
	if domain.StageAt(f.j.Edition.Phase) == domain.ReviewPost {
		stages = []domain.ReviewStage{domain.ReviewPost, domain.ReviewPre}
	}
	for _, st := range stages {
		rev, err := s.db.FindReview(r.Context(), f.acc.App.ID, f.j.User.ID, st)
		if err == nil {
			return rev, nil
		} else if !domain.IsNotFound(err) {
			return nil, err
		}
	}
	return nil, nil
}

// reviewFileFor is juryFileFor with the review the person's form starts
// from (storedReview); ok is false once the answer is written.
func (s *Server) reviewFileFor(w http.ResponseWriter, r *http.Request) (*juryFile, *domain.Review, bool) {
	f, ok := s.juryFileFor(w, r)
	if !ok {
		return nil, nil, false
	}
	stored, err := s.storedReview(r, f)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return f, stored, true
}

// juryReviewShow shows a file with the person's review form.
func (s *Server) juryReviewShow(w http.ResponseWriter, r *http.Request) {
	f, stored, ok := s.reviewFileFor(w, r)
	if !ok {
		return
	}
	s.renderReview(w, r, f, reviewState{status: http.StatusOK, stored: stored, shown: stored})
}

// juryReviewSave saves the review as a draft, submits it, or saves it and
// opens the person's next file, as the button pressed says.
func (s *Server) juryReviewSave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxReviewBytes)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f, stored, ok := s.reviewFileFor(w, r)
	if !ok {
		return
	}
	st := reviewState{stored: stored, shown: stored}
	if !f.can(domain.ActWriteReview) {
		st.status, st.refused = http.StatusForbidden, "review.refused.not_allowed"
		s.renderReview(w, r, f, st)
		return
	}
	in := decodeReviewForm(r.PostForm, f, stored)
	st.shown, st.abstain = &in.review, in.abstain
	if st.errors = in.Validate(); len(st.errors) > 0 {
		st.status = http.StatusUnprocessableEntity
		s.renderReview(w, r, f, st)
		return
	}
	write := s.db.SaveReview
	if in.action == reviewSubmit {
		write = s.db.SubmitReview
	}
	saved, err := write(r.Context(), &in.review, in.baseVersion, domain.Actor{ID: f.j.User.ID, Label: f.j.User.Email})
	var problems domain.ReviewProblems
	switch {
	case errors.Is(err, store.ErrStaleReview):
		// Keep what they typed, based now on the newer version: saving
		// again replaces it, knowingly.
		st.status, st.stale, st.stored = http.StatusConflict, saved, saved
		if saved == nil { // the review the form showed is gone: nothing to compare with
			st.refused = "review.refused.stale"
		}
	case errors.As(err, &problems):
		st.status, st.errors = http.StatusUnprocessableEntity, problems
	case domain.ErrorCode(err) == domain.ECLOSED:
		st.status, st.refused = http.StatusForbidden, "review.refused.closed"
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if err != nil {
		s.renderReview(w, r, f, st)
		return
	}
	s.redirect(w, r, s.reviewSavedTarget(r, f, in.action), reviewSavedFlash(in.action, saved))
}

// renderReview shows the review page of f in the state st.
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, f *juryFile, st reviewState) {
	lang := requestLang(r)
	e, app := f.j.Edition, f.acc.App
	p := &reviewPage{
		page: page{TitleText: s.tr.T(lang, "review.title", "Body", app.Body.Name), Errors: st.errors},
		Year: e.Year, AppID: app.ID, Body: app.Body.Name, Track: f.acc.Track.Name,
		Action: reviewURL(e.Year, app.ID), FilesURL: juryFilesURL(e.Year),
		Stage: domain.StageAt(e.Phase), Refused: st.refused, Back: "review.back",
	}
	if f.j.Member == nil { // the secretariat has no list of files of its own
		p.FilesURL, p.Back = fmt.Sprintf("/admin/jury/%d", e.Year), "review.back_admin"
	}
	canWrite, seeOwn := f.can(domain.ActWriteReview), f.can(domain.ActSeeOwnReview)
	if seeOwn {
		p.Stored = st.stored
	}
	p.ShowForm = canWrite || (seeOwn && st.stored != nil)
	p.Disabled = !canWrite
	if !canWrite {
		p.ReadOnlyWhy = reviewReadOnlyWhy(f)
	}
	shown := &domain.Review{}
	if p.ShowForm && st.shown != nil {
		shown = st.shown
	}
	p.Shown = *shown
	if canWrite {
		p.HasNext = s.nextFileURL(r, f) != ""
	}
	score := s.indicative(f, p)
	p.Sections = s.reviewSections(f, shown, score, p.Errors, lang)
	p.Levels = levelChoices(domain.ReviewFieldLevel, f.acc.Track, shown.Level, lang, s.tr)
	abstain := reviewChoice{ID: domain.ReviewFieldLevel + "-" + levelAbstain, Value: levelAbstain,
		Label: s.tr.T(lang, "review.level.abstain"), Checked: st.abstain || shown.Abstains()}
	p.Levels = append(p.Levels[:len(p.Levels)-1], abstain, p.Levels[len(p.Levels)-1])
	p.Levels[len(p.Levels)-1].Checked = shown.Level == nil && !abstain.Checked
	if f.can(domain.ActNominate) || len(shown.Mentions) > 0 {
		p.Mentions = mentionChoices(e.Mentions, shown.Mentions)
		p.Allotment = e.Jury.WithDefaults().MentionAllotment
	}
	if f.can(domain.ActSeePrevious) {
		p.Previous = s.previousLevel(r, f)
	}
	if st.stale != nil {
		p.Stale = staleOf(st.stale, f, lang, s.tr)
	}
	s.render(w, r, st.status, "jury_review", p)
}

// reviewReadOnlyWhy explains, after the policy refused the review, why:
// first whether the person's role ever reviews (the secretariat reads the
// files and never scores), then the phase.
func reviewReadOnlyWhy(f *juryFile) string {
	switch ph := f.j.Edition.Phase; {
	case !domain.Holds(f.j.Role(), domain.ActWriteReview):
		return "review.readonly.secretariat"
	case ph.Before(domain.PhaseReview):
		return "review.readonly.not_yet"
	case ph.AtLeast(domain.PhaseDeliberation):
		return "review.readonly.closed"
	}
	return "review.readonly.not_assigned"
}

// indicative computes the indicative score when the person may see it
// (only after their own proposal, so that it does not anchor them).
func (s *Server) indicative(f *juryFile, p *reviewPage) *form.Result {
	if !f.can(domain.ActSeeIndicative) {
		return nil
	}
	score := form.Score(f.acc.Def, f.acc.Values, f.acc.Profile)
	p.Indicative = &indicativeView{Points: score.Total, Max: score.Max}
	if l := f.acc.Track.LevelFor(score.Total); l != nil {
		p.Indicative.Level = l.Name
	}
	return &score
}

// previousLevel finds the level the body obtained in the previous edition
// on the public record (the awards), preferring the same track.
func (s *Server) previousLevel(r *http.Request, f *juryFile) *previousView {
	prev := &previousView{Year: f.j.Edition.Year - 1}
	awards, err := s.db.BodyAwards(r.Context(), f.acc.App.Body.ID)
	if err != nil {
		s.log.Warn("previous level", "application", f.acc.App.ID, "error", err)
		return prev // said as "no decision found": the page stays usable
	}
	var best *domain.Award
	for i := range awards {
		a := &awards[i]
		if a.Year == prev.Year && (best == nil || a.Track == f.acc.App.Track) {
			best = a
		}
	}
	if best == nil {
		return prev
	}
	prev.Found, prev.Level = true, best.Award
	for _, l := range f.acc.Track.Levels {
		if l.Key == best.Award {
			prev.Level = l.Name
		}
	}
	return prev
}

// reviewSavedTarget is where a successful save leads: the next file for
// "save and next" when there is one, else the file again.
func (s *Server) reviewSavedTarget(r *http.Request, f *juryFile, action string) string {
	if action == reviewNext {
		if next := s.nextFileURL(r, f); next != "" {
			return next
		}
		return juryFilesURL(f.j.Edition.Year)
	}
	return reviewURL(f.j.Edition.Year, f.acc.App.ID)
}

func reviewSavedFlash(action string, saved *domain.Review) string {
	switch {
	case action == reviewSubmit:
		return "review.flash.submitted"
	case saved.Status == domain.ReviewSubmitted:
		return "review.flash.updated"
	}
	return "review.flash.saved"
}

// nextFileURL is the address of the file after this one in the person's
// list of files (the assignment pages' order), or "" at the end of it.
func (s *Server) nextFileURL(r *http.Request, f *juryFile) string {
	if !f.j.Can(domain.ActSeeAssignmentsOwn) || f.j.Edition.AssignmentsReleasedAt == nil {
		return ""
	}
	full := f.j.Edition.Jury.WithDefaults().Mode == domain.AssignFullPanel
	files, err := s.db.JurorFiles(r.Context(), f.j.Edition.Year, f.j.User.ID, full)
	if err != nil {
		return "" // the button then leads to the list, which reports the error
	}
	i := slices.IndexFunc(files, func(jf store.JurorFile) bool { return jf.ApplicationID == f.acc.App.ID })
	if i < 0 || i+1 >= len(files) {
		return ""
	}
	return reviewURL(f.j.Edition.Year, files[i+1].ApplicationID)
}

// reviewURL is the address of one file's review page.
func reviewURL(year int, appID int64) string { return fmt.Sprintf("/jury/%d/dossiers/%d", year, appID) }

// juryFilesURL is the address of a juror's list of files.
func juryFilesURL(year int) string { return fmt.Sprintf("/jury/%d/dossiers", year) }

// juryAttachmentShow serves a file attached to an answer, to those who may
// see the file (the applicant's own address is for the applicant's team).
func (s *Server) juryAttachmentShow(w http.ResponseWriter, r *http.Request) {
	if f, ok := s.juryFileFor(w, r); ok {
		s.serveAttachment(w, r, f.acc.App.ID)
	}
}
