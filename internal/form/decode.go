package form

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// SchemaJSON is the JSON Schema (draft 2020-12) of the questionnaire import
// and export format, served to organisers so that their editors can check a
// file before importing it.
//
//go:embed schema.json
var SchemaJSON []byte

// SchemaID is the $id of SchemaJSON, written as "$schema" by Encode.
const SchemaID = "https://tnl.example/schemas/questionnaire.json"

// MaxSize is the largest questionnaire file Decode accepts (2 MiB): a
// questionnaire of a few hundred questions is well under 200 KB.
const MaxSize = 2 << 20

// SyntaxError reports a file that is not well-formed JSON. Its message, in
// French, is meant for the organiser who imported the file.
type SyntaxError struct {
	Line, Column int    // 1-based position of the error in the file
	Detail       string // what is wrong, in French
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("JSON mal formé (ligne %d, colonne %d) : %s", e.Line, e.Column, e.Detail)
}

// compiledSchema compiles SchemaJSON once; it is immutable afterwards.
var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SchemaJSON))
	if err != nil {
		return nil, fmt.Errorf("form: schema.json: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		return nil, fmt.Errorf("form: schema.json: %w", err)
	}
	sch, err := c.Compile(SchemaID)
	if err != nil {
		return nil, fmt.Errorf("form: schema.json: %w", err)
	}
	return sch, nil
})

// Decode reads a questionnaire file: it parses the JSON, validates it
// against SchemaJSON, then runs Check. It returns the questionnaire only
// when there is no problem. A file that is not JSON at all gives a
// *SyntaxError; every other fault (too large, not in the format, rules
// broken) is reported as Problems, all of them at once so that the
// organiser can fix the file in one go. The "$schema" marker is dropped:
// it belongs to the file, not to the questionnaire.
func Decode(data []byte) (*Questionnaire, []Problem, error) {
	if len(data) > MaxSize {
		return nil, []Problem{{Message: fmt.Sprintf(
			"Le fichier pèse %s : un questionnaire ne peut pas dépasser %s.", sizeText(len(data)), sizeText(MaxSize))}}, nil
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // byte order mark some editors add
	doc, err := parseJSON(data)
	if err != nil {
		return nil, nil, err
	}
	sch, err := compiledSchema()
	if err != nil {
		return nil, nil, err
	}
	if err := sch.Validate(doc); err != nil {
		var verr *jsonschema.ValidationError
		if !errors.As(err, &verr) {
			return nil, nil, fmt.Errorf("form: validating against schema.json: %w", err)
		}
		return nil, schemaProblems(verr), nil
	}
	var qn Questionnaire
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&qn); err != nil {
		return nil, []Problem{unmarshalProblem(err)}, nil
	}
	qn.Schema = ""
	if problems := qn.Check(); len(problems) > 0 {
		return nil, problems, nil
	}
	return &qn, nil, nil
}

// parseJSON decodes data into generic values for the schema validator,
// keeping numbers exact, and refuses anything after the top-level value.
func parseJSON(data []byte) (any, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &SyntaxError{Line: 1, Column: 1, Detail: "le fichier est vide."}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		var serr *json.SyntaxError
		switch {
		case errors.As(err, &serr):
			return nil, syntaxErrorAt(data, lastRune(data, int(serr.Offset)), serr.Error())
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, syntaxErrorAt(data, len(data),
				"le fichier s'arrête avant la fin d'un objet, d'une liste ou d'un texte (accolade, crochet ou guillemet fermant manquant).")
		}
		return nil, syntaxErrorAt(data, lastRune(data, int(dec.InputOffset())), err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, syntaxErrorAt(data, lastRune(data, int(dec.InputOffset())),
			"du contenu suit la fin du questionnaire ; un fichier ne contient qu'un seul objet JSON.")
	}
	return doc, nil
}

// lastRune is the offset of the character that ends at off: the decoder
// reports errors after reading the offending character.
func lastRune(data []byte, off int) int {
	off = min(off, len(data))
	if off <= 0 {
		return 0
	}
	_, size := utf8.DecodeLastRune(data[:off])
	return off - size
}

// syntaxErrorAt locates byte offset off of data as a line and column.
func syntaxErrorAt(data []byte, off int, detail string) *SyntaxError {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return &SyntaxError{Line: line, Column: col, Detail: detail}
}

// unmarshalProblem explains a value the schema accepted but Go cannot hold
// (a population of 3.5, say).
func unmarshalProblem(err error) Problem {
	var terr *json.UnmarshalTypeError
	if errors.As(err, &terr) {
		return Problem{Path: terr.Field, Message: fmt.Sprintf("Valeur « %s » impossible à lire ici.", terr.Value)}
	}
	return Problem{Message: "Fichier illisible : " + err.Error()}
}

// sizeText writes a byte count in French units, rounded up so that a file
// just over the limit does not read as the limit itself.
func sizeText(n int) string {
	const mo, ko = 1 << 20, 1 << 10
	switch {
	case n%mo == 0:
		return fmt.Sprintf("%d Mo", n/mo)
	case n >= mo:
		tenths := (n*10 + mo - 1) / mo
		return fmt.Sprintf("%d,%d Mo", tenths/10, tenths%10)
	case n >= ko:
		return fmt.Sprintf("%d Ko", (n+ko-1)/ko)
	}
	return fmt.Sprintf("%d octets", n)
}

// Encode writes qn as an indented JSON file that starts with "$schema" and
// leaves out empty help and intro texts. The output is stable: the same
// questionnaire always gives the same bytes, and Decode(Encode(qn)) equals
// qn when qn is valid and its Schema is empty (as Decode leaves it).
func Encode(qn *Questionnaire) ([]byte, error) {
	c := *qn
	c.Schema = SchemaID
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false) // "<" and "&" stay readable in an organiser's editor
	if err := enc.Encode(&c); err != nil {
		return nil, fmt.Errorf("form: encoding questionnaire: %w", err)
	}
	b := compact.Bytes()
	// Text is a struct, so omitempty cannot drop an empty one. In compact
	// JSON the sequence `,"help":` only occurs as a property, never inside a
	// string (where quotes are escaped), so removing it is safe.
	for _, empty := range []string{`,"help":{"fr":""}`, `,"intro":{"fr":""}`} {
		b = bytes.ReplaceAll(b, []byte(empty), nil)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, fmt.Errorf("form: indenting questionnaire: %w", err)
	}
	return out.Bytes(), nil // json.Encoder's newline is kept by Indent
}

// schemaProblems flattens a schema validation error into one Problem per
// fault, in French, ordered by their place in the file.
func schemaProblems(verr *jsonschema.ValidationError) []Problem {
	var found []located
	collectLeaves(verr, &found)
	sortLocated(found)
	problems := make([]Problem, 0, len(found))
	seen := map[Problem]bool{}
	for _, l := range found {
		p := Problem{Path: pathText(l.at), Message: l.message}
		if !seen[p] {
			seen[p] = true
			problems = append(problems, p)
		}
	}
	return problems
}

// located is a problem whose path is still a list of JSON pointer tokens.
type located struct {
	at      []string
	message string
}

// collectLeaves walks the causes down to the errors that name a keyword.
func collectLeaves(e *jsonschema.ValidationError, found *[]located) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collectLeaves(c, found)
		}
		return
	}
	at := e.InstanceLocation
	child := func(name string) []string { return append(append([]string(nil), at...), name) }
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, name := range k.Missing {
			*found = append(*found, located{child(name), "Champ obligatoire manquant."})
		}
	case *kind.AdditionalProperties:
		for _, name := range k.Properties {
			*found = append(*found, located{child(name), fmt.Sprintf("Champ « %s » inconnu dans ce format : vérifiez son orthographe ou supprimez-le.", name)})
		}
	default:
		*found = append(*found, located{at, kindMessage(e.ErrorKind)})
	}
}

// patternText describes, in French, the patterns of schema.json.
var patternText = map[string]string{
	`^[a-z][a-z0-9_]{0,62}$`: "un identifiant commence par une lettre minuscule, suivie de lettres minuscules sans accent, de chiffres ou de « _ » (63 caractères au plus)",
	`^[a-z][a-z0-9-]{0,30}$`: "ce code commence par une lettre minuscule, suivie de lettres minuscules sans accent, de chiffres ou de « - » (31 caractères au plus)",
}

// jsonTypeText names JSON types in French.
var jsonTypeText = map[string]string{
	"string": "un texte", "number": "un nombre", "integer": "un nombre entier",
	"boolean": "true ou false", "array": "une liste [ … ]", "object": "un objet { … }", "null": "null",
}

// kindMessage says in French what a schema keyword found wrong.
func kindMessage(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = typeName(w)
		}
		return fmt.Sprintf("Type incorrect : %s attendu, %s trouvé.", strings.Join(want, " ou "), typeName(k.Got))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprintf("« %v »", w)
		}
		return fmt.Sprintf("Valeur « %v » non reconnue ; valeurs possibles : %s.", k.Got, strings.Join(want, ", "))
	case *kind.Pattern:
		if k.Want == `\S` {
			return "Ce texte ne doit pas être vide."
		}
		if why, ok := patternText[k.Want]; ok {
			return fmt.Sprintf("« %s » ne convient pas : %s.", k.Got, why)
		}
		return fmt.Sprintf("« %s » ne respecte pas le format attendu (%s).", k.Got, k.Want)
	case *kind.MinItems:
		return fmt.Sprintf("Liste trop courte : au moins %d élément(s) attendu(s).", k.Want)
	case *kind.MinLength:
		return fmt.Sprintf("Texte trop court : au moins %d caractère(s).", k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("Texte trop long : %d caractères, %d au plus.", k.Got, k.Want)
	case *kind.Minimum:
		return fmt.Sprintf("Valeur trop petite : %s, au moins %s attendu.", ratText(k.Got), ratText(k.Want))
	case *kind.ExclusiveMinimum:
		return fmt.Sprintf("Valeur trop petite : %s, strictement plus de %s attendu.", ratText(k.Got), ratText(k.Want))
	case *kind.Maximum:
		return fmt.Sprintf("Valeur trop grande : %s, au plus %s attendu.", ratText(k.Got), ratText(k.Want))
	case *kind.UniqueItems:
		return "Cette liste contient deux fois la même valeur."
	}
	return "Non conforme au format : " + k.LocalizedString(englishPrinter) + "."
}

var englishPrinter = message.NewPrinter(language.English)

func typeName(t string) string {
	if s, ok := jsonTypeText[t]; ok {
		return s
	}
	return t
}

func ratText(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// sortLocated orders problems as their places appear in the file: by path,
// array indices compared as numbers.
func sortLocated(found []located) {
	slices.SortStableFunc(found, func(a, b located) int {
		for i := 0; i < len(a.at) && i < len(b.at); i++ {
			if c := compareToken(a.at[i], b.at[i]); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(a.at), len(b.at))
	})
}

func compareToken(a, b string) int {
	na, errA := strconv.Atoi(a)
	nb, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return cmp.Compare(na, nb)
	}
	return strings.Compare(a, b)
}

// pathText writes JSON pointer tokens as a Problem path:
// ["sections", "2", "questions"] is "sections[2].questions".
func pathText(tokens []string) string {
	var sb strings.Builder
	for _, tok := range tokens {
		if _, err := strconv.Atoi(tok); err == nil {
			fmt.Fprintf(&sb, "[%s]", tok)
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(tok)
	}
	return sb.String()
}
