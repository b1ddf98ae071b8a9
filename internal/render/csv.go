package render

import (
	"bufio"
	"encoding/csv"
	"io"
)

// utf8BOM lets Excel recognise UTF-8: without it, accents come out garbled.
const utf8BOM = "\uFEFF"

// CSVWriter writes RFC 4180 CSV: comma-separated, CRLF line ends, fields
// quoted when needed, UTF-8 with a byte order mark.
type CSVWriter struct {
	buf    *bufio.Writer
	cw     *csv.Writer
	record []string // reused from row to row
	closed bool
}

// NewCSV returns a CSV writer to w. Text cells that a spreadsheet would run as
// a formula (starting with = + - @, a tab or a line break) get a leading
// apostrophe, so that an exported answer cannot attack whoever opens the file
// (OWASP "CSV injection"); Number cells holding a number are left alone.
func NewCSV(w io.Writer) SheetWriter {
	buf := bufio.NewWriterSize(w, 64<<10)
	_, _ = buf.WriteString(utf8BOM) // a write error is sticky: WriteRow reports it
	cw := csv.NewWriter(buf)        // reuses buf, already a large enough bufio.Writer
	cw.UseCRLF = true
	return &CSVWriter{buf: buf, cw: cw}
}

// WriteRow writes one record. Output reaches w in 64 KiB chunks, so a long
// export streams to the client as it is produced.
func (c *CSVWriter) WriteRow(cells ...Cell) error {
	if c.closed {
		return errClosed
	}
	c.record = c.record[:0]
	for _, cell := range cells {
		c.record = append(c.record, csvField(cell))
	}
	return c.cw.Write(c.record)
}

// Close flushes what is buffered. It does not close the underlying writer.
func (c *CSVWriter) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.cw.Flush()
	return c.cw.Error()
}

// csvField is the text written for one cell.
func csvField(cell Cell) string {
	if _, ok := cell.number(); ok {
		return cell.Text
	}
	s := cleanText(cell.Text)
	if startsFormula(s) {
		return "'" + s
	}
	return s
}

// startsFormula reports whether a spreadsheet could take s for a formula.
// LF is included because cleanText turns a leading CR into one.
func startsFormula(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return true
	}
	return false
}
