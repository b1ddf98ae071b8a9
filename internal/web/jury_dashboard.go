package web

// The jury dashboard (issue 6 §5, jury.md §4 and §6), /jury/{year}/tableau:
// one row per file with its aggregates — reviews, abstentions, recusals,
// median and mean level, spread, per-section medians, a histogram and the
// disagreement flag in words —, before or after the discussion, with what
// the discussion changed; then each juror's progress and how their
// proposals compare with their co-reviewers', as feedback. The secretariat
// reminds late jurors from there. Everything shown is asked of domain.Can,
// file by file: a file the reader is recused from is left out of the rows,
// the counts and the statistics alike. The figures are internal/jury's.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// dashboardQuery is the view asked for in the query string: the stage
// (?etape=avant|apres), the order (?tri=median|ecart|desaccord|nom), the
// disagreement filter (?desaccord=1) and the track (?parcours=label).
type dashboardQuery struct {
	Stage    string
	Sort     string
	Disagree bool
	Track    string
}

// The orders of the dashboard's rows, as the query string names them.
var dashboardSorts = []string{"nom", "median", "ecart", "desaccord"}

func parseDashboardQuery(q url.Values, e *domain.Edition, both bool) dashboardQuery {
	d := dashboardQuery{Stage: "avant", Sort: q.Get("tri"), Disagree: q.Get("desaccord") == "1", Track: q.Get("parcours")}
	if both && q.Get("etape") != "avant" {
		d.Stage = "apres" // the proposals that stand are the default once discussion opens
	}
	if !slices.Contains(dashboardSorts, d.Sort) {
		d.Sort = "nom"
	}
	if _, ok := e.Track(d.Track); !ok {
		d.Track = ""
	}
	return d
}

// dashboardPage is /jury/{year}/tableau.
type dashboardPage struct {
	page
	Edition   *domain.Edition
	NotYet    bool // a member the policy shows nothing yet
	ShowFiles bool // the files' aggregates (ActSeeAggregates)
	Both      bool // both stages exist: the toggle and the discussion effect
	Query     dashboardQuery
	Tracks    []domain.Track
	Scales    []dashboardScale
	Rows      []dashboardRow
	Visible   int // files the reader may see, before the filters
	Effect    *dashboardEffect
	Jurors    []dashboardJuror
	AllJurors bool // every juror's statistics (ActSeeStatsAll), else the reader's own
	Late      []dashboardJuror
	CanRemind bool // the secretariat, while reviews are open
}

// dashboardScale explains a track's levels as the mean numbers them:
// "1 = Bronze, 2 = Argent, 3 = Or".
type dashboardScale struct{ Track, Levels string }

func dashboardScales(tracks []domain.Track) []dashboardScale {
	var out []dashboardScale
	for _, t := range tracks {
		names := make([]string, len(t.Levels))
		for i, l := range t.Levels {
			names[i] = fmt.Sprintf("%d = %s", i+1, l.Name)
		}
		if len(names) > 1 {
			out = append(out, dashboardScale{Track: t.Name, Levels: strings.Join(names, ", ")})
		}
	}
	return out
}

// dashboardRow is one file's aggregate, ready to show.
type dashboardRow struct {
	ID                int64
	Body, Kind, Track string
	Agg               jury.FileAggregate
	Recusals          int
	Median, Min, Max  string // level names, "" without a proposal
	Mean, StdDev      string
	Sections          []dashboardSection
	Bars              []dashboardBar
	Width             int // of the histogram
	Reasons           []string
	Discussion        string // the discussion page, when the reader may read the reviews
}

type dashboardSection struct {
	Title, Median string
	Reviews       int
}

// dashboardBar is one level's bar in the histogram (SVG coordinates).
type dashboardBar struct {
	Level   string
	Count   int
	X, Y, H int
}

// dashboardEffect is jury.CompareStages with the files named.
type dashboardEffect struct {
	jury.DiscussionEffect
	Shifts []dashboardShift
}

type dashboardShift struct{ Body, Before, After string }

// dashboardJuror is one juror's progress and comparison.
type dashboardJuror struct {
	ID        int64
	Name      string
	Role      domain.JuryRole
	Cmp       jury.JurorComparison
	Remaining int
	Mean      string // 1 = the lowest level
	Shared    string
	Others    string
	Toughness int // percent
}

// juryDashboard shows the dashboard, or to a member who may see nothing of
// it yet, a page saying when it opens (403).
func (s *Server) juryDashboard(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	p, err := s.buildDashboard(r, j)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if p.NotYet {
		status = http.StatusForbidden
	}
	s.render(w, r, status, "jury_dashboard", p)
}

// dashboardData is what the dashboard reads, once per request.
type dashboardData struct {
	files     []store.DashboardFile
	scores    []jury.ReviewScore
	conflicts jury.ConflictMap
	work      []store.JurorWork
	members   []domain.JuryMember
	sections  map[string]map[string]string // track → section id → title
	order     map[string]map[string]int    // track → section id → position
}

func (s *Server) loadDashboard(r *http.Request, year int, tracks []domain.Track) (*dashboardData, error) {
	ctx, d := r.Context(), &dashboardData{sections: map[string]map[string]string{}, order: map[string]map[string]int{}}
	var err error
	if d.files, err = s.db.DashboardFiles(ctx, year); err != nil {
		return nil, err
	}
	reviews, err := s.db.YearReviews(ctx, year)
	if err != nil {
		return nil, err
	}
	d.scores = store.ReviewScores(reviews)
	if d.conflicts, err = s.db.EffectiveConflicts(ctx, year); err != nil {
		return nil, err
	}
	if d.work, err = s.db.JuryWork(ctx, year); err != nil {
		return nil, err
	}
	if d.members, err = s.db.JuryMembers(ctx, year); err != nil {
		return nil, err
	}
	lang := requestLang(r)
	for _, t := range tracks {
		d.sections[t.Key], d.order[t.Key] = map[string]string{}, map[string]int{}
		q, err := s.db.CurrentQuestionnaire(ctx, year, t.Key)
		if domain.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		var def form.Questionnaire
		if json.Unmarshal(q.Definition, &def) != nil {
			continue // titles are a comfort: the section ids remain
		}
		for i, sec := range def.Sections {
			d.sections[t.Key][sec.ID], d.order[t.Key][sec.ID] = sec.Title.In(lang), i
		}
	}
	return d, nil
}

// buildDashboard assembles the page for j's reader.
func (s *Server) buildDashboard(r *http.Request, j *juryAccess) (*dashboardPage, error) {
	e := j.Edition
	p := &dashboardPage{Edition: e, Tracks: e.Tracks, Scales: dashboardScales(e.Tracks), Both: e.Phase.AtLeast(domain.PhaseDiscussion),
		page: page{TitleText: s.tr.T(requestLang(r), "dashboard.title", "Year", e.Year)}}
	p.Query = parseDashboardQuery(r.URL.Query(), e, p.Both)
	statsAll, statsOwn := j.Can(domain.ActSeeStatsAll), j.Can(domain.ActSeeStatsOwn)
	p.ShowFiles, p.AllJurors = j.Can(domain.ActSeeAggregates), statsAll
	if !p.ShowFiles && !statsAll && !statsOwn {
		p.NotYet = true
		return p, nil
	}
	d, err := s.loadDashboard(r, e.Year, e.Tracks)
	if err != nil {
		return nil, err
	}
	// The per-file facts these actions read are the conflicts: assignment
	// and own proposal matter only to actions not asked here.
	canOn := func(appID int64, a domain.Action) bool {
		v := j.Viewer()
		v.Recused, v.Disclosed = d.conflicts.Recused(j.User.ID, appID), d.conflicts.Disclosed(j.User.ID, appID)
		return domain.Can(v, a, e.Phase)
	}
	stage := jury.PreDiscussion
	if p.Query.Stage == "apres" {
		stage = jury.PostDiscussion
	}
	if p.ShowFiles {
		if err := s.dashboardFiles(r, p, d, stage, canOn); err != nil {
			return nil, err
		}
	}
	statsAction := domain.ActSeeStatsOwn
	if statsAll {
		statsAction = domain.ActSeeStatsAll
	}
	hidden := func(appID int64) bool { return !canOn(appID, statsAction) }
	if err := s.dashboardJurors(r, p, d, j, stage, hidden); err != nil {
		return nil, err
	}
	p.CanRemind = j.Can(domain.ActRemind)
	return p, nil
}

// discussionURL is the address of one file's discussion page.
func discussionURL(year int, appID int64) string {
	return fmt.Sprintf("/jury/%d/dossiers/%d/discussion", year, appID)
}

// dashboardURL is the address of an edition's dashboard.
func dashboardURL(year int) string { return fmt.Sprintf("/jury/%d/tableau", year) }

// juryRemind queues a reminder to each late juror ticked on the dashboard
// (the secretariat's, an admin route): one personalised mail each, saying
// how many files remain, and one audit entry.
func (s *Server) juryRemind(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFormFor(w, r)
	if !ok {
		return
	}
	if !j.Can(domain.ActRemind) {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	var ids []int64
	for _, v := range r.PostForm["jure"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	year := j.Edition.Year
	_, err := s.db.RemindLateJurors(r.Context(), year, ids, actor(r), func(lj store.LateJuror) (*domain.OutboxMail, error) {
		d := s.mailData(lj.Email, juryFilesURL(year))
		// Number carries the count of files left (mail.Data's receipt number
		// field: the template says what it counts).
		d.Year, d.Number, d.Person = year, lj.Remaining, lj.Name
		return s.mail.Render(lj.Email, "jury_reminder", lj.Lang, d)
	})
	if errors.Is(err, store.ErrNobodyLate) {
		p, err := s.buildDashboard(r, j)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Errors = map[string]string{"rappels": "dashboard.remind.error.none"}
		s.render(w, r, http.StatusUnprocessableEntity, "jury_dashboard", p)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, dashboardURL(year)+"#jures", "dashboard.flash.reminded")
}
