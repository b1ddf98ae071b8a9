package web

// Affiliations: a person's links with bodies and organisations, from which
// the conflict suggestions are computed (jury.md §3). Members of a jury
// manage their own at /jury/affiliations; the secretariat manages a
// member's from the conflict register. The same page serves both.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tnl/internal/directory"
	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// maxAffiliationOrganisation bounds the free name of an organisation.
const maxAffiliationOrganisation = 200

// affiliationForm is one affiliation typed by a person: a body of the
// directory (typed by name, SIREN or INSEE code, or picked among the
// answers of an ambiguous name), or the name of another organisation.
type affiliationForm struct {
	Body         string
	BodyKey      string // a body picked among Choices
	Organisation string
	Role         string
	Starts, Ends string // JJ/MM/AAAA
	Choices      []bodyHit
	starts, ends *time.Time
}

func (f *affiliationForm) Validate() map[string]string {
	errs := map[string]string{}
	if f.Body == "" && f.BodyKey == "" && f.Organisation == "" {
		errs["body"] = "conflicts.error.body_required"
	} else if (f.Body != "" || f.BodyKey != "") && f.Organisation != "" {
		errs["organisation"] = "conflicts.error.body_or_organisation"
	}
	if utf8.RuneCountInString(f.Organisation) > maxAffiliationOrganisation {
		errs["organisation"] = "conflicts.error.organisation_too_long"
	}
	if !jury.AffiliationRole(f.Role).Valid() {
		errs["role"] = "conflicts.error.role"
	}
	var ok bool
	if f.starts, ok = parseDay(f.Starts); !ok {
		errs["starts"] = "conflicts.error.date"
	}
	if f.ends, ok = parseDay(f.Ends); !ok {
		errs["ends"] = "conflicts.error.date"
	}
	if f.starts != nil && f.ends != nil && f.ends.Before(*f.starts) {
		errs["ends"] = "conflicts.error.dates_order"
	}
	return errs
}

// parseDay reads a date typed JJ/MM/AAAA (or as a date input sends it) as
// that day in Paris; "" is no date.
func parseDay(s string) (*time.Time, bool) {
	if s == "" {
		return nil, true
	}
	for _, layout := range []string{"2/1/2006", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, domain.Paris); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
			return &t, true
		}
	}
	return nil, false
}

type affiliationsPage struct {
	page
	Person       string // whose affiliations these are
	Own          bool   // the person's own page
	Action       string // where the form posts
	Back         string // the page to go back to
	BackLabel    string // message id of that link
	Affiliations []store.Affiliation
	Roles        []jury.AffiliationRole
	Form         affiliationForm
}

// affiliationsTarget is whose affiliations a request manages and where.
type affiliationsTarget struct {
	user *domain.User
	page affiliationsPage
}

// ownAffiliations is the signed-in person's own affiliations page: for
// jury members (of any edition), jury accounts and admins; others 404.
func (s *Server) ownAffiliations(w http.ResponseWriter, r *http.Request) (*affiliationsTarget, bool) {
	u := currentUser(r)
	if u.Role != domain.RoleAdmin && u.Role != domain.RoleJury {
		years, err := s.db.JuryYears(r.Context(), u.ID)
		if err != nil {
			s.fail(w, r, err)
			return nil, false
		}
		if len(years) == 0 {
			s.notFound(w, r)
			return nil, false
		}
	}
	return &affiliationsTarget{user: u, page: affiliationsPage{Own: true, Person: u.Email, Action: "/jury/affiliations",
		Back: "/jury", BackLabel: "conflicts.affiliations.back_jury", page: page{Title: "conflicts.affiliations.title"}}}, true
}

// memberAffiliations is a jury member's affiliations as the secretariat
// manages them: the URL names the edition and the member.
func (s *Server) memberAffiliations(w http.ResponseWriter, r *http.Request) (*affiliationsTarget, bool) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return nil, false
	}
	m, err := s.db.FindJuryMember(r.Context(), j.Edition.Year, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	u, err := s.db.FindUserByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	lang := requestLang(r)
	return &affiliationsTarget{user: u, page: affiliationsPage{Person: m.Label(),
		Action: fmt.Sprintf("%s/jures/%d", conflictsAdminPath(j.Edition.Year), id),
		Back:   conflictsAdminPath(j.Edition.Year) + "#affiliations", BackLabel: "conflicts.affiliations.back_register",
		page: page{TitleText: s.tr.T(lang, "conflicts.affiliations.title_of", "Name", m.Label())}}}, true
}

func (s *Server) renderAffiliations(w http.ResponseWriter, r *http.Request, t *affiliationsTarget, status int,
	errs map[string]string, f affiliationForm) {
	p := &t.page
	p.Form, p.Roles, p.Errors, p.Scripts = f, jury.AffiliationRoles, errs, []string{"combobox.js"}
	var err error
	if p.Affiliations, err = s.db.Affiliations(r.Context(), t.user.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "jury_affiliations", p)
}

// The handlers: the person's own page, then the secretariat's.
func (s *Server) affiliationsShow(w http.ResponseWriter, r *http.Request) {
	s.affiliationsGet(w, r, s.ownAffiliations)
}
func (s *Server) affiliationCreate(w http.ResponseWriter, r *http.Request) {
	s.affiliationsAdd(w, r, s.ownAffiliations)
}
func (s *Server) affiliationRemove(w http.ResponseWriter, r *http.Request) {
	s.affiliationsRemove(w, r, s.ownAffiliations)
}
func (s *Server) adminAffiliations(w http.ResponseWriter, r *http.Request) {
	s.affiliationsGet(w, r, s.memberAffiliations)
}
func (s *Server) adminAffiliationCreate(w http.ResponseWriter, r *http.Request) {
	s.affiliationsAdd(w, r, s.memberAffiliations)
}
func (s *Server) adminAffiliationRemove(w http.ResponseWriter, r *http.Request) {
	s.affiliationsRemove(w, r, s.memberAffiliations)
}

type affiliationsLoader func(http.ResponseWriter, *http.Request) (*affiliationsTarget, bool)

func (s *Server) affiliationsGet(w http.ResponseWriter, r *http.Request, load affiliationsLoader) {
	t, ok := load(w, r)
	if !ok {
		return
	}
	s.renderAffiliations(w, r, t, http.StatusOK, nil, affiliationForm{})
}

func (s *Server) affiliationsAdd(w http.ResponseWriter, r *http.Request, load affiliationsLoader) {
	t, ok := load(w, r)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := affiliationForm{Body: field(r, "body"), BodyKey: field(r, "body_key"), Organisation: field(r, "organisation"),
		Role: field(r, "role"), Starts: field(r, "starts"), Ends: field(r, "ends")}
	errs := f.Validate()
	var body *domain.Body
	if len(errs) == 0 && f.Organisation == "" {
		var problem string
		var err error
		if body, problem, err = s.affiliationBody(r.Context(), &f); err != nil {
			s.fail(w, r, err)
			return
		} else if problem != "" {
			errs["body"] = problem
		}
	}
	if len(errs) > 0 {
		s.renderAffiliations(w, r, t, http.StatusUnprocessableEntity, errs, f)
		return
	}
	a := &store.Affiliation{UserID: t.user.ID, Organisation: f.Organisation, Role: jury.AffiliationRole(f.Role),
		StartsAt: f.starts, EndsAt: f.ends}
	if body != nil {
		a.BodyID = body.ID
	}
	if err := s.db.AddAffiliation(r.Context(), a, actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, t.page.Action, "conflicts.flash.affiliation_added")
}

func (s *Server) affiliationsRemove(w http.ResponseWriter, r *http.Request, load affiliationsLoader) {
	t, ok := load(w, r)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if err := s.db.RemoveAffiliation(r.Context(), t.user.ID, id, actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, t.page.Action, "conflicts.flash.affiliation_removed")
}

// affiliationBody finds the body typed in the form: a body picked among
// the answers, a key, SIREN, INSEE code or page address, or else a name
// the search answers with exactly one body. Several answers become the
// form's choices; a problem is a message id.
func (s *Server) affiliationBody(ctx context.Context, f *affiliationForm) (*domain.Body, string, error) {
	if f.BodyKey != "" {
		b, _, err := s.bodyByCode(ctx, f.BodyKey)
		if b == nil && err == nil {
			return nil, "conflicts.error.body_unknown", nil
		}
		return b, "", err
	}
	if b, problem, err := s.bodyByCode(ctx, f.Body); b != nil || err != nil {
		return b, problem, err
	}
	if utf8.RuneCountInString(f.Body) > maxQueryLength {
		return nil, "conflicts.error.body_unknown", nil
	}
	hits, err := s.searchBodies(ctx, f.Body)
	if err != nil {
		return nil, "", err
	}
	// Only bodies recorded in the database can be linked.
	hits = slices.DeleteFunc(hits, func(h bodyHit) bool {
		_, err := s.db.FindBodyByKey(ctx, h.Key)
		return err != nil
	})
	switch len(hits) {
	case 0:
		return nil, "conflicts.error.body_unknown", nil
	case 1:
		return s.bodyByCode(ctx, hits[0].Key)
	}
	f.Choices = hits
	return nil, "conflicts.error.body_choose", nil
}

// bodyByCode finds a body by its key, SIREN, INSEE code or page address;
// nil without a problem when the text is none of those.
func (s *Server) bodyByCode(ctx context.Context, typed string) (*domain.Body, string, error) {
	code := strings.Join(strings.Fields(typed), "")
	if i := strings.LastIndex(code, "/organismes/"); i >= 0 {
		code = code[i+len("/organismes/"):]
	}
	dir, err := directory.Load()
	if err != nil {
		return nil, "", err
	}
	if c, ok := dir.ByINSEE(strings.ToUpper(code)); ok {
		code = c.Key()
	}
	if !bodyKeyPattern.MatchString(code) {
		return nil, "", nil
	}
	b, err := s.db.FindBodyByKey(ctx, code)
	if domain.IsNotFound(err) {
		return nil, "", nil
	}
	return b, "", err
}
