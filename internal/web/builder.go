package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// The questionnaire builder. Every change loads the track's current
// definition, applies the change, runs form.Check and either shows the
// problems (422, nothing saved) or saves: in place while no application
// uses the version, as a new version once it is frozen. Applications keep
// the version they answer until an organiser moves them.

// builderCtx is the edition, track and questionnaire a builder page works on.
type builderCtx struct {
	Edition *domain.Edition
	Track   *domain.Track
	Current *domain.Questionnaire // nil until the track has a questionnaire
	Def     *form.Questionnaire   // Current decoded, a copy the handler may change
}

// URL is the address of the builder, or of one of its pages.
func (b *builderCtx) URL(rest string) string {
	return fmt.Sprintf("/admin/editions/%d/%s/questionnaire%s", b.Edition.Year, b.Track.Key, rest)
}

// Frozen reports whether an application uses the current version, so
// that a change makes a new version.
func (b *builderCtx) Frozen() bool { return b.Current != nil && b.Current.Frozen }

// builderFor loads what the URL's {year} and {track} name; an unknown
// edition or track is a 404.
func (s *Server) builderFor(w http.ResponseWriter, r *http.Request) (*builderCtx, bool) {
	e, ok := s.editionAt(w, r)
	if !ok {
		return nil, false
	}
	t, ok := e.Track(r.PathValue("track"))
	if !ok {
		s.notFound(w, r)
		return nil, false
	}
	b := &builderCtx{Edition: e, Track: t}
	cur, err := s.db.CurrentQuestionnaire(r.Context(), e.Year, t.Key)
	switch {
	case domain.IsNotFound(err):
		return b, true
	case err != nil:
		s.fail(w, r, err)
		return nil, false
	}
	if b.Def, err = questionnaireFor(cur); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	b.Current = cur
	return b, true
}

// builderWith is builderFor for changes, which need a questionnaire.
func (s *Server) builderWith(w http.ResponseWriter, r *http.Request) (*builderCtx, bool) {
	b, ok := s.builderFor(w, r)
	if ok && b.Def == nil {
		s.notFound(w, r)
		return nil, false
	}
	return b, ok
}

// builderBase is embedded by every builder page: the context and what is
// wrong with the change just tried.
type builderBase struct {
	page
	B      *builderCtx
	Issues []builderIssue
	Action string // where the page's form posts: the page's own address
}

// IssueText is an issue in the page's language (Check's are in French).
func (p *builderBase) IssueText(i builderIssue) string {
	if i.Text != "" {
		return i.Text
	}
	return p.T(i.ID, i.Args...)
}

// Error returns the first issue of a field, so that the shared input
// partials show it beside the field.
func (p *builderBase) Error(name string) string {
	for _, i := range p.Issues {
		if i.Field == name {
			return p.IssueText(i)
		}
	}
	return p.page.Error(name)
}

// versionRow is one stored version of the track's questionnaire.
type questionnaireVersionRow struct {
	*domain.Questionnaire
	Applications int
	Current      bool
}

// builderTyped is what the user typed in a form of the builder's page that
// was refused, shown again instead of the stored value.
type builderTyped struct {
	Title       *form.Text
	Adjustments *string
}

type builderPage struct {
	builderBase
	Title       form.Text // the title's form, as stored or as just typed
	Adjustments string    // the adjustments' lines, as stored or as just typed
	Sections    []listSection
	Versions    []questionnaireVersionRow
	Older       int      // applications on versions older than the current one
	Defaults    []string // tracks whose default questionnaire can start this one
}

// PageTitle names the track and the edition.
func (p *builderPage) PageTitle() string {
	return p.T("builder.title", "Track", p.B.Track.Name, "Year", p.B.Edition.Year)
}

func (s *Server) builderShow(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderFor(w, r)
	if ok {
		s.renderBuilder(w, r, http.StatusOK, b, nil, nil)
	}
}

// renderBuilder shows the builder's main page, with issues when a change
// made from it (a move, a deletion, the title) was refused: the page then
// shows the stored questionnaire, not the refused change, and the title
// as typed.
func (s *Server) renderBuilder(w http.ResponseWriter, r *http.Request, status int, b *builderCtx, issues []builderIssue, typed *builderTyped) {
	p := &builderPage{builderBase: builderBase{B: b, Issues: issues}, Defaults: form.DefaultTracks()}
	if b.Current != nil {
		def, err := questionnaireFor(b.Current)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		b.Def, p.Title, p.Adjustments = def, def.Title, adjustmentLines(def.Adjustments)
		p.Sections = s.describeQuestionnaire(def, requestLang(r))
	}
	if typed != nil && typed.Title != nil {
		p.Title = *typed.Title
	}
	if typed != nil && typed.Adjustments != nil {
		p.Adjustments = *typed.Adjustments
	}
	versions, err := s.db.QuestionnaireVersions(r.Context(), b.Edition.Year, b.Track.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	use, err := s.db.QuestionnaireUse(r.Context(), b.Edition.Year, b.Track.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, v := range versions {
		row := questionnaireVersionRow{Questionnaire: v, Applications: use[v.ID], Current: b.Current != nil && v.ID == b.Current.ID}
		if !row.Current {
			p.Older += row.Applications
		}
		p.Versions = append(p.Versions, row)
	}
	s.render(w, r, status, "admin_questionnaire", p)
}

// saveChange checks the changed definition and saves it, or shows the
// problems through rerender. issues are the form's own (a number that is
// not one…); Check's problems under base are tied to the fields.
func (s *Server) saveBuilderChange(w http.ResponseWriter, r *http.Request, b *builderCtx, issues []builderIssue, base string, fields [][2]string, rerender func([]builderIssue)) {
	if len(issues) == 0 {
		issues = checkBuilderIssues(b.Def, base, fields)
	}
	if len(issues) > 0 {
		rerender(issues)
		return
	}
	if err := s.storeDefinition(r, b, b.Def); err != nil {
		s.fail(w, r, err)
		return
	}
	flash := "builder.flash.saved"
	if b.Frozen() {
		flash = "builder.flash.new_version"
	}
	s.redirect(w, r, b.URL(""), flash)
}

// storeDefinition saves qn as the track's questionnaire (audited by the
// store); its track is always the one of the URL.
func (s *Server) storeDefinition(r *http.Request, b *builderCtx, qn *form.Questionnaire) error {
	qn.Track = b.Track.Key
	raw, err := form.Encode(qn)
	if err != nil {
		return err
	}
	_, err = s.db.SaveQuestionnaire(r.Context(), b.Edition.Year, b.Track.Key, raw, actor(r))
	return err
}

// builderStart gives a track its first questionnaire: a default one, or a
// nearly empty one (a section with one question, since none may be empty).
func (s *Server) builderStart(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderFor(w, r)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if b.Def != nil {
		s.renderBuilder(w, r, http.StatusConflict, b, []builderIssue{{ID: "builder.error.exists"}}, nil)
		return
	}
	from := field(r, "depart")
	qn := starterQuestionnaire(b.Track)
	if from != "vide" {
		if !slices.Contains(form.DefaultTracks(), from) {
			s.renderBuilder(w, r, http.StatusUnprocessableEntity, b, []builderIssue{{ID: "builder.error.start"}}, nil)
			return
		}
		var err error
		if qn, err = form.Default(from); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if err := s.storeDefinition(r, b, qn); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, b.URL(""), "builder.flash.started")
}

// starterQuestionnaire is the smallest valid questionnaire, to build on.
func starterQuestionnaire(t *domain.Track) *form.Questionnaire {
	return &form.Questionnaire{Track: t.Key, Title: form.Text{FR: t.Name},
		Sections: []form.Section{{ID: "section_1", Title: form.Text{FR: "Première section"},
			Questions: []form.Question{{ID: "question_1", Type: form.YesNo, Label: form.Text{FR: "Première question"}}}}}}
}

// builderTitle changes the questionnaire's title.
func (s *Server) builderTitle(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	title := form.Text{FR: field(r, "title_fr"), EN: field(r, "title_en")}
	b.Def.Title = title
	s.saveBuilderChange(w, r, b, nil, "title", [][2]string{{".fr", "title_fr"}, {"", "title_fr"}}, func(issues []builderIssue) {
		s.renderBuilder(w, r, http.StatusUnprocessableEntity, b, issues, &builderTyped{Title: &title})
	})
}

// builderMoveApplications puts every application on an older version onto
// the version given in the query; answers are keyed by question id and
// never deleted, so nothing is lost, even answers the version drops.
func (s *Server) builderMoveApplications(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok {
		return
	}
	version, err := strconv.Atoi(r.URL.Query().Get("version"))
	if err != nil {
		s.notFound(w, r)
		return
	}
	versions, err := s.db.QuestionnaireVersions(r.Context(), b.Edition.Year, b.Track.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	i := slices.IndexFunc(versions, func(q *domain.Questionnaire) bool { return q.Version == version })
	if i < 0 {
		s.notFound(w, r)
		return
	}
	if _, err := s.db.MoveApplications(r.Context(), b.Edition.Year, b.Track.Key, versions[i].ID, actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, b.URL(""), "builder.flash.moved")
}

// Offered reports whether v is one of the options, so that a value typed
// by hand (or no longer valid) is still shown selected.
func (p *builderBase) Offered(options []selectOption, v string) bool { return offered(options, v) }
