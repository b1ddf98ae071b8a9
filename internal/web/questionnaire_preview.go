package web

import (
	"net/http"

	"tnl/internal/form"
)

// The preview shows a track's questionnaire section by section exactly as
// applicants see it, through the form's own "question" template, with
// every control disabled and no address to post to: nothing is saved.

// previewQuestion is one question of the preview with its condition in
// words (the preview shows conditional questions too, and says when).
type previewQuestion struct {
	View      questionView
	Condition string
}

type previewPage struct {
	builderBase
	Sections  []listSection // for the navigation
	Section   listSection
	Questions []previewQuestion
	Prev      string // the previous section's id, "" on the first
	Next      string
}

func (p *previewPage) PageTitle() string {
	return p.T("builder.preview.title", "Track", p.B.Track.Name, "Year", p.B.Edition.Year)
}

// questionnairePreview shows the section named by ?section= (the first by
// default) of the track's current questionnaire.
func (s *Server) questionnairePreview(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok {
		return
	}
	lang := requestLang(r)
	p := &previewPage{builderBase: builderBase{B: b}, Sections: s.describeQuestionnaire(b.Def, lang)}
	i := 0
	if id := r.URL.Query().Get("section"); id != "" {
		i = -1
		for k := range b.Def.Sections {
			if b.Def.Sections[k].ID == id {
				i = k
			}
		}
		if i < 0 {
			s.notFound(w, r)
			return
		}
	}
	p.Section = p.Sections[i]
	if i > 0 {
		p.Prev = p.Sections[i-1].ID
	}
	if i+1 < len(p.Sections) {
		p.Next = p.Sections[i+1].ID
	}
	p.Questions = s.previewQuestions(b.Def, &b.Def.Sections[i], p.Section, lang)
	s.render(w, r, http.StatusOK, "questionnaire_preview", p)
}

// previewQuestions builds the section's questions as an empty application
// would show them, all of them (conditions are worded above instead of
// applied), every control disabled.
func (s *Server) previewQuestions(qn *form.Questionnaire, sec *form.Section, words listSection, lang string) []previewQuestion {
	shown := *sec
	shown.ShowIf = nil
	shown.Questions = make([]form.Question, len(sec.Questions))
	for j, q := range sec.Questions {
		q.ShowIf = nil
		shown.Questions[j] = q
	}
	acc := &appAccess{Def: qn, Values: form.Answers{}}
	views := s.questionViews(acc, &shown, lang, nil, nil, nil)
	out := make([]previewQuestion, len(views))
	for j := range views {
		views[j].Disabled = true
		out[j] = previewQuestion{View: views[j], Condition: words.Questions[j].Condition}
	}
	return out
}
