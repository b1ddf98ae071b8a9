package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"tnl/internal/domain"
)

//go:embed templates
var templateFiles embed.FS

// page is what every template receives: the request's language, the signed-in
// user, and helpers. Each page's data struct embeds it.
type page struct {
	Lang      string
	User      *domain.User
	Title     string // message id of the page title
	TitleText string // or the title itself, for pages named by their content
	Path      string // current path, to come back after switching language
	Flash     string // message id of a one-time notice
	RequestID string
	Errors    map[string]string // field name → message id
	Scripts   []string          // static scripts the page enhances itself with, loaded deferred
	tr        *translator
}

// PageTitle is the text of the page's title.
func (p page) PageTitle() string {
	if p.TitleText != "" {
		return p.TitleText
	}
	if p.Title == "" {
		return ""
	}
	return p.T(p.Title)
}

// T translates a message id in the page's language; args are name/value pairs.
func (p page) T(id string, args ...any) string { return p.tr.T(p.Lang, id, args...) }

// Date and DateTime format times (or pointers to times, as optional
// calendar dates are) in Paris time and the page's language.
func (p page) Date(t any) string     { return timeText(t, p.Lang, p.tr.formatDate) }
func (p page) DateTime(t any) string { return timeText(t, p.Lang, p.tr.formatDateTime) }

func timeText(v any, lang string, format func(string, time.Time) string) string {
	switch t := v.(type) {
	case time.Time:
		return format(lang, t)
	case *time.Time:
		if t != nil {
			return format(lang, *t)
		}
	}
	return ""
}

// Error returns the translated error of a form field, or "".
func (p page) Error(field string) string {
	if id, ok := p.Errors[field]; ok {
		return p.T(id)
	}
	return ""
}

// IsAdmin and IsJury drive the navigation by role.
func (p page) IsAdmin() bool { return p.User != nil && p.User.Role == domain.RoleAdmin }
func (p page) IsJury() bool  { return p.User != nil && p.User.Role == domain.RoleJury }

// pager is satisfied by every page data struct through the embedded page.
type pager interface{ base() *page }

func (p *page) base() *page { return p }

// parseTemplates parses the layout with each page, once, at start-up: a
// broken template stops the program instead of a request.
func parseTemplates(a *assets) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset": a.url,
		"join":  strings.Join,
		"dict":  dict,
		// splitParagraphs turns plain text with blank lines into paragraphs.
		"splitParagraphs": func(s string) []string {
			var out []string
			for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
			return out
		},
	}
	// Partials (templates/partials) are shared by several pages, such as
	// the rendering of a question in the form, its preview and receipts.
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(templateFiles, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out[strings.TrimSuffix(strings.TrimPrefix(p, "templates/pages/"), ".html")] = t
	}
	return out, nil
}

// render writes a page with the status code. The page is built in memory
// first so that a template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pager) {
	s.fillPage(r, data.base())
	t, ok := s.templates[name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("no template %q", name))
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.serverError(w, r, fmt.Errorf("rendering %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// fillPage sets what every page needs from the request.
func (s *Server) fillPage(r *http.Request, p *page) {
	p.tr = s.tr
	p.Lang = requestLang(r)
	p.User = currentUser(r)
	p.Path = r.URL.RequestURI()
	p.RequestID = requestID(r)
	if p.Flash == "" {
		p.Flash = s.sessions.PopString(r.Context(), "flash")
	}
}

// redirect ends a successful POST (POST/redirect/GET), with an optional
// one-time notice for the next page.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		s.sessions.Put(r.Context(), "flash", flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// dict builds the argument of a partial template from name/value pairs.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		m[fmt.Sprint(pairs[i])] = pairs[i+1]
	}
	return m, nil
}
