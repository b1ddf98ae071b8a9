package web

import (
	"net/http"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// overviewPage is an application's summary: progress, what is missing,
// the self-assessment, the submissions and where to go next.
type overviewPage struct {
	page
	Header       appHeader
	Acc          *appAccess
	Sections     []overviewSection
	Missing      []questionLink
	Score        form.Result
	Level        *domain.Level // the level the indicative score reaches; nil: none yet
	Next         *domain.Level // the next level up; nil at the top
	NextGap      float64       // points missing to reach Next
	Improvements []improvementRow
	Submissions  []*domain.Submission
	Previous     *domain.Application
	Carried      *carriedNote // answers copied by the start, shown once
	Closed       bool
}

// overviewSection is one section's line of the summary.
type overviewSection struct {
	ID, Title, URL string
	Progress       form.SectionProgress
	Percent        int
	Points, Max    float64
	Hidden         bool // the section does not apply to this body
}

// questionLink points at one question of the form, by its anchor.
type questionLink struct {
	Section, SectionTitle string
	Label, URL            string
}

// improvementRow is one answer that would raise the indicative score.
type improvementRow struct {
	questionLink
	Gain float64
}

// maxImprovements bounds the list of what would raise the score: the ten
// largest gains say enough.
const maxImprovements = 10

// applicationShow is the overview of one application.
func (s *Server) applicationShow(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	lang := requestLang(r)
	p := &overviewPage{Acc: acc, Header: s.appHeader(r, acc), Closed: s.closed(acc),
		page: page{TitleText: s.tr.T(lang, "overview.title", "Body", acc.App.Body.Name, "Year", acc.App.Year, "Track", acc.Track.Name)}}
	var err error
	if p.Submissions, err = s.db.Submissions(r.Context(), acc.App.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Previous, err = s.previousApplication(r, acc.App); err != nil {
		s.fail(w, r, err)
		return
	}
	p.fill(lang)
	p.Carried = s.popCarried(r)
	s.render(w, r, http.StatusOK, "application_overview", p)
}

// fill computes the progress, the missing answers and the
// self-assessment from the application's answers.
func (p *overviewPage) fill(lang string) {
	acc := p.Acc
	progress := form.Progress(acc.Def, acc.Values)
	p.Score = form.Score(acc.Def, acc.Values, acc.Profile)
	for i := range acc.Def.Sections {
		sec := &acc.Def.Sections[i]
		row := overviewSection{ID: sec.ID, Title: sec.Title.In(lang), URL: sectionURL(acc.App.ID, sec.ID),
			Progress: progress[i], Percent: form.Percent(progress[i : i+1]),
			Points: p.Score.Sections[i].Points, Max: p.Score.Sections[i].Max,
			Hidden: !form.Visible(acc.Def, sec.ShowIf, acc.Values)}
		p.Sections = append(p.Sections, row)
	}
	p.Missing = missingLinks(acc, form.Missing(acc.Def, acc.Values), lang)
	p.Level = acc.Track.LevelFor(p.Score.Total)
	if p.Next = acc.Track.NextLevel(p.Score.Total); p.Next != nil {
		p.NextGap = p.Next.Threshold - p.Score.Total
	}
	for i, imp := range form.Improvements(acc.Def, acc.Values, acc.Profile) {
		if i == maxImprovements {
			break
		}
		p.Improvements = append(p.Improvements, improvementRow{questionLink: linkTo(acc, imp.Section, imp.Question, lang), Gain: imp.Gain})
	}
}

// MayGoSubmit reports whether the page offers the way to the submission:
// to the body's members while the deadline has not passed. The
// secretariat reads the file but never submits it.
func (p *overviewPage) MayGoSubmit() bool { return p.Acc.Me != nil && !p.Closed }

// MaySeeConflicts reports whether the application's conflicts page (the
// jury, and the links the applicant declared) is open in this phase.
func (p *overviewPage) MaySeeConflicts() bool {
	v, phase := applicantViewer(p.Acc), p.Acc.Edition.Phase
	return domain.Can(v, domain.ActSeeConflictsOwn, phase) || domain.Can(v, domain.ActSeeConflictsAll, phase)
}

// missingLinks turns missing required answers into links to them.
func missingLinks(acc *appAccess, refs []form.Ref, lang string) []questionLink {
	out := make([]questionLink, 0, len(refs))
	for _, ref := range refs {
		out = append(out, linkTo(acc, ref.Section, ref.Question, lang))
	}
	return out
}

// linkTo names a question and links to it on its section's page; the form
// gives each question the anchor "q-<id>".
func linkTo(acc *appAccess, section, question, lang string) questionLink {
	l := questionLink{Section: section, URL: sectionURL(acc.App.ID, section) + "#q-" + question}
	if q, sec := acc.Def.Question(question); q != nil {
		l.Label, l.SectionTitle = q.Label.In(lang), sec.Title.In(lang)
	}
	return l
}
