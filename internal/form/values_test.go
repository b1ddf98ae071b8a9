package form

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func ptr(f float64) *float64 { return &f }

func TestFieldNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{AnswerField("strategy"), "a.strategy"},
		{CellField("tools", 3, "name"), "a.tools.3.name"},
		{VersionField("strategy"), "v.strategy"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// one builds the form values of a single-field answer.
func one(v ...string) url.Values { return url.Values{"a.q": v} }

var (
	choices = []Option{{Value: "a"}, {Value: "b"}, {Value: "c"}}
	columns = []Column{{ID: "name", Type: ShortText}, {ID: "agents", Type: Integer}, {ID: "site", Type: URL}}
)

func TestParse(t *testing.T) {
	many := func(n int, f func(i int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	tableVals := func(cells map[string]string) url.Values {
		v := url.Values{}
		for k, c := range cells {
			v.Set("a.q."+k, c)
		}
		return v
	}
	manyRows := url.Values{}
	for i := range MaxRows + 1 {
		manyRows.Set(CellField("q", i, "name"), fmt.Sprint("row ", i))
	}
	tests := []struct {
		name    string
		q       Question
		vals    url.Values
		want    string
		problem string
	}{
		{"blank is unanswered", Question{Type: Integer}, one("  "), "", ""},
		{"missing field", Question{Type: ShortText}, url.Values{}, "", ""},

		{"yes", Question{Type: YesNo}, one("yes"), "yes", ""},
		{"oui", Question{Type: YesNo}, one(" Oui "), "yes", ""},
		{"NON", Question{Type: YesNo}, one("NON"), "no", ""},
		{"maybe", Question{Type: YesNo}, one("maybe"), "", ProblemInvalidOption},

		{"single", Question{Type: Single, Options: choices}, one("b"), "b", ""},
		{"single bad option", Question{Type: Single, Options: choices}, one("z"), "", ProblemInvalidOption},

		{"multiple in option order, deduplicated", Question{Type: Multiple, Options: choices}, one("c", "a", "c", ""), `["a","c"]`, ""},
		{"multiple bad option", Question{Type: Multiple, Options: choices}, one("a", "z"), "", ProblemInvalidOption},
		{"multiple none", Question{Type: Multiple, Options: choices}, one(""), "", ""},

		{"integer", Question{Type: Integer}, one("42"), "42", ""},
		{"integer space groups", Question{Type: Integer}, one("12 000"), "12000", ""},
		{"integer nbsp groups", Question{Type: Integer}, one("1\u00a0234\u00a0567"), "1234567", ""},
		{"integer narrow nbsp", Question{Type: Integer}, one("12\u202f000"), "12000", ""},
		{"integer sign and zeros", Question{Type: Integer}, one("+007"), "7", ""},
		{"integer negative", Question{Type: Integer}, one("-5"), "-5", ""},
		{"integer typographic minus", Question{Type: Integer}, one("\u22125"), "-5", ""},
		{"integer decimal", Question{Type: Integer}, one("12,5"), "", ProblemInvalidInteger},
		{"integer bad group", Question{Type: Integer}, one("1 00"), "", ProblemInvalidInteger},
		{"integer long first group", Question{Type: Integer}, one("1000 000"), "", ProblemInvalidInteger},
		{"integer letters", Question{Type: Integer}, one("douze"), "", ProblemInvalidInteger},
		{"integer above max", Question{Type: Integer, Max: ptr(100)}, one("150"), "", ProblemOutOfRange},
		{"integer below min", Question{Type: Integer, Min: ptr(0)}, one("-1"), "", ProblemOutOfRange},
		{"integer overflow", Question{Type: Integer}, one("99999999999999999999"), "", ProblemOutOfRange},

		{"percentage comma", Question{Type: Percentage}, one("12,5"), "12.5", ""},
		{"percentage trailing zeros", Question{Type: Percentage}, one("37.50"), "37.5", ""},
		{"percentage sign", Question{Type: Percentage}, one("40,0\u202f%"), "40", ""},
		{"percentage leading zeros", Question{Type: Percentage}, one("007"), "7", ""},
		{"percentage no whole part", Question{Type: Percentage}, one(",5"), "0.5", ""},
		{"percentage 100", Question{Type: Percentage}, one("100"), "100", ""},
		{"percentage 101", Question{Type: Percentage}, one("101"), "", ProblemOutOfRange},
		{"percentage negative", Question{Type: Percentage}, one("-1"), "", ProblemOutOfRange},
		{"percentage custom max", Question{Type: Percentage, Max: ptr(200)}, one("150"), "150", ""},
		{"percentage custom min", Question{Type: Percentage, Min: ptr(-50)}, one("-12,5"), "-12.5", ""},
		{"percentage two separators", Question{Type: Percentage}, one("1,2,3"), "", ProblemInvalidPercentage},
		{"percentage words", Question{Type: Percentage}, one("moitié"), "", ProblemInvalidPercentage},
		{"percentage sign alone", Question{Type: Percentage}, one("%"), "", ProblemInvalidPercentage},

		{"text trimmed", Question{Type: ShortText}, one("  bonjour  "), "bonjour", ""},
		{"text one line", Question{Type: ShortText}, one("a\r\nb"), "a b", ""},
		{"text 500 accented runes", Question{Type: ShortText}, one(strings.Repeat("é", 500)), strings.Repeat("é", 500), ""},
		{"text too long", Question{Type: ShortText}, one(strings.Repeat("x", 501)), "", ProblemTooLong},
		{"text max length", Question{Type: ShortText, MaxLength: 5}, one("abcdef"), "", ProblemTooLong},
		{"longtext keeps lines", Question{Type: LongText}, one("a\r\nb"), "a\nb", ""},
		{"longtext 10000", Question{Type: LongText}, one(strings.Repeat("x", 10000)), strings.Repeat("x", 10000), ""},
		{"longtext too long", Question{Type: LongText}, one(strings.Repeat("x", 10001)), "", ProblemTooLong},

		{"url", Question{Type: URL}, one(" https://example.org/plan.pdf "), "https://example.org/plan.pdf", ""},
		{"url upper-case scheme", Question{Type: URL}, one("HTTP://Example.org"), "HTTP://Example.org", ""},
		{"url javascript", Question{Type: URL}, one("javascript:alert(1)"), "", ProblemInvalidURL},
		{"url ftp", Question{Type: URL}, one("ftp://example.org/x"), "", ProblemInvalidURL},
		{"url no host", Question{Type: URL}, one("http://"), "", ProblemInvalidURL},
		{"url relative", Question{Type: URL}, one("example.org/plan"), "", ProblemInvalidURL},
		{"url too long", Question{Type: URL}, one("https://example.org/" + strings.Repeat("x", MaxURLLength)), "", ProblemTooLong},

		{"date", Question{Type: Date}, one("2026-02-28"), "2026-02-28", ""},
		{"date leap day", Question{Type: Date}, one("2024-02-29"), "2024-02-29", ""},
		{"date French", Question{Type: Date}, one("30/01/2026"), "2026-01-30", ""},
		{"date 30 February", Question{Type: Date}, one("2026-02-30"), "", ProblemInvalidDate},
		{"date not leap", Question{Type: Date}, one("2025-02-29"), "", ProblemInvalidDate},
		{"date short month", Question{Type: Date}, one("2026-1-5"), "", ProblemInvalidDate},

		{"table drops empty rows, keeps index order", Question{Type: Table, Columns: columns}, tableVals(map[string]string{
			"0.name": "Mairie", "0.agents": "1 200", "0.site": "",
			"1.name": " ", "1.agents": "", "1.site": "",
			"10.name": "École", "10.agents": "", "10.site": "https://ecole.example",
			"2.name": "CCAS", "2.unknown": "ignored", "x.name": "ignored",
		}), `[["Mairie","1200",""],["CCAS","",""],["École","","https://ecole.example"]]`, ""},
		{"table all empty", Question{Type: Table, Columns: columns}, tableVals(map[string]string{"0.name": "", "0.agents": " "}), "", ""},
		{"table bad cell", Question{Type: Table, Columns: columns}, tableVals(map[string]string{"0.name": "Mairie", "0.agents": "beaucoup"}), "", ProblemInvalidInteger},
		{"table bad url cell", Question{Type: Table, Columns: columns}, tableVals(map[string]string{"0.site": "javascript:x"}), "", ProblemInvalidURL},
		{"table too many rows", Question{Type: Table, Columns: columns}, manyRows, "", ProblemTooManyRows},

		{"software dedup", Question{Type: Software}, one("LibreOffice", " libreoffice ", "", " Firefox "), `["LibreOffice","Firefox"]`, ""},
		{"software lines", Question{Type: Software}, one("GIMP\r\nInkscape\n\nGimp"), `["GIMP","Inkscape"]`, ""},
		{"software all blank", Question{Type: Software}, one(" ", ""), "", ""},
		{"software too many", Question{Type: Software}, one(many(MaxEntries+1, func(i int) string { return fmt.Sprint("logiciel ", i) })...), "", ProblemTooManyEntries},
		{"software long name", Question{Type: Software}, one(strings.Repeat("x", MaxEntryRunes+1)), "", ProblemTooLong},

		{"file is the server's", Question{Type: File}, one("anything"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.ID = "q"
			got, problem := Parse(&tt.q, tt.vals)
			if got != tt.want || problem != tt.problem {
				t.Fatalf("Parse = (%q, %q), want (%q, %q)", got, problem, tt.want, tt.problem)
			}
			if got == "" {
				return
			}
			// A canonical value must survive Normalize unchanged.
			again, problem := Normalize(&tt.q, got)
			if again != got || problem != "" {
				t.Fatalf("Normalize(%q) = (%q, %q), want it unchanged", got, again, problem)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		q       Question
		value   string
		want    string
		problem string
	}{
		{"blank", Question{Type: Multiple, Options: choices}, "", "", ""},
		{"multiple reordered", Question{Type: Multiple, Options: choices}, `["c","a"]`, `["a","c"]`, ""},
		{"multiple empty list", Question{Type: Multiple, Options: choices}, `[]`, "", ""},
		{"multiple not JSON", Question{Type: Multiple, Options: choices}, "a,c", "", ProblemInvalidValue},
		{"multiple unknown option", Question{Type: Multiple, Options: choices}, `["a","gone"]`, "", ProblemInvalidOption},
		{"single unknown option", Question{Type: Single, Options: choices}, "gone", "", ProblemInvalidOption},
		{"integer from a spreadsheet", Question{Type: Integer}, "12 000", "12000", ""},
		{"table drops blank rows", Question{Type: Table, Columns: columns}, `[["a","1",""],["","",""]]`, `[["a","1",""]]`, ""},
		{"table wrong width", Question{Type: Table, Columns: columns}, `[["a","1"]]`, "", ProblemInvalidValue},
		{"table not JSON", Question{Type: Table, Columns: columns}, `a;1`, "", ProblemInvalidValue},
		{"software", Question{Type: Software}, `["QGIS"," qgis","GIMP"]`, `["QGIS","GIMP"]`, ""},
		{"software not JSON", Question{Type: Software}, `QGIS`, "", ProblemInvalidValue},
		{"file", Question{Type: File}, `[{"id":3,"name":" plan.pdf "}]`, `[{"id":3,"name":"plan.pdf"}]`, ""},
		{"file without id", Question{Type: File}, `[{"name":"plan.pdf"}]`, "", ProblemInvalidValue},
		{"file not JSON", Question{Type: File}, `plan.pdf`, "", ProblemInvalidValue},
		{"unknown type", Question{Type: "colour"}, "red", "", ProblemInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := Normalize(&tt.q, tt.value)
			if got != tt.want || problem != tt.problem {
				t.Fatalf("Normalize = (%q, %q), want (%q, %q)", got, problem, tt.want, tt.problem)
			}
		})
	}
}

func TestDecoders(t *testing.T) {
	if got := List(`["a","b"]`); len(got) != 2 || got[1] != "b" {
		t.Errorf("List = %q", got)
	}
	if got := Rows(`[["a","1"],["b","2"]]`); len(got) != 2 || got[1][1] != "2" {
		t.Errorf("Rows = %q", got)
	}
	for _, bad := range []string{"", "nope", `{"a":1}`} {
		if List(bad) != nil || Rows(bad) != nil || Files(bad) != nil {
			t.Errorf("decoding %q should give nil", bad)
		}
	}
	files := []FileRef{{ID: 7, Name: "délibération.pdf"}}
	value := FileValue(files)
	if value != `[{"id":7,"name":"délibération.pdf"}]` {
		t.Errorf("FileValue = %s", value)
	}
	if got := Files(value); len(got) != 1 || got[0] != files[0] {
		t.Errorf("Files = %v", got)
	}
	if FileValue(nil) != "" {
		t.Error("no file must mean unanswered")
	}
}

func TestProblemIDsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, id := range ProblemIDs {
		if seen[id] || !strings.HasPrefix(id, "form.") {
			t.Errorf("bad or repeated problem id %q", id)
		}
		seen[id] = true
	}
}

func TestDisplay(t *testing.T) {
	opts := []Option{{Value: "a", Label: Text{FR: "Oui, adoptée", EN: "Yes, adopted"}}, {Value: "b", Label: Text{FR: "En cours"}}}
	tests := []struct {
		q          Question
		value      string
		lang, want string
	}{
		{Question{Type: YesNo}, "yes", "fr", "Oui"},
		{Question{Type: YesNo}, "no", "en", "No"},
		{Question{Type: Single, Options: opts}, "a", "en", "Yes, adopted"},
		{Question{Type: Single, Options: opts}, "gone", "fr", "gone"},
		{Question{Type: Multiple, Options: opts}, `["a","b"]`, "en", "Yes, adopted, En cours"},
		{Question{Type: Integer}, "1234567", "fr", "1\u202f234\u202f567"},
		{Question{Type: Integer}, "-1234", "en", "-1,234"},
		{Question{Type: Integer}, "123", "fr", "123"},
		{Question{Type: Percentage}, "37.5", "fr", "37,5\u202f%"},
		{Question{Type: Percentage}, "37.5", "en", "37.5%"},
		{Question{Type: Date}, "2026-01-30", "fr", "30/01/2026"},
		{Question{Type: Date}, "2026-01-30", "en", "2026-01-30"},
		{Question{Type: Software}, `["QGIS","GIMP"]`, "fr", "QGIS, GIMP"},
		{Question{Type: File}, `[{"id":1,"name":"a.pdf"},{"id":2,"name":"b.odt"}]`, "fr", "a.pdf, b.odt"},
		{Question{Type: Table, Columns: []Column{{ID: "n", Type: ShortText}, {ID: "ok", Type: YesNo}}}, `[["Mairie","yes"],["CCAS",""]]`, "fr", "Mairie | Oui\nCCAS | "},
		{Question{Type: Multiple, Options: opts}, "corrupt", "fr", "corrupt"},
		{Question{Type: LongText}, "", "fr", ""},
	}
	for _, tt := range tests {
		if got := Display(&tt.q, tt.value, tt.lang); got != tt.want {
			t.Errorf("Display(%s, %q, %s) = %q, want %q", tt.q.Type, tt.value, tt.lang, got, tt.want)
		}
	}
}
