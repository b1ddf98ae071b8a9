package web

// The review page's form struct and views (jury_review.go has the
// handlers). Field names are domain's (domain.ReviewFieldLevel,
// CriterionField…), so that a problem found by domain.Review.Validate, here
// or in the store, lands beside its field; the first control of each group
// carries the field's name as id, where the error summary's links lead.

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/jury"
)

// The buttons of the review form (the "action" field).
const (
	reviewDraft  = "draft"  // « Enregistrer le brouillon »
	reviewSubmit = "submit" // « Soumettre »
	reviewNext   = "next"   // « Enregistrer et passer au dossier suivant »
)

// levelAbstain is the level field's value for an abstention.
const levelAbstain = "abstain"

// reviewForm is the review form as posted.
type reviewForm struct {
	review      domain.Review
	abstain     bool // "I abstain" chosen: the reason is then required
	action      string
	baseVersion int // with review.Stage, the review the form showed
	rules       domain.ReviewRules
	keepSubmit  bool              // the stored review of this stage is submitted: it must keep a proposal
	problems    map[string]string // values that could not be read
}

// decodeReviewForm reads a posted review of f; stored is the review the
// page started from, if any.
func decodeReviewForm(posted url.Values, f *juryFile, stored *domain.Review) *reviewForm {
	in := &reviewForm{problems: map[string]string{}, action: posted.Get("action"),
		rules: jury.ReviewRules(f.acc.Edition, f.acc.Track, f.acc.Def),
		keepSubmit: stored != nil && stored.Status == domain.ReviewSubmitted &&
			stored.Stage == domain.StageAt(f.j.Edition.Phase)}
	if in.action != reviewSubmit && in.action != reviewNext {
		in.action = reviewDraft // also the implicit submission of the Enter key
	}
	rv := &in.review
	rv.ApplicationID, rv.UserID = f.acc.App.ID, f.j.User.ID
	rv.Stage = domain.ReviewStage(posted.Get("stage"))
	var err error
	if in.baseVersion, err = strconv.Atoi(posted.Get("version")); err != nil {
		in.baseVersion = -1 // a tampered form: the store reports it stale
	}
	switch lv := posted.Get(domain.ReviewFieldLevel); lv {
	case "":
	case levelAbstain:
		in.abstain = true
		rv.AbstainReason = strings.TrimSpace(posted.Get(domain.ReviewFieldAbstainReason))
		if rv.AbstainReason == "" {
			in.problems[domain.ReviewFieldAbstainReason] = "review.error.abstain_reason_required"
		}
	default:
		rv.Level = in.readLevel(domain.ReviewFieldLevel, lv)
	}
	in.readCriteria(posted, f.criteria)
	if f.can(domain.ActNominate) {
		rv.Mentions = posted[domain.ReviewFieldMentions]
	} else if stored != nil {
		rv.Mentions = stored.Mentions // kept as they were: this person may not change them
	}
	rv.Strengths = strings.TrimSpace(posted.Get(domain.ReviewFieldStrengths))
	rv.Suggestions = strings.TrimSpace(posted.Get(domain.ReviewFieldSuggestions))
	rv.JuryNote = strings.TrimSpace(posted.Get(domain.ReviewFieldJuryNote))
	rv.SecretariatNote = strings.TrimSpace(posted.Get(domain.ReviewFieldSecretariatNote))
	return in
}

// readLevel reads a level index, noting a value that is not one.
func (in *reviewForm) readLevel(field, v string) *int {
	n, err := strconv.Atoi(v)
	if err != nil {
		in.problems[field] = "review.error.level_unknown"
		return nil
	}
	return &n
}

// readCriteria reads each section's criterion values and level; a section
// left blank is left out.
func (in *reviewForm) readCriteria(posted url.Values, criteria []jury.SectionCriteria) {
	for _, sc := range criteria {
		var sr domain.SectionReview
		for _, c := range sc.Criteria {
			field := domain.CriterionField(sc.Section, c.ID)
			v := posted.Get(field)
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				in.problems[field] = "review.error.criterion_range"
				continue
			}
			if sr.Values == nil {
				sr.Values = map[string]int{}
			}
			sr.Values[c.ID] = n
		}
		if v := posted.Get(domain.SectionLevelField(sc.Section)); v != "" {
			sr.Level = in.readLevel(domain.SectionLevelField(sc.Section), v)
		}
		if sr.Values != nil || sr.Level != nil {
			if in.review.Criteria == nil {
				in.review.Criteria = map[string]domain.SectionReview{}
			}
			in.review.Criteria[sc.Section] = sr
		}
	}
}

// Validate returns the problems of the form: what could not be read, then
// the review's own rules (a submission needs a level or an abstention).
// The juror's nominations on other files are the store's to count.
func (in *reviewForm) Validate() map[string]string {
	check := in.review
	check.Status = domain.ReviewDraft
	if in.action == reviewSubmit || in.keepSubmit {
		check.Status = domain.ReviewSubmitted
	}
	errs := check.Validate(in.rules)
	for k, v := range in.problems {
		errs[k] = v
	}
	return errs
}

// ShowOverall tells whether the page has anything to say about the file
// as a whole: the person's proposal, the indicative score or last year's
// level.
func (p *reviewPage) ShowOverall() bool {
	return p.ShowForm || p.Indicative != nil || p.Previous != nil
}

// OverallTitle is the message id of that part's title: the person's
// proposal, or for those who do not review, the file's reference points.
func (p *reviewPage) OverallTitle() string {
	if p.ShowForm {
		return "review.overall.title"
	}
	return "review.overall.reference"
}

// reviewPage is the data of jury_review.html.
type reviewPage struct {
	page
	Year        int
	AppID       int64
	Body        string
	Track       string
	Action      string // the form's address
	FilesURL    string // where "back" leads
	Back        string // message id of that link
	Stage       domain.ReviewStage
	Stored      *domain.Review // the review the form started from, if any
	ShowForm    bool           // the evaluation column: to write, or to read one's own
	Disabled    bool           // shown but not writable now
	ReadOnlyWhy string         // message id
	Refused     string         // message id: a save refused
	Sections    []reviewSectionView
	Levels      []reviewChoice
	Mentions    []reviewChoice
	Allotment   int           // nominations per mention and juror
	Shown       domain.Review // texts shown in the form
	Indicative  *indicativeView
	Previous    *previousView // nil: hidden from this person in this phase
	Stale       *staleView
	HasNext     bool
}

// reviewChoice is one radio button or check box.
type reviewChoice struct {
	ID, Value, Label string
	Checked          bool
}

// reviewSectionView is one section: the answers beside the criteria.
type reviewSectionView struct {
	ID, Title    string
	Questions    []questionView
	Criteria     []reviewCriterionView
	LevelField   string
	LevelChoices []reviewChoice
	LevelProblem string // message id
	LevelHint    string // the level the criteria suggest, or how to choose
	Points, Max  float64
	ShowPoints   bool
}

type reviewCriterionView struct {
	Field, Label, Hint string
	Choices            []reviewChoice
	Problem            string // message id
}

// indicativeView is the score the answers give under the edition's scale.
type indicativeView struct {
	Points, Max float64
	Level       string // the level it reaches, by name; "" below the first
}

// previousView is the level the body obtained in the previous edition.
type previousView struct {
	Year  int
	Found bool
	Level string // "" when the sources give no level
}

// staleView is the newer review that refused a save, shown beside what
// the person typed.
type staleView struct {
	Version  int
	SavedAt  time.Time
	Level    string
	Abstain  string
	Values   []string // "Section — Criterion: value"
	Mentions []string
	Texts    []staleText
}

type staleText struct{ Label, Text string }

// reviewSections builds the split view of the sections that apply to the
// file: its answers, read-only, beside its criteria.
func (s *Server) reviewSections(f *juryFile, shown *domain.Review, score *form.Result,
	errs map[string]string, lang string) []reviewSectionView {
	var out []reviewSectionView
	for i, sc := range f.criteria {
		sec := &f.acc.Def.Sections[i]
		if !form.Visible(f.acc.Def, sec.ShowIf, f.acc.Values) {
			continue // a section that does not apply to this body
		}
		sr := shown.Criteria[sec.ID]
		v := reviewSectionView{ID: sec.ID, Title: sec.Title.In(lang),
			Questions:  juryQuestionViews(readOnlyViews(s.questionViews(f.acc, sec, lang, nil, nil, nil)), f),
			LevelField: domain.SectionLevelField(sec.ID), LevelProblem: errs[domain.SectionLevelField(sec.ID)]}
		v.LevelChoices = levelChoices(v.LevelField, f.acc.Track, sr.Level, lang, s.tr)
		var values []int
		for _, c := range sc.Criteria {
			cv := criterionView(sec.ID, c, sr.Values, lang, s.tr)
			cv.Problem = errs[cv.Field]
			v.Criteria = append(v.Criteria, cv)
			if n, ok := sr.Values[c.ID]; ok {
				values = append(values, n)
			}
		}
		switch lvl, ok := jury.SuggestLevel(values, len(f.acc.Track.Levels)); {
		case ok:
			v.LevelHint = s.tr.T(lang, "review.section.suggested", "Level", f.acc.Track.Levels[lvl].Name)
		case len(values) > 0:
			v.LevelHint = s.tr.T(lang, "review.section.suggested_none")
		default:
			v.LevelHint = s.tr.T(lang, "review.section.level_hint")
		}
		if score != nil {
			v.Points, v.Max, v.ShowPoints = score.Sections[i].Points, score.Sections[i].Max, true
		}
		out = append(out, v)
	}
	return out
}

// juryQuestionViews points files attached to answers at the jury's own
// address for them, and drops questions hidden by a condition.
func juryQuestionViews(vs []questionView, f *juryFile) []questionView {
	out := vs[:0]
	for _, v := range vs {
		if v.Hidden {
			continue
		}
		for i := range v.Files {
			v.Files[i].URL = fmt.Sprintf("%s/fichiers/%d", reviewURL(f.j.Edition.Year, f.acc.App.ID), v.Files[i].ID)
		}
		out = append(out, v)
	}
	return out
}

// criterionView is one criterion's radio group: the anchored values, then
// "not scored" to clear it. The first value carries the field as id.
func criterionView(section string, c jury.Criterion, values map[string]int, lang string, tr *translator) reviewCriterionView {
	field := domain.CriterionField(section, c.ID)
	v := reviewCriterionView{Field: field, Label: c.Label.In(lang), Hint: c.Hint.In(lang)}
	cur, scored := values[c.ID]
	for n, a := range c.Anchors {
		id := field
		if n > 0 {
			id = fmt.Sprintf("%s-%d", field, n)
		}
		v.Choices = append(v.Choices, reviewChoice{ID: id, Value: strconv.Itoa(n),
			Label: fmt.Sprintf("%d — %s", n, a.In(lang)), Checked: scored && cur == n})
	}
	v.Choices = append(v.Choices, reviewChoice{ID: field + "-none", Value: "",
		Label: tr.T(lang, "review.criterion.none"), Checked: !scored})
	return v
}

// levelChoices is a level radio group: the track's levels from the lowest,
// then "no proposal yet" (checked when level is nil).
func levelChoices(field string, t *domain.Track, level *int, lang string, tr *translator) []reviewChoice {
	var out []reviewChoice
	for i, l := range t.Levels {
		id := field
		if i > 0 {
			id = fmt.Sprintf("%s-%d", field, i)
		}
		out = append(out, reviewChoice{ID: id, Value: strconv.Itoa(i), Label: l.Name,
			Checked: level != nil && *level == i})
	}
	return append(out, reviewChoice{ID: field + "-none", Value: "",
		Label: tr.T(lang, "review.level.none"), Checked: level == nil})
}

// mentionChoices is the check boxes of the edition's mentions.
func mentionChoices(mentions, chosen []string) []reviewChoice {
	var out []reviewChoice
	for i, m := range mentions {
		id := domain.ReviewFieldMentions
		if i > 0 {
			id = fmt.Sprintf("%s-%d", id, i)
		}
		out = append(out, reviewChoice{ID: id, Value: m, Label: m, Checked: slices.Contains(chosen, m)})
	}
	return out
}

// staleOf describes the newer review for the conflict notice.
func staleOf(rv *domain.Review, f *juryFile, lang string, tr *translator) *staleView {
	v := &staleView{Version: rv.Version, SavedAt: rv.UpdatedAt, Abstain: rv.AbstainReason, Mentions: rv.Mentions}
	if rv.Level != nil && *rv.Level >= 0 && *rv.Level < len(f.acc.Track.Levels) {
		v.Level = f.acc.Track.Levels[*rv.Level].Name
	}
	for _, sc := range f.criteria {
		for _, c := range sc.Criteria {
			if n, ok := rv.Criteria[sc.Section].Values[c.ID]; ok {
				v.Values = append(v.Values, fmt.Sprintf("%s — %s : %d", sc.Title.In(lang), c.Label.In(lang), n))
			}
		}
	}
	for _, t := range []struct{ id, text string }{
		{"review.strengths", rv.Strengths}, {"review.suggestions", rv.Suggestions},
		{"review.jury_note", rv.JuryNote}, {"review.secretariat_note", rv.SecretariatNote},
	} {
		if t.text != "" {
			v.Texts = append(v.Texts, staleText{Label: tr.T(lang, t.id), Text: t.text})
		}
	}
	return v
}
