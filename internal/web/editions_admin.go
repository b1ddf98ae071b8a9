package web

import (
	"net/http"
	"strconv"

	"tnl/internal/domain"
)

// The organisers' pages for editions: the list, the form that creates or
// edits one (calendar, rules, mentions, tracks and their award scales),
// and the copy that starts next year's edition from this one.

// editionRow is one line of the list of editions.
type editionRow struct {
	*domain.Edition
	Applications map[string]int // by track
	Total        int
}

type adminEditionsPage struct {
	page
	Editions []editionRow
}

func (s *Server) adminEditions(w http.ResponseWriter, r *http.Request) {
	editions, err := s.db.Editions(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &adminEditionsPage{page: page{Title: "editions.list.title"}}
	for _, e := range editions {
		counts, err := s.db.ApplicationCounts(r.Context(), e.Year)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		row := editionRow{Edition: e, Applications: counts}
		for _, n := range counts {
			row.Total += n
		}
		p.Editions = append(p.Editions, row)
	}
	s.render(w, r, http.StatusOK, "admin_editions", p)
}

// adminEditionPage is the form of one edition, new or stored, with (for a
// stored one) its questionnaires and the copy to another year.
type adminEditionPage struct {
	page
	New     bool
	Year    int
	Form    editionForm
	Stored  *domain.Edition
	Counts  map[string]int                   // applications by track
	Current map[string]*domain.Questionnaire // each track's current version, when there is one
	CopyTo  string
}

// adminEditionNew offers an empty edition, the year after the latest one.
func (s *Server) adminEditionNew(w http.ResponseWriter, r *http.Request) {
	p := &adminEditionPage{page: page{Title: "editions.new.title"}, New: true, Form: newEditionForm()}
	latest, err := s.db.LatestEdition(r.Context())
	switch {
	case err == nil:
		p.Form.Year = strconv.Itoa(latest.Year + 1)
	case !domain.IsNotFound(err):
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_edition", p)
}

// adminEditionCreate records a new edition; a year already used is
// refused beside the year field.
func (s *Server) adminEditionCreate(w http.ResponseWriter, r *http.Request) {
	if !parseLargeForm(w, r, maxEditionFormBytes) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	p := &adminEditionPage{page: page{Title: "editions.new.title"}, New: true, Form: readEditionForm(r, nil)}
	p.Errors = p.Form.Validate(true)
	if len(p.Errors) == 0 {
		err := s.db.CreateEdition(r.Context(), p.Form.edition, actor(r))
		switch {
		case domain.IsConflict(err):
			p.Errors["year"] = "editions.error.year_taken"
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			s.redirect(w, r, "/admin/editions/"+strconv.Itoa(p.Form.edition.Year), "editions.flash.created")
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, "admin_edition", p)
}

// editionAt loads the edition named by the URL's {year}; an unknown or
// malformed year is a 404.
func (s *Server) editionAt(w http.ResponseWriter, r *http.Request) (*domain.Edition, bool) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < minEditionYear || year > maxEditionYear {
		s.notFound(w, r)
		return nil, false
	}
	e, err := s.db.FindEdition(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return e, true
}

// editionPage fills the parts of an edition's page that come from the
// database: counts of applications and each track's questionnaire.
func (s *Server) editionPage(r *http.Request, e *domain.Edition) (*adminEditionPage, error) {
	p := &adminEditionPage{page: page{Title: "editions.edit.title"}, Year: e.Year, Stored: e,
		Form: editionFormOf(e), CopyTo: strconv.Itoa(e.Year + 1), Current: map[string]*domain.Questionnaire{}}
	var err error
	if p.Counts, err = s.db.ApplicationCounts(r.Context(), e.Year); err != nil {
		return nil, err
	}
	for _, t := range e.Tracks {
		q, err := s.db.CurrentQuestionnaire(r.Context(), e.Year, t.Key)
		if err != nil && !domain.IsNotFound(err) {
			return nil, err
		}
		p.Current[t.Key] = q
	}
	return p, nil
}

// PageTitle names the edition being edited.
func (p *adminEditionPage) PageTitle() string {
	if p.New {
		return p.T("editions.new.title")
	}
	return p.T("editions.edit.title", "Year", p.Year)
}

func (s *Server) adminEditionEdit(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editionAt(w, r)
	if !ok {
		return
	}
	p, err := s.editionPage(r, e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_edition", p)
}

// adminEditionUpdate saves the edition's form; removing a track that has
// applications is refused with the form kept.
func (s *Server) adminEditionUpdate(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editionAt(w, r)
	if !ok {
		return
	}
	if !parseLargeForm(w, r, maxEditionFormBytes) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	p, err := s.editionPage(r, e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Form = readEditionForm(r, e)
	p.Form.Year = strconv.Itoa(e.Year)
	p.Errors = p.Form.Validate(false)
	if len(p.Errors) == 0 {
		err := s.db.UpdateEdition(r.Context(), p.Form.edition, actor(r))
		switch {
		case domain.IsConflict(err):
			p.Errors["form"] = "editions.error.track_in_use"
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			s.redirect(w, r, "/admin/editions/"+strconv.Itoa(e.Year), "editions.flash.saved")
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, "admin_edition", p)
}

// adminEditionCopy starts another year's edition from this one, with its
// questionnaires, then opens it for checking.
func (s *Server) adminEditionCopy(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editionAt(w, r)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	to, err := strconv.Atoi(field(r, "to"))
	problem := ""
	switch {
	case err != nil || to < minEditionYear || to > maxEditionYear:
		problem = "editions.error.year"
	default:
		_, err = s.db.CopyEdition(r.Context(), e.Year, to, actor(r))
		switch {
		case domain.IsConflict(err):
			problem = "editions.error.year_taken"
		case err != nil:
			s.fail(w, r, err)
			return
		}
	}
	if problem == "" {
		s.redirect(w, r, "/admin/editions/"+strconv.Itoa(to), "editions.flash.copied")
		return
	}
	p, err := s.editionPage(r, e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.CopyTo, p.Errors = field(r, "to"), map[string]string{"to": problem}
	s.render(w, r, http.StatusUnprocessableEntity, "admin_edition", p)
}

// maxEditionFormBytes bounds the edition's form, whose rules text may be
// a few pages long.
const maxEditionFormBytes = 256 << 10

// parseLargeForm reads a posted form of up to limit bytes.
func parseLargeForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return r.ParseForm() == nil
}
