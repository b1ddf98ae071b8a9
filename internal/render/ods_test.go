package render

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func writeODS(t *testing.T, sheet string, rows [][]Cell) []byte {
	t.Helper()
	var buf bytes.Buffer
	sw, err := NewODS(&buf, sheet)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, sw, rows)
	return buf.Bytes()
}

func readBack(t *testing.T, b []byte) []odsSheet {
	t.Helper()
	sheets, err := readODSSheets(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return sheets
}

func TestODSRoundTrip(t *testing.T) {
	rows := fixture()
	b := writeODS(t, "Candidatures 2026", rows)
	sheets := readBack(t, b)
	if len(sheets) != 1 || sheets[0].name != "Candidatures 2026" {
		t.Fatalf("sheets = %+v", sheets)
	}
	diffRows(t, sheets[0].rows, expected(rows, false))

	m, err := ReadODS(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	diffRows(t, m["Candidatures 2026"], expected(rows, false))
}

// TestODSPackage checks the container: mimetype first, stored, readable at
// byte 30; every part well-formed XML declaring ODF 1.3; the manifest
// listing every part.
func TestODSPackage(t *testing.T) {
	b := writeODS(t, "S", fixture())
	if !bytes.HasPrefix(b[30:], []byte("mimetype"+odsMimetype)) {
		t.Errorf("mimetype not at byte 30: %q", b[30:100])
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	first := zr.File[0]
	if first.Name != "mimetype" || first.Method != zip.Store || first.Flags&0x8 != 0 || len(first.Extra) != 0 {
		t.Errorf("first entry %q method %d flags %#x extra %d", first.Name, first.Method, first.Flags, len(first.Extra))
	}
	names := checkWellFormedODS(t, b)
	manifest := string(readZipFile(t, zr.File[1]))
	for _, n := range names[1:] {
		if !strings.Contains(manifest, `full-path="`+n+`"`) {
			t.Errorf("manifest misses %s", n)
		}
	}
}

// checkWellFormedODS checks that every part after mimetype is well-formed
// XML declaring ODF 1.3, and returns their names.
func checkWellFormedODS(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File[1:] {
		names = append(names, f.Name)
		body := readZipFile(t, f)
		checkWellFormed(t, f.Name, body)
		if !strings.Contains(string(body), `version="1.3"`) {
			t.Errorf("%s does not declare ODF 1.3", f.Name)
		}
	}
	return names
}

func readZipFile(t *testing.T, f *zip.File) []byte {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkWellFormed(t *testing.T, name string, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Errorf("%s is not well-formed: %v", name, err)
			return
		}
	}
}

func TestODSText(t *testing.T) {
	cases := map[string]string{
		"a b":      "a b",
		" a  b ":   "<text:s/>a <text:s/>b<text:s/>",
		"   ":      `<text:s text:c="3"/>`,
		"x\ty":     "x<text:tab/>y",
		"x \ty":    "x<text:s/><text:tab/>y",
		"l1\nl2":   "l1</text:p><text:p>l2",
		"a \nb":    "a<text:s/></text:p><text:p>b",
		"<&>\"'é🎉": "&lt;&amp;&gt;\"'é🎉",
	}
	for in, want := range cases {
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		writeODSText(w, in)
		w.Flush()
		if buf.String() != want {
			t.Errorf("writeODSText(%q) = %q, want %q", in, buf.String(), want)
		}
	}
}

func TestODSSheets(t *testing.T) {
	var buf bytes.Buffer
	sw, err := NewODS(&buf, `Section "1" <intro>`)
	if err != nil {
		t.Fatal(err)
	}
	o := sw.(*ODSWriter)
	first := [][]Cell{Texts("Question", "Points"), {Text("Q1"), Num("3")}}
	third := [][]Cell{Texts("Question"), {Text("Q2"), Num("4.5")}}
	for _, r := range first {
		if err := o.WriteRow(r...); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"Vide", "Section 2/3"} {
		if err := o.NextSheet(name); err != nil {
			t.Fatal(err)
		}
	}
	writeAll(t, o, third)
	if err := o.NextSheet("late"); err == nil {
		t.Error("NextSheet after Close succeeded")
	}

	sheets := readBack(t, buf.Bytes())
	want := []odsSheet{
		{`Section "1" <intro>`, expected(first, false)},
		{"Vide", nil},
		{"Section 2-3", expected(third, false)},
	}
	if len(sheets) != len(want) {
		t.Fatalf("got %d sheets, want %d", len(sheets), len(want))
	}
	for i := range want {
		if sheets[i].name != want[i].name {
			t.Errorf("sheet %d named %q, want %q", i, sheets[i].name, want[i].name)
		}
		diffRows(t, sheets[i].rows, want[i].rows)
	}
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	for _, f := range zr.File {
		if f.Name == "settings.xml" {
			s := string(readZipFile(t, f))
			if !strings.Contains(s, `config:name="Section &#34;1&#34; &lt;intro&gt;"`) {
				t.Errorf("settings.xml misses the first sheet:\n%s", s)
			}
		}
	}
}

func TestODSWriteError(t *testing.T) {
	sw, err := NewODS(&limitWriter{n: 2000}, "S")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100_000 && err == nil; i++ {
		err = sw.WriteRow(bigRow(i)...)
	}
	if err == nil {
		err = sw.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error = %v, want disk full", err)
	}
	if err2 := sw.Close(); err2 == nil {
		t.Error("Close after a write error succeeded")
	}
	// Nothing may reach a failing writer before Close, which must report it.
	sw, err = NewODS(failingWriter{}, "S")
	if err == nil {
		err = sw.Close()
	}
	if err == nil {
		t.Error("an ODS was written to a failing writer without error")
	}
}

// limitWriter accepts n bytes, then fails.
type limitWriter struct{ n int }

func (l *limitWriter) Write(p []byte) (int, error) {
	if len(p) > l.n {
		return 0, errors.New("disk full")
	}
	l.n -= len(p)
	return len(p), nil
}

// TestLibreOffice has LibreOffice, when installed, convert our ODS and XLSX
// files to CSV (what a person sees) and to XLSX (which types it gave the
// cells). Skipped where LibreOffice is absent, as in CI.
func TestLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		soffice, err = exec.LookPath("libreoffice")
	}
	if err != nil {
		t.Skip("LibreOffice is not installed")
	}
	if testing.Short() {
		t.Skip("starts LibreOffice")
	}
	rows := fixture()
	dir := t.TempDir()
	odsPath := filepath.Join(dir, "export.ods")
	os.WriteFile(odsPath, writeODS(t, "Export", rows), 0o600)
	var xbuf bytes.Buffer
	sw, err := NewXLSX(&xbuf, "Export")
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, sw, rows)
	xlsxPath := filepath.Join(dir, "ours.xlsx")
	os.WriteFile(xlsxPath, xbuf.Bytes(), 0o600)

	const csvFilter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true,false,false"
	compareShown(t, "ours.xlsx", readLibreOfficeCSV(t, convert(t, soffice, xlsxPath, csvFilter)), rows)
	// LibreOffice writes a tab in a cell as text:tab, as we do, but its CSV
	// export of an ODS leaves it out.
	noTabs := slices.Clone(rows)
	for i, row := range noTabs {
		noTabs[i] = slices.Clone(row)
		for j := range row {
			noTabs[i][j].Text = strings.ReplaceAll(row[j].Text, "\t", "")
		}
	}
	compareShown(t, "export.ods", readLibreOfficeCSV(t, convert(t, soffice, odsPath, csvFilter)), noTabs)

	// ReadODS reads what LibreOffice itself saves.
	saved := mustRead(t, convert(t, soffice, xlsxPath, "ods"))
	m, err := ReadODS(bytes.NewReader(saved), int64(len(saved)))
	if err != nil {
		t.Fatal(err)
	}
	compareShown(t, "ours.xlsx saved as ODS by LibreOffice", m["Export"], rows)

	// Headless LibreOffice keeps no view settings, so the frozen header
	// cannot be checked this way; the bold header and number cells can.
	f := openXLSX(t, mustRead(t, convert(t, soffice, odsPath, "xlsx")))
	checkXLSXSheet(t, f, "Export", noTabs, false)

	// Several sheets, one of them empty, keep their names and rows.
	var buf bytes.Buffer
	sw, err = NewODS(&buf, "Section 1")
	if err != nil {
		t.Fatal(err)
	}
	o := sw.(*ODSWriter)
	o.WriteRow(Texts("Q", "Points")...)
	o.NextSheet("Vide")
	o.NextSheet("Section 3")
	writeAll(t, o, [][]Cell{Texts("Q"), {Text("q3"), Num("2")}})
	multi := filepath.Join(dir, "multi.ods")
	os.WriteFile(multi, buf.Bytes(), 0o600)
	f = openXLSX(t, mustRead(t, convert(t, soffice, multi, "xlsx")))
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Section 1", "Vide", "Section 3"}) {
		t.Errorf("LibreOffice sees sheets %q", got)
	}
	checkXLSXSheet(t, f, "Section 3", [][]Cell{Texts("Q"), {Text("q3"), Num("2")}}, false)
}

// convert runs a headless conversion with a private profile, so that it
// neither needs nor disturbs a user's LibreOffice.
func convert(t *testing.T, soffice, in, format string) string {
	t.Helper()
	out := filepath.Join(filepath.Dir(in), strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"-out")
	profile := "file://" + filepath.Join(filepath.Dir(in), "profile")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation="+profile, "--headless", "--norestore",
		"--convert-to", format, "--outdir", out, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, b)
	}
	ext, _, _ := strings.Cut(format, ":")
	return filepath.Join(out, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"."+ext)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readLibreOfficeCSV(t *testing.T, path string) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(mustRead(t, path)))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// compareShown compares LibreOffice's CSV with what was written: text as
// is, numbers by value since LibreOffice shows "+7" as "7".
func compareShown(t *testing.T, name string, got [][]string, rows [][]Cell) {
	t.Helper()
	want := expected(rows, false)
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", name, len(got), len(want))
	}
	for i, row := range rows {
		for j, c := range row {
			g := cellAt(got[i], j)
			if v, ok := c.number(); ok {
				if f, err := strconv.ParseFloat(g, 64); err != nil || f != v {
					t.Errorf("%s [%d,%d] = %q, want the number %v", name, i, j, g, v)
				}
			} else if w := cellAt(want[i], j); g != w {
				t.Errorf("%s [%d,%d] = %q, want %q", name, i, j, g, w)
			}
		}
	}
}
