package render

// PDF documents: the minutes of a deliberation today, the submission
// receipt and the laureate's certificate tomorrow. A document is a small
// model of plain-text blocks, so that its producer says what it contains
// and never how it is laid out; two engines lay it out (pdf_chromium.go,
// tagged and accessible, and pdf_fpdf.go, the pure-Go fallback for a
// machine without Chromium), and NewPDF picks the one this machine allows.

import (
	"context"
	"io"
	"os/exec"
	"time"
)

// Document is a PDF's content. Every string is plain UTF-8 text: nothing
// is interpreted as markup, so a name typed by a user can carry no HTML.
type Document struct {
	Title string // the first heading, and the file's Title metadata
	Lang  string // BCP 47, such as "fr" or "en"; "fr" when empty
	// Author and Subject are the file's metadata (its information
	// dictionary), as a reader's document properties show them.
	Author, Subject string
	// Footer is printed at the foot of every page, before its number.
	Footer string
	// Created is the file's creation date; the time of the render when zero.
	Created time.Time
	Blocks  []Block
}

// Block is one element of a document's body: *Heading, *Paragraph,
// *List, *KeyValues, *Table or *PageBreak.
type Block interface{ pdfBlock() }

// Heading titles a section. Level 1 to 3 nest under the document's title
// (which is the only level above them); both engines put headings in the
// PDF's outline.
type Heading struct {
	Level int
	Text  string
}

// Paragraph is a run of text; a line feed inside starts a new line.
type Paragraph struct{ Text string }

// List is a bulleted list.
type List struct{ Items []string }

// KeyValues is a list of labelled values, such as « Quorum : 4 votants ».
type KeyValues struct{ Pairs []KeyValue }

// KeyValue is one label and its value.
type KeyValue struct{ Key, Value string }

// Table is a data table: a caption naming it, one header row, and rows of
// as many cells as the header has columns (missing cells are empty). The
// first cell of each row heads that row. A short table (keepRows rows at
// most) is kept on one page; a longer one goes on over the next pages,
// its header repeated.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// PageBreak starts a new page, when the engine can.
type PageBreak struct{}

func (*Heading) pdfBlock()   {}
func (*Paragraph) pdfBlock() {}
func (*List) pdfBlock()      {}
func (*KeyValues) pdfBlock() {}
func (*Table) pdfBlock()     {}
func (*PageBreak) pdfBlock() {}

// keepRows is the most rows a table kept on one page may have.
const keepRows = 12

// created is the file's creation date.
func (d *Document) created() time.Time {
	if d.Created.IsZero() {
		return time.Now()
	}
	return d.Created
}

// lang is the document's language, French unless told otherwise.
func (d *Document) lang() string {
	if d.Lang == "" {
		return "fr"
	}
	return d.Lang
}

// PDF renders documents with the engine NewPDF chose. It is safe for
// concurrent use.
type PDF struct {
	chromium *Chromium // nil when Chromium is absent
	fallback *FallbackPDF
}

// NewPDF returns the renderer this machine allows: Chromium when it is
// found (see LookChromium), the fpdf fallback otherwise. Nothing starts
// before the first Render.
func NewPDF(getenv func(string) string) *PDF {
	if path := LookChromium(getenv); path != "" {
		return &PDF{chromium: NewChromium(path)}
	}
	return &PDF{fallback: NewFallbackPDF()}
}

// Render writes d as a PDF to w; ctx bounds the time it may take.
func (p *PDF) Render(ctx context.Context, w io.Writer, d *Document) error {
	if p.chromium != nil {
		return p.chromium.Render(ctx, w, d)
	}
	return p.fallback.Render(ctx, w, d)
}

// Engine names the engine, for the log.
func (p *PDF) Engine() string {
	if p.chromium != nil {
		return p.chromium.Engine()
	}
	return p.fallback.Engine()
}

// Close stops the browser, if one was started. A later Render starts a
// new one.
func (p *PDF) Close() error {
	if p.chromium != nil {
		return p.chromium.Close()
	}
	return p.fallback.Close()
}

// chromiumNames are the names Debian, Ubuntu and Google give the browser.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome"}

// LookChromium finds Chromium: the program TNL_CHROMIUM names (a path or
// a name on PATH), else the first of chromium, chromium-browser or
// google-chrome on PATH. It returns "" when there is none, or when
// TNL_CHROMIUM is "none", which forces the fallback.
func LookChromium(getenv func(string) string) string {
	names := chromiumNames
	switch v := getenv("TNL_CHROMIUM"); v {
	case "":
	case "none":
		return ""
	default:
		names = []string{v}
	}
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}
