package render

// The fallback engine, for a machine without Chromium: the document laid
// out in pure Go by fpdf with its core font Helvetica. Core fonts are not
// embedded and know only the Windows-1252 code page, which holds every
// character French needs (é è à ç œ « » – — ’ …); text is translated to
// it with fpdf's translator, and the few characters it lacks are folded
// to their nearest (see cp1252Text).

import (
	"context"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// FallbackPDF renders documents with fpdf. Its PDFs are NOT tagged: they
// have an outline, a language and metadata, but no structure tree, so a
// screen reader reads them as a flat text. Chromium's are the accessible
// ones; this engine only stands in where Chromium is absent. It is safe
// for concurrent use (each render has its own fpdf document).
type FallbackPDF struct{}

// NewFallbackPDF returns the fpdf renderer.
func NewFallbackPDF() *FallbackPDF { return &FallbackPDF{} }

// Engine names the engine, for the log.
func (*FallbackPDF) Engine() string { return "fpdf (Helvetica, untagged PDF)" }

// Close does nothing: the fallback holds nothing between renders.
func (*FallbackPDF) Close() error { return nil }

// Page geometry, in millimetres.
const (
	fpMarginX, fpMarginTop, fpMarginBottom = 16.0, 18.0, 20.0
	fpBody                                 = 10.5 // font size of the text, in points
	fpLeading                              = 1.4  // line height, times the font size
	fpPt                                   = 25.4 / 72
)

// lineHeight is the height of a line of text at size points.
func lineHeight(size float64) float64 { return size * fpLeading * fpPt }

// fpDoc is one render under way.
type fpDoc struct {
	pdf     *fpdf.Fpdf
	tr      func(string) string
	width   float64 // between the margins
	bottom  float64 // where the text must stop
	outline int     // level of the last bookmark, so that levels never jump
}

// Render writes d as a PDF to w. ctx is checked between blocks.
func (*FallbackPDF) Render(ctx context.Context, w io.Writer, d *Document) error {
	f := fpdf.New("P", "mm", "A4", "")
	doc := &fpDoc{pdf: f, tr: f.UnicodeTranslatorFromDescriptor("")}
	f.SetMargins(fpMarginX, fpMarginTop, fpMarginX)
	f.SetAutoPageBreak(true, fpMarginBottom)
	f.SetCellMargin(1.2)
	f.SetTitle(d.Title, true)
	f.SetAuthor(d.Author, true)
	f.SetSubject(d.Subject, true)
	f.SetCreator("tnl (fpdf)", false)
	f.SetCreationDate(d.created())
	f.SetModificationDate(d.created())
	f.SetLang(d.lang())
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() { doc.footer(d.Footer) })
	pw, ph := f.GetPageSize()
	doc.width, doc.bottom = pw-2*fpMarginX, ph-fpMarginBottom
	f.AddPage()
	doc.heading(d.Title, 0)
	for _, b := range d.Blocks {
		if err := ctx.Err(); err != nil {
			return err
		}
		doc.block(b)
	}
	if err := f.Error(); err != nil {
		return err
	}
	return f.Output(w)
}

func (doc *fpDoc) block(b Block) {
	switch b := b.(type) {
	case *Heading:
		doc.heading(b.Text, headingLevel(b))
	case *Paragraph:
		doc.paragraph(b.Text)
	case *List:
		doc.list(b.Items)
	case *KeyValues:
		doc.keyValues(b.Pairs)
	case *Table:
		doc.table(b)
	case *PageBreak:
		doc.pdf.AddPage()
	}
}

// headingSizes are the font sizes of the title (level 0) and the headings.
var headingSizes = [...]float64{18, 14, 12, 10.5}

// heading writes a heading kept with at least two lines of what follows,
// and bookmarks it in the outline.
func (doc *fpDoc) heading(text string, level int) {
	f, size := doc.pdf, headingSizes[level]
	lh := lineHeight(size)
	if f.GetY() > fpMarginTop+1 {
		f.Ln(lh * 0.6)
	}
	if f.GetY()+lh+2*lineHeight(fpBody) > doc.bottom {
		f.AddPage()
	}
	level = min(level, doc.outline+1)
	doc.outline = level
	f.Bookmark(pdfTextString(text), level, -1)
	f.SetFont("Helvetica", "B", size)
	f.MultiCell(0, lh, doc.tr(cp1252Text(text)), "", "L", false)
	f.Ln(lh * 0.2)
}

func (doc *fpDoc) paragraph(text string) {
	f := doc.pdf
	f.SetFont("Helvetica", "", fpBody)
	f.MultiCell(0, lineHeight(fpBody), doc.tr(cp1252Text(text)), "", "L", false)
	f.Ln(lineHeight(fpBody) * 0.4)
}

// list writes each item after a bullet, wrapped under its own first line.
func (doc *fpDoc) list(items []string) {
	f := doc.pdf
	f.SetFont("Helvetica", "", fpBody)
	lh, indent := lineHeight(fpBody), 6.0
	for _, it := range items {
		f.SetX(fpMarginX + 1.5)
		f.CellFormat(indent-1.5, lh, doc.tr("•"), "", 0, "L", false, 0, "")
		f.SetLeftMargin(fpMarginX + indent)
		f.MultiCell(0, lh, doc.tr(cp1252Text(it)), "", "L", false)
		f.SetLeftMargin(fpMarginX)
	}
	f.Ln(lh * 0.4)
}

// keyValues writes the pairs as two columns, the labels in bold.
func (doc *fpDoc) keyValues(pairs []KeyValue) {
	f := doc.pdf
	f.SetFont("Helvetica", "B", fpBody)
	keyW := 0.0
	for _, p := range pairs {
		keyW = max(keyW, f.GetStringWidth(doc.tr(cp1252Text(p.Key)))+2*f.GetCellMargin()+2)
	}
	keyW = min(max(keyW, doc.width*0.25), doc.width*0.45)
	for _, p := range pairs {
		doc.row([]string{p.Key, p.Value}, []float64{keyW, doc.width - keyW}, rowStyle{firstBold: true}, nil)
	}
	f.Ln(lineHeight(fpBody) * 0.4)
}

// footer writes the document's footer text and the page number.
func (doc *fpDoc) footer(text string) {
	f := doc.pdf
	f.SetY(-fpMarginBottom + 6)
	f.SetFont("Helvetica", "", 8)
	f.SetTextColor(60, 60, 60)
	f.CellFormat(doc.width*0.75, 5, doc.tr(cp1252Text(text)), "", 0, "L", false, 0, "")
	f.CellFormat(0, 5, strconv.Itoa(f.PageNo())+" / {nb}", "", 0, "R", false, 0, "")
	f.SetTextColor(0, 0, 0)
}

// pdfTextString encodes text as a PDF text string in UTF-16 with its byte
// order mark, as the outline needs for accents (fpdf writes bookmarks of
// core fonts as given).
func pdfTextString(text string) string {
	var b strings.Builder
	b.WriteString("\xfe\xff")
	for _, u := range utf16.Encode([]rune(text)) {
		b.WriteByte(byte(u >> 8))
		b.WriteByte(byte(u))
	}
	return b.String()
}

// cp1252Folds are characters Windows-1252 lacks that French text uses,
// with what stands in for them.
var cp1252Folds = strings.NewReplacer(
	"\u202f", "\u00a0", // narrow no-break space (before ; : ! ? » in French typography)
	"\u2009", " ", "\u200a", " ", "\u2007", "\u00a0", "\u2002", " ", "\u2003", " ",
	"\u2011", "-", "\u2010", "-", "\u2212", "-",
	"\u2192", "->", "\u2190", "<-", "\u2264", "<=", "\u2265", ">=", "\u2260", "!=",
)

// cp1252Text prepares text for the Windows-1252 translator: known folds
// first, then accented letters the code page lacks lose their accent (ő →
// o), and anything else becomes "?" rather than the translator's ".".
func cp1252Text(s string) string {
	s = cp1252Folds.Replace(s)
	if isCP1252(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case inCP1252(r):
			b.WriteRune(r)
		case inCP1252([]rune(norm.NFD.String(string(r)))[0]):
			b.WriteRune([]rune(norm.NFD.String(string(r)))[0])
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

func isCP1252(s string) bool {
	for _, r := range s {
		if !inCP1252(r) {
			return false
		}
	}
	return true
}

// cp1252High are the characters Windows-1252 puts at 0x80–0x9F, where
// Latin-1 has control codes; 0xA0–0xFF are Latin-1's.
const cp1252High = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"

func inCP1252(r rune) bool {
	return r < 0x80 || (r >= 0xa0 && r <= 0xff) || strings.ContainsRune(cp1252High, r)
}
