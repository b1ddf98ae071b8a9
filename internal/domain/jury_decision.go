package domain

import "time"

// DecisionStatus follows a decision's lifecycle (jury.md §8): a draft from
// the deliberation meeting, sealed with the whole decision set by the
// president, then published at the ceremony.
type DecisionStatus = string

// The statuses of a decision.
const (
	DecisionDraft     DecisionStatus = "draft"
	DecisionSealed    DecisionStatus = "sealed"
	DecisionPublished DecisionStatus = "published"
)

// Decision is the jury's decision on one file, recorded in the
// deliberation meeting (jury.md §7). Levels and grades are indexes into
// the track's ordered levels, 0 being the lowest, as in reviews.
//
// Level is nil when no level was decided (quorum not reached: the item is
// postponed). Median is the majority-judgment grade of the level vote (the
// lower middle grade for an even count); Level differs from it only with an
// OverrideReason. Tally counts the level grades (grade → number of votes),
// kept even under a secret ballot; Voters and Recused are who voted and who
// stepped out, as recorded when the decision was taken (for the minutes).
type Decision struct {
	ApplicationID  int64
	Year           int
	Level          *int
	Median         *int
	Tally          map[int]int
	Voters         []int64
	Recused        []int64
	OverrideReason string
	Mentions       []string
	Status         DecisionStatus
	DecidedBy      int64
	DecidedAt      time.Time
}

// Overridden reports whether the decided level differs from the vote's
// median, which needs a written reason.
func (d *Decision) Overridden() bool {
	return d.Level != nil && (d.Median == nil || *d.Level != *d.Median)
}
