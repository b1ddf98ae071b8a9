package render

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Limits of ReadODS. A few hundred bytes of ODS can ask for billions of
// repeated cells or spaces, and a ZIP can inflate enormously: these bounds
// keep a hostile or broken file from exhausting memory.
const (
	odsMaxContent = 1 << 30    // bytes of content.xml read
	odsMaxRows    = 1 << 20    // rows per sheet, as in LibreOffice and Excel
	odsMaxCols    = 1 << 14    // cells per row
	odsMaxCells   = 10_000_000 // cells in the whole file
	odsMaxCellLen = 1 << 20    // bytes of text per cell
)

const (
	nsOffice = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
	nsTable  = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsText   = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
)

// ErrNotODS is returned for a ZIP that is not an OpenDocument spreadsheet.
var ErrNotODS = errors.New("render: not an OpenDocument spreadsheet")

// ReadODS returns the text of every cell of an ODS file, by sheet name then
// row then column, as a person sees it. It reads back what NewODS writes and
// what LibreOffice saves: repeated rows and cells are expanded, and empty
// rows and cells at the end of a sheet or row are dropped.
func ReadODS(r io.ReaderAt, size int64) (map[string][][]string, error) {
	sheets, err := readODSSheets(r, size)
	if err != nil {
		return nil, err
	}
	m := make(map[string][][]string, len(sheets))
	for _, s := range sheets {
		m[s.name] = s.rows
	}
	return m, nil
}

// odsSheet is one table of a file, kept in order by readODSSheets.
type odsSheet struct {
	name string
	rows [][]string
}

func readODSSheets(r io.ReaderAt, size int64) ([]odsSheet, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	if err := checkODSMimetype(zr); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(zr.File, func(f *zip.File) bool { return f.Name == "content.xml" })
	if i < 0 {
		return nil, fmt.Errorf("%w: no content.xml", ErrNotODS)
	}
	rc, err := zr.File[i].Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	p := &odsParser{dec: xml.NewDecoder(&limitedReader{r: rc, n: odsMaxContent})}
	return p.parse()
}

// checkODSMimetype checks what ODF requires of the first entry: named
// mimetype, stored uncompressed, holding the spreadsheet media type.
func checkODSMimetype(zr *zip.Reader) error {
	if len(zr.File) == 0 || zr.File[0].Name != "mimetype" {
		return fmt.Errorf("%w: mimetype is not the first entry", ErrNotODS)
	}
	f := zr.File[0]
	if f.Method != zip.Store {
		return fmt.Errorf("%w: mimetype is compressed", ErrNotODS)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 256))
	if err != nil {
		return err
	}
	if string(b) != odsMimetype {
		return fmt.Errorf("%w: mimetype is %q", ErrNotODS, b)
	}
	return nil
}

// limitedReader fails, rather than ends early as io.LimitReader does, once
// more than n bytes are read: a truncated document would parse wrongly.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errors.New("render: content.xml is too large")
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// repeatAttr reads a repetition count; absent or invalid means one, and
// anything past limit is cut to limit+1, which the callers reject, so that
// sums of counts cannot overflow.
func repeatAttr(e xml.StartElement, local string, limit int) int {
	n, err := strconv.Atoi(attr(e, nsTable, local))
	switch {
	case errors.Is(err, strconv.ErrRange):
		return limit + 1
	case err != nil || n < 1:
		return 1
	}
	return min(n, limit+1)
}

func attr(e xml.StartElement, space, local string) string {
	for _, a := range e.Attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func isElem(name xml.Name, space, local string) bool {
	return name.Space == space && name.Local == local
}

// odsParser walks content.xml token by token; only the current row and cell
// are under construction at any time.
type odsParser struct {
	dec       *xml.Decoder
	sawRoot   bool // office:document-content was opened
	sheets    []odsSheet
	inSheet   bool
	emptyRows int // empty rows seen but not added: trailing ones are dropped
	row       []string
	inRow     bool
	rowRepeat int
	emptyCell int // likewise for empty cells
	cells     int // cells added to the whole result
	cell      odsCell
}

// odsCell is the cell being read.
type odsCell struct {
	open     bool
	repeat   int
	fallback string // value attribute, for cells without a paragraph
	text     strings.Builder
	paras    int
	inPara   int  // depth of text:p and text:h elements
	collapse bool // white space in character data is dropped here
}

func (p *odsParser) parse() ([]odsSheet, error) {
	for {
		tok, err := p.dec.Token()
		if err == io.EOF && !p.sawRoot {
			return nil, fmt.Errorf("%w: content.xml holds no document", ErrNotODS)
		}
		if err == io.EOF {
			return p.sheets, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			err = p.start(t)
		case xml.EndElement:
			err = p.end(t)
		case xml.CharData:
			err = p.chars(t)
		}
		if err != nil {
			return nil, err
		}
	}
}

func (p *odsParser) start(e xml.StartElement) error {
	if p.cell.open {
		return p.startInCell(e)
	}
	switch {
	case isElem(e.Name, nsOffice, "document-content"):
		p.sawRoot = true
	case isElem(e.Name, nsTable, "table"):
		p.sheets = append(p.sheets, odsSheet{name: attr(e, nsTable, "name")})
		p.inSheet, p.emptyRows = true, 0
	case isElem(e.Name, nsTable, "table-row") && p.inSheet:
		p.row, p.inRow, p.emptyCell = nil, true, 0
		p.rowRepeat = repeatAttr(e, "number-rows-repeated", odsMaxRows)
	case (isElem(e.Name, nsTable, "table-cell") || isElem(e.Name, nsTable, "covered-table-cell")) && p.inRow:
		p.cell.open, p.cell.paras, p.cell.inPara = true, 0, 0
		p.cell.text.Reset()
		p.cell.repeat = repeatAttr(e, "number-columns-repeated", odsMaxCols)
		p.cell.fallback = cellValueAttr(e)
	}
	return nil
}

// cellValueAttr is a cell's value as an attribute, which some generators
// write without the paragraph that normally shows it.
func cellValueAttr(e xml.StartElement) string {
	for _, local := range []string{"string-value", "value", "date-value", "time-value", "boolean-value"} {
		if v := attr(e, nsOffice, local); v != "" {
			return v
		}
	}
	return ""
}

func (p *odsParser) startInCell(e xml.StartElement) error {
	c := &p.cell
	switch {
	case isElem(e.Name, nsText, "p") || isElem(e.Name, nsText, "h"):
		if c.inPara == 0 {
			if c.paras > 0 {
				c.text.WriteByte('\n')
			}
			c.paras++
			c.collapse = true // leading white space is not content
		}
		c.inPara++
	case isElem(e.Name, nsOffice, "annotation") || isElem(e.Name, nsTable, "table") ||
		isElem(e.Name, nsText, "note"):
		return p.dec.Skip() // a comment, a nested table or a note is not the cell's text
	case c.inPara == 0:
	case isElem(e.Name, nsText, "s"):
		n, err := strconv.Atoi(attr(e, nsText, "c"))
		if err != nil || n < 1 {
			n = 1
		}
		return p.addText(strings.Repeat(" ", min(n, odsMaxCellLen+1)))
	case isElem(e.Name, nsText, "tab"):
		return p.addText("\t")
	case isElem(e.Name, nsText, "line-break"):
		return p.addText("\n")
	}
	return nil
}

// addText appends text that is not subject to white-space collapsing.
func (p *odsParser) addText(s string) error {
	if p.cell.text.Len()+len(s) > odsMaxCellLen {
		return errors.New("render: ODS cell text too long")
	}
	p.cell.text.WriteString(s)
	p.cell.collapse = false
	return nil
}

// chars appends character data of a paragraph, collapsing each run of white
// space into one space as ODF prescribes.
func (p *odsParser) chars(data xml.CharData) error {
	c := &p.cell
	if !c.open || c.inPara == 0 {
		return nil
	}
	if c.text.Len()+len(data) > odsMaxCellLen {
		return errors.New("render: ODS cell text too long")
	}
	for _, b := range data {
		switch b {
		case ' ', '\t', '\n', '\r':
			if !c.collapse {
				c.text.WriteByte(' ')
				c.collapse = true
			}
		default:
			c.text.WriteByte(b)
			c.collapse = false
		}
	}
	return nil
}

func (p *odsParser) end(e xml.EndElement) error {
	switch {
	case p.cell.open && (isElem(e.Name, nsText, "p") || isElem(e.Name, nsText, "h")):
		p.cell.inPara--
	case p.cell.open && (isElem(e.Name, nsTable, "table-cell") || isElem(e.Name, nsTable, "covered-table-cell")):
		return p.endCell()
	case p.inRow && isElem(e.Name, nsTable, "table-row"):
		return p.endRow()
	case p.inSheet && isElem(e.Name, nsTable, "table"):
		p.inSheet = false
	}
	return nil
}

// endCell adds the cell, with the empty cells before it, to the row.
func (p *odsParser) endCell() error {
	c := &p.cell
	c.open = false
	text := c.text.String()
	if c.paras == 0 {
		text = c.fallback
	}
	if text == "" {
		p.emptyCell = min(p.emptyCell+c.repeat, odsMaxCols+1)
		return nil
	}
	n := p.emptyCell + c.repeat
	if len(p.row)+n > odsMaxCols {
		return errors.New("render: too many columns in ODS row")
	}
	if err := p.count(n); err != nil {
		return err
	}
	for range p.emptyCell {
		p.row = append(p.row, "")
	}
	for range c.repeat {
		p.row = append(p.row, text)
	}
	p.emptyCell = 0
	return nil
}

// endRow adds the row, with the empty rows before it, to the sheet.
func (p *odsParser) endRow() error {
	p.inRow = false
	if len(p.row) == 0 {
		p.emptyRows = min(p.emptyRows+p.rowRepeat, odsMaxRows+1)
		return nil
	}
	sheet := &p.sheets[len(p.sheets)-1]
	if len(sheet.rows)+p.emptyRows+p.rowRepeat > odsMaxRows {
		return errors.New("render: too many rows in ODS sheet")
	}
	if err := p.count((p.rowRepeat - 1) * len(p.row)); err != nil {
		return err
	}
	for range p.emptyRows {
		sheet.rows = append(sheet.rows, nil)
	}
	sheet.rows = append(sheet.rows, p.row)
	for range p.rowRepeat - 1 {
		sheet.rows = append(sheet.rows, slices.Clone(p.row))
	}
	p.emptyRows = 0
	return nil
}

// count adds n cells to the total, failing past odsMaxCells.
func (p *odsParser) count(n int) error {
	if n > odsMaxCells-p.cells {
		return errors.New("render: too many cells in ODS file")
	}
	p.cells += n
	return nil
}
