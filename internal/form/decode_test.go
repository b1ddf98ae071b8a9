package form

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSchemaCompiles(t *testing.T) {
	if _, err := compiledSchema(); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ID string `json:"$id"`
	}
	if err := json.Unmarshal(SchemaJSON, &doc); err != nil || doc.ID != SchemaID {
		t.Fatalf("schema $id = %q (%v), want %q", doc.ID, err, SchemaID)
	}
}

// TestSchemaTypes keeps the schema's enums in step with the Go constants.
func TestSchemaTypes(t *testing.T) {
	var doc struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Enum []Type `json:"enum"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(SchemaJSON, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Defs["question"].Properties["type"].Enum; !reflect.DeepEqual(got, Types) {
		t.Errorf("question types in schema = %v, want %v", got, Types)
	}
	if got := doc.Defs["column"].Properties["type"].Enum; !reflect.DeepEqual(got, columnTypes) {
		t.Errorf("column types in schema = %v, want %v", got, columnTypes)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	qns := map[string]*Questionnaire{"test": validQuestionnaire()}
	for _, track := range DefaultTracks() {
		qn, err := Default(track)
		if err != nil {
			t.Fatal(err)
		}
		qns[track] = qn
	}
	for name, qn := range qns {
		t.Run(name, func(t *testing.T) {
			data, err := Encode(qn)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("{\n  \"$schema\": \""+SchemaID+"\",\n  \"track\": ")) {
				t.Errorf("encoded file does not start with $schema then track:\n%.200s", data)
			}
			if bytes.Contains(data, []byte(`"fr": ""`)) {
				t.Error(`encoded file keeps an empty text ("fr": "")`)
			}
			back, problems, err := Decode(data)
			if err != nil || len(problems) > 0 {
				t.Fatalf("Decode(Encode(q)): %v %v", err, problems)
			}
			if !reflect.DeepEqual(back, qn) {
				t.Errorf("round trip changed the questionnaire:\n got %+v\nwant %+v", back, qn)
			}
			again, _ := Encode(back)
			if !bytes.Equal(again, data) {
				t.Error("Encode is not stable")
			}
		})
	}
}

func TestEncodeKeepsHTMLCharacters(t *testing.T) {
	qn := validQuestionnaire()
	qn.Title.FR = "Logiciels & formats <ouverts>"
	data, err := Encode(qn)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(qn.Title.FR)) {
		t.Errorf("title escaped in %s", data[:200])
	}
}

// mutated returns the encoded valid questionnaire after change edits its
// generic JSON form.
func mutated(t *testing.T, change func(doc map[string]any)) []byte {
	t.Helper()
	data, err := Encode(validQuestionnaire())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	change(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func object(v any, keys ...any) map[string]any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v.(map[string]any)
}

func TestDecodeSchemaProblems(t *testing.T) {
	question := func(doc map[string]any) map[string]any { return object(doc, "sections", 0, "questions", 0) }
	cases := []struct {
		name   string
		change func(doc map[string]any)
		path   string
		word   string
	}{
		{"unknown property", func(d map[string]any) { question(d)["colour"] = "bleu" }, "sections[0].questions[0].colour", "« colour » inconnu"},
		{"unknown type", func(d map[string]any) { question(d)["type"] = "checkbox" }, "sections[0].questions[0].type", "« checkbox » non reconnue"},
		{"bad id", func(d map[string]any) { question(d)["id"] = "Adopté" }, "sections[0].questions[0].id", "lettre minuscule"},
		{"missing label.fr", func(d map[string]any) { question(d)["label"] = map[string]any{"en": "Adopted?"} }, "sections[0].questions[0].label.fr", "obligatoire"},
		{"blank label.fr", func(d map[string]any) { object(question(d), "label")["fr"] = " " }, "sections[0].questions[0].label.fr", "vide"},
		{"missing type", func(d map[string]any) { delete(question(d), "type") }, "sections[0].questions[0].type", "obligatoire"},
		{"wrong JSON type", func(d map[string]any) { question(d)["required"] = "oui" }, "sections[0].questions[0].required", "true ou false attendu"},
		{"bad track", func(d map[string]any) { d["track"] = "Label" }, "track", "lettre minuscule"},
		{"no sections", func(d map[string]any) { d["sections"] = []any{} }, "sections", "au moins 1"},
		{"bad column type", func(d map[string]any) { object(d, "sections", 1, "questions", 0, "columns", 0)["type"] = "file" },
			"sections[1].questions[0].columns[0].type", "« file » non reconnue"},
		{"zero factor", func(d map[string]any) { object(d, "adjustments", 0)["factor"] = 0 }, "adjustments[0].factor", "strictement plus de 0"},
		{"negative cap", func(d map[string]any) { object(d, "sections", 0)["cap"] = -1 }, "sections[0].cap", "au moins 0"},
		{"fractional population", func(d map[string]any) { object(d, "adjustments", 0)["maxPopulation"] = 3499.5 },
			"adjustments[0].maxPopulation", "nombre entier attendu"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			qn, problems, err := Decode(mutated(t, tc.change))
			if err != nil || qn != nil {
				t.Fatalf("Decode = %v, %v; want problems only", qn, err)
			}
			if len(problems) != 1 || problems[0].Path != tc.path || !strings.Contains(problems[0].Message, tc.word) {
				t.Fatalf("problems = %v, want one at %s containing %q", problems, tc.path, tc.word)
			}
		})
	}
}

func TestDecodeReportsEverySchemaProblemInOrder(t *testing.T) {
	data := mutated(t, func(d map[string]any) {
		object(d, "sections", 1, "questions", 2)["id"] = "B"
		object(d, "sections", 0, "questions", 4)["id"] = "A"
		object(d, "sections", 0)["extra"] = true
		delete(d, "title")
	})
	_, problems, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range problems {
		paths = append(paths, p.Path)
	}
	want := []string{"sections[0].extra", "sections[0].questions[4].id", "sections[1].questions[2].id", "title"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
}

func TestDecodeRunsCheck(t *testing.T) {
	data := mutated(t, func(d map[string]any) { object(d, "sections", 1, "questions", 1)["id"] = "count" })
	qn, problems, err := Decode(data)
	if err != nil || qn != nil || len(problems) != 1 || problems[0].Path != "sections[1].questions[1].id" {
		t.Fatalf("Decode = %v, %v, %v; want the duplicate id", qn, problems, err)
	}
}

func TestDecodeDropsSchemaMarker(t *testing.T) {
	data := mutated(t, func(d map[string]any) { d["$schema"] = "https://example.org/other.json" })
	qn, problems, err := Decode(append([]byte("\uFEFF"), data...))
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	if qn.Schema != "" || qn.Track != "label" {
		t.Errorf("Schema = %q, Track = %q", qn.Schema, qn.Track)
	}
}

func TestDecodeTooLarge(t *testing.T) {
	data := mutated(t, func(map[string]any) {})
	data = append(data, bytes.Repeat([]byte(" "), MaxSize-len(data)+1)...)
	qn, problems, err := Decode(data)
	if err != nil || qn != nil || len(problems) != 1 || !strings.Contains(problems[0].Message, "2,1 Mo") {
		t.Fatalf("Decode(oversize) = %v, %v, %v", qn, problems, err)
	}
	if _, problems, err := Decode(data[:MaxSize]); err != nil || len(problems) > 0 {
		t.Fatalf("Decode(MaxSize bytes) = %v, %v", problems, err)
	}
}

func TestDecodeMalformed(t *testing.T) {
	cases := []struct {
		name, data string
		line, col  int
		word       string
	}{
		{"empty", "  \n", 1, 1, "vide"},
		{"truncated", "{\n  \"track\": \"label\",\n", 3, 1, "s'arrête"},
		{"trailing comma", "{\n  \"track\": \"label\",\n}", 3, 1, "invalid character"},
		{"bad character", "{\"track\": 'label'}", 1, 11, "invalid character"},
		{"two values", "{}\n{}", 2, 1, "du contenu suit"},
		{"accented character", "{\"track\": «label»}", 1, 11, "invalid character"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			qn, problems, err := Decode([]byte(tc.data))
			var serr *SyntaxError
			if !errors.As(err, &serr) || qn != nil || problems != nil {
				t.Fatalf("Decode = %v, %v, %v; want a *SyntaxError", qn, problems, err)
			}
			if serr.Line != tc.line || serr.Column != tc.col || !strings.Contains(err.Error(), tc.word) {
				t.Errorf("error %q at %d:%d, want %d:%d containing %q", err, serr.Line, serr.Column, tc.line, tc.col, tc.word)
			}
			if !strings.HasPrefix(err.Error(), "JSON mal formé (ligne ") {
				t.Errorf("error %q is not in French", err)
			}
		})
	}
}

func TestPathText(t *testing.T) {
	if got := pathText([]string{"sections", "2", "questions", "10", "label", "fr"}); got != "sections[2].questions[10].label.fr" {
		t.Errorf("pathText = %q", got)
	}
	if got := pathText(nil); got != "" {
		t.Errorf("pathText(nil) = %q", got)
	}
}
