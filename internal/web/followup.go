package web

// The secretariat's follow-up of applications: the dashboard of an
// edition's applications with filters, counts and completeness.
// followup_messages.go holds the view of one application with its
// messages and the request for correction; followup_reminders.go the
// reminders and the mails all three send.

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tnl/internal/directory"
	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/store"
)

// dashboardPageSize is how many applications a page of the dashboard shows.
const dashboardPageSize = 50

// populationBand is one size class of the dashboard's filter. Its key is
// "min-max" (inclusive) or "min-", the format the exports read too, so
// that the export links can carry the dashboard's query string as it is.
// Unknown populations (0, as for many syndicats) fall in no band.
type populationBand struct {
	Key, Label string
	Min, Max   int // Max excluded; 0: no upper bound
}

var dashboardBands = []populationBand{
	{"1-3499", "followup.band.small", 1, 3500},
	{"3500-19999", "followup.band.medium", 3500, 20000},
	{"20000-99999", "followup.band.large", 20000, 100000},
	{"100000-", "followup.band.city", 100000, 0},
}

// dashboardKinds lists every kind of body that may apply, in the order of the
// filter: the directory's kinds, then the kinds applicants request.
var dashboardKinds = append([]string{
	string(directory.KindCommune), string(directory.KindCC), string(directory.KindCA), string(directory.KindCU),
	string(directory.KindMetropole), string(directory.KindDepartement), string(directory.KindRegion),
	string(directory.KindCSP), string(directory.KindCOM),
}, domain.OtherBodyKinds...)

// applicationQuery is the dashboard's filter form (a GET form, so that a
// filtered list can be bookmarked and exported). Values that are not among
// the choices offered are ignored rather than refused.
type applicationQuery struct {
	Year        int    // annee; 0: the latest edition
	Track       string // parcours
	Status      string // statut: draft, submitted
	Kind        string // nature
	Departement string // departement
	Band        string // population: a populationBand key
	Page        int    // page, from 1
}

func parseApplicationQuery(v url.Values) applicationQuery {
	q := applicationQuery{Track: v.Get("parcours"), Kind: v.Get("nature"), Band: v.Get("population"), Page: 1}
	q.Year, _ = strconv.Atoi(v.Get("annee"))
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 {
		q.Page = n
	}
	if s := v.Get("statut"); s == string(domain.ApplicationDraft) || s == string(domain.ApplicationSubmitted) {
		q.Status = s
	}
	if !domain.TrackKeyValid(q.Track) {
		q.Track = ""
	}
	if !slices.Contains(dashboardKinds, q.Kind) {
		q.Kind = ""
	}
	if d := strings.ToUpper(strings.TrimSpace(v.Get("departement"))); len(d) <= 3 {
		q.Departement = d
	}
	if _, ok := q.band(); !ok {
		q.Band = ""
	}
	return q
}

func (q applicationQuery) band() (populationBand, bool) {
	for _, b := range dashboardBands {
		if b.Key == q.Band {
			return b, true
		}
	}
	return populationBand{}, false
}

// filter is the store's filter for one page of the list.
func (q applicationQuery) filter() store.ApplicationFilter {
	f := store.ApplicationFilter{Year: q.Year, Track: q.Track, Status: domain.ApplicationStatus(q.Status),
		Kind: q.Kind, Departement: q.Departement,
		Limit: dashboardPageSize, Offset: (q.Page - 1) * dashboardPageSize}
	if b, ok := q.band(); ok {
		f.MinPopulation, f.MaxPopulation = b.Min, b.Max
	}
	return f
}

// values is the query string of the filter, without the page.
func (q applicationQuery) values() url.Values {
	v := url.Values{"annee": {strconv.Itoa(q.Year)}}
	for name, value := range map[string]string{"parcours": q.Track, "statut": q.Status, "nature": q.Kind,
		"departement": q.Departement, "population": q.Band} {
		if value != "" {
			v.Set(name, value)
		}
	}
	return v
}

// dashCount is one figure of the dashboard's summary.
type dashCount struct {
	Label string // message id
	N     int
}

// applicationRow is one line of the dashboard.
type applicationRow struct {
	App      *domain.Application
	Track    string // the track's name
	Status   string // message id
	Percent  int    // share of the shown questions answered
	Missing  int    // required questions shown and unanswered
	Answered int
	Visible  int
}

// exportLink offers the exports of one track with the dashboard's filter
// (whole addresses: html/template would escape a query string inserted
// after the "?").
type exportLink struct {
	Track          string
	CSV, XLSX, ODS string
}

type adminApplicationsPage struct {
	page
	Query    applicationQuery
	Edition  *domain.Edition
	Years    []int
	Kinds    []string
	Bands    []populationBand
	Total    int
	ByStatus []dashCount
	ByKind   []dashCount
	Rows     []applicationRow
	Pages    int
	Prev     string // address of the previous page, "" on the first
	Next     string
	Exports  []exportLink
}

// adminApplications is the dashboard: an edition's applications, filtered,
// with counts by status and kind and each one's completeness.
func (s *Server) adminApplications(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := parseApplicationQuery(r.URL.Query())
	p := &adminApplicationsPage{page: page{Title: "followup.dashboard.title"}, Query: q, Kinds: dashboardKinds, Bands: dashboardBands}
	editions, err := s.db.Editions(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, e := range editions {
		p.Years = append(p.Years, e.Year)
	}
	if len(editions) == 0 {
		s.render(w, r, http.StatusOK, "admin_applications", p)
		return
	}
	if q.Year == 0 || !slices.Contains(p.Years, q.Year) {
		q.Year = editions[0].Year
	}
	if p.Edition, err = s.db.FindEdition(ctx, q.Year); err == nil {
		if _, ok := p.Edition.Track(q.Track); !ok {
			q.Track = ""
		}
		p.Query = q
		err = s.fillDashboard(r, p)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_applications", p)
}

// fillDashboard counts and lists the applications of the page's query.
func (s *Server) fillDashboard(r *http.Request, p *adminApplicationsPage) error {
	ctx := r.Context()
	q := p.Query
	f := q.filter()
	f.Limit, f.Offset = 0, 0
	var err error
	if p.Total, err = s.db.CountApplications(ctx, f); err != nil {
		return err
	}
	if p.ByStatus, err = s.statusCounts(ctx, f); err != nil {
		return err
	}
	if p.ByKind, err = s.kindCounts(ctx, f); err != nil {
		return err
	}
	p.Pages = max(1, (p.Total+dashboardPageSize-1)/dashboardPageSize)
	q.Page = min(q.Page, p.Pages)
	p.Query = q
	apps, err := s.db.ListApplications(ctx, q.filter())
	if err != nil {
		return err
	}
	if p.Rows, err = s.applicationRows(r, apps, p.Edition); err != nil {
		return err
	}
	p.Prev, p.Next = dashboardPageLinks(q, p.Pages)
	for _, t := range p.Edition.Tracks {
		if q.Track == "" || q.Track == t.Key {
			v := q.values()
			v.Set("parcours", t.Key)
			at := func(ext string) string { return "/admin/candidatures/export." + ext + "?" + v.Encode() }
			p.Exports = append(p.Exports, exportLink{Track: t.Name, CSV: at("csv"), XLSX: at("xlsx"), ODS: at("ods")})
		}
	}
	return nil
}

// statusCounts counts the applications of f by status, whatever f's own
// status, so that the figures show how the other filters split.
func (s *Server) statusCounts(ctx context.Context, f store.ApplicationFilter) ([]dashCount, error) {
	f.Status = ""
	counts, err := s.db.CountApplicationsBy(ctx, f, store.ByStatus)
	if err != nil {
		return nil, err
	}
	var out []dashCount
	for _, st := range []domain.ApplicationStatus{domain.ApplicationDraft, domain.ApplicationSubmitted} {
		out = append(out, dashCount{Label: "followup.status." + string(st), N: counts[string(st)]})
	}
	return out, nil
}

// kindCounts counts the applications of f by kind of body, whatever f's
// own kind, leaving out the kinds with none.
func (s *Server) kindCounts(ctx context.Context, f store.ApplicationFilter) ([]dashCount, error) {
	f.Kind = ""
	counts, err := s.db.CountApplicationsBy(ctx, f, store.ByKind)
	if err != nil {
		return nil, err
	}
	var out []dashCount
	for _, k := range dashboardKinds {
		if n := counts[k]; n > 0 {
			out = append(out, dashCount{Label: "kind." + k, N: n})
		}
	}
	return out, nil
}

// applicationRows computes each application's completeness from its
// answers; definitions are decoded once per version.
func (s *Server) applicationRows(r *http.Request, apps []*domain.Application, e *domain.Edition) ([]applicationRow, error) {
	defs := map[int64]*form.Questionnaire{}
	rows := make([]applicationRow, len(apps))
	for i, app := range apps {
		def, ok := defs[app.QuestionnaireID]
		if !ok {
			var err error
			if def, err = s.applicationDefinition(r, app); err != nil {
				return nil, err
			}
			defs[app.QuestionnaireID] = def
		}
		values, err := s.followupValues(r.Context(), app.ID)
		if err != nil {
			return nil, err
		}
		progress := form.Progress(def, values)
		row := applicationRow{App: app, Track: app.Track, Status: followupStatus(app), Percent: form.Percent(progress)}
		if t, ok := e.Track(app.Track); ok {
			row.Track = t.Name
		}
		for _, sp := range progress {
			row.Answered += sp.Answered
			row.Visible += sp.Visible
			row.Missing += sp.RequiredMissing
		}
		rows[i] = row
	}
	return rows, nil
}

func (s *Server) followupValues(ctx context.Context, appID int64) (form.Answers, error) {
	answers, err := s.db.Answers(ctx, appID)
	if err != nil {
		return nil, err
	}
	values := make(form.Answers, len(answers))
	for q, a := range answers {
		values[q] = a.Value
	}
	return values, nil
}

// followupStatus names where an application stands: a draft that was submitted
// before is one reopened for correction.
func followupStatus(app *domain.Application) string {
	switch {
	case app.Status == domain.ApplicationSubmitted:
		return "followup.status.submitted"
	case app.Submissions > 0:
		return "followup.status.reopened"
	}
	return "followup.status.draft"
}

func dashboardPageLinks(q applicationQuery, pages int) (prev, next string) {
	at := func(n int) string {
		v := q.values()
		v.Set("page", strconv.Itoa(n))
		return "/admin/candidatures?" + v.Encode()
	}
	if q.Page > 1 {
		prev = at(q.Page - 1)
	}
	if q.Page < pages {
		next = at(q.Page + 1)
	}
	return prev, next
}
