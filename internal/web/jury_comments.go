package web

// The discussion of a file (jury.md §2 P8 and §7), /jury/{year}/dossiers/{id}/discussion:
// the reviews of the other jurors — levels, section levels, notes to the
// jury — and the jury's comments, with a form to add one. It opens with the
// discussion phase to the unconflicted jury (ActSeeReviews, ActComment;
// the president follows the reviews from the review phase). A recused
// juror gets 404, exactly as for an unknown file; the jurors' notes to
// the secretariat are shown to the secretariat alone (ActSeeSecretariatNote).

import (
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/store"
)

// maxCommentBytes bounds a comment post: MaxCommentText characters in
// four-byte UTF-8, escaped.
const maxCommentBytes = 64 << 10

// discussionPage is one file's discussion.
type discussionPage struct {
	page
	Edition     *domain.Edition
	AppID       int64
	Body, Track string
	ReviewLink  string // the file's own page
	ShowReviews bool
	Reviews     []discussionReview
	Comments    []store.JuryComment
	CanComment  bool
	Form        commentForm
}

// discussionReview is another juror's review as the discussion shows it:
// the one that stands (revised in discussion, or the first one).
type discussionReview struct {
	Juror           string
	Disclosed       bool   // a declared link, shown beside the score
	Revised         bool   // revised during the discussion
	Level, Before   string // level names; Before when the revision changed it
	Abstain         string // the reason of an abstention
	Sections        []dashboardSection
	Mentions        []string
	JuryNote        string
	Strengths       string // with ActSeeApplicantTexts
	Suggestions     string
	SecretariatNote string // for the secretariat only
}

// commentForm is the comment a member types.
type commentForm struct{ Body string }

func (f commentForm) Validate() map[string]string {
	switch n := utf8.RuneCountInString(strings.TrimSpace(f.Body)); {
	case n == 0:
		return map[string]string{"commentaire": "dashboard.comment.error.empty"}
	case n > store.MaxCommentText:
		return map[string]string{"commentaire": "dashboard.comment.error.too_long"}
	}
	return nil
}

// discussionFile is the file of a discussion URL with the reader's facts.
type discussionFile struct {
	j      *juryAccess
	app    *domain.Application
	viewer domain.Viewer
}

func (f *discussionFile) can(a domain.Action) bool { return domain.Can(f.viewer, a, f.j.Edition.Phase) }

// discussionFor loads the file of the URL: 404 for whoever may not see it
// (a recused juror as for an unknown file), 403 for a member who may see
// it but not its discussion yet.
func (s *Server) discussionFor(w http.ResponseWriter, r *http.Request) (*discussionFile, bool) {
	j, app, v, ok := s.seenFileFor(w, r)
	if !ok {
		return nil, false
	}
	f := &discussionFile{j: j, app: app, viewer: v}
	if !f.can(domain.ActSeeReviews) && !f.can(domain.ActComment) {
		s.errorPage(w, r, http.StatusForbidden)
		return nil, false
	}
	return f, true
}

// juryDiscussion shows a file's discussion.
func (s *Server) juryDiscussion(w http.ResponseWriter, r *http.Request) {
	f, ok := s.discussionFor(w, r)
	if !ok {
		return
	}
	s.renderDiscussion(w, r, f, http.StatusOK, commentForm{}, nil)
}

// juryCommentCreate adds a comment to a file's discussion.
func (s *Server) juryCommentCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxCommentBytes)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f, ok := s.discussionFor(w, r)
	if !ok {
		return
	}
	if !f.can(domain.ActComment) {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	in := commentForm{Body: r.PostForm.Get("commentaire")}
	if problems := in.Validate(); len(problems) > 0 {
		s.renderDiscussion(w, r, f, http.StatusUnprocessableEntity, in, problems)
		return
	}
	if _, err := s.db.AddComment(r.Context(), f.app.ID, f.j.User.ID, in.Body); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, discussionURL(f.j.Edition.Year, f.app.ID)+"#commentaires", "dashboard.flash.commented")
}

func (s *Server) renderDiscussion(w http.ResponseWriter, r *http.Request, f *discussionFile, status int,
	in commentForm, problems map[string]string) {
	e := f.j.Edition
	p := &discussionPage{Edition: e, AppID: f.app.ID, Body: f.app.Body.Name, Track: f.app.Track, Form: in,
		ShowReviews: f.can(domain.ActSeeReviews), CanComment: f.can(domain.ActComment),
		page: page{TitleText: s.tr.T(requestLang(r), "dashboard.discussion.title", "Body", f.app.Body.Name), Errors: problems}}
	if t, ok := e.Track(f.app.Track); ok {
		p.Track = t.Name
	}
	p.ReviewLink = reviewURL(e.Year, f.app.ID) // discussionFor let through only those who may see the file
	var err error
	if p.ShowReviews {
		if p.Reviews, err = s.discussionReviews(r, f); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if p.Comments, err = s.db.Comments(r.Context(), f.app.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "jury_dashboard_discussion", p)
}

// discussionReviews lists the submitted reviews of the other jurors, the
// one that stands for each, in the order of the jury list.
func (s *Server) discussionReviews(r *http.Request, f *discussionFile) ([]discussionReview, error) {
	ctx, e, lang := r.Context(), f.j.Edition, requestLang(r)
	all, err := s.db.Reviews(ctx, f.app.ID)
	if err != nil {
		return nil, err
	}
	standing, before := map[int64]*domain.Review{}, map[int64]*domain.Review{}
	for i := range all { // pre before post: a submitted post review replaces the pre one
		rv := &all[i]
		if rv.Status != domain.ReviewSubmitted || rv.UserID == f.j.User.ID {
			continue
		}
		if prev := standing[rv.UserID]; prev != nil {
			before[rv.UserID] = prev
		}
		standing[rv.UserID] = rv
	}
	members, err := s.db.JuryMembers(ctx, e.Year)
	if err != nil {
		return nil, err
	}
	conflicts, err := s.db.EffectiveConflicts(ctx, e.Year)
	if err != nil {
		return nil, err
	}
	titles, err := s.discussionSections(r, f.app.QuestionnaireID, lang)
	if err != nil {
		return nil, err
	}
	t, _ := e.Track(f.app.Track)
	texts, secretariat := f.can(domain.ActSeeApplicantTexts), f.can(domain.ActSeeSecretariatNote)
	var out []discussionReview
	for _, m := range members {
		rv := standing[m.UserID]
		if rv == nil {
			continue
		}
		d := discussionReview{Juror: m.Label(), Disclosed: conflicts.Disclosed(m.UserID, f.app.ID),
			Revised: rv.Stage == domain.ReviewPost, Abstain: rv.AbstainReason, Mentions: rv.Mentions, JuryNote: rv.JuryNote}
		if rv.Level != nil {
			d.Level = dashboardLevel(t, *rv.Level)
		}
		if b := before[m.UserID]; b != nil && b.Level != nil && (rv.Level == nil || *b.Level != *rv.Level) {
			d.Before = dashboardLevel(t, *b.Level)
		}
		for _, sec := range titles {
			if sr, ok := rv.Criteria[sec.id]; ok && sr.Level != nil {
				d.Sections = append(d.Sections, dashboardSection{Title: sec.title, Median: dashboardLevel(t, *sr.Level)})
			}
		}
		if texts {
			d.Strengths, d.Suggestions = rv.Strengths, rv.Suggestions
		}
		if secretariat {
			d.SecretariatNote = rv.SecretariatNote
		}
		out = append(out, d)
	}
	return out, nil
}

type discussionSection struct{ id, title string }

// discussionSections reads the sections of the questionnaire a file answers, in
// order.
func (s *Server) discussionSections(r *http.Request, questionnaireID int64, lang string) ([]discussionSection, error) {
	q, err := s.db.FindQuestionnaire(r.Context(), questionnaireID)
	if err != nil {
		return nil, err
	}
	var def form.Questionnaire
	if err := json.Unmarshal(q.Definition, &def); err != nil {
		return nil, err
	}
	out := make([]discussionSection, len(def.Sections))
	for i, sec := range def.Sections {
		out[i] = discussionSection{sec.ID, sec.Title.In(lang)}
	}
	return out, nil
}
