package render

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/xml"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
)

// ODS is written by hand because no maintained Go library writes it. An
// OpenDocument spreadsheet is a ZIP whose first entry, "mimetype", is stored
// uncompressed so that tools can identify the file from its first bytes;
// content.xml, which holds the rows, is streamed into its ZIP entry as rows
// arrive. Only one ZIP entry can be open at a time, so the small constant
// parts go first and settings.xml, which names every sheet, goes last.

const odsMimetype = "application/vnd.oasis.opendocument.spreadsheet"

const odsManifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="` + odsMimetype + `"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
`

const odsMeta = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3">
 <office:meta><meta:generator>tnl</meta:generator></office:meta>
</office:document-meta>
`

const odsStyles = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3">
 <office:styles>
  <style:default-style style:family="table-cell"/>
  <style:style style:name="Default" style:family="table-cell"/>
 </office:styles>
</office:document-styles>
`

// odsContentHead opens content.xml; "hdr" is the bold style of header cells.
const odsContentHead = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3">
<office:automatic-styles>
<style:style style:name="hdr" style:family="table-cell" style:parent-style-name="Default"><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold" style:font-weight-complex="bold"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
`

const odsContentTail = "</office:spreadsheet></office:body></office:document-content>\n"

// ODSWriter writes an OpenDocument spreadsheet (ODF 1.3). The first row of
// each sheet is a bold header, repeated on every printed page and frozen on
// screen.
type ODSWriter struct {
	zw     *zip.Writer
	out    *bufio.Writer // content.xml's ZIP entry, buffered
	names  sheetNames
	row    int // rows written to the current sheet
	err    error
	closed bool
}

// NewODS returns a writer of a spreadsheet whose first sheet is named sheet
// (made valid if need be). The file is written to w as rows arrive; use
// *ODSWriter's NextSheet for more sheets.
func NewODS(w io.Writer, sheet string) (SheetWriter, error) {
	zw := zip.NewWriter(w)
	// On 36,000 × 60 cells BestSpeed writes 5.7 MB in 0.5 s where the
	// default level writes 4.6 MB in 1.9 s: time is the scarcer resource.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	if err := writeODSHead(zw); err != nil {
		return nil, err
	}
	content, err := zw.Create("content.xml")
	if err != nil {
		return nil, err
	}
	o := &ODSWriter{zw: zw, out: bufio.NewWriterSize(content, 64<<10)}
	o.out.WriteString(odsContentHead)
	o.startTable(sheet)
	if err := o.out.Flush(); err != nil {
		return nil, err
	}
	return o, nil
}

// writeODSHead writes the entries that precede content.xml.
func writeODSHead(zw *zip.Writer) error {
	if err := writeMimetype(zw); err != nil {
		return err
	}
	for _, part := range []struct{ name, body string }{
		{"META-INF/manifest.xml", odsManifest},
		{"meta.xml", odsMeta},
		{"styles.xml", odsStyles},
	} {
		if err := writeZipEntry(zw, part.name, part.body); err != nil {
			return err
		}
	}
	return nil
}

// writeMimetype stores the mimetype entry first, uncompressed, with sizes and
// checksum in its local header (CreateRaw: no data descriptor) and no extra
// field, so that the media type sits at byte 38 where identification tools
// look for it.
func writeMimetype(zw *zip.Writer) error {
	fh := &zip.FileHeader{
		Name:               "mimetype",
		Method:             zip.Store,
		CRC32:              crc32.ChecksumIEEE([]byte(odsMimetype)),
		CompressedSize64:   uint64(len(odsMimetype)),
		UncompressedSize64: uint64(len(odsMimetype)),
	}
	w, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, odsMimetype)
	return err
}

func writeZipEntry(zw *zip.Writer, name, body string) error {
	w, err := zw.Create(name)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, body)
	return err
}

// startTable opens a table. Its columns are declared with its first row,
// whose width is only known then.
func (o *ODSWriter) startTable(name string) {
	o.out.WriteString(`<table:table table:name="`)
	o.out.WriteString(escapeAttr(o.names.next(name)))
	o.out.WriteString(`">`)
	o.row = 0
}

// endTable closes the current table; ODF wants at least one column and row.
func (o *ODSWriter) endTable() {
	if o.row == 0 {
		o.out.WriteString(`<table:table-column/><table:table-row><table:table-cell/></table:table-row>`)
	}
	o.out.WriteString("</table:table>\n")
}

// WriteRow appends a row to the current sheet; the first one is the header.
func (o *ODSWriter) WriteRow(cells ...Cell) error {
	if o.closed {
		return errClosed
	}
	if o.err != nil {
		return o.err
	}
	o.row++
	style := ""
	if o.row == 1 {
		o.out.WriteString(`<table:table-column table:number-columns-repeated="`)
		o.out.WriteString(strconv.Itoa(max(len(cells), 1)))
		o.out.WriteString(`"/><table:table-header-rows>`)
		style = ` table:style-name="hdr"`
	}
	o.out.WriteString("<table:table-row>")
	for _, c := range cells {
		writeODSCell(o.out, c, style)
	}
	if len(cells) == 0 {
		o.out.WriteString("<table:table-cell/>") // a row holds at least one cell
	}
	o.out.WriteString("</table:table-row>\n")
	if o.row == 1 {
		o.out.WriteString("</table:table-header-rows>")
	}
	o.err = stickyErr(o.out)
	return o.err
}

// stickyErr reports the first error the buffered writer met, if any,
// without flushing it: bufio keeps that error and an empty write returns it.
func stickyErr(w *bufio.Writer) error {
	_, err := w.Write(nil)
	return err
}

// writeODSCell writes one table:table-cell. A number keeps its own text as
// office:value, which isDecimal made sure is a valid xsd:double.
func writeODSCell(w *bufio.Writer, c Cell, style string) {
	if c.Text == "" {
		w.WriteString("<table:table-cell")
		w.WriteString(style)
		w.WriteString("/>")
		return
	}
	w.WriteString("<table:table-cell")
	w.WriteString(style)
	if _, ok := c.number(); ok {
		w.WriteString(` office:value-type="float" office:value="`)
		w.WriteString(c.Text)
		w.WriteString(`"><text:p>`)
		w.WriteString(c.Text)
	} else {
		w.WriteString(` office:value-type="string"><text:p>`)
		writeODSText(w, cleanText(c.Text))
	}
	w.WriteString("</text:p></table:table-cell>")
}

// writeODSText writes cleaned text as the inside of text:p elements. XML
// readers of ODF collapse white space, so a space is written as itself only
// between two other characters; other runs of spaces become text:s, a tab
// text:tab, and a line break starts a new paragraph, as LibreOffice does.
// Ordinary bytes are copied in runs: this loop is the hot path of an export.
func writeODSText(w *bufio.Writer, s string) {
	start := 0             // first byte not written yet
	afterOrdinary := false // the byte before s[i] was written as text
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !odsSpecial[ch] {
			continue
		}
		if i > start {
			w.WriteString(s[start:i])
			afterOrdinary = true
		}
		switch ch {
		case ' ':
			j := i + 1
			for j < len(s) && s[j] == ' ' {
				j++
			}
			beforeOrdinary := j < len(s) && s[j] != '\t' && s[j] != '\n'
			writeSpaces(w, j-i, afterOrdinary && beforeOrdinary)
			i = j - 1
		case '\t':
			w.WriteString("<text:tab/>")
		case '\n':
			w.WriteString("</text:p><text:p>")
		default:
			writeEscapedByte(w, ch)
		}
		afterOrdinary = ch != ' ' && ch != '\t' && ch != '\n'
		start = i + 1
	}
	w.WriteString(s[start:])
}

// odsSpecial marks the bytes writeODSText cannot copy as they are.
var odsSpecial = [256]bool{' ': true, '\t': true, '\n': true, '<': true, '>': true, '&': true}

// writeSpaces writes n spaces; the first one literally if between is true.
func writeSpaces(w *bufio.Writer, n int, between bool) {
	if n == 0 {
		return
	}
	if between {
		w.WriteByte(' ')
		n--
	}
	switch {
	case n == 1:
		w.WriteString("<text:s/>")
	case n > 1:
		w.WriteString(`<text:s text:c="`)
		w.WriteString(strconv.Itoa(n))
		w.WriteString(`"/>`)
	}
}

// writeEscapedByte writes one byte of UTF-8 text, escaping < & >. Bytes of
// multi-byte characters pass through unchanged, which keeps them whole.
func writeEscapedByte(w *bufio.Writer, ch byte) {
	switch ch {
	case '<':
		w.WriteString("&lt;")
	case '>':
		w.WriteString("&gt;")
	case '&':
		w.WriteString("&amp;")
	default:
		w.WriteByte(ch)
	}
}

// NextSheet ends the current sheet and starts a new one named name (made
// valid and unique if need be), whose first row is again a header.
func (o *ODSWriter) NextSheet(name string) error {
	if o.closed {
		return errClosed
	}
	if o.err != nil {
		return o.err
	}
	o.endTable()
	o.startTable(name)
	o.err = stickyErr(o.out)
	return o.err
}

// Close ends content.xml, adds settings.xml and the ZIP directory. It does
// not close the underlying writer.
func (o *ODSWriter) Close() error {
	if o.closed {
		return o.err
	}
	o.closed = true
	if o.err != nil {
		return o.err
	}
	o.endTable()
	o.out.WriteString(odsContentTail)
	if o.err = o.out.Flush(); o.err != nil {
		return o.err
	}
	if o.err = writeZipEntry(o.zw, "settings.xml", odsSettings(o.names.used)); o.err != nil {
		return o.err
	}
	o.err = o.zw.Close()
	return o.err
}

// odsSettings is settings.xml: LibreOffice's view settings, which freeze the
// header row of every sheet (VerticalSplitMode 2 is a freeze, and
// VerticalSplitPosition the number of frozen rows) and open the first sheet.
func odsSettings(sheets []string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3">
<office:settings><config:config-item-set config:name="ooo:view-settings">
<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>
<config:config-item config:name="ViewId" config:type="string">view1</config:config-item>
<config:config-item-map-named config:name="Tables">
`)
	for _, name := range sheets {
		b.WriteString(`<config:config-item-map-entry config:name="`)
		b.WriteString(escapeAttr(name))
		b.WriteString(`">` + odsFrozenHeader + "</config:config-item-map-entry>\n")
	}
	b.WriteString(`</config:config-item-map-named>
<config:config-item config:name="ActiveTable" config:type="string">`)
	b.WriteString(escapeAttr(sheets[0]))
	b.WriteString(`</config:config-item>
</config:config-item-map-entry></config:config-item-map-indexed>
</config:config-item-set></office:settings></office:document-settings>
`)
	return b.String()
}

// odsFrozenHeader is one sheet's view: the first row frozen, the cursor below it.
const odsFrozenHeader = `<config:config-item config:name="CursorPositionX" config:type="int">0</config:config-item>` +
	`<config:config-item config:name="CursorPositionY" config:type="int">1</config:config-item>` +
	`<config:config-item config:name="HorizontalSplitMode" config:type="short">0</config:config-item>` +
	`<config:config-item config:name="VerticalSplitMode" config:type="short">2</config:config-item>` +
	`<config:config-item config:name="HorizontalSplitPosition" config:type="int">0</config:config-item>` +
	`<config:config-item config:name="VerticalSplitPosition" config:type="int">1</config:config-item>` +
	`<config:config-item config:name="ActiveSplitRange" config:type="short">2</config:config-item>` +
	`<config:config-item config:name="PositionTop" config:type="int">0</config:config-item>` +
	`<config:config-item config:name="PositionBottom" config:type="int">1</config:config-item>`

// escapeAttr escapes a sheet name for an XML attribute value.
func escapeAttr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}
