package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

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
	scored  *form.Result // see score
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
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return nil, false
	}
	u := currentUser(r)
	loaded, err := s.db.LoadApplicationAccess(r.Context(), id, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	app := loaded.App
	acc := &appAccess{App: app, Edition: loaded.Edition, Answers: loaded.Answers, Admin: u.Role == domain.RoleAdmin,
		Profile: form.Profile{Kind: app.Body.Kind, Population: app.Body.Population}}
	if m := loaded.Member; m != nil && m.Status == domain.MemberApproved {
		acc.Me = m
	}
	if acc.Me == nil && !acc.Admin {
		s.notFound(w, r)
		return nil, false
	}
	if err := s.completeApplicationParts(r, acc); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return acc, true
}

// loadApplicationParts reads acc.App's edition and answers again, and what
// follows from them.
func (s *Server) loadApplicationParts(r *http.Request, acc *appAccess) error {
	ctx := r.Context()
	var err error
	if acc.Edition, err = s.db.FindEdition(ctx, acc.App.Year); err != nil {
		return err
	}
	if acc.Answers, err = s.db.Answers(ctx, acc.App.ID); err != nil {
		return err
	}
	return s.completeApplicationParts(r, acc)
}

// completeApplicationParts derives from the loaded edition and answers the
// track, the definition and the answers' values.
func (s *Server) completeApplicationParts(r *http.Request, acc *appAccess) error {
	var ok bool
	if acc.Track, ok = acc.Edition.Track(acc.App.Track); !ok {
		return fmt.Errorf("application %d: track %q missing from edition %d", acc.App.ID, acc.App.Track, acc.App.Year)
	}
	var err error
	if acc.Def, err = s.applicationDefinition(r, acc.App); err != nil {
		return err
	}
	acc.Values = make(form.Answers, len(acc.Answers))
	for q, a := range acc.Answers {
		acc.Values[q] = a.Value
	}
	acc.scored = nil
	return nil
}

// score is the indicative score of the answers, computed once per request:
// the header and the section both show it.
func (a *appAccess) score() *form.Result {
	if a.scored == nil {
		r := form.Score(a.Def, a.Values, a.Profile)
		a.scored = &r
	}
	return a.scored
}
