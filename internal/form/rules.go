package form

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// Question finds a question by id and the section holding it; both are nil
// when no question has that id. The pointers point into qn, so they stay
// valid as long as qn is not modified.
func (qn *Questionnaire) Question(id string) (*Question, *Section) {
	for i := range qn.Sections {
		s := &qn.Sections[i]
		for j := range s.Questions {
			if s.Questions[j].ID == id {
				return &s.Questions[j], s
			}
		}
	}
	return nil, nil
}

// Visible reports whether condition c holds for answers a; a nil condition
// always holds. The controlling question must itself be visible: an answer
// left behind in a question that a later change hid must not reveal
// anything. Chains are followed; a cycle, or a condition on a question
// that does not exist, counts as not met. qn is needed to follow chains.
func Visible(qn *Questionnaire, c *Condition, a Answers) bool {
	return visible(qn, c, a, map[string]bool{})
}

// QuestionVisible reports whether question q of section sec is shown: both
// the section's condition and the question's must hold. sec may be nil.
func QuestionVisible(qn *Questionnaire, sec *Section, q *Question, a Answers) bool {
	if sec != nil && !Visible(qn, sec.ShowIf, a) {
		return false
	}
	return Visible(qn, q.ShowIf, a)
}

// visible walks the chain of conditions depth first; path holds the
// questions being evaluated, so meeting one again means a cycle. Each
// branch removes its question on return, so that a question reached twice
// by different branches is not taken for a cycle.
func visible(qn *Questionnaire, c *Condition, a Answers, path map[string]bool) bool {
	if c == nil {
		return true
	}
	q, sec := qn.Question(c.Question)
	if q == nil || path[c.Question] {
		return false
	}
	path[c.Question] = true
	defer delete(path, c.Question)
	if !visible(qn, sec.ShowIf, a, path) || !visible(qn, q.ShowIf, a, path) {
		return false
	}
	return meets(q, c, a[c.Question])
}

// meets compares one answer with a condition's values: equality, or for a
// multiple choice, any chosen value.
func meets(q *Question, c *Condition, value string) bool {
	if value == "" {
		return false
	}
	if q.Type == Multiple {
		return slices.ContainsFunc(List(value), func(v string) bool { return slices.Contains(c.Values, v) })
	}
	return slices.Contains(c.Values, value)
}

// Ref points at one question of a questionnaire.
type Ref struct {
	Section, Question string
}

// Missing lists, in form order, the visible required questions that have no
// answer: what blocks a submission.
func Missing(qn *Questionnaire, a Answers) []Ref {
	var refs []Ref
	for i := range qn.Sections {
		s := &qn.Sections[i]
		for j := range s.Questions {
			q := &s.Questions[j]
			if q.Required && a[q.ID] == "" && QuestionVisible(qn, s, q, a) {
				refs = append(refs, Ref{Section: s.ID, Question: q.ID})
			}
		}
	}
	return refs
}

// SectionProgress counts, for one section, the questions currently shown,
// how many of them are answered and how many required ones are still
// blank. A hidden section counts nothing.
type SectionProgress struct {
	Section         string
	Answered        int
	Visible         int
	RequiredMissing int
}

// Progress gives each section's progress, in form order, for the
// applicant's summary page.
func Progress(qn *Questionnaire, a Answers) []SectionProgress {
	out := make([]SectionProgress, len(qn.Sections))
	for i := range qn.Sections {
		s := &qn.Sections[i]
		p := SectionProgress{Section: s.ID}
		for j := range s.Questions {
			q := &s.Questions[j]
			if !QuestionVisible(qn, s, q, a) {
				continue
			}
			p.Visible++
			switch {
			case a[q.ID] != "":
				p.Answered++
			case q.Required:
				p.RequiredMissing++
			}
		}
		out[i] = p
	}
	return out
}

// Percent is the share of visible questions answered, rounded down so that
// 100 means every shown question is answered. With nothing to answer the
// form is complete: 100.
func Percent(ps []SectionProgress) int {
	answered, shown := 0, 0
	for _, p := range ps {
		answered += p.Answered
		shown += p.Visible
	}
	if shown == 0 {
		return 100
	}
	return answered * 100 / shown
}

// Digest returns the canonical JSON of the non-empty answers (an object
// with sorted keys and encoding/json's escaping of <, > and &, as
// json.Marshal writes a map) and its SHA-256 in hex.
// It is printed on the submission receipt: anyone holding the answers can
// recompute it, and blank answers do not change it.
func Digest(a Answers) (canonical []byte, sum string) {
	m := make(map[string]string, len(a))
	for k, v := range a {
		if v != "" {
			m[k] = v
		}
	}
	canonical, _ = json.Marshal(m) // map[string]string always marshals
	h := sha256.Sum256(canonical)
	return canonical, hex.EncodeToString(h[:])
}
