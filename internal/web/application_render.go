package web

// The questions of the form, the application's header and its section
// navigation are written in Go rather than through html/template: each
// question took dozens of template actions, each a reflective call, and
// together they were most of a section page's processor time (BENCHMARKS.md,
// "questionnaire section"). The HTML is the one the templates wrote, byte
// for byte; every value goes through htmlWriter.text (appendEscapedHTML),
// which escapes exactly as html/template does in text and quoted
// attributes, the only places values are written here. Addresses (href,
// action) are paths the server builds (sectionURL, file links), never text
// people typed, so they need none of html/template's URL filtering. The
// templates of partials/application.html still name these pieces, so that
// the other pages that show a question or the header call them as before.

import (
	"html/template"
	"strconv"
	"sync"
)

// htmlWriter accumulates HTML. Its methods are named by what they write:
// raw markup of ours, an escaped value, a number.
type htmlWriter struct{ b []byte }

// htmlWriters keeps the buffers of finished pieces: a section's HTML runs
// to tens of kilobytes, and growing a fresh buffer to that size for every
// request was a good part of the page's garbage.
var htmlWriters = sync.Pool{New: func() any { return &htmlWriter{b: make([]byte, 0, 16<<10)} }}

func newHTMLWriter() *htmlWriter { return htmlWriters.Get().(*htmlWriter) }

// done returns what was written and gives the buffer back; w is not to be
// used afterwards. An exceptionally large buffer is left to the collector
// rather than kept.
func (w *htmlWriter) done() template.HTML {
	h := template.HTML(w.b)
	if cap(w.b) <= 1<<20 {
		w.b = w.b[:0]
		htmlWriters.Put(w)
	}
	return h
}

// raw writes markup as it is: only literals of this file, never a value.
func (w *htmlWriter) raw(s string) { w.b = append(w.b, s...) }

// text writes a value escaped for an HTML text node or a quoted
// attribute.
func (w *htmlWriter) text(s string) { w.b = appendEscapedHTML(w.b, s) }

// num writes an integer.
func (w *htmlWriter) num(n int) { w.b = strconv.AppendInt(w.b, int64(n), 10) }

// when writes markup when cond holds: the optional attributes and classes.
func (w *htmlWriter) when(cond bool, s string) {
	if cond {
		w.b = append(w.b, s...)
	}
}

// appendEscapedHTML escapes s as html/template does for text and quoted
// attribute values (its htmlReplacementTable): the five significant
// characters, "+" (against UTF-7 sniffing) and NUL. Only ASCII bytes are
// replaced, so multibyte characters pass through unchanged, as there.
func appendEscapedHTML(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		case 0:
			repl = "\uFFFD"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, repl...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// pageTexts translates, once per page, the messages without arguments that
// every question repeats ("obligatoire", "Ajouter des lignes"…), already
// escaped. Translating them at each question cost more than writing it.
type pageTexts struct {
	p    *page
	memo map[string]string
}

func newPageTexts(p *page) *pageTexts { return &pageTexts{p: p, memo: make(map[string]string, 8)} }

// get returns the message id in the page's language, escaped.
func (t *pageTexts) get(id string) string {
	if s, ok := t.memo[id]; ok {
		return s
	}
	s := string(appendEscapedHTML(nil, t.p.T(id)))
	t.memo[id] = s
	return s
}

// Render writes one question for the "question" template of
// partials/application.html; p is the page that shows it.
func (v questionView) Render(p pager) template.HTML {
	w := newHTMLWriter()
	writeQuestion(w, newPageTexts(p.base()), &v)
	return w.done()
}

// writeQuestions writes the questions of a page in order; with shownOnly,
// the hidden ones are left out (a read-only page has no script to reveal
// them).
func writeQuestions(w *htmlWriter, t *pageTexts, vs []questionView, shownOnly bool) {
	for i := range vs {
		if shownOnly && vs[i].Hidden {
			continue
		}
		writeQuestion(w, t, &vs[i])
	}
}

// writeQuestion writes the block of one question: its widget for editing,
// or its answer as text when ReadOnly.
func writeQuestion(w *htmlWriter, t *pageTexts, v *questionView) {
	w.raw("\n<div class=\"question")
	w.when(v.Problem != "", " has-error")
	w.when(v.ReadOnly, " read-only")
	w.raw("\" id=\"q-")
	w.text(v.ID)
	w.raw("\" data-question=\"")
	w.text(v.ID)
	w.raw("\" data-type=\"")
	w.text(string(v.Type))
	w.raw("\"")
	w.when(v.Hidden, " hidden")
	if v.ShowIf != "" {
		w.raw(" data-show-if=\"")
		w.text(v.ShowIf)
		w.raw("\" data-show-values=\"")
		w.text(v.ShowValues)
		w.raw("\"")
	}
	w.raw(">\n")
	if v.ReadOnly {
		writeQuestionRead(w, t, v)
		w.raw("</div>\n")
		return
	}
	w.raw("\n")
	writeQuestionWidget(w, t, v)
	w.raw("\n")
	if v.Conflict != nil {
		writeQuestionConflict(w, t, v)
	}
	w.raw("\n<input type=\"hidden\" name=\"v.")
	w.text(v.ID)
	w.raw("\" value=\"")
	w.num(v.Version)
	w.raw("\">\n<p class=\"save-status\" id=\"status-")
	w.text(v.ID)
	w.raw("\" role=\"status\"></p>\n</div>\n")
}
