package web

// The dashboard's figures: the aggregates of each file, track by track and
// stage by stage (internal/jury computes them), put into words, shapes and
// order for jury_dashboard.html, and the jurors' progress and comparisons.
// jury_dashboard.go decides who sees which file; everything here works on
// the files it let through.

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// dashboardStageScores are the proposals of one stage: after discussion, a juror's
// pre-discussion proposal stands where they did not revise it.
func dashboardStageScores(scores []jury.ReviewScore, stage jury.ReviewStage) []jury.ReviewScore {
	if stage == jury.PostDiscussion {
		return jury.PostDiscussionScores(scores)
	}
	return slices.DeleteFunc(slices.Clone(scores), func(sc jury.ReviewScore) bool { return sc.Stage != jury.PreDiscussion })
}

// dashboardAggregate computes the aggregates at one stage of the files keep lets
// through, track by track (each has its own scale); every kept file gets
// one, empty without proposals.
func dashboardAggregate(e *domain.Edition, files []store.DashboardFile, scores []jury.ReviewScore, stage jury.ReviewStage,
	keep func(int64) bool) (map[int64]jury.FileAggregate, error) {
	trackOf := map[int64]string{}
	for _, f := range files {
		if keep(f.ApplicationID) {
			trackOf[f.ApplicationID] = f.Track
		}
	}
	byTrack := map[string][]jury.ReviewScore{}
	for _, sc := range dashboardStageScores(scores, stage) {
		if t, ok := trackOf[sc.ApplicationID]; ok {
			byTrack[t] = append(byTrack[t], sc)
		}
	}
	out := map[int64]jury.FileAggregate{}
	for id, key := range trackOf {
		out[id] = jury.FileAggregate{ApplicationID: id, Stage: stage, Median: -1, Min: -1, Max: -1}
		if t, ok := e.Track(key); ok && len(t.Levels) > 0 {
			out[id] = jury.FileAggregate{ApplicationID: id, Stage: stage, Median: -1, Min: -1, Max: -1,
				Histogram: make([]int, len(t.Levels))}
		}
	}
	for key, scores := range byTrack {
		t, ok := e.Track(key)
		if !ok || len(t.Levels) == 0 {
			continue
		}
		aggs, err := jury.AggregateFiles(stage, scores,
			jury.AggregationRules{Levels: len(t.Levels), StdDevThreshold: e.Jury.StdDevThreshold})
		if err != nil {
			return nil, fmt.Errorf("aggregates of track %s: %w", key, err)
		}
		for _, a := range aggs {
			out[a.ApplicationID] = a
		}
	}
	return out, nil
}

// dashboardFiles fills the rows and the discussion effect.
func (s *Server) dashboardFiles(r *http.Request, p *dashboardPage, d *dashboardData, stage jury.ReviewStage,
	canOn func(int64, domain.Action) bool) error {
	e, lang := p.Edition, requestLang(r)
	visible := func(id int64) bool { return canOn(id, domain.ActSeeAggregates) }
	aggs, err := dashboardAggregate(e, d.files, d.scores, stage, visible)
	if err != nil {
		return err
	}
	recusals := map[int64]int{}
	for pair, sev := range d.conflicts {
		if sev == jury.ConflictRecuse {
			recusals[pair.Application]++
		}
	}
	for _, f := range d.files {
		a, ok := aggs[f.ApplicationID]
		if !ok {
			continue
		}
		p.Visible++
		if p.Query.Track != "" && f.Track != p.Query.Track || p.Query.Disagree && !a.Disagrees() {
			continue
		}
		row := s.dashboardRow(lang, e, f, a, d)
		row.Recusals = recusals[f.ApplicationID]
		if canOn(f.ApplicationID, domain.ActSeeReviews) {
			row.Discussion = discussionURL(e.Year, f.ApplicationID)
		}
		p.Rows = append(p.Rows, row)
	}
	sortDashboard(p.Rows, p.Query.Sort)
	if !p.Both {
		return nil
	}
	other := jury.PreDiscussion
	if stage == jury.PreDiscussion {
		other = jury.PostDiscussion
	}
	others, err := dashboardAggregate(e, d.files, d.scores, other, visible)
	if err != nil {
		return err
	}
	pre, post := dashboardSorted(aggs), dashboardSorted(others)
	if stage == jury.PostDiscussion {
		pre, post = post, pre
	}
	p.Effect = &dashboardEffect{DiscussionEffect: jury.CompareStages(pre, post)}
	byID := make(map[int64]store.DashboardFile, len(d.files))
	for _, f := range d.files {
		byID[f.ApplicationID] = f
	}
	for _, sh := range p.Effect.DiscussionEffect.Shifts {
		f := byID[sh.ApplicationID]
		t, _ := e.Track(f.Track)
		p.Effect.Shifts = append(p.Effect.Shifts, dashboardShift{Body: f.Body,
			Before: dashboardLevel(t, sh.Before), After: dashboardLevel(t, sh.After)})
	}
	return nil
}

func dashboardSorted(m map[int64]jury.FileAggregate) []jury.FileAggregate {
	out := make([]jury.FileAggregate, 0, len(m))
	for _, a := range m {
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y jury.FileAggregate) int { return cmp.Compare(x.ApplicationID, y.ApplicationID) })
	return out
}

// dashboardLevel names level i of a track, "" for none.
func dashboardLevel(t *domain.Track, i int) string {
	if t == nil || i < 0 || i >= len(t.Levels) {
		return ""
	}
	return t.Levels[i].Name
}

// dashboardRow puts one file's aggregate into words and shapes.
func (s *Server) dashboardRow(lang string, e *domain.Edition, f store.DashboardFile, a jury.FileAggregate, d *dashboardData) dashboardRow {
	t, _ := e.Track(f.Track)
	row := dashboardRow{ID: f.ApplicationID, Body: f.Body, Kind: f.Kind, Track: f.Track, Agg: a,
		Median: dashboardLevel(t, a.Median), Min: dashboardLevel(t, a.Min), Max: dashboardLevel(t, a.Max)}
	if t != nil {
		row.Track = t.Name
	}
	if a.Reviews > 0 {
		row.Mean, row.StdDev = form.FormatPoints(a.Mean+1, lang), form.FormatPoints(a.StdDev, lang)
	}
	titles, order := d.sections[f.Track], d.order[f.Track]
	// Sections in the questionnaire's order, as the review form shows them.
	sections := slices.SortedStableFunc(slices.Values(a.Sections), func(x, y jury.SectionAggregate) int {
		return cmp.Compare(order[x.Section], order[y.Section])
	})
	for _, sec := range sections {
		row.Sections = append(row.Sections, dashboardSection{Title: cmp.Or(titles[sec.Section], sec.Section),
			Median: dashboardLevel(t, sec.Median), Reviews: sec.Reviews})
	}
	if a.Reviews > 0 {
		row.Bars, row.Width = dashboardBars(t, a.Histogram)
	}
	row.Reasons = s.disagreementWords(lang, e, t, a, titles)
	return row
}

// dashboardBars draws a histogram 24 units high, one 10-unit bar per
// level; the figures are written beside it.
func dashboardBars(t *domain.Track, hist []int) ([]dashboardBar, int) {
	top := slices.Max(append([]int{1}, hist...))
	bars := make([]dashboardBar, len(hist))
	for i, n := range hist {
		h := n * 24 / top
		if n > 0 && h < 2 {
			h = 2
		}
		bars[i] = dashboardBar{Level: dashboardLevel(t, i), Count: n, X: i * 14, Y: 24 - h, H: h}
	}
	return bars, max(len(hist)*14-4, 10)
}

// disagreementWords says why the flag is raised, reason by reason.
func (s *Server) disagreementWords(lang string, e *domain.Edition, t *domain.Track, a jury.FileAggregate, titles map[string]string) []string {
	var out []string
	for _, reason := range a.Disagreement {
		switch reason {
		case jury.DisagreementSpread:
			out = append(out, s.tr.T(lang, "dashboard.reason.spread", "Min", dashboardLevel(t, a.Min), "Max", dashboardLevel(t, a.Max)))
		case jury.DisagreementStdDev:
			out = append(out, s.tr.T(lang, "dashboard.reason.std_dev", "StdDev", form.FormatPoints(a.StdDev, lang),
				"Threshold", form.FormatPoints(e.Jury.StdDevThreshold, lang)))
		case jury.DisagreementSplit:
			out = append(out, s.tr.T(lang, "dashboard.reason.split", "Low", dashboardLevel(t, a.Median), "High", dashboardLevel(t, a.Median+1)))
		case jury.DisagreementSection:
			names := make([]string, len(a.SpreadSections))
			for i, sec := range a.SpreadSections {
				names[i] = cmp.Or(titles[sec], sec)
			}
			out = append(out, s.tr.T(lang, "dashboard.reason.sections", "Sections", strings.Join(names, ", ")))
		default:
			out = append(out, reason.Label())
		}
	}
	return out
}

// sortDashboard orders the rows; ties, and "nom", keep the store's order
// by body name. Files without a proposal come last.
func sortDashboard(rows []dashboardRow, by string) {
	slices.SortStableFunc(rows, func(x, y dashboardRow) int {
		a, b := x.Agg, y.Agg
		switch by {
		case "median":
			return cmp.Or(cmp.Compare(b.Median, a.Median), cmp.Compare(b.Mean, a.Mean))
		case "ecart":
			return cmp.Or(cmp.Compare(b.StdDev, a.StdDev), cmp.Compare(b.Max-b.Min, a.Max-a.Min))
		case "desaccord":
			return cmp.Or(cmp.Compare(len(b.Disagreement), len(a.Disagreement)), cmp.Compare(b.StdDev, a.StdDev))
		}
		return 0
	})
}

// dashboardJurors fills the jurors' statistics: every reviewing member's
// for ActSeeStatsAll, else the reader's own. Progress counts every file the
// reader may see; comparisons keep to the chosen track, on one scale.
func (s *Server) dashboardJurors(r *http.Request, p *dashboardPage, d *dashboardData, j *juryAccess,
	stage jury.ReviewStage, hidden func(int64) bool) error {
	lang := requestLang(r)
	progress := store.SumProgress(d.work, hidden)
	trackOf := map[int64]string{}
	for _, f := range d.files {
		trackOf[f.ApplicationID] = f.Track
	}
	scores := slices.DeleteFunc(dashboardStageScores(d.scores, stage), func(sc jury.ReviewScore) bool {
		return hidden(sc.ApplicationID) || p.Query.Track != "" && trackOf[sc.ApplicationID] != p.Query.Track
	})
	cmps, err := jury.CompareJurors(stage, scores, progress)
	if err != nil {
		return err
	}
	for _, m := range d.members {
		if !domain.Holds(m.Role, domain.ActWriteReview) || !p.AllJurors && m.UserID != j.User.ID { // observers never review
			continue
		}
		c := jury.JurorComparison{JurorID: m.UserID}
		if i := slices.IndexFunc(cmps, func(c jury.JurorComparison) bool { return c.JurorID == m.UserID }); i >= 0 {
			c = cmps[i]
		}
		dj := dashboardJuror{ID: m.UserID, Name: m.Label(), Role: m.Role, Cmp: c, Remaining: store.Remaining(c.Progress),
			Toughness: int(c.Toughness*100 + 0.5)}
		if c.Reviews > 0 {
			dj.Mean = form.FormatPoints(c.MeanLevel+1, lang)
		}
		if c.ComparedFiles > 0 {
			dj.Shared, dj.Others = form.FormatPoints(c.SharedMean+1, lang), form.FormatPoints(c.CoReviewerMean+1, lang)
		}
		p.Jurors = append(p.Jurors, dj)
		if dj.Remaining > 0 {
			p.Late = append(p.Late, dj)
		}
	}
	return nil
}
