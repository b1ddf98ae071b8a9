package form

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Problem message ids returned by Parse and Normalize. They are message ids
// of the locale files, so the web layer translates them next to the field.
const (
	// ProblemInvalidValue: a stored value is not the canonical encoding of
	// its type (bad JSON, wrong table width, unknown type).
	ProblemInvalidValue      = "form.invalid_value"
	ProblemInvalidOption     = "form.invalid_option"
	ProblemInvalidInteger    = "form.invalid_integer"
	ProblemInvalidPercentage = "form.invalid_percentage"
	ProblemOutOfRange        = "form.out_of_range"
	ProblemTooLong           = "form.too_long"
	ProblemInvalidURL        = "form.invalid_url"
	ProblemInvalidDate       = "form.invalid_date"
	ProblemTooManyRows       = "form.too_many_rows"
	ProblemTooManyEntries    = "form.too_many_entries"
)

// ProblemIDs lists every problem id this package returns, so that a test of
// the locale files can check each one is translated.
var ProblemIDs = []string{
	ProblemInvalidValue, ProblemInvalidOption, ProblemInvalidInteger,
	ProblemInvalidPercentage, ProblemOutOfRange, ProblemTooLong,
	ProblemInvalidURL, ProblemInvalidDate, ProblemTooManyRows,
	ProblemTooManyEntries,
}

// Limits on answers. They bound what one application may store; a
// question's MaxLength overrides the text defaults.
const (
	MaxTextRunes     = 500   // text
	MaxLongTextRunes = 10000 // longtext
	MaxURLLength     = 2000  // bytes, as browsers and servers commonly cap URLs
	MaxRows          = 200   // rows of a table
	MaxEntries       = 200   // entries of a software list
	MaxEntryRunes    = 200   // one software name
)

// FileRef names one attachment of a file answer. The server stores the
// file and builds the value with FileValue; the form only encodes it.
type FileRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// AnswerField is the HTML field carrying the answer to question id. It is
// repeated for the checkboxes of a multiple choice and the entries of a
// software list.
func AnswerField(id string) string { return "a." + id }

// CellField is the HTML field of one cell of a table question; row counts
// from 0 and col is the column id.
func CellField(id string, row int, col string) string {
	return "a." + id + "." + strconv.Itoa(row) + "." + col
}

// VersionField is the HTML field carrying the answer version the user
// edited from, so the server can detect a concurrent edit.
func VersionField(id string) string { return "v." + id }

// Parse reads question q's fields from a submitted form and returns the
// canonical value (see Answers) or a problem id. Blank input gives ""
// (unanswered) and never a problem: requiredness is checked at submission,
// so a draft can be saved half-filled. File questions give ("", "")
// because the server handles uploads itself.
func Parse(q *Question, vals url.Values) (value string, problem string) {
	field := AnswerField(q.ID)
	switch q.Type {
	case File:
		return "", ""
	case Multiple:
		return multiple(q, vals[field])
	case Software:
		return software(vals[field])
	case Table:
		return table(q, formRows(q, vals))
	default:
		return scalar(q, vals.Get(field))
	}
}

// Normalize checks a value that should already be canonical — one imported
// from last year or from a JSON file — against q's current definition and
// returns its canonical form or a problem id.
func Normalize(q *Question, value string) (string, string) {
	if value == "" {
		return "", ""
	}
	switch q.Type {
	case Multiple, Software:
		var list []string
		if json.Unmarshal([]byte(value), &list) != nil {
			return "", ProblemInvalidValue
		}
		if q.Type == Multiple {
			return multiple(q, list)
		}
		return software(list)
	case Table:
		var rows [][]string
		if json.Unmarshal([]byte(value), &rows) != nil {
			return "", ProblemInvalidValue
		}
		for _, r := range rows {
			if len(r) != len(q.Columns) {
				return "", ProblemInvalidValue
			}
		}
		return table(q, rows)
	case File:
		return normalizeFiles(value)
	default:
		return scalar(q, value)
	}
}

// scalar validates the one-field types; table cells use it too, with a
// Question built from the column.
func scalar(q *Question, raw string) (string, string) {
	s := strings.TrimSpace(strings.ToValidUTF8(raw, "\uFFFD"))
	if s == "" {
		return "", ""
	}
	switch q.Type {
	case YesNo:
		return yesNo(s)
	case Single:
		if slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == s }) {
			return s, ""
		}
		return "", ProblemInvalidOption
	case Integer:
		return integer(q, s)
	case Percentage:
		return percentage(q, s)
	case ShortText, LongText:
		return text(q, s)
	case URL:
		return webURL(s)
	case Date:
		return date(s)
	}
	return "", ProblemInvalidValue
}

// yesNo accepts English and French words, whatever the case, since the
// value may come from a form, a spreadsheet or a hand-written import.
func yesNo(s string) (string, string) {
	switch strings.ToLower(s) {
	case "yes", "oui":
		return "yes", ""
	case "no", "non":
		return "no", ""
	}
	return "", ProblemInvalidOption
}

// multiple keeps the chosen values in option order so that the same choice
// always has the same encoding (and digest).
func multiple(q *Question, chosen []string) (string, string) {
	set := map[string]bool{}
	for _, v := range chosen {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v }) {
			return "", ProblemInvalidOption
		}
		set[v] = true
	}
	var out []string
	for _, o := range q.Options {
		if set[o.Value] {
			out = append(out, o.Value)
		}
	}
	return encodeList(out), ""
}

// software cleans a list of names. Each submitted entry may hold several
// lines, so a plain textarea (no JavaScript) works as well as repeated
// inputs. Duplicates differing only by case keep the first spelling.
func software(entries []string) (string, string) {
	seen := map[string]bool{}
	var out []string
	for _, entry := range entries {
		for line := range strings.Lines(entry) {
			name := strings.TrimSpace(strings.ToValidUTF8(line, "\uFFFD"))
			key := strings.ToLower(name)
			if name == "" || seen[key] {
				continue
			}
			if utf8.RuneCountInString(name) > MaxEntryRunes {
				return "", ProblemTooLong
			}
			seen[key] = true
			out = append(out, name)
		}
	}
	if len(out) > MaxEntries {
		return "", ProblemTooManyEntries
	}
	return encodeList(out), ""
}

// formRows gathers the cells of a table question from fields named by
// CellField, in row index order. Unknown columns and malformed names are
// ignored: they cannot come from our pages.
func formRows(q *Question, vals url.Values) [][]string {
	prefix := AnswerField(q.ID) + "."
	byRow := map[int][]string{}
	for key, vs := range vals {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok || len(vs) == 0 {
			continue
		}
		rowText, col, _ := strings.Cut(rest, ".")
		row, err := strconv.Atoi(rowText)
		ci := slices.IndexFunc(q.Columns, func(c Column) bool { return c.ID == col })
		if err != nil || row < 0 || !allDigits(rowText) || ci < 0 {
			continue
		}
		if byRow[row] == nil {
			byRow[row] = make([]string, len(q.Columns))
		}
		byRow[row][ci] = vs[0]
	}
	rows := make([][]string, 0, len(byRow))
	for _, i := range slices.Sorted(maps.Keys(byRow)) {
		rows = append(rows, byRow[i])
	}
	return rows
}

// table drops blank rows (pages offer spare empty rows) and validates each
// cell with the rules of its column's type.
func table(q *Question, rows [][]string) (string, string) {
	var out [][]string
	for _, r := range rows {
		if !slices.ContainsFunc(r, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue
		}
		if len(out) == MaxRows {
			return "", ProblemTooManyRows
		}
		cells := make([]string, len(q.Columns))
		for i, c := range q.Columns {
			v, problem := scalar(&Question{ID: c.ID, Type: c.Type}, r[i])
			if problem != "" {
				return "", problem
			}
			cells[i] = v
		}
		out = append(out, cells)
	}
	if len(out) == 0 {
		return "", ""
	}
	b, _ := json.Marshal(out) // [][]string always marshals
	return string(b), ""
}

// normalizeFiles checks a stored file answer: every reference needs an id
// and a name.
func normalizeFiles(value string) (string, string) {
	var files []FileRef
	if json.Unmarshal([]byte(value), &files) != nil {
		return "", ProblemInvalidValue
	}
	for i, f := range files {
		files[i].Name = strings.TrimSpace(f.Name)
		if f.ID <= 0 || files[i].Name == "" {
			return "", ProblemInvalidValue
		}
	}
	return FileValue(files), ""
}

// FileValue encodes attachments as a file answer; no file means unanswered.
func FileValue(files []FileRef) string {
	if len(files) == 0 {
		return ""
	}
	b, _ := json.Marshal(files) // []FileRef always marshals
	return string(b)
}

// Files decodes a file answer; a blank or malformed value gives nil.
func Files(value string) []FileRef {
	var files []FileRef
	if value == "" || json.Unmarshal([]byte(value), &files) != nil {
		return nil
	}
	return files
}

// List decodes a multiple choice or software answer; a blank or malformed
// value gives nil.
func List(value string) []string {
	var list []string
	if value == "" || json.Unmarshal([]byte(value), &list) != nil {
		return nil
	}
	return list
}

// Rows decodes a table answer; a blank or malformed value gives nil.
func Rows(value string) [][]string {
	var rows [][]string
	if value == "" || json.Unmarshal([]byte(value), &rows) != nil {
		return nil
	}
	return rows
}

// encodeList encodes a list answer; an empty list means unanswered, so it
// is "" rather than "[]".
func encodeList(list []string) string {
	if len(list) == 0 {
		return ""
	}
	b, _ := json.Marshal(list) // []string always marshals
	return string(b)
}

func allDigits(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// splitSign separates a leading sign; the typographic minus (U+2212) is
// accepted because French word processors produce it.
func splitSign(s string) (neg bool, rest string) {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return true, rest
	}
	if rest, ok := strings.CutPrefix(s, "\u2212"); ok {
		return true, rest
	}
	return false, strings.TrimPrefix(s, "+")
}

// integer accepts French digit grouping ("12 000", with a space, a no-break
// space or a narrow no-break space) but only in well-formed groups of
// three, so that "1 2" — likely a typo — is refused rather than read as 12.
func integer(q *Question, s string) (string, string) {
	neg, body := splitSign(s)
	body = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2009", " ").Replace(body)
	groups := strings.Split(body, " ")
	for i, g := range groups {
		bad := g == "" || !allDigits(g) ||
			(i > 0 && len(g) != 3) || (i == 0 && len(groups) > 1 && len(g) > 3)
		if bad {
			return "", ProblemInvalidInteger
		}
	}
	digits := strings.Join(groups, "")
	if neg {
		digits = "-" + digits
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || !within(float64(n), q.Min, q.Max) {
		return "", ProblemOutOfRange // digits are checked: only overflow fails
	}
	return strconv.FormatInt(n, 10), ""
}

// percentage accepts a decimal comma or point and a trailing "%". The
// canonical form is built from the digits, not from a float, so that what
// the user typed is kept exactly ("33.333", never "33.33299999").
func percentage(q *Question, s string) (string, string) {
	neg, body := splitSign(strings.TrimSpace(strings.TrimSuffix(s, "%")))
	body = strings.Replace(body, ",", ".", 1)
	whole, frac, _ := strings.Cut(body, ".")
	if (whole == "" && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return "", ProblemInvalidPercentage
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	canon := whole
	if frac = strings.TrimRight(frac, "0"); frac != "" {
		canon += "." + frac
	}
	if neg && canon != "0" {
		canon = "-" + canon
	}
	lo, hi := 0.0, 100.0
	if q.Min != nil {
		lo = *q.Min
	}
	if q.Max != nil {
		hi = *q.Max
	}
	f, err := strconv.ParseFloat(canon, 64)
	if err != nil || !within(f, &lo, &hi) {
		return "", ProblemOutOfRange // digits are checked: only overflow fails
	}
	return canon, ""
}

func within(f float64, lo, hi *float64) bool {
	return (lo == nil || f >= *lo) && (hi == nil || f <= *hi)
}

// text counts runes, not bytes, so accented French text gets the full
// length. A short text stays on one line; a long text keeps its line
// breaks with browsers' CRLF turned into LF.
func text(q *Question, s string) (string, string) {
	limit := MaxTextRunes
	if q.Type == LongText {
		limit = MaxLongTextRunes
		s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	} else {
		s = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)
	}
	if q.MaxLength > 0 {
		limit = q.MaxLength
	}
	if utf8.RuneCountInString(s) > limit {
		return "", ProblemTooLong
	}
	return s, ""
}

// webURL accepts only absolute http(s) links with a host: the URL is shown
// to reviewers as evidence, so javascript:, data: or relative links must
// never get through.
func webURL(s string) (string, string) {
	if len(s) > MaxURLLength {
		return "", ProblemTooLong
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return "", ProblemInvalidURL
	}
	if scheme := strings.ToLower(u.Scheme); scheme != "http" && scheme != "https" {
		return "", ProblemInvalidURL
	}
	return s, ""
}

// date accepts ISO dates (what date inputs send) and, for browsers without
// a date picker and for spreadsheets, the French DD/MM/YYYY. time.Parse
// rejects days beyond the month's end, such as 2026-02-30.
func date(s string) (string, string) {
	for _, layout := range []string{time.DateOnly, "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), ""
		}
	}
	return "", ProblemInvalidDate
}

// Display renders a canonical value as text for people — receipts, diffs,
// exports — in lang ("fr" or "en"): option labels instead of values,
// grouped digits, French dates. Table cells are joined by " | " and rows
// by newlines (render them with white-space: pre-line). A value that does
// not decode is shown as stored rather than hidden.
func Display(q *Question, value, lang string) string {
	if value == "" {
		return ""
	}
	switch q.Type {
	case Single:
		return optionLabel(q, value, lang)
	case Multiple:
		return joinDecoded(value, List(value), ", ", func(v string) string { return optionLabel(q, v, lang) })
	case Software:
		return joinDecoded(value, List(value), ", ", func(v string) string { return v })
	case File:
		return joinDecoded(value, Files(value), ", ", func(f FileRef) string { return f.Name })
	case Table:
		return joinDecoded(value, Rows(value), "\n", func(r []string) string { return displayRow(q, r, lang) })
	}
	return displayScalar(q.Type, value, lang)
}

func joinDecoded[T any](raw string, items []T, sep string, show func(T) string) string {
	if items == nil {
		return raw
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = show(it)
	}
	return strings.Join(parts, sep)
}

func optionLabel(q *Question, value, lang string) string {
	for _, o := range q.Options {
		if o.Value == value {
			return o.Label.In(lang)
		}
	}
	return value
}

func displayRow(q *Question, row []string, lang string) string {
	cells := make([]string, len(row))
	for i, v := range row {
		t := ShortText
		if i < len(q.Columns) {
			t = q.Columns[i].Type
		}
		cells[i] = displayScalar(t, v, lang)
	}
	return strings.Join(cells, " | ")
}

func displayScalar(t Type, v, lang string) string {
	if v == "" {
		return ""
	}
	switch t {
	case YesNo:
		return yesNoText(v, lang)
	case Integer:
		return groupDigits(v, lang)
	case Percentage:
		if lang == "en" {
			return v + "%"
		}
		return strings.Replace(v, ".", ",", 1) + "\u202f%"
	case Date:
		if d, err := time.Parse(time.DateOnly, v); err == nil && lang != "en" {
			return d.Format("02/01/2006")
		}
	}
	return v
}

func yesNoText(v, lang string) string {
	words := map[string][2]string{"yes": {"Oui", "Yes"}, "no": {"Non", "No"}}
	w, ok := words[v]
	switch {
	case !ok:
		return v
	case lang == "en":
		return w[1]
	}
	return w[0]
}

// groupDigits writes an integer with thousands separators: a narrow
// no-break space in French (as the Imprimerie nationale and CLDR do), a
// comma in English.
func groupDigits(v, lang string) string {
	sign, digits := "", v
	if rest, ok := strings.CutPrefix(v, "-"); ok {
		sign, digits = "-", rest
	}
	if !allDigits(digits) {
		return v
	}
	sep := "\u202f"
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}
