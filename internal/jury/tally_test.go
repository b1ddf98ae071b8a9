package jury

import (
	"math"
	"slices"
	"strings"
	"testing"

	"tnl/internal/domain"
)

// proposalsOf builds pre-discussion reviews of one file, one juror per level
// (juror IDs 1, 2, 3…); a negative level is an abstention.
func proposalsOf(file int64, levels ...int) []ReviewScore {
	out := make([]ReviewScore, len(levels))
	for i, l := range levels {
		out[i] = ReviewScore{ApplicationID: file, JurorID: int64(i + 1), Level: l, Abstained: l < 0}
	}
	return out
}

func nearlyEqual(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestAggregateStatistics(t *testing.T) {
	rules := AggregationRules{Levels: 5}
	tests := []struct {
		name                 string
		levels               []int
		reviews, abstentions int
		median, min, max     int
		mean, sd             float64
		histogram            []int
	}{
		// sd = sqrt(((1-7/3)² + (2-7/3)² + (4-7/3)²)/3) = sqrt(14/9)
		{"odd count", []int{4, 1, 2}, 3, 0, 2, 1, 4, 7.0 / 3, math.Sqrt(14) / 3, []int{0, 1, 1, 0, 1}},
		// the lower middle: 2, not 3 nor 2.5; sd = sqrt((2.25+0.25+0.25+2.25)/4)
		{"even count takes the lower middle", []int{3, 1, 4, 2}, 4, 0, 2, 1, 4, 2.5, math.Sqrt(1.25), []int{0, 1, 1, 1, 1}},
		{"two far apart", []int{4, 0}, 2, 0, 0, 0, 4, 2, 2, []int{1, 0, 0, 0, 1}},
		{"unanimous", []int{3, 3, 3, 3}, 4, 0, 3, 3, 3, 3, 0, []int{0, 0, 0, 4, 0}},
		{"single review", []int{2}, 1, 0, 2, 2, 2, 2, 0, []int{0, 0, 1, 0, 0}},
		{"abstentions are counted apart", []int{-1, 3, 1, -1}, 2, 2, 1, 1, 3, 2, 1, []int{0, 1, 0, 1, 0}},
		{"only abstentions", []int{-1, -1}, 0, 2, -1, -1, -1, 0, 0, []int{0, 0, 0, 0, 0}},
		{"no review", nil, 0, 0, -1, -1, -1, 0, 0, []int{0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := AggregateFile(7, PreDiscussion, proposalsOf(7, tt.levels...), rules)
			if err != nil {
				t.Fatal(err)
			}
			if a.ApplicationID != 7 || a.Reviews != tt.reviews || a.Abstentions != tt.abstentions {
				t.Errorf("file %d, reviews %d, abstentions %d; want 7, %d, %d", a.ApplicationID, a.Reviews, a.Abstentions, tt.reviews, tt.abstentions)
			}
			if a.Median != tt.median || a.Min != tt.min || a.Max != tt.max {
				t.Errorf("median %d min %d max %d; want %d %d %d", a.Median, a.Min, a.Max, tt.median, tt.min, tt.max)
			}
			if !nearlyEqual(a.Mean, tt.mean) || !nearlyEqual(a.StdDev, tt.sd) {
				t.Errorf("mean %v sd %v; want %v %v", a.Mean, a.StdDev, tt.mean, tt.sd)
			}
			if !slices.Equal(a.Histogram, tt.histogram) {
				t.Errorf("histogram %v; want %v", a.Histogram, tt.histogram)
			}
			if tt.reviews == 0 && (a.Disagrees() || a.ClearMedian()) {
				t.Errorf("a file without proposals is neither flagged nor clear: %+v", a)
			}
		})
	}
}

func TestDisagreementReasons(t *testing.T) {
	spreadSection := func(levels ...int) []ReviewScore {
		rs := proposalsOf(1, levels...)
		for i := range rs {
			rs[i].Sections = map[string]int{"gouvernance": []int{1, 3, 2, 2}[i], "usages": 2}
		}
		return rs
	}
	tests := []struct {
		name      string
		reviews   []ReviewScore
		threshold float64
		want      []DisagreementReason
		clear     bool
	}{
		{"agreement", proposalsOf(1, 2, 2, 3), 0, nil, true},
		{"agreement under a threshold", proposalsOf(1, 2, 2, 3), 0.5, nil, true},
		{"spread alone", proposalsOf(1, 1, 2, 3), 0, []DisagreementReason{DisagreementSpread}, false},
		// sd of 1 1 1 2 2 is sqrt(0.24) ≈ 0.4899
		{"std dev alone", proposalsOf(1, 1, 1, 1, 2, 2), 0.45, []DisagreementReason{DisagreementStdDev}, true},
		{"std dev equal to the threshold", proposalsOf(1, 1, 1, 1, 2, 2), math.Sqrt(0.24), []DisagreementReason{DisagreementStdDev}, true},
		{"std dev just under the threshold", proposalsOf(1, 1, 1, 1, 2, 2), 0.49, nil, true},
		{"split alone", proposalsOf(1, 2, 3, 3, 2), 0, []DisagreementReason{DisagreementSplit}, false},
		{"section spread alone", spreadSection(2, 2, 2), 0, []DisagreementReason{DisagreementSection}, true},
		{"every reason", func() []ReviewScore {
			rs := spreadSection(0, 1, 3, 4)
			return rs
		}(), 1, []DisagreementReason{DisagreementSpread, DisagreementStdDev, DisagreementSplit, DisagreementSection}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := AggregateFile(1, PreDiscussion, tt.reviews, AggregationRules{Levels: 5, StdDevThreshold: tt.threshold})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Disagreement, tt.want) {
				t.Errorf("reasons %v; want %v", a.Disagreement, tt.want)
			}
			if a.Disagrees() != (len(tt.want) > 0) || a.ClearMedian() != tt.clear {
				t.Errorf("Disagrees %v ClearMedian %v; want %v %v", a.Disagrees(), a.ClearMedian(), len(tt.want) > 0, tt.clear)
			}
			wantSections := []string(nil)
			if slices.Contains(tt.want, DisagreementSection) {
				wantSections = []string{"gouvernance"}
			}
			if !slices.Equal(a.SpreadSections, wantSections) {
				t.Errorf("spread sections %v; want %v", a.SpreadSections, wantSections)
			}
			for _, r := range a.Disagreement {
				if r.Label() == string(r) {
					t.Errorf("reason %q has no French label", r)
				}
			}
		})
	}
}

// The examples of the FileAggregate doc comment, one by one.
func TestSplitAcrossBoundary(t *testing.T) {
	tests := []struct {
		levels []int
		split  bool
		median int
	}{
		{[]int{2, 2, 3, 3}, true, 2},
		{[]int{1, 2, 3, 3}, true, 2},
		{[]int{2, 3}, true, 2},
		{[]int{2, 2, 2, 3}, false, 2},
		{[]int{2, 3, 3}, false, 3},
		{[]int{3, 3, 3, 3}, false, 3},
		{[]int{1, 1, 4, 4}, true, 1},
		{[]int{3}, false, 3},
	}
	for _, tt := range tests {
		a, err := AggregateFile(1, PreDiscussion, proposalsOf(1, tt.levels...), AggregationRules{Levels: 5})
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(a.Disagreement, DisagreementSplit); got != tt.split || a.Median != tt.median {
			t.Errorf("%v: split %v median %d; want %v %d", tt.levels, got, a.Median, tt.split, tt.median)
		}
	}
}

func TestSectionMedians(t *testing.T) {
	rs := proposalsOf(1, 2, 2, 3, -1)
	rs[0].Sections = map[string]int{"usages": 2, "gouvernance": 4}
	rs[1].Sections = map[string]int{"usages": 3, "gouvernance": 3}
	rs[2].Sections = map[string]int{"usages": 2}
	rs[3].Sections = map[string]int{"usages": 0} // an abstention: ignored
	a, err := AggregateFile(1, PreDiscussion, rs, AggregationRules{Levels: 5})
	if err != nil {
		t.Fatal(err)
	}
	want := []SectionAggregate{
		{Section: "gouvernance", Reviews: 2, Median: 3, Min: 3, Max: 4}, // lower middle
		{Section: "usages", Reviews: 3, Median: 2, Min: 2, Max: 3},
	}
	if !slices.Equal(a.Sections, want) {
		t.Errorf("sections %+v; want %+v", a.Sections, want)
	}
	if a.SpreadSections != nil {
		t.Errorf("no section spans two levels, got %v", a.SpreadSections)
	}
}

func TestAggregateFilesByStage(t *testing.T) {
	rs := append(proposalsOf(30, 4, 4), proposalsOf(10, 1, 2, 2)...)
	post := proposalsOf(10, 3)
	post[0].Stage = PostDiscussion
	rs = append(rs, post...)
	got, err := AggregateFiles(PreDiscussion, rs, AggregationRules{Levels: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ApplicationID != 10 || got[1].ApplicationID != 30 {
		t.Fatalf("files %+v; want 10 then 30", got)
	}
	if got[0].Reviews != 3 || got[0].Median != 2 || got[0].Stage != PreDiscussion {
		t.Errorf("file 10 pre: %+v", got[0])
	}
	postAgg, err := AggregateFiles(PostDiscussion, rs, AggregationRules{Levels: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(postAgg) != 1 || postAgg[0].Reviews != 1 || postAgg[0].Median != 3 {
		t.Errorf("post: %+v", postAgg)
	}
	empty, err := AggregateFiles(PreDiscussion, nil, AggregationRules{Levels: 5})
	if err != nil || len(empty) != 0 {
		t.Errorf("no reviews: %v, %v", empty, err)
	}
}

func TestAggregateRefusals(t *testing.T) {
	ok := AggregationRules{Levels: 5}
	withSection := proposalsOf(1, 2)
	withSection[0].Sections = map[string]int{"usages": 5}
	tests := []struct {
		name    string
		reviews []ReviewScore
		rules   AggregationRules
		code    DeliberationCode
		domain  string
	}{
		{"level above the scale", proposalsOf(1, 5), ok, DelibLevelOutOfRange, domain.EINVALID},
		{"negative level", []ReviewScore{{ApplicationID: 1, JurorID: 1, Level: -2}}, ok, DelibLevelOutOfRange, domain.EINVALID},
		{"section off the scale", withSection, ok, DelibLevelOutOfRange, domain.EINVALID},
		{"two reviews at one stage", append(proposalsOf(1, 2), proposalsOf(1, 3)...), ok, DelibDuplicateReview, domain.ECONFLICT},
		{"no level", proposalsOf(1, 0), AggregationRules{}, DelibInvalidRules, domain.EINVALID},
		{"negative threshold", proposalsOf(1, 0), AggregationRules{Levels: 5, StdDevThreshold: -1}, DelibInvalidRules, domain.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AggregateFile(1, PreDiscussion, tt.reviews, tt.rules)
			if DeliberationCodeOf(err) != tt.code || domain.ErrorCode(err) != tt.domain {
				t.Fatalf("err %v (code %q, domain %q); want %q, %q", err, DeliberationCodeOf(err), domain.ErrorCode(err), tt.code, tt.domain)
			}
			if _, err2 := AggregateFiles(PreDiscussion, tt.reviews, tt.rules); DeliberationCodeOf(err2) != tt.code {
				t.Errorf("AggregateFiles: %v", err2)
			}
			if msg := domain.ErrorMessage(err); msg == "Erreur interne." || !strings.HasSuffix(msg, ".") {
				t.Errorf("message %q", msg)
			}
		})
	}
	// A pre and a post review by the same juror are not duplicates.
	both := append(proposalsOf(1, 2), ReviewScore{ApplicationID: 1, JurorID: 1, Stage: PostDiscussion, Level: 3})
	if _, err := AggregateFile(1, PreDiscussion, both, ok); err != nil {
		t.Errorf("pre and post of one juror: %v", err)
	}
}

func TestDiscussionEffect(t *testing.T) {
	review := func(file, juror int64, stage ReviewStage, level int) ReviewScore {
		return ReviewScore{ApplicationID: file, JurorID: juror, Stage: stage, Level: level, Abstained: level < 0}
	}
	rs := []ReviewScore{
		// file 10: 1 2 2 → juror 1 revises to 2: 2 2 2, median unchanged
		review(10, 1, PreDiscussion, 1), review(10, 2, PreDiscussion, 2), review(10, 3, PreDiscussion, 2),
		review(10, 1, PostDiscussion, 2),
		// file 20: 2 3 3 → juror 2 revises to 2: 2 2 3, median lowered from 3 to 2
		review(20, 1, PreDiscussion, 2), review(20, 2, PreDiscussion, 3), review(20, 3, PreDiscussion, 3),
		review(20, 2, PostDiscussion, 2),
		// file 30: 1 1 3 (spread) → jurors 1 and 2 revise to 3: 3 3 3, raised from 1 to 3, flag gone
		review(30, 1, PreDiscussion, 1), review(30, 2, PreDiscussion, 1), review(30, 3, PreDiscussion, 3),
		review(30, 1, PostDiscussion, 3), review(30, 2, PostDiscussion, 3),
		// file 40: only abstentions, not compared
		review(40, 1, PreDiscussion, -1),
	}
	post := PostDiscussionScores(rs)
	if len(post) != 10 {
		t.Fatalf("post-discussion scores: %d; want 10 (one per juror and file)", len(post))
	}
	for _, r := range post {
		if r.Stage != PostDiscussion {
			t.Fatalf("stage of %+v", r)
		}
	}
	if p := post[0]; p.ApplicationID != 10 || p.JurorID != 1 || p.Level != 2 {
		t.Errorf("the revision must replace the pre-discussion proposal: %+v", post[0])
	}
	rules := AggregationRules{Levels: 5}
	before, err := AggregateFiles(PreDiscussion, rs, rules)
	if err != nil {
		t.Fatal(err)
	}
	after, err := AggregateFiles(PostDiscussion, post, rules)
	if err != nil {
		t.Fatal(err)
	}
	e := CompareStages(before, after)
	want := DiscussionEffect{Compared: 3, Raised: 1, Lowered: 1, Unchanged: 1,
		Shifts:        []LevelShift{{ApplicationID: 20, Before: 3, After: 2}, {ApplicationID: 30, Before: 1, After: 3}},
		FlaggedBefore: 1, FlaggedAfter: 0}
	if !slices.Equal(e.Shifts, want.Shifts) || e.Compared != want.Compared || e.Raised != want.Raised ||
		e.Lowered != want.Lowered || e.Unchanged != want.Unchanged || e.FlaggedBefore != 1 || e.FlaggedAfter != 0 {
		t.Errorf("effect %+v; want %+v", e, want)
	}
	if got := CompareStages(nil, after); got.Compared != 0 || got.Shifts != nil {
		t.Errorf("nothing before: %+v", got)
	}
}

func TestCompareJurors(t *testing.T) {
	const a, b, c, d = 1, 2, 3, 4
	r := func(file, juror int64, level int) ReviewScore {
		return ReviewScore{ApplicationID: file, JurorID: juror, Level: level, Abstained: level < 0}
	}
	rs := []ReviewScore{
		r(1, a, 1), r(1, b, 3), r(1, c, 3),
		r(2, a, 2), r(2, b, 2),
		r(3, a, -1), r(3, b, 4), r(3, c, 2),
		r(4, c, 3), // alone: not compared
		r(5, a, 1), r(5, b, 1), r(5, c, 3),
		{ApplicationID: 1, JurorID: a, Stage: PostDiscussion, Level: 4}, // other stage: ignored
	}
	progress := map[int64]JurorProgress{a: {Assigned: 5, Submitted: 4}, d: {Assigned: 3, Drafts: 1}}
	got, err := CompareJurors(PreDiscussion, rs, progress)
	if err != nil {
		t.Fatal(err)
	}
	// Worked by hand. On file 5, the others of A are 1 and 3: their median is
	// the midpoint 2, so A's 1 is below (the lower middle, 1, would not be).
	want := []JurorComparison{
		{JurorID: a, Progress: progress[a], Reviews: 3, Abstentions: 1, MeanLevel: 4.0 / 3,
			ComparedFiles: 3, SharedMean: 4.0 / 3, CoReviewerMean: 7.0 / 3, BelowFiles: 2, AboveFiles: 0, Toughness: 2.0 / 3},
		{JurorID: b, Reviews: 4, MeanLevel: 2.5,
			ComparedFiles: 4, SharedMean: 2.5, CoReviewerMean: 2, BelowFiles: 1, AboveFiles: 2, Toughness: 0.25},
		{JurorID: c, Reviews: 4, MeanLevel: 2.75,
			ComparedFiles: 3, SharedMean: 8.0 / 3, CoReviewerMean: 7.0 / 3, BelowFiles: 1, AboveFiles: 2, Toughness: 1.0 / 3},
		{JurorID: d, Progress: progress[d]},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d jurors; want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.JurorID != w.JurorID || g.Progress != w.Progress || g.Reviews != w.Reviews || g.Abstentions != w.Abstentions ||
			g.ComparedFiles != w.ComparedFiles || g.BelowFiles != w.BelowFiles || g.AboveFiles != w.AboveFiles ||
			!nearlyEqual(g.MeanLevel, w.MeanLevel) || !nearlyEqual(g.SharedMean, w.SharedMean) ||
			!nearlyEqual(g.CoReviewerMean, w.CoReviewerMean) || !nearlyEqual(g.Toughness, w.Toughness) {
			t.Errorf("juror %d:\n got %+v\nwant %+v", w.JurorID, g, w)
		}
	}
	if !nearlyEqual(got[0].Offset(), -1) {
		t.Errorf("offset of A: %v; want -1", got[0].Offset())
	}
	if _, err := CompareJurors(PreDiscussion, append(rs, r(2, a, 3)), nil); DeliberationCodeOf(err) != DelibDuplicateReview {
		t.Errorf("duplicate review: %v", err)
	}
	if none, err := CompareJurors(PreDiscussion, nil, nil); err != nil || len(none) != 0 {
		t.Errorf("empty: %v %v", none, err)
	}
}
