package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// applicationsPage is "Mes candidatures": for each body the person acts
// for, the latest edition's tracks with the application or a form to start
// it, and the body's applications of earlier editions.
type applicationsPage struct {
	page
	Edition *domain.Edition // the latest edition; nil when none is set up
	Phase   string          // "none", "unset", "soon", "open" or "closed"
	Bodies  []bodyApplications
	Already *domain.Application // a start refused because the application exists
}

// Open reports whether applications may be started now.
func (p *applicationsPage) Open() bool { return p.Phase == "open" }

// TrackName names a track by its key as the latest edition does; an
// older track that edition dropped keeps its key.
func (p *applicationsPage) TrackName(key string) string {
	if p.Edition != nil {
		if t, ok := p.Edition.Track(key); ok {
			return t.Name
		}
	}
	return key
}

// bodyApplications is one body's block of the list.
type bodyApplications struct {
	Body   *domain.Body
	Tracks []trackApplication
	Past   []*domain.Application // earlier editions, read-only
}

// trackApplication is one track of the latest edition for one body: the
// application when it exists, else the applications it could start from.
type trackApplication struct {
	Track   domain.Track
	App     *domain.Application
	Percent int
	Sources []*domain.Application // earlier applications to copy answers from
	Checked int64                 // the source checked by default; 0: start empty
}

// startForm is the "Commencer" form of one body and track.
type startForm struct {
	Body    string // the body's key
	Track   string
	From    string          // an earlier application's id to copy answers from, or ""
	edition *domain.Edition // the edition started in, whose tracks are offered
}

// Validate checks the track and the source's id; the body and the source
// application themselves are checked against the database by the handler.
func (f *startForm) Validate() map[string]string {
	errs := map[string]string{}
	if _, ok := f.edition.Track(f.Track); !ok {
		errs["form"] = "error.apps.track_invalid"
	}
	if f.From != "" && f.fromID() <= 0 {
		errs["form"] = "error.apps.source_invalid"
	}
	return errs
}

// fromID is the source application's id, or 0 to start empty.
func (f *startForm) fromID() int64 {
	id, _ := strconv.ParseInt(f.From, 10, 64)
	return id
}

// applicationsIndex lists the signed-in person's applications.
func (s *Server) applicationsIndex(w http.ResponseWriter, r *http.Request) {
	s.renderApplications(w, r, http.StatusOK, &applicationsPage{})
}

// renderApplications fills the list for the signed-in person around what
// p already holds (errors, a refused start) and renders it.
func (s *Server) renderApplications(w http.ResponseWriter, r *http.Request, status int, p *applicationsPage) {
	ctx := r.Context()
	p.Title = "apps.title"
	e, err := s.db.LatestEdition(ctx)
	switch {
	case err == nil:
		p.Edition = e
	case !domain.IsNotFound(err):
		s.fail(w, r, err)
		return
	}
	p.Phase = editionPhase(e, s.now())
	if p.Bodies, err = s.myBodyApplications(r, e); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "my_applications", p)
}

// editionPhase says where the edition's calendar stands at now, for the
// sentence that explains whether an application can be started.
func editionPhase(e *domain.Edition, now time.Time) string {
	switch {
	case e == nil:
		return "none"
	case e.OpensAt == nil || e.ClosesAt == nil:
		return "unset"
	case now.Before(*e.OpensAt):
		return "soon"
	case e.ClosedAt(now):
		return "closed"
	}
	return "open"
}

// myBodyApplications builds one block per body the person is an approved
// member of, in the order of their memberships.
func (s *Server) myBodyApplications(r *http.Request, e *domain.Edition) ([]bodyApplications, error) {
	ctx := r.Context()
	members, err := s.db.MembershipsOf(ctx, currentUser(r).ID)
	if err != nil {
		return nil, err
	}
	var out []bodyApplications
	for _, m := range members {
		if m.Status != domain.MemberApproved {
			continue
		}
		b, err := s.db.FindBodyByID(ctx, m.BodyID)
		if err != nil {
			return nil, err
		}
		apps, err := s.db.BodyApplications(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		block, err := s.bodyBlock(r, b, e, apps)
		if err != nil {
			return nil, err
		}
		out = append(out, block)
	}
	return out, nil
}

// bodyBlock sorts a body's applications into the latest edition's tracks
// and the past ones.
func (s *Server) bodyBlock(r *http.Request, b *domain.Body, e *domain.Edition, apps []*domain.Application) (bodyApplications, error) {
	block := bodyApplications{Body: b}
	year := 0
	if e != nil {
		year = e.Year
		for _, t := range e.Tracks {
			row := trackApplication{Track: t}
			for _, a := range apps {
				if a.Year == year && a.Track == t.Key {
					row.App = a
				}
			}
			if row.App != nil {
				pct, err := s.applicationPercent(r, row.App)
				if err != nil {
					return block, err
				}
				row.Percent = pct
			} else {
				row.Sources, row.Checked = carrySources(apps, year, t.Key)
			}
			block.Tracks = append(block.Tracks, row)
		}
	}
	for _, a := range apps {
		if a.Year != year {
			block.Past = append(block.Past, a)
		}
	}
	return block, nil
}

// carrySources lists the applications a new one of year and track may
// start from: the body's earlier ones, the same track first, then the most
// recent. The latest of the same track is offered by default, since
// continuing last year's file is the usual case.
func carrySources(apps []*domain.Application, year int, track string) ([]*domain.Application, int64) {
	var out []*domain.Application
	for _, a := range apps {
		if a.Year < year {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y *domain.Application) int {
		if (x.Track == track) != (y.Track == track) {
			if x.Track == track {
				return -1
			}
			return 1
		}
		return y.Year - x.Year
	})
	if len(out) > 4 {
		out = out[:4]
	}
	if len(out) > 0 && out[0].Track == track {
		return out, out[0].ID
	}
	return out, 0
}

// applicationPercent is the share of an application's shown questions
// that are answered.
func (s *Server) applicationPercent(r *http.Request, app *domain.Application) (int, error) {
	def, err := s.applicationDefinition(r, app)
	if err != nil {
		return 0, err
	}
	values, err := s.currentValues(r, app.ID)
	if err != nil {
		return 0, err
	}
	return form.Percent(form.Progress(def, values)), nil
}

// currentValues reads an application's current answers as values.
func (s *Server) currentValues(r *http.Request, id int64) (form.Answers, error) {
	answers, err := s.db.Answers(r.Context(), id)
	if err != nil {
		return nil, err
	}
	values := make(form.Answers, len(answers))
	for q, a := range answers {
		values[q] = a.Value
	}
	return values, nil
}

// applicationCreate starts a body's application in the latest edition,
// optionally copying the answers of one of its earlier applications that
// still fit this year's questionnaire.
func (s *Server) applicationCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := startForm{Body: field(r, "organisme"), Track: field(r, "parcours"), From: field(r, "reprendre")}
	body, ok := s.memberBody(w, r, f.Body)
	if !ok {
		return
	}
	e, err := s.db.LatestEdition(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.edition = e
	if errs := f.Validate(); len(errs) > 0 {
		s.renderApplications(w, r, http.StatusUnprocessableEntity, &applicationsPage{page: page{Errors: errs}})
		return
	}
	source, ok := s.carrySource(w, r, f.fromID(), body, e.Year)
	if !ok {
		return
	}
	if existing, err := s.db.BodyApplication(ctx, e.Year, f.Track, body.ID); err == nil {
		s.renderApplications(w, r, http.StatusConflict, &applicationsPage{Already: existing})
		return
	}
	app, err := s.db.CreateApplication(ctx, e.Year, f.Track, body.ID, actor(r))
	if err != nil {
		s.startFailed(w, r, err, e.Year, f.Track, body.ID)
		return
	}
	s.startCreated(w, r, app, source)
}

// startCreated copies the source's answers into a new application, then
// sends the person to its overview, which says how many were copied.
func (s *Server) startCreated(w http.ResponseWriter, r *http.Request, app *domain.Application, source *domain.Application) {
	if source == nil {
		s.redirect(w, r, overviewPath(app), "flash.apps.created")
		return
	}
	n, err := s.carryAnswers(r, source, app)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), carriedKey, carriedNote{Count: n, Year: source.Year}.String())
	s.redirect(w, r, overviewPath(app), "")
}

// startFailed explains a refused start: the edition closed meanwhile, or
// a colleague started the same application a moment before.
func (s *Server) startFailed(w http.ResponseWriter, r *http.Request, err error, year int, track string, bodyID int64) {
	switch domain.ErrorCode(err) {
	case domain.ECLOSED:
		s.renderApplications(w, r, http.StatusForbidden, &applicationsPage{page: page{Errors: map[string]string{"form": "error.apps.closed"}}})
	case domain.ECONFLICT:
		existing, ferr := s.db.BodyApplication(r.Context(), year, track, bodyID)
		if ferr != nil {
			s.fail(w, r, err)
			return
		}
		s.renderApplications(w, r, http.StatusConflict, &applicationsPage{Already: existing})
	default:
		s.fail(w, r, err)
	}
}

// memberBody loads the body a start names; whoever is not its approved
// member gets 404, exactly as for an unknown body.
func (s *Server) memberBody(w http.ResponseWriter, r *http.Request, key string) (*domain.Body, bool) {
	b, err := s.db.FindBodyByKey(r.Context(), key)
	if err == nil {
		var m *domain.Member
		m, err = s.db.Membership(r.Context(), b.ID, currentUser(r).ID)
		if err == nil && m.Status != domain.MemberApproved {
			err = domain.Errorf(domain.ENOTFOUND, "Organisme introuvable.")
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return b, true
}

func overviewPath(app *domain.Application) string {
	return "/candidatures/" + strconv.FormatInt(app.ID, 10)
}
