package jury

// Comparisons built on the aggregates (jury.md §6): the effect of the
// discussion phase, pre- against post-discussion medians, and how each
// juror's proposals compare with their co-reviewers' (feedback only,
// never a correction).

import (
	"cmp"
	"slices"
)

// PostDiscussionScores returns the post-discussion proposals to aggregate:
// the post-discussion reviews, plus the pre-discussion review of every
// juror who did not revise a file (their proposal stands), relabelled
// PostDiscussion. The result is ordered by file, then juror.
func PostDiscussionScores(reviews []ReviewScore) []ReviewScore {
	revised := map[reviewKey]bool{}
	for _, r := range reviews {
		if r.Stage == PostDiscussion {
			revised[reviewKey{r.ApplicationID, r.JurorID, PostDiscussion}] = true
		}
	}
	var out []ReviewScore
	for _, r := range reviews {
		switch {
		case r.Stage == PostDiscussion:
			out = append(out, r)
		case !revised[reviewKey{r.ApplicationID, r.JurorID, PostDiscussion}]:
			r.Stage = PostDiscussion
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(x, y ReviewScore) int {
		return cmp.Or(cmp.Compare(x.ApplicationID, y.ApplicationID), cmp.Compare(x.JurorID, y.JurorID))
	})
	return out
}

// LevelShift is a file whose median changed during discussion.
type LevelShift struct {
	ApplicationID int64
	Before, After int // medians before and after discussion
}

// DiscussionEffect measures what the discussion phase changed (the NIH
// finding quoted in jury.md §6: discussion can make a panel agree with
// itself without making it more reliable, so it is worth showing).
type DiscussionEffect struct {
	Compared                    int // files with a median at both stages
	Raised, Lowered             int
	Unchanged                   int
	Shifts                      []LevelShift // the raised and lowered files, by ApplicationID
	FlaggedBefore, FlaggedAfter int          // compared files with the disagreement flag, before and after
}

// CompareStages compares the pre- and post-discussion aggregates of the
// same files (matched by ApplicationID; a file missing from either side
// or without proposals on either side is not compared).
func CompareStages(pre, post []FileAggregate) DiscussionEffect {
	after := make(map[int64]FileAggregate, len(post))
	for _, a := range post {
		after[a.ApplicationID] = a
	}
	var e DiscussionEffect
	for _, b := range pre {
		a, ok := after[b.ApplicationID]
		if !ok || a.Reviews == 0 || b.Reviews == 0 {
			continue
		}
		e.Compared++
		if b.Disagrees() {
			e.FlaggedBefore++
		}
		if a.Disagrees() {
			e.FlaggedAfter++
		}
		switch {
		case a.Median > b.Median:
			e.Raised++
		case a.Median < b.Median:
			e.Lowered++
		default:
			e.Unchanged++
			continue
		}
		e.Shifts = append(e.Shifts, LevelShift{ApplicationID: b.ApplicationID, Before: b.Median, After: a.Median})
	}
	slices.SortFunc(e.Shifts, func(x, y LevelShift) int { return cmp.Compare(x.ApplicationID, y.ApplicationID) })
	return e
}

// JurorProgress is a juror's workload, counted by the caller from the
// assignments and review states.
type JurorProgress struct {
	Assigned, Drafts, Submitted, Abstained int
}

// JurorComparison tells a juror (and the president) how their proposals
// compare with their co-reviewers' on the same files. It is feedback,
// never an automatic correction (jury.md §6).
type JurorComparison struct {
	JurorID     int64
	Progress    JurorProgress
	Reviews     int     // proposals at the stage, abstentions excluded
	Abstentions int     // abstentions at the stage
	MeanLevel   float64 // mean of all the juror's proposals; 0 without any
	// ComparedFiles are the files the juror proposed a level for along with
	// at least one other juror. SharedMean is the juror's mean over them;
	// CoReviewerMean is, over the same files, the mean of the other
	// jurors' mean proposal on each file (every file weighs the same).
	ComparedFiles  int
	SharedMean     float64
	CoReviewerMean float64
	// BelowFiles and AboveFiles count compared files where the juror's
	// proposal was below (above) the median of the other jurors'
	// proposals. Here the median of an even count is the midpoint of the
	// two middle values, not the lower one: with the lower one, a juror at
	// the bottom of a split pair would never count as below.
	BelowFiles, AboveFiles int
	// Toughness is BelowFiles / ComparedFiles, in [0, 1]; 0 without
	// compared files.
	Toughness float64
}

// Offset is SharedMean − CoReviewerMean: negative for a juror tougher than
// their co-reviewers.
func (c JurorComparison) Offset() float64 { return c.SharedMean - c.CoReviewerMean }

type jurorLevel struct {
	juror int64
	level int
}

// CompareJurors computes the comparison of every juror who has a review at
// the stage or an entry in progress, in increasing JurorID order. It
// refuses duplicate reviews, which would count a juror twice.
func CompareJurors(stage ReviewStage, reviews []ReviewScore, progress map[int64]JurorProgress) ([]JurorComparison, error) {
	byJuror := map[int64]*JurorComparison{}
	get := func(id int64) *JurorComparison {
		if byJuror[id] == nil {
			byJuror[id] = &JurorComparison{JurorID: id, Progress: progress[id]}
		}
		return byJuror[id]
	}
	for id := range progress {
		get(id)
	}
	seen := map[reviewKey]bool{}
	byFile := map[int64][]jurorLevel{}
	for _, r := range reviews {
		if r.Stage != stage {
			continue
		}
		k := reviewKey{r.ApplicationID, r.JurorID, r.Stage}
		if seen[k] {
			return nil, &DeliberationError{Code: DelibDuplicateReview, ApplicationID: r.ApplicationID, JurorID: r.JurorID}
		}
		seen[k] = true
		c := get(r.JurorID)
		if r.Abstained {
			c.Abstentions++
			continue
		}
		c.Reviews++
		c.MeanLevel += float64(r.Level)
		byFile[r.ApplicationID] = append(byFile[r.ApplicationID], jurorLevel{r.JurorID, r.Level})
	}
	for _, levels := range byFile {
		for _, own := range levels {
			compareOnFile(get(own.juror), own, levels)
		}
	}
	out := make([]JurorComparison, 0, len(byJuror))
	for _, c := range byJuror {
		out = append(out, finishComparison(*c))
	}
	slices.SortFunc(out, func(x, y JurorComparison) int { return cmp.Compare(x.JurorID, y.JurorID) })
	return out, nil
}

// compareOnFile adds to c the comparison of own's proposal with the other
// proposals of the same file; sums are turned into means by
// finishComparison.
func compareOnFile(c *JurorComparison, own jurorLevel, levels []jurorLevel) {
	var others []int
	for _, l := range levels {
		if l.juror != own.juror {
			others = append(others, l.level)
		}
	}
	if len(others) == 0 {
		return
	}
	c.ComparedFiles++
	c.SharedMean += float64(own.level)
	sum := 0
	for _, l := range others {
		sum += l
	}
	c.CoReviewerMean += float64(sum) / float64(len(others))
	slices.Sort(others)
	n := len(others)
	median := float64(others[(n-1)/2]+others[n/2]) / 2
	switch x := float64(own.level); {
	case x < median:
		c.BelowFiles++
	case x > median:
		c.AboveFiles++
	}
}

func finishComparison(c JurorComparison) JurorComparison {
	if c.Reviews > 0 {
		c.MeanLevel /= float64(c.Reviews)
	}
	if c.ComparedFiles > 0 {
		n := float64(c.ComparedFiles)
		c.SharedMean /= n
		c.CoReviewerMean /= n
		c.Toughness = float64(c.BelowFiles) / n
	}
	return c
}
