package domain

import (
	"maps"
	"strings"
	"testing"
)

func TestReviewValidate(t *testing.T) {
	rules := ReviewRules{Levels: 3, ScaleMax: 4, Mentions: []string{"Coup de cœur", "Sobriété"},
		Criteria:  map[string][]string{"strategie": {"engagement", "realisations"}},
		Allotment: 2, Nominated: map[string]int{"Sobriété": 2}}
	lvl := func(n int) *int { return &n }
	for _, tc := range []struct {
		name string
		r    Review
		want map[string]string
	}{
		{"empty draft", Review{Status: ReviewDraft}, map[string]string{}},
		{"submitted with a level", Review{Status: ReviewSubmitted, Level: lvl(2)}, map[string]string{}},
		{"submitted abstention", Review{Status: ReviewSubmitted, AbstainReason: "Je connais trop bien le dossier."}, map[string]string{}},
		{"submitted without proposal", Review{Status: ReviewSubmitted, Strengths: "Bien."},
			map[string]string{"level": "review.error.proposal_required"}},
		{"level and abstention", Review{Status: ReviewDraft, Level: lvl(1), AbstainReason: "x"},
			map[string]string{"abstain_reason": "review.error.level_and_abstain"}},
		{"level out of the scale", Review{Status: ReviewDraft, Level: lvl(3)}, map[string]string{"level": "review.error.level_unknown"}},
		{"negative level", Review{Status: ReviewSubmitted, Level: lvl(-1)}, map[string]string{"level": "review.error.level_unknown"}},
		{"criteria in range", Review{Status: ReviewDraft, Criteria: map[string]SectionReview{
			"strategie": {Values: map[string]int{"engagement": 0, "realisations": 4}, Level: lvl(0)}}}, map[string]string{}},
		{"criteria out of range", Review{Status: ReviewDraft, Criteria: map[string]SectionReview{
			"strategie": {Values: map[string]int{"engagement": 5, "realisations": -1}, Level: lvl(3)}}},
			map[string]string{"c.strategie.engagement": "review.error.criterion_range",
				"c.strategie.realisations": "review.error.criterion_range", "sl.strategie": "review.error.level_unknown"}},
		{"unknown criterion and section", Review{Status: ReviewDraft, Criteria: map[string]SectionReview{
			"strategie": {Values: map[string]int{"partage": 1}}, "autre": {}}},
			map[string]string{"c.strategie.partage": "review.error.criterion_unknown", "sl.autre": "review.error.section_unknown"}},
		{"known mention", Review{Status: ReviewDraft, Mentions: []string{"Coup de cœur"}}, map[string]string{}},
		{"unknown mention", Review{Status: ReviewDraft, Mentions: []string{"Meilleur site"}},
			map[string]string{"mentions": "review.error.mention_unknown"}},
		{"mention twice", Review{Status: ReviewDraft, Mentions: []string{"Coup de cœur", "Coup de cœur"}},
			map[string]string{"mentions": "review.error.mention_unknown"}},
		{"allotment used up", Review{Status: ReviewDraft, Mentions: []string{"Sobriété"}},
			map[string]string{"mentions": "review.error.mention_allotment"}},
		{"text too long", Review{Status: ReviewDraft, JuryNote: strings.Repeat("é", MaxReviewText+1)},
			map[string]string{"jury_note": "review.error.too_long"}},
		{"text at the limit", Review{Status: ReviewDraft, Suggestions: strings.Repeat("é", MaxReviewText)}, map[string]string{}},
		{"unknown status", Review{Status: "final", Level: lvl(0)}, map[string]string{"level": "review.error.status"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.r.Validate(rules); !maps.Equal(got, tc.want) {
				t.Errorf("Validate = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestStageAt(t *testing.T) {
	for p, want := range map[Phase]ReviewStage{PhaseReview: ReviewPre, PhaseAssignment: ReviewPre,
		PhaseDiscussion: ReviewPost, PhaseDeliberation: ReviewPost} {
		if got := StageAt(p); got != want {
			t.Errorf("StageAt(%s) = %s, want %s", p, got, want)
		}
	}
	if err := error(ReviewProblems{"level": "x"}); ErrorCode(err) != EINVALID {
		t.Errorf("ReviewProblems code %q", ErrorCode(err))
	}
}
