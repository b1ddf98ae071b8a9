package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// appAccess is one application as the signed-in person may use it. Every
// application handler gets it from applicationFor, so that who sees and
// edits what is decided in one place.
type appAccess struct {
	App     *domain.Application
	Edition *domain.Edition
	Track   *domain.Track
	Def     *form.Questionnaire
	Me      *domain.Member // the person's membership of the body; nil for the secretariat
	Admin   bool
	Answers map[string]domain.Answer
	Values  form.Answers // the answers' values by question id
	Profile form.Profile
}

// MayEditSection: members may edit every section, except contributors
// limited to some sections. The secretariat reads but never answers for a
// body; the deadline is checked apart (see Server.closed).
func (a *appAccess) MayEditSection(section string) bool {
	if a.Me == nil || a.Me.Status != domain.MemberApproved {
		return false
	}
	return a.Me.Role != domain.RoleContributor || len(a.Me.Sections) == 0 || slices.Contains(a.Me.Sections, section)
}

// MaySubmit: the élu référent confirms a submission; the responsable de
// candidature too when the edition allows it.
func (a *appAccess) MaySubmit() bool {
	if a.Me == nil || a.Me.Status != domain.MemberApproved {
		return false
	}
	return a.Me.Role == domain.RoleElu || (a.Me.Role == domain.RoleResponsable && a.Edition.ResponsableMaySubmit)
}

// applicationFor loads the application named by the URL's {id} with its
// edition, definition and answers, and authorises the signed-in person:
// the body's approved members and the secretariat see it; anyone else gets
// 404, exactly as for an unknown application.
func (s *Server) applicationFor(w http.ResponseWriter, r *http.Request) (*appAccess, bool) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return nil, false
	}
	app, err := s.db.FindApplication(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	u := currentUser(r)
	acc := &appAccess{App: app, Admin: u.Role == domain.RoleAdmin,
		Profile: form.Profile{Kind: app.Body.Kind, Population: app.Body.Population}}
	if m, err := s.db.Membership(ctx, app.Body.ID, u.ID); err == nil && m.Status == domain.MemberApproved {
		acc.Me = m
	} else if err != nil && !domain.IsNotFound(err) {
		s.fail(w, r, err)
		return nil, false
	}
	if acc.Me == nil && !acc.Admin {
		s.notFound(w, r)
		return nil, false
	}
	if err := s.loadApplicationParts(r, acc); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return acc, true
}

func (s *Server) loadApplicationParts(r *http.Request, acc *appAccess) error {
	ctx := r.Context()
	var err error
	if acc.Edition, err = s.db.FindEdition(ctx, acc.App.Year); err != nil {
		return err
	}
	var ok bool
	if acc.Track, ok = acc.Edition.Track(acc.App.Track); !ok {
		return fmt.Errorf("application %d: track %q missing from edition %d", acc.App.ID, acc.App.Track, acc.App.Year)
	}
	if acc.Def, err = s.applicationDefinition(r, acc.App); err != nil {
		return err
	}
	if acc.Answers, err = s.db.Answers(ctx, acc.App.ID); err != nil {
		return err
	}
	acc.Values = make(form.Answers, len(acc.Answers))
	for q, a := range acc.Answers {
		acc.Values[q] = a.Value
	}
	return nil
}

// definitions caches decoded questionnaires. A stored version changes only
// while no application uses it, and each change renews its created_at, so
// id and time together name one definition for good.
type definitionCache struct {
	mu   sync.Mutex
	byID map[string]*form.Questionnaire
}

var definitions = &definitionCache{byID: map[string]*form.Questionnaire{}}

// definition returns the decoded questionnaire of a stored version. Stored
// definitions were validated when saved, so plain JSON decoding suffices.
func (s *Server) definition(r *http.Request, id int64) (*form.Questionnaire, error) {
	q, err := s.db.FindQuestionnaire(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return definitions.decode(q.ID, q.CreatedAt, q.Definition)
}

// applicationDefinition returns the definition an application answers,
// reading it from the database only when the cache lacks that version.
func (s *Server) applicationDefinition(r *http.Request, app *domain.Application) (*form.Questionnaire, error) {
	if d, ok := definitions.get(app.QuestionnaireID, app.QuestionnaireAt); ok {
		return d, nil
	}
	return s.definition(r, app.QuestionnaireID)
}

func definitionKey(id int64, at time.Time) string { return fmt.Sprintf("%d/%d", id, at.UnixMicro()) }

func (c *definitionCache) get(id int64, at time.Time) (*form.Questionnaire, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.byID[definitionKey(id, at)]
	return d, ok
}

func (c *definitionCache) decode(id int64, at time.Time, raw []byte) (*form.Questionnaire, error) {
	if d, ok := c.get(id, at); ok {
		return d, nil
	}
	var d form.Questionnaire
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("questionnaire %d: %w", id, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byID[definitionKey(id, at)] = &d
	return &d, nil
}
