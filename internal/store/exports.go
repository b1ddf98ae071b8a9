package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"tnl/internal/domain"
)

// exportSelect reads applications with their answers in one ordered
// query: one row per application, its non-empty answers joined and folded
// by the database into one JSON object {question: value}.
//
// Folding is what keeps a large export fast: with one row per answer, an
// edition of 36,000 applications × 60 answers is 2 million rows of 22
// columns, and reading them through database/sql (one Go value per column
// per row) took most of the export's time; one row per application reads
// 60 times fewer columns. The first %s is the engine's JSON aggregate, the
// second the scan hint (see exportScan).
const exportSelect = `SELECT a.id, a.year, a.track, a.questionnaire_id, q.version, a.status, a.submissions,
	a.correction, a.created_at, a.updated_at, a.submitted_at,
	b.id, b.body_key, b.name, b.kind, b.departement, b.region, b.insee, b.siren, b.population,
	COALESCE(%s(n.question, n.value) FILTER (WHERE n.question IS NOT NULL), '{}')
	FROM applications a %s JOIN questionnaires q ON q.id = a.questionnaire_id JOIN bodies b ON b.id = a.body_id
	LEFT JOIN answers n ON n.application_id = a.id AND n.value <> ''`

// exportQuery is exportSelect for the engine. SQLite is made to read
// applications in id order (their rowid), so that groups come out in the
// export's order as they are read, each through the answers' primary key.
// Left to itself it would use the (year, track, body) index and then sort
// the whole edition's answers in a temporary B-tree — hundreds of
// megabytes of text, seconds before the first row. PostgreSQL plans this
// well alone.
func (db *DB) exportQuery() string {
	if db.dialect.name == "sqlite" {
		return fmt.Sprintf(exportSelect, "json_group_object", "NOT INDEXED")
	}
	return fmt.Sprintf(exportSelect, "json_object_agg", "")
}

// ExportApplications calls fn once per application matching f (Limit and
// Offset are ignored), in the order of their ids, with its non-empty
// answers by question id. The applications come from one ordered query
// read row by row, so an export of any size holds one application at a
// time: fn must not keep the answers map, which is reused. An error from
// fn stops the export and is returned.
func (db *DB) ExportApplications(ctx context.Context, f ApplicationFilter,
	fn func(app *domain.Application, answers map[string]string) error) error {
	where, args := f.where()
	// Ordering by the grouping's very terms lets SQLite see that groups
	// already come out in order; "ORDER BY a.id" alone made it sort them.
	rows, err := db.sql.QueryContext(ctx, db.exportQuery()+where+`
		GROUP BY a.id, q.id, b.id ORDER BY a.id, q.id, b.id`, args...)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	answers := map[string]string{}
	var raw []byte
	for rows.Next() {
		var a domain.Application
		var submitted sql.NullTime
		b := &a.Body
		err := rows.Scan(&a.ID, &a.Year, &a.Track, &a.QuestionnaireID, &a.Version, &a.Status, &a.Submissions,
			&a.Correction, &a.CreatedAt, &a.UpdatedAt, &submitted,
			&b.ID, &b.Key, &b.Name, &b.Kind, &b.Departement, &b.Region, &b.INSEE, &b.SIREN, &b.Population, &raw)
		if err != nil {
			return translate(err)
		}
		if err := decodeAnswers(raw, answers); err != nil {
			return fmt.Errorf("answers of application %d: %w", a.ID, err)
		}
		a.SubmittedAt, a.Answered = nullTime(submitted), len(answers)
		if err := fn(&a, answers); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}

// decodeAnswers fills answers (emptied first) from a JSON object of
// strings, as the engines' JSON aggregates write it. A profile of a large
// export showed encoding/json taking a third of its time on these objects,
// so the common shape is read by hand; anything unexpected is left to
// encoding/json.
func decodeAnswers(data []byte, answers map[string]string) error {
	clear(answers)
	if flatObject(data, answers) {
		return nil
	}
	clear(answers)
	return json.Unmarshal(data, &answers)
}

// flatObject reads {"k": "v", …} into m and reports whether data was
// exactly that.
func flatObject(data []byte, m map[string]string) bool {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipSpace(data, i+1) == len(data)
	}
	for {
		key, next, ok := jsonString(data, i)
		if !ok {
			return false
		}
		i = skipSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		value, next, ok := jsonString(data, skipSpace(data, i+1))
		if !ok {
			return false
		}
		m[key] = value
		i = skipSpace(data, next)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == '}':
			return skipSpace(data, i+1) == len(data)
		default:
			return false
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
		i++
	}
	return i
}

// jsonString reads the string starting at data[i] (its opening quote) and
// returns it with the index after its closing quote. Strings without
// escapes, the common case, are copied once.
func jsonString(data []byte, i int) (string, int, bool) {
	if i >= len(data) || data[i] != '"' {
		return "", 0, false
	}
	start := i + 1
	for j := start; j < len(data); j++ {
		switch data[j] {
		case '"':
			return string(data[start:j]), j + 1, true
		case '\\':
			return escapedString(data, start, j)
		}
	}
	return "", 0, false
}

// escapedString finishes reading a string whose first escape is at j.
func escapedString(data []byte, start, j int) (string, int, bool) {
	b := append([]byte(nil), data[start:j]...)
	for j < len(data) {
		c := data[j]
		switch {
		case c == '"':
			return string(b), j + 1, true
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(data) {
			return "", 0, false
		}
		switch e := data[j+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b', 'f', 'n', 'r', 't':
			b = append(b, controlEscapes[e])
		case 'u':
			r, n, ok := jsonRune(data, j)
			if !ok {
				return "", 0, false
			}
			b = utf8.AppendRune(b, r)
			j += n
			continue
		default:
			return "", 0, false
		}
		j += 2
	}
	return "", 0, false
}

// controlEscapes are JSON's one-letter escapes of control characters.
var controlEscapes = map[byte]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// jsonRune decodes \uXXXX at data[j], or a surrogate pair \uXXXX\uXXXX,
// and returns the rune and the bytes read.
func jsonRune(data []byte, j int) (rune, int, bool) {
	hex4 := func(at int) (rune, bool) {
		if at+6 > len(data) || data[at] != '\\' || data[at+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(data[at+2:at+6]), 16, 16)
		return rune(n), err == nil
	}
	r, ok := hex4(j)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r) {
		if low, ok := hex4(j + 6); ok {
			if pair := utf16.DecodeRune(r, low); pair != utf8.RuneError {
				return pair, 12, true
			}
		}
		return utf8.RuneError, 6, true
	}
	return r, 6, true
}
