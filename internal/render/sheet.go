// Package render turns the platform's data into files people open: spreadsheets
// (CSV, XLSX, ODS) today, each written to an io.Writer as rows arrive.
package render

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Cell is one value of a row. Number cells are written as numbers, so that a
// spreadsheet can sum them; every other cell is written as text.
//
// A Number cell whose Text is not a plain decimal number (see Num) is written
// as text, and treated as text everywhere, including formula protection in CSV.
type Cell struct {
	Text   string
	Number bool
}

// SheetWriter writes rows one at a time, so that an export of any size is
// never held whole in memory. Close finishes the file; it does not close the
// underlying io.Writer. A SheetWriter is not safe for concurrent use.
type SheetWriter interface {
	WriteRow(cells ...Cell) error
	Close() error
}

// errClosed is returned when a row or a sheet comes after Close.
var errClosed = errors.New("render: sheet writer already closed")

// Text returns a text cell.
func Text(s string) Cell { return Cell{Text: s} }

// Num returns a number cell. s is written the way Go and SQL print numbers:
// an optional sign, digits, an optional '.' fraction and exponent ("-12",
// "3.5", "1e6"); anything else (a decimal comma, spaces, "NaN") is written as
// text rather than lost. Use Text for identifiers such as postcodes or SIREN
// numbers, whose leading zeros a spreadsheet would drop.
func Num(s string) Cell { return Cell{Text: s, Number: true} }

// Texts returns one text cell per string, for header rows and the like.
func Texts(ss ...string) []Cell {
	cells := make([]Cell, len(ss))
	for i, s := range ss {
		cells[i] = Text(s)
	}
	return cells
}

// number reports the value of a Number cell. It is false for text cells and
// for Number cells whose text is not a finite decimal literal, so that such a
// cell falls back to text in every format.
func (c Cell) number() (float64, bool) {
	if !c.Number || !isDecimal(c.Text) {
		return 0, false
	}
	f, err := strconv.ParseFloat(c.Text, 64)
	if err != nil { // out of range: ±Inf is no spreadsheet number
		return 0, false
	}
	return f, true
}

// isDecimal reports whether s is a decimal literal of the XML Schema double
// grammar without its special values: [+-] digits [. digits] [eE [+-] digits].
// ODS stores that very text in office:value, so the grammar must match.
// strconv.ParseFloat alone would also accept "Inf", "NaN" and hexadecimal.
func isDecimal(s string) bool {
	i := skipSign(s, 0)
	intDigits := countDigits(s[i:])
	i += intDigits
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		fracDigits = countDigits(s[i:])
		i += fracDigits
	}
	if intDigits+fracDigits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i = skipSign(s, i+1)
		expDigits := countDigits(s[i:])
		if expDigits == 0 {
			return false
		}
		i += expDigits
	}
	return i == len(s)
}

func skipSign(s string, i int) int {
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		return i + 1
	}
	return i
}

func countDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// cleanText makes text safe for every format: invalid UTF-8 becomes U+FFFD,
// characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) are dropped,
// and CR LF or a lone CR becomes LF. The same text then reads the same in CSV,
// XLSX and ODS, and a lone CR is not silently dropped by a CSV writer.
// Clean text, by far the common case, is returned without allocating.
func cleanText(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !xmlAllowed(r) || r == '\r' || (r == utf8.RuneError && size == 1) {
			return cleanFrom(s, i)
		}
		i += size
	}
	return s
}

// cleanFrom finishes cleanText's work from byte i, the first one to change.
func cleanFrom(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				size = 2
			}
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case xmlAllowed(r):
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// xmlAllowed reports whether r is a character of XML 1.0 (production Char).
func xmlAllowed(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	case r <= 0xFFFD:
		return true
	default:
		return r >= 0x10000 && r <= utf8.MaxRune
	}
}

// maxSheetName is Excel's limit, in UTF-16 code units; LibreOffice accepts it.
const maxSheetName = 31

// sheetNames hands out sheet names both Excel and LibreOffice accept, since
// callers pass free text such as a questionnaire section title: no []:*?/\,
// no apostrophe at either end, at most 31 UTF-16 units, never blank, and
// unique regardless of case.
type sheetNames struct {
	used []string
}

// next returns a valid, unused name as close to name as it can.
func (n *sheetNames) next(name string) string {
	base := sanitizeSheetName(name)
	if base == "" {
		base = "Feuille " + strconv.Itoa(len(n.used)+1)
	}
	candidate := base
	for k := 2; n.taken(candidate); k++ {
		suffix := " (" + strconv.Itoa(k) + ")"
		candidate = truncateUTF16(base, maxSheetName-len(suffix)) + suffix
	}
	n.used = append(n.used, candidate)
	return candidate
}

// taken reports whether name is used already; "History" is reserved by Excel.
func (n *sheetNames) taken(name string) bool {
	if strings.EqualFold(name, "History") {
		return true
	}
	for _, u := range n.used {
		if strings.EqualFold(u, name) {
			return true
		}
	}
	return false
}

func sanitizeSheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r):
			return '-'
		case r < 0x20 || !xmlAllowed(r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, "' ")
	return strings.TrimRight(truncateUTF16(name, maxSheetName), "' ")
}

// truncateUTF16 cuts s to at most max UTF-16 code units, on a rune boundary.
func truncateUTF16(s string, max int) string {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > max {
			return s[:i]
		}
	}
	return s
}
