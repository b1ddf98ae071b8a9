package web

import (
	"net/http"
	"regexp"
	"strconv"

	"tnl/internal/domain"
	"tnl/internal/mail"
)

type homePage struct {
	page
	Edition *domain.Edition
	Open    bool
	Closed  bool
	News    []*domain.News
	Events  []*domain.Event
	Year    int
	Awards  []domain.Award
}

// home shows the call to apply computed from the latest edition's calendar,
// the news, the next events and the latest palmarès.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := &homePage{}
	var err error
	if p.Edition, err = s.db.LatestEdition(ctx); err != nil && !domain.IsNotFound(err) {
		s.fail(w, r, err)
		return
	}
	if p.Edition != nil {
		now := s.now()
		p.Open = p.Edition.OpenAt(now)
		p.Closed = p.Edition.ClosesAt != nil && !now.Before(*p.Edition.ClosesAt)
	}
	if p.News, err = s.db.LatestNews(ctx, 3); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Events, err = s.db.UpcomingEvents(ctx, 3); err != nil {
		s.fail(w, r, err)
		return
	}
	years, err := s.db.AwardYears(ctx)
	if err == nil && len(years) > 0 {
		p.Year = years[0]
		p.Awards, err = s.db.PublishedAwards(ctx, p.Year)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", p)
}

type newsPage struct {
	page
	News *domain.News
}

// slugPattern is the shape of every slug we generate; anything else cannot
// exist and is answered 404 without asking the database.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (s *Server) newsShow(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if !slugPattern.MatchString(slug) {
		s.notFound(w, r)
		return
	}
	n, err := s.db.FindNews(r.Context(), slug)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "news", &newsPage{page: page{TitleText: n.Title}, News: n})
}

type palmaresPage struct {
	page
	Years  []int
	Year   int
	Awards []domain.Award
}

func (s *Server) palmaresIndex(w http.ResponseWriter, r *http.Request) {
	years, err := s.db.AwardYears(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "palmares", &palmaresPage{page: page{Title: "palmares.title"}, Years: years})
}

func (s *Server) palmaresShow(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.notFound(w, r)
		return
	}
	years, err := s.db.AwardYears(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	awards, err := s.db.PublishedAwards(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(awards) == 0 {
		s.notFound(w, r)
		return
	}
	s.render(w, r, http.StatusOK, "palmares", &palmaresPage{page: page{Title: "palmares.title"}, Years: years, Year: year, Awards: awards})
}

// staticPage serves a page whose text lives in the templates.
func (s *Server) staticPage(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusOK, name, &page{Title: name + ".title"})
	}
}

// languageUpdate remembers the visitor's language and goes back to the page
// they were reading.
func (s *Server) languageUpdate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	lang := r.PostFormValue("lang")
	if lang != "fr" && lang != "en" {
		lang = "fr"
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.cfg.HTTPS(), SameSite: http.SameSiteLaxMode,
	})
	if u := currentUser(r); u != nil {
		if err := s.db.SetUserLang(r.Context(), u.ID, lang); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	to := localPath(r.PostFormValue("suite"))
	if to == "" {
		to = "/"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	b, ok := s.assets.byPath[r.PathValue("file")]
	if !ok {
		s.notFound(w, r)
		return
	}
	s.assets.write(w, r.PathValue("file"), b)
}

// healthz answers 200 once the database answers, for load balancers and
// the service manager.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.db.Ping(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// mailData is what every email template receives.
func (s *Server) mailData(email, path string) mail.Data {
	return mail.Data{SiteURL: s.cfg.BaseURL, Link: s.cfg.BaseURL + path, Email: email}
}

// AwardLabel names an award for people: "Niveau 4", "Or", "Badge".
func (p page) AwardLabel(a string) string {
	if a == "" {
		return p.T("award.unknown")
	}
	return p.T("award." + a)
}
