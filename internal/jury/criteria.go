package jury

// The review criteria (jury.md §5): generated from the questionnaire, so
// that a new edition's form brings its review form with it. Each section
// (domain) of the track's questionnaire gets two or three criteria on an
// anchored 0–4 scale, where each value says what a file at that value
// shows: anchors make jurors' scores comparable (EasyChair and HotCRP put
// descriptions on values). The anchors are generic on purpose, about
// commitment, achievements and sharing, since sections are written by the
// organisers and change from year to year.

import (
	"tnl/internal/domain"
	"tnl/internal/form"
)

// ScaleMax is the top of the anchored scale: criteria are scored 0 to 4.
const ScaleMax = 4

// Criterion is one thing a juror scores in a section.
type Criterion struct {
	ID      string // stable within a section: the review keeps values by it
	Label   form.Text
	Hint    form.Text               // where to look in the answers
	Anchors [ScaleMax + 1]form.Text // Anchors[v]: what a file at value v shows
}

// SectionCriteria are the criteria of one section of the questionnaire.
type SectionCriteria struct {
	Section  string
	Title    form.Text
	Criteria []Criterion
}

// smallSection: a section with this many questions or fewer gets two
// criteria, not three. A handful of answers cannot tell sharing apart from
// achievements, and a third score there would only repeat the second.
const smallSection = 3

// The criteria, in the order shown. Their ids are stored in reviews:
// rename them only with a migration of the stored values.
var (
	criterionCommitment = Criterion{
		ID:    "engagement",
		Label: form.Text{FR: "Engagement et pilotage", EN: "Commitment and leadership"},
		Hint: form.Text{FR: "Une décision, des personnes qui portent la démarche, un plan, des moyens.",
			EN: "A decision, people who lead the approach, a plan, resources."},
		Anchors: [ScaleMax + 1]form.Text{
			{FR: "Rien n'est engagé : ni décision, ni porteur, ni intention exprimée.",
				EN: "Nothing is under way: no decision, no lead, no stated intention."},
			{FR: "Intention exprimée : le sujet est abordé, sans décision ni moyens.",
				EN: "Stated intention: the subject is raised, with no decision or resources."},
			{FR: "Démarche décidée : une décision ou un plan existe, porté par une personne ou un service.",
				EN: "Decided approach: a decision or a plan exists, carried by a person or a department."},
			{FR: "Démarche pilotée : objectifs, moyens et calendrier, portés par les élus et les services.",
				EN: "Managed approach: goals, resources and a timetable, backed by elected officials and staff."},
			{FR: "Démarche exemplaire, partagée et évaluée : pilotage suivi, résultats mesurés, objectifs renouvelés.",
				EN: "Exemplary approach, shared and evaluated: steady leadership, measured results, renewed goals."},
		},
	}
	criterionAchievements = Criterion{
		ID:    "realisations",
		Label: form.Text{FR: "Réalisations", EN: "Achievements"},
		Hint: form.Text{FR: "Ce qui est en place et utilisé, au-delà des intentions : combien, où, depuis quand.",
			EN: "What is in place and in use, beyond intentions: how much, where, since when."},
		Anchors: [ScaleMax + 1]form.Text{
			{FR: "Aucune réalisation : les réponses ne décrivent rien de concret.",
				EN: "No achievement: the answers describe nothing concrete."},
			{FR: "Premiers pas : une action isolée ou un essai limité à un service.",
				EN: "First steps: a single action, or a trial limited to one department."},
			{FR: "Réalisations en place : plusieurs actions concrètes, dans une partie des services.",
				EN: "Achievements in place: several concrete actions, in some departments."},
			{FR: "Réalisations étendues : des pratiques installées dans la plupart des services et utilisées au quotidien.",
				EN: "Widespread achievements: practices established in most departments and used every day."},
			{FR: "Réalisations exemplaires : généralisées, durables et documentées, elles servent de référence.",
				EN: "Exemplary achievements: general, lasting and documented, they set an example."},
		},
	}
	criterionSharing = Criterion{
		ID:    "partage",
		Label: form.Text{FR: "Partage et évaluation", EN: "Sharing and evaluation"},
		Hint: form.Text{FR: "Ce qui est rendu public, mutualisé, reversé ou évalué avec d'autres.",
			EN: "What is made public, pooled, contributed back or evaluated with others."},
		Anchors: [ScaleMax + 1]form.Text{
			{FR: "Rien n'est partagé : la démarche reste interne, ni présentée ni évaluée.",
				EN: "Nothing is shared: the approach stays internal, neither presented nor evaluated."},
			{FR: "Partage ponctuel : la démarche est mentionnée, sans être documentée ni suivie.",
				EN: "Occasional sharing: the approach is mentioned, neither documented nor followed up."},
			{FR: "Partage documenté : la démarche est présentée publiquement (site, délibération, bilan).",
				EN: "Documented sharing: the approach is presented publicly (website, council decision, report)."},
			{FR: "Partage actif : échanges réguliers avec d'autres organismes ou la communauté, bilans suivis.",
				EN: "Active sharing: regular exchanges with other bodies or the community, reports followed up."},
			{FR: "Démarche exemplaire, partagée et évaluée : mutualisation, contributions, évaluation publique ; d'autres s'en inspirent.",
				EN: "Exemplary approach, shared and evaluated: pooling, contributions, public evaluation; others follow its lead."},
		},
	}
)

// Criteria returns the review criteria of a questionnaire: for each of its
// sections, in order, commitment and achievements, plus sharing when the
// section has more than a few questions. Every section is listed, even
// one shown only to some bodies: callers leave out those that do not apply
// to the file (form.Visible).
func Criteria(qn *form.Questionnaire) []SectionCriteria {
	out := make([]SectionCriteria, 0, len(qn.Sections))
	for i := range qn.Sections {
		s := &qn.Sections[i]
		sc := SectionCriteria{Section: s.ID, Title: s.Title,
			Criteria: []Criterion{criterionCommitment, criterionAchievements}}
		if len(s.Questions) > smallSection {
			sc.Criteria = append(sc.Criteria, criterionSharing)
		}
		out = append(out, sc)
	}
	return out
}

// SuggestLevel turns a section's criterion values into a level to propose
// for it, among levels ordered from the lowest: values averaging under 1
// suggest no level (false); from 1 to 4 the levels share the range evenly,
// so with Bronze, Argent and Or an average in [1, 2) suggests Bronze,
// [2, 3) Argent and [3, 4] Or. It is a suggestion shown to the juror, who
// proposes the level themself.
func SuggestLevel(values []int, levels int) (int, bool) {
	if len(values) == 0 || levels < 1 {
		return 0, false
	}
	sum := 0
	for _, v := range values {
		sum += min(max(v, 0), ScaleMax)
	}
	n := len(values)
	if sum < n { // average under 1
		return 0, false
	}
	// floor((average − 1) × levels / (ScaleMax − 1)), in integers so that an
	// average on a boundary lands on the level above it.
	return min((sum-n)*levels/((ScaleMax-1)*n), levels-1), true
}

// ReviewRules returns what domain.Review.Validate checks a review of a file
// against: the file's track levels, its questionnaire's criteria and the
// edition's mentions with their allotment. The juror's other nominations
// (Nominated) are the caller's to add.
func ReviewRules(e *domain.Edition, t *domain.Track, qn *form.Questionnaire) domain.ReviewRules {
	r := domain.ReviewRules{Levels: len(t.Levels), ScaleMax: ScaleMax, Criteria: map[string][]string{},
		Mentions: e.Mentions, Allotment: e.Jury.WithDefaults().MentionAllotment}
	for _, sc := range Criteria(qn) {
		ids := make([]string, len(sc.Criteria))
		for i, c := range sc.Criteria {
			ids[i] = c.ID
		}
		r.Criteria[sc.Section] = ids
	}
	return r
}
