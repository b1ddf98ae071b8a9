package render

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestXLSXRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	sw, err := NewXLSX(&buf, "Candidatures 2026")
	if err != nil {
		t.Fatal(err)
	}
	rows := fixture()
	writeAll(t, sw, rows)

	f := openXLSX(t, buf.Bytes())
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Candidatures 2026"}) {
		t.Fatalf("sheets = %q", got)
	}
	checkXLSXSheet(t, f, "Candidatures 2026", rows, true)
}

// checkXLSXSheet compares a sheet with the rows written: text exactly,
// numbers by value and as numeric cells, the header bold and, if frozen is
// set, frozen.
func checkXLSXSheet(t *testing.T, f *excelize.File, sheet string, rows [][]Cell, frozen bool) {
	t.Helper()
	got, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	want := expected(rows, false)
	if len(got) != len(want) {
		t.Fatalf("%s: got %d rows, want %d", sheet, len(got), len(want))
	}
	for i, row := range rows {
		for j, c := range row {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			checkXLSXCell(t, f, sheet, ref, c, cellAt(got[i], j))
		}
	}
	checkXLSXHeader(t, f, sheet, frozen)
}

func cellAt(row []string, j int) string {
	if j < len(row) {
		return row[j]
	}
	return ""
}

func checkXLSXCell(t *testing.T, f *excelize.File, sheet, ref string, c Cell, got string) {
	t.Helper()
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	want, isNum := c.number()
	if !isNum {
		if got != cleanText(c.Text) {
			t.Errorf("%s!%s = %q, want %q", sheet, ref, got, cleanText(c.Text))
		}
		if c.Text != "" && typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s!%s: type %v, want a string", sheet, ref, typ)
		}
		return
	}
	v, err := strconv.ParseFloat(got, 64)
	if err != nil || v != want {
		t.Errorf("%s!%s = %q, want the number %v", sheet, ref, got, want)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("%s!%s: type %v, want number", sheet, ref, typ)
	}
}

func checkXLSXHeader(t *testing.T, f *excelize.File, sheet string, frozen bool) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if style.Font == nil || !style.Font.Bold {
		t.Errorf("%s: header not bold", sheet)
	}
	if !frozen {
		return
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("%s: header not frozen: %+v", sheet, panes)
	}
}

func TestXLSXSheets(t *testing.T) {
	var buf bytes.Buffer
	sw, err := NewXLSX(&buf, "Gouvernance / éthique")
	if err != nil {
		t.Fatal(err)
	}
	x := sw.(*XLSXWriter)
	first := [][]Cell{Texts("Question", "Points"), {Text("Q1"), Num("3")}}
	second := [][]Cell{Texts("Question", "Points"), {Text("Q2"), Num("4.5")}, {Text("Q3"), Num("1")}}
	for _, r := range first {
		if err := x.WriteRow(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.NextSheet("gouvernance - ÉTHIQUE"); err != nil {
		t.Fatal(err)
	}
	writeAll(t, x, second)
	if err := x.NextSheet("late"); err == nil {
		t.Error("NextSheet after Close succeeded")
	}

	f := openXLSX(t, buf.Bytes())
	names := []string{"Gouvernance - éthique", "gouvernance - ÉTHIQUE (2)"}
	if got := f.GetSheetList(); !slices.Equal(got, names) {
		t.Fatalf("sheets = %q, want %q", got, names)
	}
	checkXLSXSheet(t, f, names[0], first, true)
	checkXLSXSheet(t, f, names[1], second, true)
}

func TestXLSXEmpty(t *testing.T) {
	var buf bytes.Buffer
	sw, err := NewXLSX(&buf, "")
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, sw, nil)
	f := openXLSX(t, buf.Bytes())
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Feuille 1"}) {
		t.Errorf("sheets = %q", got)
	}
}
