package render

// Tables in the fallback engine: columns sized to their content within the
// page's width, cells wrapped, a row that does not fit moved to the next
// page (or split, when it is taller than a page) and the header repeated
// at the top of each page the table continues on.

import "strings"

// rowStyle says how a row is drawn.
type rowStyle struct {
	header    bool // bold on a shaded background
	firstBold bool // the first cell heads the row
	border    bool
}

const fpCellPadY = 0.8 // above and below a cell's text, in mm

func (doc *fpDoc) table(t *Table) {
	f := doc.pdf
	rows := t.squareRows()
	widths := doc.columnWidths(t.Header, rows)
	if len(widths) == 0 {
		return
	}
	lh := lineHeight(fpBody)
	// A short table stays on one page; a long one keeps at least its
	// caption, its header and a first row together.
	need := 4*lh + 4*fpCellPadY
	if len(rows) <= keepRows {
		need = doc.tableHeight(t, rows, widths)
	}
	if f.GetY()+need > doc.bottom && need <= doc.bottom-fpMarginTop {
		f.AddPage()
	}
	if t.Caption != "" {
		f.SetFont("Helvetica", "B", fpBody)
		f.MultiCell(0, lh, doc.tr(cp1252Text(t.Caption)), "", "L", false)
		f.Ln(1)
	}
	header := func() {
		if len(t.Header) > 0 {
			doc.row(t.Header, widths, rowStyle{header: true, border: true}, nil)
		}
	}
	header()
	for _, r := range rows {
		doc.row(r, widths, rowStyle{firstBold: true, border: true}, header)
	}
	f.Ln(lh * 0.6)
}

// tableHeight is the height the whole table takes.
func (doc *fpDoc) tableHeight(t *Table, rows [][]string, widths []float64) float64 {
	lh := lineHeight(fpBody)
	h := 0.0
	if t.Caption != "" {
		doc.pdf.SetFont("Helvetica", "B", fpBody)
		h += float64(len(doc.pdf.SplitLines([]byte(doc.tr(cp1252Text(t.Caption))), doc.width)))*lh + 1
	}
	if len(t.Header) > 0 {
		h += doc.rowHeight(doc.cellLines(t.Header, widths, rowStyle{header: true}))
	}
	for _, r := range rows {
		h += doc.rowHeight(doc.cellLines(r, widths, rowStyle{firstBold: true}))
	}
	return h
}

// cellLines wraps each cell of a row to its column's width.
func (doc *fpDoc) cellLines(cells []string, widths []float64, st rowStyle) [][][]byte {
	lines := make([][][]byte, len(widths))
	for i, w := range widths {
		text := ""
		if i < len(cells) {
			text = cells[i]
		}
		doc.cellFont(st, i)
		lines[i] = doc.pdf.SplitLines([]byte(doc.tr(cp1252Text(text))), w)
	}
	return lines
}

// rowHeight is the height of a row of wrapped cells.
func (doc *fpDoc) rowHeight(lines [][][]byte) float64 {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return float64(n)*lineHeight(fpBody) + 2*fpCellPadY
}

// cellFont sets the font of cell i of a row drawn in style st.
func (doc *fpDoc) cellFont(st rowStyle, i int) {
	if st.header || (st.firstBold && i == 0) {
		doc.pdf.SetFont("Helvetica", "B", fpBody)
	} else {
		doc.pdf.SetFont("Helvetica", "", fpBody)
	}
}

// row writes one row, its cells wrapped to their widths. When the row does
// not fit in what is left of the page it moves to the next one, after
// newPage (which repeats a table's header); a row taller than a page is
// split across pages.
func (doc *fpDoc) row(cells []string, widths []float64, st rowStyle, newPage func()) {
	f := doc.pdf
	lh := lineHeight(fpBody)
	lines := doc.cellLines(cells, widths, st)
	breakPage := func() {
		f.AddPage()
		if newPage != nil {
			newPage()
		}
	}
	pageRoom := int((doc.bottom - fpMarginTop - 2*fpCellPadY) / lh)
	for split := false; ; split = true {
		n := 1
		for _, l := range lines {
			n = max(n, len(l))
		}
		room := int((doc.bottom - f.GetY() - 2*fpCellPadY) / lh)
		if room < 1 || (n > room && !split && n <= pageRoom*3/4) {
			breakPage()
			continue
		}
		k := min(n, room)
		doc.drawRow(lines, widths, st, k)
		if k == n {
			return
		}
		for i := range lines {
			lines[i] = lines[i][min(k, len(lines[i])):]
		}
		breakPage()
	}
}

// drawRow draws the first k lines of each cell, as one row of k lines.
func (doc *fpDoc) drawRow(lines [][][]byte, widths []float64, st rowStyle, k int) {
	f := doc.pdf
	lh := lineHeight(fpBody)
	x, y, h := fpMarginX, f.GetY(), float64(k)*lh+2*fpCellPadY
	f.SetDrawColor(85, 85, 85)
	f.SetLineWidth(0.2)
	f.SetFillColor(230, 230, 230)
	for i, w := range widths {
		switch {
		case st.border && st.header:
			f.Rect(x, y, w, h, "DF")
		case st.border:
			f.Rect(x, y, w, h, "D")
		}
		doc.cellFont(st, i)
		for j, l := range lines[i][:min(k, len(lines[i]))] {
			f.SetXY(x, y+fpCellPadY+float64(j)*lh)
			f.CellFormat(w, lh, string(l), "", 0, "L", false, 0, "")
		}
		x += w
	}
	f.SetXY(fpMarginX, y+h)
}

// columnWidths sizes the columns: each at its content's natural width when
// the table fits, widened in proportion to fill the page's width; when it
// does not, narrow columns keep their width and the wide ones share the
// rest in proportion to their content.
func (doc *fpDoc) columnWidths(header []string, rows [][]string) []float64 {
	n := len(header)
	if len(rows) > 0 {
		n = max(n, len(rows[0]))
	}
	natural := make([]float64, n)
	measure := func(cells []string, st rowStyle) {
		for i, c := range cells {
			doc.cellFont(st, i)
			for _, line := range strings.Split(doc.tr(cp1252Text(c)), "\n") {
				natural[i] = max(natural[i], doc.pdf.GetStringWidth(line))
			}
		}
	}
	measure(header, rowStyle{header: true})
	for _, r := range rows {
		measure(r, rowStyle{firstBold: true})
	}
	pad := 2*doc.pdf.GetCellMargin() + 0.5
	total := 0.0
	for i := range natural {
		natural[i] += pad
		total += natural[i]
	}
	widths := make([]float64, n)
	if total <= doc.width {
		for i, w := range natural {
			widths[i] = w * doc.width / total
		}
		return widths
	}
	fair, rest, wide := doc.width/float64(n), doc.width, 0.0
	for i, w := range natural {
		if w <= fair {
			widths[i], rest = w, rest-w
		} else {
			wide += w
		}
	}
	for i, w := range natural {
		if w > fair {
			widths[i] = w * rest / wide
		}
	}
	return widths
}
