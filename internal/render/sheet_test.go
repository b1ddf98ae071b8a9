package render

import (
	"bytes"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tricky holds the texts every format must carry: accents, XML's special
// characters, line breaks, spaces that XML would collapse, emoji, characters
// XML forbids, invalid UTF-8, excelize's own escape syntax and formulas.
var tricky = []string{
	"Élodie à Évry, ça coûte 12 € — « Territoire »",
	`<b>&amp; "quoted" 'single' > less</b>`,
	"ligne 1\nligne 2\n\nligne 4\n",
	"windows\r\nline\rold mac",
	"  leading, trailing  ",
	"a   b    c d",
	"tab\there\t",
	" ",
	"emoji 🎉 👩🏽‍💻 🇫🇷",
	"control \x00\x01\x0b\x1f chars \uFFFE\uFFFF",
	"bad utf8 \xff\xfe end",
	"_x0041_ stays _x005F_",
	"=HYPERLINK(\"http://evil\")",
	"+33 1 23 45 67 89",
	"-not a number",
	"@SUM(A1)",
	"\tstarts with tab",
	"\rstarts with CR",
	"中文 한국어 العربية",
}

// fixture is a header and rows mixing text, numbers and empty cells.
func fixture() [][]Cell {
	rows := [][]Cell{Texts("Nom", "Commune", "Score", "Note")}
	for i, s := range tricky {
		rows = append(rows, []Cell{Text(s), Text("Rennes"), Num(strconv.Itoa(i - 3)), Num("2.5")})
	}
	rows = append(rows,
		[]Cell{Text("empty middle"), Text(""), Num(""), Num("0.125")},
		[]Cell{Num("12,5"), Num("NaN"), Num("1e999"), Num("=1+1")}, // not numbers: text
		[]Cell{Num("-0"), Num("+7"), Num(".5"), Num("1E3")},
	)
	return rows
}

// expected is what a reader should see: cleaned text, numbers as given,
// trailing empty cells dropped. protect adds CSV's formula apostrophe.
func expected(rows [][]Cell, protect bool) [][]string {
	var out [][]string
	for _, row := range rows {
		var r []string
		for _, c := range row {
			s := c.Text
			if _, ok := c.number(); !ok {
				s = cleanText(s)
				if protect && startsFormula(s) {
					s = "'" + s
				}
			}
			r = append(r, s)
		}
		for len(r) > 0 && r[len(r)-1] == "" {
			r = r[:len(r)-1]
		}
		out = append(out, r)
	}
	return out
}

func writeAll(t testing.TB, sw SheetWriter, rows [][]Cell) {
	t.Helper()
	for _, row := range rows {
		if err := sw.WriteRow(row...); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sw.WriteRow(Text("late")); err == nil {
		t.Error("WriteRow after Close succeeded")
	}
	if err := sw.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func diffRows(t *testing.T, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}

// TestEmptyRows writes rows without cells, which every format must accept.
func TestEmptyRows(t *testing.T) {
	var c, x, o bytes.Buffer
	xs, err := NewXLSX(&x, "S")
	if err != nil {
		t.Fatal(err)
	}
	ods, err := NewODS(&o, "S")
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]Cell{nil, {Text("a")}, nil, {Text("b")}}
	for _, sw := range []SheetWriter{NewCSV(&c), xs, ods} {
		writeAll(t, sw, rows)
	}
	if got := c.String(); got != "\uFEFF\r\na\r\n\r\nb\r\n" {
		t.Errorf("CSV = %q", got)
	}
	want := [][]string{nil, {"a"}, nil, {"b"}}
	f := openXLSX(t, x.Bytes())
	if got, _ := f.GetRows("S"); len(got) != 4 || got[1][0] != "a" || got[3][0] != "b" {
		t.Errorf("XLSX rows = %q", got)
	}
	sheets := readBack(t, o.Bytes())
	diffRows(t, sheets[0].rows, want)
	checkWellFormedODS(t, o.Bytes())
}

func TestIsDecimal(t *testing.T) {
	for _, s := range []string{"0", "-12", "+3", "3.5", ".5", "5.", "1e6", "-1.5E-3", "007"} {
		if !isDecimal(s) {
			t.Errorf("isDecimal(%q) = false", s)
		}
	}
	for _, s := range []string{"", "-", ".", "e5", "1e", "1e+", "NaN", "Inf", "0x1p3", "1_000", " 1", "1 ", "12,5", "1.2.3", "--1"} {
		if isDecimal(s) {
			t.Errorf("isDecimal(%q) = true", s)
		}
	}
	if _, ok := Num("1e999").number(); ok {
		t.Error("1e999 taken for a number")
	}
	if _, ok := Text("12").number(); ok {
		t.Error("a Text cell taken for a number")
	}
}

func TestCleanText(t *testing.T) {
	cases := map[string]string{
		"plain":              "plain",
		"é 🎉":                "é 🎉",
		"a\r\nb\rc\nd":       "a\nb\nc\nd",
		"x\x00\x08\x0b\x1fy": "xy",
		"tab\tok":            "tab\tok",
		"\uFFFE\uFFFF\uFFFD": "\uFFFD",
		"bad\xffutf8":        "bad\uFFFDutf8",
		"\r":                 "\n",
	}
	for in, want := range cases {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
	if n := testing.AllocsPerRun(10, func() { cleanText("déjà propre") }); n != 0 {
		t.Errorf("clean text allocates %v times", n)
	}
}

func TestSheetNames(t *testing.T) {
	var n sheetNames
	long := strings.Repeat("é", 40)
	got := []string{
		n.next("Gouvernance / Transparence"),
		n.next("gouvernance - transparence"),
		n.next(""),
		n.next("'quoted'"),
		n.next(long),
		n.next(long),
		n.next("History"),
		n.next("a[b]c:d*e?f\\g\x01"),
		n.next(strings.Repeat("🎉", 20)),
	}
	want := []string{
		"Gouvernance - Transparence",
		"gouvernance - transparence (2)",
		"Feuille 3",
		"quoted",
		strings.Repeat("é", 31),
		strings.Repeat("é", 27) + " (2)",
		"History (2)",
		"a-b-c-d-e-f-g",
		strings.Repeat("🎉", 15),
	}
	if !slices.Equal(got, want) {
		t.Errorf("sheet names\n got %q\nwant %q", got, want)
	}
}

// bigRow is a typical row of a large export: 60 cells, a third numbers.
func bigRow(i int) []Cell {
	row := make([]Cell, 60)
	for j := range row {
		switch j % 3 {
		case 0:
			row[j] = Num(strconv.Itoa(i*60 + j))
		case 1:
			row[j] = Text("Commune de Saint-Étienne-du-Rouvray")
		default:
			row[j] = Text("Réponse libre, avec <balises> & « guillemets »")
		}
	}
	return row
}

const bigRows = 36_000

// raceEnabled is set by race_test.go when the race detector is on.
var raceEnabled = false

// benchmarkWriter measures a 36,000 × 60 export to io.Discard.
func benchmarkWriter(b *testing.B, open func(io.Writer) (SheetWriter, error)) {
	rows := make([][]Cell, 100)
	for i := range rows {
		rows[i] = bigRow(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		sw, err := open(io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		for i := range bigRows {
			if err := sw.WriteRow(rows[i%len(rows)]...); err != nil {
				b.Fatal(err)
			}
		}
		if err := sw.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(bigRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkCSV(b *testing.B) {
	benchmarkWriter(b, func(w io.Writer) (SheetWriter, error) { return NewCSV(w), nil })
}

func BenchmarkODS(b *testing.B) {
	benchmarkWriter(b, func(w io.Writer) (SheetWriter, error) { return NewODS(w, "Export") })
}

func BenchmarkXLSX(b *testing.B) {
	benchmarkWriter(b, func(w io.Writer) (SheetWriter, error) { return NewXLSX(w, "Export") })
}

// TestStreamingMemory guards the rule "stream, don't build in memory": a
// 36,000 × 60 export must not make the heap grow with its size.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes two large files")
	}
	const limit = 100 << 20
	for _, tc := range []struct {
		name    string
		open    func(io.Writer) (SheetWriter, error)
		streams bool // bytes reach the writer before Close
	}{
		{"ods", func(w io.Writer) (SheetWriter, error) { return NewODS(w, "Export") }, true},
		// excelize completes the ZIP only in Close, from its temporary files.
		{"xlsx", func(w io.Writer) (SheetWriter, error) { return NewXLSX(w, "Export") }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "xlsx" && raceEnabled {
				t.Skip("excelize takes about a minute under the race detector")
			}
			out := &countingWriter{}
			peak, early, size := peakHeap(t, out, tc.open)
			t.Logf("%s: %.1f MB written, %.1f MB of it before Close, peak HeapInuse %.1f MB",
				tc.name, mb(size), mb(early), mb(peak))
			if peak > limit {
				t.Errorf("peak HeapInuse %.0f MB, want < %d MB", mb(peak), limit>>20)
			}
			if tc.streams && early < size*9/10 {
				t.Errorf("only %d of %d bytes written before Close: not streamed", early, size)
			}
			if out.largest > 1<<20 {
				t.Errorf("a single write of %d bytes: the file was assembled in memory", out.largest)
			}
		})
	}
}

func mb[T int64 | uint64](n T) float64 { return float64(n) / (1 << 20) }

// peakHeap writes bigRows rows and samples HeapInuse every 1,000 rows and
// during Close, when excelize assembles its ZIP. It also tells how many
// bytes had reached the writer before Close, and in all.
func peakHeap(t *testing.T, out *countingWriter, open func(io.Writer) (SheetWriter, error)) (peak uint64, early, size int64) {
	runtime.GC()
	var ms runtime.MemStats
	sample := func() {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	out.sample = sample
	sw, err := open(out)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := range bigRows {
		if err := sw.WriteRow(bigRow(i)...); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 0 {
			sample()
		}
	}
	early = out.n
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	sample()
	t.Logf("written in %v", time.Since(start).Round(time.Millisecond))
	return peak, early, out.n
}

// countingWriter discards what it gets, sampling the heap every 8 MiB so
// that work done inside Close is measured too.
type countingWriter struct {
	n       int64
	next    int64
	largest int // the largest single write
	sample  func()
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	c.largest = max(c.largest, len(p))
	if c.n >= c.next {
		c.sample()
		c.next = c.n + 8<<20
	}
	return len(p), nil
}
