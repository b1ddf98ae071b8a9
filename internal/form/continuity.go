package form

import "slices"

// Change kinds, from last year's answer to this year's.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
)

// Change is one question whose answer differs between two sets of answers.
// Before and After are canonical values; Display renders them.
type Change struct {
	Section, Question string
	Before, After     string
	Kind              string
}

// Carry prefills this year's application from last year's answers. It
// keeps an answer only when its question still exists in qn and the value
// is valid under the new definition: options removed since drop out of a
// multiple choice, and a value the new type refuses (a "yes" for what is
// now a number) is dropped. Attachments are not carried: they belong to
// last year's application. A type change that still accepts the old value
// (text to long text) keeps it, since nothing tells the two apart.
func Carry(qn *Questionnaire, last Answers) Answers {
	out := Answers{}
	for i := range qn.Sections {
		for j := range qn.Sections[i].Questions {
			q := &qn.Sections[i].Questions[j]
			v := last[q.ID]
			if v == "" || q.Type == File {
				continue
			}
			if q.Type == Multiple {
				v = knownOptions(q, v)
			}
			if v, problem := Normalize(q, v); problem == "" && v != "" {
				out[q.ID] = v
			}
		}
	}
	return out
}

// knownOptions removes from a multiple choice answer the values that are
// no longer options; a malformed value is returned as is for Normalize to
// refuse.
func knownOptions(q *Question, value string) string {
	list := List(value)
	if list == nil {
		return value
	}
	list = slices.DeleteFunc(list, func(v string) bool {
		return !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v })
	})
	return encodeList(list)
}

// Changes lists, in form order, the questions of qn whose answer differs
// between last and cur. Values are compared in their canonical form under
// qn, so that reordered options or a re-encoded number are not reported as
// changes; a value qn refuses is compared as stored.
func Changes(qn *Questionnaire, last, cur Answers) []Change {
	var out []Change
	for i := range qn.Sections {
		s := &qn.Sections[i]
		for j := range s.Questions {
			q := &s.Questions[j]
			before, after := canonical(q, last[q.ID]), canonical(q, cur[q.ID])
			kind := ""
			switch {
			case before == after:
				continue
			case before == "":
				kind = ChangeAdded
			case after == "":
				kind = ChangeRemoved
			default:
				kind = ChangeChanged
			}
			out = append(out, Change{Section: s.ID, Question: q.ID, Before: before, After: after, Kind: kind})
		}
	}
	return out
}

func canonical(q *Question, v string) string {
	if n, problem := Normalize(q, v); problem == "" {
		return n
	}
	return v
}
