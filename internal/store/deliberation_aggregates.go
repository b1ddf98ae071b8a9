package store

// The post-discussion aggregates and the mentions' shortlists, read by the
// agenda and the meeting screens.

import (
	"cmp"
	"context"
	"slices"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// scores turns the submitted reviews of the edition into the aggregates'
// input, by file.
func (db *DB) scores(ctx context.Context, q queryer, year int) (map[int64][]jury.ReviewScore, []domain.Review, error) {
	reviews, err := db.queryReviews(ctx, q, `status = 'submitted' AND application_id IN
		(SELECT id FROM applications WHERE year = $1)`, year)
	if err != nil {
		return nil, nil, err
	}
	out := map[int64][]jury.ReviewScore{}
	for _, r := range reviews {
		if s, ok := reviewScore(r); ok {
			out[r.ApplicationID] = append(out[r.ApplicationID], s)
		}
	}
	return out, reviews, nil
}

// reviewScore is what the aggregates read of a submitted review: its
// level (and each section's) or its abstention, at its stage.
func reviewScore(r domain.Review) (jury.ReviewScore, bool) {
	s := jury.ReviewScore{ApplicationID: r.ApplicationID, JurorID: r.UserID, Abstained: r.Abstains()}
	if r.Stage == domain.ReviewPost {
		s.Stage = jury.PostDiscussion
	}
	switch {
	case s.Abstained:
	case r.Level == nil:
		return s, false // cannot happen for a submitted review; never counted as a level
	default:
		s.Level = *r.Level
		for name, sec := range r.Criteria {
			if sec.Level != nil {
				if s.Sections == nil {
					s.Sections = map[string]int{}
				}
				s.Sections[name] = *sec.Level
			}
		}
	}
	return s, true
}

// aggregates computes the post-discussion aggregate of every file: the
// revised reviews, and the first ones of jurors who did not revise.
func (db *DB) aggregates(ctx context.Context, q queryer, d *deliberation) (map[int64]jury.FileAggregate, []domain.Review, error) {
	byFile, reviews, err := db.scores(ctx, q, d.edition.Year)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[int64]jury.FileAggregate, len(d.files))
	for _, f := range d.files {
		if f.Levels < 1 { // a track without a scale: nothing to aggregate
			out[f.ID] = jury.FileAggregate{ApplicationID: f.ID, Stage: jury.PostDiscussion, Median: -1, Min: -1, Max: -1}
			continue
		}
		rules := jury.AggregationRules{Levels: f.Levels, StdDevThreshold: d.edition.Jury.StdDevThreshold}
		a, err := jury.AggregateFile(f.ID, jury.PostDiscussion, jury.PostDiscussionScores(byFile[f.ID]), rules)
		if err != nil {
			return nil, nil, err
		}
		out[f.ID] = a
	}
	return out, reviews, nil
}

// FileAggregate returns the post-discussion aggregate of one file of the
// edition, as the meeting screens show it.
func (db *DB) FileAggregate(ctx context.Context, year int, applicationID int64) (jury.FileAggregate, error) {
	d, err := db.loadDeliberation(ctx, db.sql, year)
	if err != nil {
		return jury.FileAggregate{}, err
	}
	f, ok := d.byID[applicationID]
	if !ok {
		return jury.FileAggregate{}, domain.Errorf(domain.ENOTFOUND, "Dossier introuvable.")
	}
	if f.Levels < 1 {
		return jury.FileAggregate{ApplicationID: f.ID, Median: -1, Min: -1, Max: -1}, nil
	}
	reviews, err := db.queryReviews(ctx, db.sql, `status = 'submitted' AND application_id = $1`, applicationID)
	if err != nil {
		return jury.FileAggregate{}, err
	}
	var scores []jury.ReviewScore
	for _, r := range reviews {
		if s, ok := reviewScore(r); ok {
			scores = append(scores, s)
		}
	}
	rules := jury.AggregationRules{Levels: f.Levels, StdDevThreshold: d.edition.Jury.StdDevThreshold}
	return jury.AggregateFile(applicationID, jury.PostDiscussion, jury.PostDiscussionScores(scores), rules)
}

// shortlists orders the nominees of each of the edition's mentions, from
// the standing reviews (the revised one when there is one). A nomination
// that the rules refuse now (a juror recused since) is left out rather
// than failing the whole list.
func (d *deliberation) shortlists(reviews []domain.Review) (map[string][]int64, error) {
	standing := map[[2]int64]domain.Review{}
	for _, r := range reviews {
		k := [2]int64{r.ApplicationID, r.UserID}
		if cur, ok := standing[k]; !ok || cur.Stage == domain.ReviewPre {
			standing[k] = r
		}
	}
	keys := make([][2]int64, 0, len(standing))
	for k := range standing {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	allotment := d.edition.Jury.WithDefaults().MentionAllotment
	recused := d.recusedByFile()
	out := map[string][]int64{}
	for i, name := range d.edition.Mentions {
		id := int64(i + 1)
		var accepted []jury.MentionNomination
		for _, k := range keys {
			r := standing[k]
			if _, ok := d.byID[r.ApplicationID]; !ok || !slices.Contains(r.Mentions, name) {
				continue
			}
			n := jury.MentionNomination{MentionID: id, ApplicationID: r.ApplicationID, JurorID: r.UserID}
			if jury.CheckNomination(accepted, n, allotment, recused) == nil {
				accepted = append(accepted, n)
			}
		}
		list, err := jury.ShortlistMention(id, accepted, allotment, recused, nil)
		if err != nil {
			return nil, err
		}
		for _, e := range list.Entries {
			out[name] = append(out[name], e.ApplicationID)
		}
	}
	return out, nil
}
