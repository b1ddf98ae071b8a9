package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"tnl/internal/directory"
	"tnl/internal/domain"
)

// The public side of the directory: the search page, a page per body and
// the credits of the data behind them. The JSON API is in api.go, the
// request of a body outside the directory in bodies_request.go, the
// administration in bodies_admin.go.

// maxQueryLength bounds a search: no body's name comes near it, and a
// longer query is a mistake or a probe.
const maxQueryLength = 100

// bodySearchLimit and otherSearchLimit bound the answers of one search:
// the directory's ranking puts the body sought in the first few.
const (
	bodySearchLimit  = 20
	otherSearchLimit = 10
)

// bodyHit is one body found by a search, as the page and the API show it.
type bodyHit struct {
	Key         string
	Name        string
	Label       string // the name with the département, to tell homonyms apart
	Kind        string
	INSEE       string
	SIREN       string
	Departement string
	Population  int
}

func hitOfDirectory(b *directory.Body) bodyHit {
	return bodyHit{Key: b.Key(), Name: b.Name, Label: b.Label(), Kind: string(b.Kind), INSEE: b.INSEE, SIREN: b.SIREN,
		Departement: b.Departement, Population: b.Population}
}

func hitOfBody(b *domain.Body) bodyHit {
	label := b.Name
	if b.Departement != "" {
		label += " (" + b.Departement + ")"
	}
	return bodyHit{Key: b.Key, Name: b.Name, Label: label, Kind: b.Kind, INSEE: b.INSEE, SIREN: b.SIREN,
		Departement: b.Departement, Population: b.Population}
}

// searchBodies finds bodies of the directory (in memory, ranked by the
// directory's own rules) then approved bodies outside it (one query, by
// name, or by SIREN when the query is one).
func (s *Server) searchBodies(ctx context.Context, q string) ([]bodyHit, error) {
	dir, err := directory.Load()
	if err != nil {
		return nil, err
	}
	found := dir.Search(q, bodySearchLimit)
	hits := make([]bodyHit, 0, len(found)+otherSearchLimit)
	for _, r := range found {
		hits = append(hits, hitOfDirectory(r.Body))
	}
	others, err := s.db.SearchOtherBodies(ctx, directory.Normalize(q), otherSearchLimit)
	if err != nil {
		return nil, err
	}
	if siren, err := directory.ParseSIREN(q); err == nil && len(hits) == 0 {
		if b, err := s.db.FindBodyByKey(ctx, siren); err == nil {
			others = append(others, b)
		} else if !domain.IsNotFound(err) {
			return nil, err
		}
	}
	for _, b := range others {
		if b.Status == domain.BodyApproved {
			hits = append(hits, hitOfBody(b))
		}
	}
	return hits, nil
}

type bodySearchPage struct {
	page
	Query   string
	Results []bodyHit
}

// bodySearch is the search page: a plain form that works without
// JavaScript, which combobox.js turns into a combobox when it can.
func (s *Server) bodySearch(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := &bodySearchPage{page: page{Title: "bodies.search.title", Scripts: []string{"combobox.js"}}, Query: q}
	if utf8.RuneCountInString(q) > maxQueryLength {
		p.Errors = map[string]string{"q": "bodies.search.too_long"}
		s.render(w, r, http.StatusUnprocessableEntity, "body_search", p)
		return
	}
	if q != "" {
		var err error
		if p.Results, err = s.searchBodies(r.Context(), q); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "body_search", p)
}

type bodyPage struct {
	page
	Body       *domain.Body
	DepName    string
	RegionName string
	EPCI       *directory.Body // a commune's intercommunalité
	Communes   []*domain.Body  // an EPCI's member communes
	Members    []*domain.Body  // the member bodies of a body outside the directory
	Awards     []domain.Award  // published labels, newest first
	CanClaim   bool            // a signed-in applicant may ask to act for it
	Official   bool            // from the official directory
}

// bodyKeyPattern is the shape of every body key (SIREN, "departement-2A",
// "o-12", "h-3"); anything else is answered 404 without a query.
var bodyKeyPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)

// bodyShow is a body's public page. Bodies requested but not (or not yet)
// approved exist only for admins.
func (s *Server) bodyShow(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if !bodyKeyPattern.MatchString(key) {
		s.notFound(w, r)
		return
	}
	b, err := s.db.FindBodyByKey(r.Context(), key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	isAdmin := u != nil && u.Role == domain.RoleAdmin
	if (b.Status == domain.BodyRequested || b.Status == domain.BodyRefused) && !isAdmin {
		s.notFound(w, r)
		return
	}
	p, err := s.bodyPageOf(r.Context(), b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.CanClaim = u != nil && u.Role == domain.RoleApplicant && (b.Status == domain.BodyOfficial || b.Status == domain.BodyApproved)
	s.render(w, r, http.StatusOK, "body_show", p)
}

// bodyPageOf gathers what a body's page shows: names of its département and
// région from the directory, its EPCI or its members, and its labels.
func (s *Server) bodyPageOf(ctx context.Context, b *domain.Body) (*bodyPage, error) {
	dir, err := directory.Load()
	if err != nil {
		return nil, err
	}
	p := &bodyPage{page: page{TitleText: b.Name}, Body: b, Official: b.Status == domain.BodyOfficial}
	name, region := departementPlace(dir, b.Departement)
	p.DepName = name
	if region == "" { // a région, or a body without a known département
		region = b.Region
	}
	if reg, ok := dir.Region(region); ok {
		p.RegionName = reg.Name
	}
	switch {
	case b.Kind == string(directory.KindCommune) && b.EPCI != "":
		p.EPCI, _ = dir.BySIREN(b.EPCI)
	case isEPCIKind(b.Kind):
		p.Communes, err = s.db.CommunesOfEPCI(ctx, b.SIREN)
	case !p.Official:
		p.Members, err = s.db.LinkedMembers(ctx, b.ID)
	}
	if err == nil {
		p.Awards, err = s.db.BodyAwards(ctx, b.ID)
	}
	return p, err
}

// isEPCIKind reports whether a directory kind has member communes.
func isEPCIKind(kind string) bool {
	switch directory.Kind(kind) {
	case directory.KindCC, directory.KindCA, directory.KindCU, directory.KindMetropole, directory.KindCSP:
		return true
	}
	return false
}

// credits names the sources of the data the site shows, as their licences
// ask.
func (s *Server) credits(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "credits", &page{Title: "credits.title"})
}

// GroupDigits writes a whole number with the thousands separated the way
// the page's language does: "36 343" (no-break space) or "36,343".
func (p page) GroupDigits(n int) string {
	sep := "\u00a0"
	if p.Lang == "en" {
		sep = ","
	}
	return groupDigits(n, sep)
}

func groupDigits(n int, sep string) string {
	if n < 0 {
		return "-" + groupDigits(-n, sep)
	}
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}
