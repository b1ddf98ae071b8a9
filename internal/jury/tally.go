package jury

// Aggregation of the jurors' level proposals (jury.md §6): per file the
// count, median, mean, spread and the disagreement flag that decides
// whether the file is discussed or confirmed in the consent block; per
// juror, how their proposals compare with their co-reviewers' (feedback
// only, never a correction); and the effect of the discussion phase,
// comparing pre- and post-discussion medians.

import (
	"cmp"
	"math"
	"slices"
)

// ReviewStage tells whether a proposal was made before or after the
// discussion phase (P8). Pre-discussion proposals are frozen when
// discussion opens, so both exist and can be compared.
type ReviewStage int

// The two stages of a review.
const (
	PreDiscussion ReviewStage = iota
	PostDiscussion
)

// ReviewScore is what the aggregates need from one juror's review of one
// file at one stage. Levels are indexes into the edition's ordered levels,
// 0 being the lowest.
type ReviewScore struct {
	ApplicationID int64
	JurorID       int64
	Stage         ReviewStage
	Abstained     bool           // counted apart; Level and Sections are ignored
	Level         int            // proposed level
	Sections      map[string]int // proposed level per section (domain), on the same scale
}

// AggregationRules are the edition settings the aggregates depend on.
type AggregationRules struct {
	Levels int // number of levels (≥ 1); valid levels are 0..Levels-1
	// StdDevThreshold raises the disagreement flag when the population
	// standard deviation reaches it; 0 disables this reason.
	StdDevThreshold float64
}

// DisagreementReason is why a file's proposals count as a disagreement.
// Its value is stable: the web layer translates it.
type DisagreementReason string

// The reasons, each tested on its own.
const (
	// DisagreementSpread: max − min ≥ 2 levels.
	DisagreementSpread DisagreementReason = "spread"
	// DisagreementStdDev: standard deviation ≥ the edition's threshold.
	DisagreementStdDev DisagreementReason = "std_dev"
	// DisagreementSplit: the proposals are split across a level boundary
	// at the median; see FileAggregate.
	DisagreementSplit DisagreementReason = "split_boundary"
	// DisagreementSection: some section has max − min ≥ 2.
	DisagreementSection DisagreementReason = "section_spread"
)

// Label is the reason in French, for the dashboard and the minutes.
func (r DisagreementReason) Label() string {
	switch r {
	case DisagreementSpread:
		return "écart d'au moins deux niveaux"
	case DisagreementStdDev:
		return "écart-type au-dessus du seuil"
	case DisagreementSplit:
		return "jury partagé de part et d'autre d'une limite de niveau"
	case DisagreementSection:
		return "écart d'au moins deux niveaux dans une rubrique"
	case AgendaNoProposal:
		return "aucun niveau proposé"
	}
	return string(r)
}

// SectionAggregate is the spread of one section's level proposals.
type SectionAggregate struct {
	Section  string
	Reviews  int
	Median   int // lower middle, as for the file
	Min, Max int
}

// FileAggregate summarises the proposals of one file at one stage.
//
// Median is the median proposed level, the lower middle one for an even
// count: the same rule as the majority-judgment vote, so that the
// dashboard predicts the vote. With no proposal (no review, or only
// abstentions) Median, Min and Max are -1 and Mean and StdDev are 0.
//
// The disagreement flag is raised when Disagreement is not empty. The
// proposals are "split across a level boundary" (DisagreementSplit) when
// their number is even and the two middle proposals differ: exactly half
// of the jurors propose level b or lower and the other half b+1 or higher,
// so the median sits on the boundary between b and b+1, the lower-middle
// convention alone picks b, and one juror moving by one level would move
// the median. Examples (sorted proposals):
//
//	2 2 3 3   split (between 2 and 3), median 2
//	1 2 3 3   split (between 2 and 3), and spread
//	2 3       split: two jurors one level apart
//	2 2 2 3   not split: level 2 holds a majority
//	2 3 3     not split: with an odd count the median is held by a majority
//	3 3 3 3   not split
//
// With an odd count, a median with proposals on both sides implies max −
// min ≥ 2, which DisagreementSpread already reports.
type FileAggregate struct {
	ApplicationID  int64
	Stage          ReviewStage
	Reviews        int // proposals counted (abstentions excluded)
	Abstentions    int
	Median         int
	Mean           float64
	Min, Max       int
	StdDev         float64            // population standard deviation
	Histogram      []int              // proposals per level, len = Levels
	Sections       []SectionAggregate // by section name
	Disagreement   []DisagreementReason
	SpreadSections []string // sections with max − min ≥ 2, by name
}

// Disagrees reports whether the disagreement flag is raised.
func (a FileAggregate) Disagrees() bool { return len(a.Disagreement) > 0 }

// ClearMedian reports whether the median level is held by a strict
// majority of the proposals: the condition, with no disagreement, for the
// consent block.
func (a FileAggregate) ClearMedian() bool {
	return a.Reviews > 0 && 2*a.Histogram[a.Median] > a.Reviews
}

// AggregateFiles aggregates, for one stage, every file that has a review
// at that stage, in increasing ApplicationID order. Every review passed in
// is validated (level on the scale, one review per juror, file and stage).
func AggregateFiles(stage ReviewStage, reviews []ReviewScore, rules AggregationRules) ([]FileAggregate, error) {
	if err := validateReviews(reviews, rules); err != nil {
		return nil, err
	}
	byFile := map[int64][]ReviewScore{}
	for _, r := range reviews {
		if r.Stage == stage {
			byFile[r.ApplicationID] = append(byFile[r.ApplicationID], r)
		}
	}
	ids := make([]int64, 0, len(byFile))
	for id := range byFile {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]FileAggregate, len(ids))
	for i, id := range ids {
		out[i] = aggregateReviews(id, stage, byFile[id], rules)
	}
	return out, nil
}

// AggregateFile aggregates one file at one stage from the reviews of that
// file and stage found in reviews (others are validated, then ignored). A
// file without any such review gets an aggregate with Reviews 0.
func AggregateFile(applicationID int64, stage ReviewStage, reviews []ReviewScore, rules AggregationRules) (FileAggregate, error) {
	if err := validateReviews(reviews, rules); err != nil {
		return FileAggregate{}, err
	}
	var mine []ReviewScore
	for _, r := range reviews {
		if r.ApplicationID == applicationID && r.Stage == stage {
			mine = append(mine, r)
		}
	}
	return aggregateReviews(applicationID, stage, mine, rules), nil
}

type reviewKey struct {
	file, juror int64
	stage       ReviewStage
}

func validateReviews(reviews []ReviewScore, rules AggregationRules) error {
	if rules.Levels < 1 {
		return &DeliberationError{Code: DelibInvalidRules, Detail: "l'échelle doit compter au moins un niveau"}
	}
	if rules.StdDevThreshold < 0 || math.IsNaN(rules.StdDevThreshold) {
		return &DeliberationError{Code: DelibInvalidRules, Detail: "le seuil d'écart-type doit être positif ou nul"}
	}
	seen := make(map[reviewKey]bool, len(reviews))
	for _, r := range reviews {
		k := reviewKey{r.ApplicationID, r.JurorID, r.Stage}
		if seen[k] {
			return &DeliberationError{Code: DelibDuplicateReview, ApplicationID: r.ApplicationID, JurorID: r.JurorID}
		}
		seen[k] = true
		if r.Abstained {
			continue
		}
		e := &DeliberationError{Code: DelibLevelOutOfRange, ApplicationID: r.ApplicationID, JurorID: r.JurorID, Level: r.Level}
		if r.Level < 0 || r.Level >= rules.Levels {
			return e
		}
		for name, l := range r.Sections {
			if l < 0 || l >= rules.Levels {
				e.Level, e.Detail = l, name
				return e
			}
		}
	}
	return nil
}

// aggregateReviews computes the aggregate of reviews already validated and all
// of one file and stage.
func aggregateReviews(applicationID int64, stage ReviewStage, reviews []ReviewScore, rules AggregationRules) FileAggregate {
	a := FileAggregate{ApplicationID: applicationID, Stage: stage, Histogram: make([]int, rules.Levels)}
	var levels []int
	sections := map[string][]int{}
	for _, r := range reviews {
		if r.Abstained {
			a.Abstentions++
			continue
		}
		levels = append(levels, r.Level)
		a.Histogram[r.Level]++
		for name, l := range r.Sections {
			sections[name] = append(sections[name], l)
		}
	}
	a.Reviews = len(levels)
	s := summariseLevels(levels)
	a.Median, a.Min, a.Max, a.Mean, a.StdDev = s.median, s.min, s.max, s.mean, s.stdDev
	for name, ls := range sections {
		ss := summariseLevels(ls)
		a.Sections = append(a.Sections, SectionAggregate{Section: name, Reviews: len(ls), Median: ss.median, Min: ss.min, Max: ss.max})
		if ss.max-ss.min >= 2 {
			a.SpreadSections = append(a.SpreadSections, name)
		}
	}
	slices.SortFunc(a.Sections, func(x, y SectionAggregate) int { return cmp.Compare(x.Section, y.Section) })
	slices.Sort(a.SpreadSections)
	a.Disagreement = disagreementReasons(a, s, rules.StdDevThreshold)
	return a
}

// stdDevTolerance keeps a threshold typed by hand (1.0) reached by a
// standard deviation that floating point computes as 0.9999999999999999.
const stdDevTolerance = 1e-9

// disagreementReasons lists the reasons that hold, in the order of the
// constants, nil for agreement or no proposal.
func disagreementReasons(a FileAggregate, s levelSummary, threshold float64) []DisagreementReason {
	var reasons []DisagreementReason
	if a.Reviews == 0 {
		return nil
	}
	if a.Max-a.Min >= 2 {
		reasons = append(reasons, DisagreementSpread)
	}
	if threshold > 0 && a.StdDev >= threshold-stdDevTolerance {
		reasons = append(reasons, DisagreementStdDev)
	}
	if s.split {
		reasons = append(reasons, DisagreementSplit)
	}
	if len(a.SpreadSections) > 0 {
		reasons = append(reasons, DisagreementSection)
	}
	return reasons
}

type levelSummary struct {
	median, min, max int
	mean, stdDev     float64
	split            bool // even count and the two middle values differ
}

// summariseLevels computes the statistics of some levels; -1 for the median, min
// and max of none.
func summariseLevels(levels []int) levelSummary {
	n := len(levels)
	if n == 0 {
		return levelSummary{median: -1, min: -1, max: -1}
	}
	sorted := slices.Sorted(slices.Values(levels))
	s := levelSummary{median: sorted[(n-1)/2], min: sorted[0], max: sorted[n-1]}
	s.split = n%2 == 0 && sorted[n/2-1] != sorted[n/2]
	sum := 0
	for _, l := range sorted {
		sum += l
	}
	s.mean = float64(sum) / float64(n)
	var sq float64
	for _, l := range sorted {
		d := float64(l) - s.mean
		sq += d * d
	}
	s.stdDev = math.Sqrt(sq / float64(n))
	return s
}
