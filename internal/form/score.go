package form

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Profile describes the applicant body as far as the scale (barème)
// cares: its kind ("commune", "epci", "departement", "region",
// "syndicat"…) and population, which select the adjustments.
type Profile struct {
	Kind       string
	Population int
}

// Result is an indicative score: what the answers are worth under the
// edition's scale, before the jury's own judgement.
type Result struct {
	Sections []SectionScore
	Total    float64
	Max      float64
}

// SectionScore is one section's points and the most it could give this
// body.
type SectionScore struct {
	Section string
	Points  float64
	Max     float64
}

// Improvement is a visible question whose answer could give more points,
// with the points the section would gain.
type Improvement struct {
	Section, Question string
	Gain              float64
}

// Score computes the indicative score. A section's points are the sum of
// its visible questions' points, multiplied by the matching adjustments'
// factors, then capped by the section's cap. Its Max applies the same
// rules to the best answer of every question, shown or not: a hidden
// question can be revealed by answering another one, so its points are
// within reach. Values are not rounded: use Round2 for display.
func Score(qn *Questionnaire, a Answers, p Profile) Result {
	var r Result
	for i := range qn.Sections {
		s := &qn.Sections[i]
		f := factor(qn, s.ID, p)
		best := 0.0
		for j := range s.Questions {
			best += BestPoints(&s.Questions[j])
		}
		ss := SectionScore{
			Section: s.ID,
			Points:  capped(sectionSum(qn, s, a)*f, s.Cap),
			Max:     capped(best*f, s.Cap),
		}
		r.Sections = append(r.Sections, ss)
		r.Total += ss.Points
		r.Max += ss.Max
	}
	return r
}

// Improvements lists what would raise the score most: visible questions
// answered below their best, in sections not yet at their cap. Gain is the
// adjusted, cap-limited points the section would gain if that answer alone
// became the best; the list runs from the largest gain, then in form order.
func Improvements(qn *Questionnaire, a Answers, p Profile) []Improvement {
	var out []Improvement
	for i := range qn.Sections {
		s := &qn.Sections[i]
		f := factor(qn, s.ID, p)
		sum := sectionSum(qn, s, a)
		now := capped(sum*f, s.Cap)
		if s.Cap > 0 && now >= s.Cap {
			continue
		}
		for j := range s.Questions {
			q := &s.Questions[j]
			cur, best := Points(q, a[q.ID]), BestPoints(q)
			if cur >= best || !QuestionVisible(qn, s, q, a) {
				continue
			}
			if gain := capped((sum-cur+best)*f, s.Cap) - now; gain > 0 {
				out = append(out, Improvement{Section: s.ID, Question: q.ID, Gain: gain})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Improvement) int {
		switch {
		case x.Gain > y.Gain:
			return -1
		case x.Gain < y.Gain:
			return 1
		}
		return 0
	})
	return out
}

// sectionSum adds the points of the section's visible questions, before
// adjustment and cap.
func sectionSum(qn *Questionnaire, s *Section, a Answers) float64 {
	sum := 0.0
	for j := range s.Questions {
		q := &s.Questions[j]
		if a[q.ID] != "" && QuestionVisible(qn, s, q, a) {
			sum += Points(q, a[q.ID])
		}
	}
	return sum
}

// factor multiplies the factors of the adjustments matching the body and
// the section; with none, it is 1.
func factor(qn *Questionnaire, section string, p Profile) float64 {
	f := 1.0
	for _, adj := range qn.Adjustments {
		if adjusts(adj, section, p) {
			f *= adj.Factor
		}
	}
	return f
}

// adjusts reports whether an adjustment applies. A zero bound is open; a
// body of unknown population (0) fails any minimum.
func adjusts(adj Adjustment, section string, p Profile) bool {
	return (len(adj.Kinds) == 0 || slices.Contains(adj.Kinds, p.Kind)) &&
		(adj.MinPopulation == 0 || p.Population >= adj.MinPopulation) &&
		(adj.MaxPopulation == 0 || p.Population <= adj.MaxPopulation) &&
		(adj.Section == "" || adj.Section == section)
}

// Points is what one answer is worth, capped by the question's Scoring.Max.
// Choices score through their options even without a Scoring; the other
// types need one.
func Points(q *Question, value string) float64 {
	if value == "" {
		return 0
	}
	pts := 0.0
	switch q.Type {
	case Single:
		if i := slices.IndexFunc(q.Options, func(o Option) bool { return o.Value == value }); i >= 0 {
			pts = q.Options[i].Points
		}
	case Multiple:
		for _, v := range List(value) {
			if i := slices.IndexFunc(q.Options, func(o Option) bool { return o.Value == v }); i >= 0 {
				pts += q.Options[i].Points
			}
		}
	default:
		if q.Scoring == nil {
			return 0
		}
		pts = scalarPoints(q, value)
	}
	return capQuestion(q, pts)
}

// scalarPoints scores the types whose points come from Scoring.
func scalarPoints(q *Question, value string) float64 {
	switch q.Type {
	case YesNo:
		if value == "yes" {
			return q.Scoring.Yes
		}
		return 0
	case Integer, Percentage:
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return 0
		}
		return band(q.Scoring.Bands, n)
	case Table:
		return band(q.Scoring.Bands, float64(len(Rows(value))))
	case Software:
		return band(q.Scoring.Bands, float64(len(List(value))))
	}
	return q.Scoring.Answered
}

// band gives the points of the band with the highest Min that n reaches;
// bands need not be sorted.
func band(bands []Band, n float64) float64 {
	pts, reached := 0.0, math.Inf(-1)
	for _, b := range bands {
		if n >= b.Min && b.Min > reached {
			pts, reached = b.Points, b.Min
		}
	}
	return pts
}

// BestPoints is the most an answer to q can be worth: the best option, all
// positive options, the best reachable band, Yes or Answered, capped. It
// is never negative, since leaving a question blank gives 0.
func BestPoints(q *Question) float64 {
	best := 0.0
	switch q.Type {
	case Single:
		for _, o := range q.Options {
			best = max(best, o.Points)
		}
	case Multiple:
		for _, o := range q.Options {
			best += max(0, o.Points)
		}
	default:
		if q.Scoring == nil {
			return 0
		}
		best = bestScalar(q)
	}
	return capQuestion(q, best)
}

func bestScalar(q *Question) float64 {
	switch q.Type {
	case YesNo:
		return max(0, q.Scoring.Yes)
	case Integer, Percentage, Table, Software:
		best, limit := 0.0, reachable(q)
		for _, b := range q.Scoring.Bands {
			if b.Min <= limit {
				best = max(best, b.Points)
			}
		}
		return best
	}
	return max(0, q.Scoring.Answered)
}

// reachable is the largest value an answer to q can have, so a band beyond
// it (say 150 for a percentage) does not inflate the maximum.
func reachable(q *Question) float64 {
	switch {
	case q.Type == Table:
		return MaxRows
	case q.Type == Software:
		return MaxEntries
	case q.Max != nil:
		return *q.Max
	case q.Type == Percentage:
		return 100
	}
	return math.Inf(1)
}

func capQuestion(q *Question, pts float64) float64 {
	if q.Scoring != nil {
		return capped(pts, q.Scoring.Max)
	}
	return pts
}

// capped limits x to limit; a zero limit means no cap.
func capped(x, limit float64) float64 {
	if limit > 0 && x > limit {
		return limit
	}
	return x
}

// Round2 rounds points to two decimals for display; computations keep the
// full float64 so that rounding errors do not add up.
func Round2(x float64) float64 {
	return math.Round(x*100) / 100
}

// FormatPoints writes points rounded to two decimals without trailing
// zeros, with a decimal comma in French ("12,5") and a point in English.
func FormatPoints(x float64, lang string) string {
	s := strconv.FormatFloat(Round2(x), 'f', -1, 64)
	if s == "-0" {
		s = "0"
	}
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
