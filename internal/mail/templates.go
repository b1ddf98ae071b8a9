package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"strings"
	texttemplate "text/template"

	"tnl/internal/domain"
)

// The templates directory holds, for each mail name and language, one file
// <name>.<lang>.tmpl defining "subject", "text" and "html", plus a shared
// _footer.<lang>.tmpl with the signature.
//
//go:embed templates/*.tmpl
var templateFS embed.FS

// templateNames lists the mails the site sends: every <name>.fr.tmpl file.
// LoadTemplates refuses to start when one of them is missing in another
// language or broken, so a typo is caught at start-up rather than when a
// user asks for a link.
func templateNames(fsys fs.FS) ([]string, error) {
	files, err := fs.Glob(fsys, "templates/*."+languages[0]+".tmpl")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), "."+languages[0]+".tmpl")
		if !strings.HasPrefix(name, "_") {
			names = append(names, name)
		}
	}
	return names, nil
}

// languages lists the languages of the mails; the first is the fallback.
var languages = []string{"fr", "en"}

// Data is what every template receives. It is a struct, not a map, so that a
// misspelt field fails when the templates are loaded.
type Data struct {
	SiteURL string // the site's public base URL, e.g. "http://127.0.0.1:8080"
	Link    string // absolute URL of the action (may be empty)
	Email   string // the recipient's address; Render fills it from `to` when empty
	// For mails about a body's team: the body, the person concerned, the
	// role offered or given (already in words), the reason of a decision and
	// the message a claimant wrote.
	Body    string
	Person  string
	Role    string
	Reason  string
	Message string
	// For mails about an application: the edition, the track's name, the
	// deadline (already in words), and for a receipt the submission's
	// number, time (in words) and SHA-256 digest.
	Year     int
	Track    string
	Deadline string
	Number   int
	At       string
	Digest   string
}

// templateSet is one mail in one language. The same file is parsed twice:
// text/template for the subject and the text body, html/template for the
// HTML body, so that every value in the HTML is escaped for its context.
type templateSet struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// Templates renders outbox emails from embedded templates, French and
// English. It is immutable once loaded, so one value serves all requests.
type Templates struct {
	sets map[string]templateSet // key: name + "." + lang
}

// LoadTemplates parses the embedded templates at start-up and tries each one
// with sample data: an error means a file is missing or broken, and the
// program should not start.
func LoadTemplates() (*Templates, error) { return loadTemplates(templateFS) }

// loadTemplates reads the templates from fsys; tests pass broken ones.
func loadTemplates(fsys fs.FS) (*Templates, error) {
	t := &Templates{sets: make(map[string]templateSet)}
	sample := Data{SiteURL: "http://example.org", Link: "http://example.org/link", Email: "someone@example.org",
		Body: "Commune", Person: "other@example.org", Role: "contributeur", Reason: "raison", Message: "message"}
	names, err := templateNames(fsys)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		for _, lang := range languages {
			set, err := parseSet(fsys, name, lang)
			if err != nil {
				return nil, err
			}
			t.sets[name+"."+lang] = set
			if _, err := t.Render(sample.Email, name, lang, sample); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// parseSet parses the file of one mail in one language, with the footer of
// that language.
func parseSet(fsys fs.FS, name, lang string) (templateSet, error) {
	files := []string{"templates/" + name + "." + lang + ".tmpl", "templates/_footer." + lang + ".tmpl"}
	text, err := texttemplate.New(name).ParseFS(fsys, files...)
	if err != nil {
		return templateSet{}, fmt.Errorf("mail template %s.%s: %w", name, lang, err)
	}
	html, err := htmltemplate.New(name).ParseFS(fsys, files...)
	if err != nil {
		return templateSet{}, fmt.Errorf("mail template %s.%s: %w", name, lang, err)
	}
	for _, block := range []string{"subject", "text", "html"} {
		if text.Lookup(block) == nil {
			return templateSet{}, fmt.Errorf("mail template %s.%s: no %q block", name, lang, block)
		}
	}
	return templateSet{text: text, html: html}, nil
}

// Render builds an email to `to` from template `name` in `lang` ("fr" or
// "en"; anything else falls back to French, the site's primary language).
// The result is ready for store.DB.Enqueue or a store method that queues it.
func (t *Templates) Render(to, name, lang string, data Data) (*domain.OutboxMail, error) {
	if lang != "en" {
		lang = languages[0]
	}
	set, ok := t.sets[name+"."+lang]
	if !ok {
		return nil, fmt.Errorf("mail template %q does not exist", name)
	}
	if data.Email == "" {
		data.Email = to
	}
	subject, err := execute(set.text, "subject", data)
	if err != nil {
		return nil, fmt.Errorf("mail template %s.%s: %w", name, lang, err)
	}
	text, err := execute(set.text, "text", data)
	if err != nil {
		return nil, fmt.Errorf("mail template %s.%s: %w", name, lang, err)
	}
	html, err := execute(set.html, "html", data)
	if err != nil {
		return nil, fmt.Errorf("mail template %s.%s: %w", name, lang, err)
	}
	// A subject is one header line: folding the template's layout into
	// single spaces keeps a stray newline from breaking the header.
	subject = strings.Join(strings.Fields(subject), " ")
	return &domain.OutboxMail{To: to, Subject: subject, Text: text, HTML: html, Template: name}, nil
}

// executor is what text/template and html/template have in common.
type executor interface {
	ExecuteTemplate(w io.Writer, name string, data any) error
}

// execute runs one block and trims the blank lines the file layout adds,
// ending the result with a single newline.
func execute(t executor, block string, data Data) (string, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return "", err
	}
	return strings.TrimSpace(buf.String()) + "\n", nil
}
