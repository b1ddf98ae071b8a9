package web

import (
	"net/http"
	"slices"
	"strconv"

	"tnl/internal/form"
)

// The builder's changes to sections and questions: add, edit, move up or
// down, delete. Each goes through saveChange, so form.Check guards them all.

// sectionPage is the form of one section.
type builderSectionPage struct {
	builderBase
	New     bool
	Form    builderSectionForm
	Targets []selectOption // questions a condition may name
	Types   []selectOption
}

func (p *builderSectionPage) PageTitle() string {
	if p.New {
		return p.T("builder.section.new_title")
	}
	return p.T("builder.section.edit_title", "Title", p.Form.TitleFR)
}

// conditionTargets lists the questions a condition may rest on: yes/no and
// choice questions, numbered as in the form. skip is the question edited.
func conditionTargets(qn *form.Questionnaire, skip string) []selectOption {
	var out []selectOption
	for _, sec := range numberedQuestions(qn) {
		q := sec.q
		if q.ID == skip || (q.Type != form.YesNo && q.Type != form.Single && q.Type != form.Multiple) {
			continue
		}
		out = append(out, selectOption{Value: q.ID, Text: sec.number + " " + q.Label.FR + " (" + q.ID + ")"})
	}
	return out
}

type numberedBuilderQuestion struct {
	number string
	q      *form.Question
}

// describeNumbers lists every question with its number ("2.3").
func numberedQuestions(qn *form.Questionnaire) []numberedBuilderQuestion {
	var out []numberedBuilderQuestion
	for i := range qn.Sections {
		for j := range qn.Sections[i].Questions {
			out = append(out, numberedBuilderQuestion{number: strconv.Itoa(i+1) + "." + strconv.Itoa(j+1), q: &qn.Sections[i].Questions[j]})
		}
	}
	return out
}

// typeOptions lists the question types with their names.
func questionTypeOptions(types []form.Type) []selectOption {
	out := make([]selectOption, len(types))
	for i, t := range types {
		out[i] = selectOption{Value: string(t), ID: "editions.type." + string(t)}
	}
	return out
}

func (s *Server) renderBuilderSection(w http.ResponseWriter, r *http.Request, status int, p *builderSectionPage) {
	p.Targets = conditionTargets(p.B.Def, "")
	p.Types = questionTypeOptions(form.Types)
	p.Action = r.URL.Path
	s.render(w, r, status, "admin_section", p)
}

func (s *Server) builderSectionNew(w http.ResponseWriter, r *http.Request) {
	if b, ok := s.builderWith(w, r); ok {
		p := &builderSectionPage{builderBase: builderBase{B: b}, New: true, Form: builderSectionForm{FirstType: string(form.YesNo)}}
		s.renderBuilderSection(w, r, http.StatusOK, p)
	}
}

func (s *Server) builderSectionCreate(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok || !s.builderParsedForm(w, r) {
		return
	}
	p := &builderSectionPage{builderBase: builderBase{B: b}, New: true, Form: readBuilderSectionForm(r)}
	sec, issues := p.Form.section(b.Def, nil)
	b.Def.Sections = append(b.Def.Sections, sec)
	base := checkSectionPath(len(b.Def.Sections) - 1)
	s.saveBuilderChange(w, r, b, issues, base, sectionProblemFields, func(issues []builderIssue) {
		b.Def.Sections = b.Def.Sections[:len(b.Def.Sections)-1]
		p.Issues = issues
		s.renderBuilderSection(w, r, http.StatusUnprocessableEntity, p)
	})
}

// sectionAt finds the URL's {section}; unknown sections are 404.
func (s *Server) builderSectionAt(w http.ResponseWriter, r *http.Request, b *builderCtx) (int, bool) {
	i := slices.IndexFunc(b.Def.Sections, func(sec form.Section) bool { return sec.ID == r.PathValue("section") })
	if i < 0 {
		s.notFound(w, r)
	}
	return i, i >= 0
}

func (s *Server) builderSectionEdit(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok {
		return
	}
	if i, ok := s.builderSectionAt(w, r, b); ok {
		p := &builderSectionPage{builderBase: builderBase{B: b}, Form: builderSectionFormOf(&b.Def.Sections[i])}
		s.renderBuilderSection(w, r, http.StatusOK, p)
	}
}

func (s *Server) builderSectionUpdate(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok || !s.builderParsedForm(w, r) {
		return
	}
	i, ok := s.builderSectionAt(w, r, b)
	if !ok {
		return
	}
	p := &builderSectionPage{builderBase: builderBase{B: b}, Form: readBuilderSectionForm(r)}
	// A form without base comes from no page of ours: nothing to compare.
	if now := sectionDigest(&b.Def.Sections[i]); p.Form.Base != "" && p.Form.Base != now {
		p.Form.Base, p.Issues = now, []builderIssue{{ID: "builder.error.stale_section"}}
		s.renderBuilderSection(w, r, http.StatusConflict, p)
		return
	}
	sec, issues := p.Form.section(b.Def, &b.Def.Sections[i])
	renameSectionRefs(b.Def, b.Def.Sections[i].ID, sec.ID)
	b.Def.Sections[i] = sec
	s.saveBuilderChange(w, r, b, issues, checkSectionPath(i), sectionProblemFields, func(issues []builderIssue) {
		p.Issues = issues
		s.renderBuilderSection(w, r, http.StatusUnprocessableEntity, p)
	})
}

// sectionMove moves a section up or down ("sens" haut or bas).
func (s *Server) builderSectionMove(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok || !s.builderParsedForm(w, r) {
		return
	}
	i, ok := s.builderSectionAt(w, r, b)
	if !ok {
		return
	}
	j, ok := builderMoveTarget(i, len(b.Def.Sections), field(r, "sens"))
	if !ok {
		s.renderBuilder(w, r, http.StatusUnprocessableEntity, b, []builderIssue{{ID: "builder.error.move"}}, nil)
		return
	}
	b.Def.Sections[i], b.Def.Sections[j] = b.Def.Sections[j], b.Def.Sections[i]
	s.saveBuilderChange(w, r, b, nil, "", nil, func(issues []builderIssue) {
		s.renderBuilder(w, r, http.StatusUnprocessableEntity, b, issues, nil)
	})
}

// sectionDelete removes a section and its questions, once confirmed.
func (s *Server) builderSectionDelete(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok || !s.builderParsedForm(w, r) {
		return
	}
	i, ok := s.builderSectionAt(w, r, b)
	if !ok {
		return
	}
	if r.PostFormValue("confirmer") != "1" {
		s.renderBuilder(w, r, http.StatusUnprocessableEntity, b, []builderIssue{{ID: "builder.error.confirm", Field: "confirm-" + b.Def.Sections[i].ID}}, nil)
		return
	}
	b.Def.Sections = slices.Delete(b.Def.Sections, i, i+1)
	s.saveBuilderChange(w, r, b, nil, "", nil, func(issues []builderIssue) {
		s.renderBuilder(w, r, http.StatusUnprocessableEntity, b, issues, nil)
	})
}

// moveTarget is where the item at i goes in a list of n: one place up
// ("haut") or down ("bas"); false when it cannot move that way.
func builderMoveTarget(i, n int, direction string) (int, bool) {
	switch {
	case direction == "haut" && i > 0:
		return i - 1, true
	case direction == "bas" && i < n-1:
		return i + 1, true
	}
	return 0, false
}

// renameSection keeps the adjustments pointing at a section whose id
// changes.
func renameSectionRefs(qn *form.Questionnaire, from, to string) {
	if from == to {
		return
	}
	for i := range qn.Adjustments {
		if qn.Adjustments[i].Section == from {
			qn.Adjustments[i].Section = to
		}
	}
}

// renameQuestion keeps the conditions pointing at a question whose id
// changes.
func renameQuestionRefs(qn *form.Questionnaire, from, to string) {
	if from == to {
		return
	}
	for i := range qn.Sections {
		sec := &qn.Sections[i]
		if sec.ShowIf != nil && sec.ShowIf.Question == from {
			sec.ShowIf.Question = to
		}
		for j := range sec.Questions {
			if c := sec.Questions[j].ShowIf; c != nil && c.Question == from {
				c.Question = to
			}
		}
	}
}

// parsedForm parses a builder post; its texts may be long (help, options).
func (s *Server) builderParsedForm(w http.ResponseWriter, r *http.Request) bool {
	if !parseLargeForm(w, r, maxBuilderFormBytes) {
		s.errorPage(w, r, http.StatusBadRequest)
		return false
	}
	return true
}

// maxBuilderFormBytes bounds a builder post: a question with a hundred
// options and long help texts stays far below.
const maxBuilderFormBytes = 256 << 10

// questionPage is the form of one question.
type builderQuestionPage struct {
	builderBase
	New      bool
	Form     builderQuestionForm
	Sections []selectOption
	Targets  []selectOption
	Types    []selectOption
}

func (p *builderQuestionPage) PageTitle() string {
	if p.New {
		return p.T("builder.question.new_title")
	}
	return p.T("builder.question.edit_title", "ID", p.Form.ID)
}

func (s *Server) renderBuilderQuestion(w http.ResponseWriter, r *http.Request, status int, p *builderQuestionPage) {
	qn := p.B.Def
	for _, sec := range qn.Sections {
		p.Sections = append(p.Sections, selectOption{Value: sec.ID, Text: sec.Title.FR})
	}
	p.Targets = conditionTargets(qn, p.Form.ID)
	p.Types = questionTypeOptions(form.Types)
	p.Action = r.URL.Path
	s.render(w, r, status, "admin_question", p)
}

func (s *Server) builderQuestionNew(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok {
		return
	}
	if i, ok := s.builderSectionAt(w, r, b); ok {
		p := &builderQuestionPage{builderBase: builderBase{B: b}, New: true,
			Form: builderQuestionForm{Section: b.Def.Sections[i].ID, Type: string(form.YesNo)}}
		s.renderBuilderQuestion(w, r, http.StatusOK, p)
	}
}

// questionCreate adds a question at the end of the section chosen.
func (s *Server) builderQuestionCreate(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok || !s.builderParsedForm(w, r) {
		return
	}
	if _, ok := s.builderSectionAt(w, r, b); !ok {
		return
	}
	p := &builderQuestionPage{builderBase: builderBase{B: b}, New: true, Form: readBuilderQuestionForm(r)}
	q, issues := p.Form.question(b.Def)
	k := slices.IndexFunc(b.Def.Sections, func(sec form.Section) bool { return sec.ID == p.Form.Section })
	if k < 0 {
		p.Issues = append(issues, builderIssue{Field: "section", ID: "builder.error.section"})
		s.renderBuilderQuestion(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	sec := &b.Def.Sections[k]
	sec.Questions = append(sec.Questions, q)
	s.saveBuilderChange(w, r, b, issues, checkQuestionPath(k, len(sec.Questions)-1), questionProblemFields, func(issues []builderIssue) {
		p.Issues = issues
		s.renderBuilderQuestion(w, r, http.StatusUnprocessableEntity, p)
	})
}

// questionAt finds the URL's {question}; unknown questions are 404.
func (s *Server) builderQuestionAt(w http.ResponseWriter, r *http.Request, b *builderCtx) (i, j int, ok bool) {
	id := r.PathValue("question")
	for i := range b.Def.Sections {
		for j := range b.Def.Sections[i].Questions {
			if b.Def.Sections[i].Questions[j].ID == id {
				return i, j, true
			}
		}
	}
	s.notFound(w, r)
	return 0, 0, false
}

func (s *Server) builderQuestionEdit(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok {
		return
	}
	if i, j, ok := s.builderQuestionAt(w, r, b); ok {
		sec := &b.Def.Sections[i]
		p := &builderQuestionPage{builderBase: builderBase{B: b}, Form: builderQuestionFormOf(&sec.Questions[j], sec.ID)}
		s.renderBuilderQuestion(w, r, http.StatusOK, p)
	}
}

// questionUpdate replaces a question, moving it to the end of another
// section if one was chosen; conditions follow a change of its id.
func (s *Server) builderQuestionUpdate(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok || !s.builderParsedForm(w, r) {
		return
	}
	i, j, ok := s.builderQuestionAt(w, r, b)
	if !ok {
		return
	}
	p := &builderQuestionPage{builderBase: builderBase{B: b}, Form: readBuilderQuestionForm(r)}
	if now := elementDigest(&b.Def.Sections[i].Questions[j]); p.Form.Base != "" && p.Form.Base != now {
		p.Form.Base, p.Issues = now, []builderIssue{{ID: "builder.error.stale_question"}}
		s.renderBuilderQuestion(w, r, http.StatusConflict, p)
		return
	}
	q, issues := p.Form.question(b.Def)
	k := slices.IndexFunc(b.Def.Sections, func(sec form.Section) bool { return sec.ID == p.Form.Section })
	if k < 0 {
		p.Issues = append(issues, builderIssue{Field: "section", ID: "builder.error.section"})
		s.renderBuilderQuestion(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	renameQuestionRefs(b.Def, b.Def.Sections[i].Questions[j].ID, q.ID)
	path := checkQuestionPath(i, j)
	if k == i {
		b.Def.Sections[i].Questions[j] = q
	} else {
		b.Def.Sections[i].Questions = slices.Delete(b.Def.Sections[i].Questions, j, j+1)
		b.Def.Sections[k].Questions = append(b.Def.Sections[k].Questions, q)
		path = checkQuestionPath(k, len(b.Def.Sections[k].Questions)-1)
	}
	s.saveBuilderChange(w, r, b, issues, path, questionProblemFields, func(issues []builderIssue) {
		p.Issues = issues
		s.renderBuilderQuestion(w, r, http.StatusUnprocessableEntity, p)
	})
}

// questionMove moves a question up or down within its section.
func (s *Server) builderQuestionMove(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok || !s.builderParsedForm(w, r) {
		return
	}
	i, j, ok := s.builderQuestionAt(w, r, b)
	if !ok {
		return
	}
	qs := b.Def.Sections[i].Questions
	k, ok := builderMoveTarget(j, len(qs), field(r, "sens"))
	if !ok {
		s.renderBuilder(w, r, http.StatusUnprocessableEntity, b, []builderIssue{{ID: "builder.error.move"}}, nil)
		return
	}
	qs[j], qs[k] = qs[k], qs[j]
	s.saveBuilderChange(w, r, b, nil, "", nil, func(issues []builderIssue) {
		s.renderBuilder(w, r, http.StatusUnprocessableEntity, b, issues, nil)
	})
}

// questionDelete removes a question; its answers stay in the database.
func (s *Server) builderQuestionDelete(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok || !s.builderParsedForm(w, r) {
		return
	}
	i, j, ok := s.builderQuestionAt(w, r, b)
	if !ok {
		return
	}
	b.Def.Sections[i].Questions = slices.Delete(b.Def.Sections[i].Questions, j, j+1)
	s.saveBuilderChange(w, r, b, nil, "", nil, func(issues []builderIssue) {
		s.renderBuilder(w, r, http.StatusUnprocessableEntity, b, issues, nil)
	})
}
