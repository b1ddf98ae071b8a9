package domain

import (
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// ReviewStage says whether a review was written before the discussion
// phase or revised during it (jury.md §6): the pre-discussion review is
// frozen when discussion opens, and both are kept to measure what the
// discussion changed.
type ReviewStage string

// The two stages of a review.
const (
	ReviewPre  ReviewStage = "pre"
	ReviewPost ReviewStage = "post"
)

// StageAt is the stage a review written in phase p belongs to: "post" from
// the discussion phase on, "pre" before.
func StageAt(p Phase) ReviewStage {
	if p.AtLeast(PhaseDiscussion) {
		return ReviewPost
	}
	return ReviewPre
}

// ReviewStatus says whether a review counts: a draft is the juror's alone;
// a submitted review enters the aggregates. Once submitted, a review stays
// submitted: later saves revise it and must keep a level or an abstention.
type ReviewStatus string

// The statuses of a review.
const (
	ReviewDraft     ReviewStatus = "draft"
	ReviewSubmitted ReviewStatus = "submitted"
)

// SectionReview is a juror's assessment of one section (domain) of a file:
// a value on the anchored scale per criterion, and the level they propose
// for the section.
type SectionReview struct {
	Values map[string]int `json:"values,omitempty"` // criterion id → 0…ScaleMax
	Level  *int           `json:"level,omitempty"`  // index into the track's levels
}

// Review is one juror's review of one file at one stage. Levels are indexes
// into the track's ordered levels, 0 being the lowest (as in internal/jury's
// aggregates). Each text has its own readers, enforced by the policy:
// Strengths and Suggestions go to the applicant after publication
// (ActSeeApplicantTexts), JuryNote to unconflicted jurors (ActSeeReviews),
// SecretariatNote to admins only.
type Review struct {
	ID              int64
	ApplicationID   int64
	UserID          int64
	Stage           ReviewStage
	Status          ReviewStatus
	Level           *int   // proposed level; nil with an abstention or in a draft
	AbstainReason   string // an abstention, with its reason
	Criteria        map[string]SectionReview
	Mentions        []string // nominations among the edition's mentions
	Strengths       string
	Suggestions     string
	JuryNote        string
	SecretariatNote string
	Version         int // 1 for the first save; 0 for a review never saved
	UpdatedAt       time.Time
	SubmittedAt     *time.Time // first submission
}

// Abstains reports whether the juror abstains on the file.
func (r *Review) Abstains() bool { return r.AbstainReason != "" }

// Proposes reports whether the review holds a proposal: a level or an
// abstention with its reason, the condition to submit it.
func (r *Review) Proposes() bool { return r.Level != nil || r.Abstains() }

// ReviewContent is what one version of a review says, as kept in the
// review's history: everything a juror writes, without identifiers.
type ReviewContent struct {
	Status          ReviewStatus             `json:"status"`
	Level           *int                     `json:"level,omitempty"`
	AbstainReason   string                   `json:"abstain_reason,omitempty"`
	Criteria        map[string]SectionReview `json:"criteria,omitempty"`
	Mentions        []string                 `json:"mentions,omitempty"`
	Strengths       string                   `json:"strengths,omitempty"`
	Suggestions     string                   `json:"suggestions,omitempty"`
	JuryNote        string                   `json:"jury_note,omitempty"`
	SecretariatNote string                   `json:"secretariat_note,omitempty"`
}

// Content returns what r says.
func (r *Review) Content() ReviewContent {
	return ReviewContent{Status: r.Status, Level: r.Level, AbstainReason: r.AbstainReason,
		Criteria: r.Criteria, Mentions: r.Mentions, Strengths: r.Strengths, Suggestions: r.Suggestions,
		JuryNote: r.JuryNote, SecretariatNote: r.SecretariatNote}
}

// ReviewRevision is one saved version of a review.
type ReviewRevision struct {
	Version int
	Content ReviewContent
	SavedAt time.Time
}

// ReviewRules are what a review is checked against: the file's track, its
// questionnaire's criteria and the edition's mentions. internal/jury builds
// them (jury.ReviewRules); the store adds the juror's other nominations.
type ReviewRules struct {
	Levels   int                 // number of levels of the track: valid levels are 0…Levels-1
	ScaleMax int                 // criteria are scored 0…ScaleMax
	Criteria map[string][]string // section id → its criterion ids
	Mentions []string            // the edition's mentions
	// Allotment is how many files a juror may nominate for each mention
	// (0: no limit); Nominated counts their nominations on other files.
	Allotment int
	Nominated map[string]int
}

// MaxReviewText bounds each text of a review, in characters.
const MaxReviewText = 10000

// The names of a review's fields in Validate's problems, which are also
// the names of the review form's fields. A criterion is "c.<section>.<criterion>",
// a section's level "sl.<section>".
const (
	ReviewFieldLevel           = "level"
	ReviewFieldAbstainReason   = "abstain_reason"
	ReviewFieldMentions        = "mentions"
	ReviewFieldStrengths       = "strengths"
	ReviewFieldSuggestions     = "suggestions"
	ReviewFieldJuryNote        = "jury_note"
	ReviewFieldSecretariatNote = "secretariat_note"
)

// CriterionField names one criterion's field.
func CriterionField(section, criterion string) string { return "c." + section + "." + criterion }

// SectionLevelField names one section's level field.
func SectionLevelField(section string) string { return "sl." + section }

// Validate checks r against rules and returns a problem per field: the
// field's name (see ReviewFieldLevel) → a message id the web layer
// translates. A submitted review must propose a level or abstain with a
// reason, not both; levels, values and mentions must be known.
func (r *Review) Validate(rules ReviewRules) map[string]string {
	p := map[string]string{}
	if r.Level != nil && (*r.Level < 0 || *r.Level >= rules.Levels) {
		p[ReviewFieldLevel] = "review.error.level_unknown"
	}
	switch {
	case r.Level != nil && r.Abstains():
		p[ReviewFieldAbstainReason] = "review.error.level_and_abstain"
	case r.Status == ReviewSubmitted && !r.Proposes():
		p[ReviewFieldLevel] = "review.error.proposal_required"
	}
	r.validateCriteria(rules, p)
	r.validateMentions(rules, p)
	for field, text := range map[string]string{
		ReviewFieldAbstainReason: r.AbstainReason, ReviewFieldStrengths: r.Strengths,
		ReviewFieldSuggestions: r.Suggestions, ReviewFieldJuryNote: r.JuryNote,
		ReviewFieldSecretariatNote: r.SecretariatNote,
	} {
		if utf8.RuneCountInString(text) > MaxReviewText {
			p[field] = "review.error.too_long"
		}
	}
	if r.Status != ReviewDraft && r.Status != ReviewSubmitted {
		p[ReviewFieldLevel] = "review.error.status"
	}
	return p
}

func (r *Review) validateCriteria(rules ReviewRules, p map[string]string) {
	for section, sr := range r.Criteria {
		known, ok := rules.Criteria[section]
		if !ok {
			p[SectionLevelField(section)] = "review.error.section_unknown"
			continue
		}
		for id, v := range sr.Values {
			switch {
			case !slices.Contains(known, id):
				p[CriterionField(section, id)] = "review.error.criterion_unknown"
			case v < 0 || v > rules.ScaleMax:
				p[CriterionField(section, id)] = "review.error.criterion_range"
			}
		}
		if sr.Level != nil && (*sr.Level < 0 || *sr.Level >= rules.Levels) {
			p[SectionLevelField(section)] = "review.error.level_unknown"
		}
	}
}

func (r *Review) validateMentions(rules ReviewRules, p map[string]string) {
	for i, m := range r.Mentions {
		switch {
		case !slices.Contains(rules.Mentions, m) || slices.Index(r.Mentions, m) != i:
			p[ReviewFieldMentions] = "review.error.mention_unknown"
		case rules.Allotment > 0 && rules.Nominated[m] >= rules.Allotment:
			p[ReviewFieldMentions] = "review.error.mention_allotment"
		}
	}
}

// ReviewProblems is a review the store refused because Validate found
// problems. It unwraps to an EINVALID *Error, so ErrorCode works on it;
// the web layer shows each problem beside its field.
type ReviewProblems map[string]string

func (p ReviewProblems) Error() string {
	return fmt.Sprintf("Évaluation incomplète ou invalide (%d problème(s)).", len(p))
}

// Unwrap gives the application's one error shape.
func (p ReviewProblems) Unwrap() error {
	return &Error{Code: EINVALID, Message: p.Error()}
}
