package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// uploadQuestionnaire posts a file as the builder's import form does.
func uploadQuestionnaire(t *testing.T, b *browser, path, name string, data []byte) *response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("fichier", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.WriteField("contenu", "")
	mw.Close()
	req, err := http.NewRequest("POST", b.a.ts.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return &response{status: res.StatusCode, body: string(raw), header: res.Header}
}

func TestQuestionnaireExportImportRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		r := f.admin.get("/admin/editions/2026/label/questionnaire.json")
		wantStatus(t, "export", r, http.StatusOK)
		if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="questionnaire-2026-label-v1.json"` {
			t.Fatalf("Content-Disposition %q", cd)
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Fatalf("Content-Type %q", r.header.Get("Content-Type"))
		}
		exported := []byte(r.body)
		decoded, problems, err := form.Decode(exported)
		if err != nil || len(problems) > 0 {
			t.Fatalf("the export does not decode: %v %v", err, problems)
		}
		_, stored := storedDefinition(t, a, 2026, "label")
		stored.Schema = ""
		if !reflect.DeepEqual(decoded, stored) {
			t.Fatal("the export differs from the stored definition")
		}

		// Import into another edition's track, then export it again.
		builderEdition(t, a, 2027, "label")
		before := auditCount(t, a.db)
		r = uploadQuestionnaire(t, f.admin, "/admin/editions/2027/label/questionnaire/importer", "label.json", exported)
		if r.status != http.StatusSeeOther || r.location() != "/admin/editions/2027/label/questionnaire" {
			t.Fatalf("import: %d → %q\n%s", r.status, r.location(), r.body)
		}
		if n := auditCount(t, a.db); n != before+1 {
			t.Fatalf("import wrote %d audit entries", n-before)
		}
		again := f.admin.get("/admin/editions/2027/label/questionnaire.json")
		if again.body != string(exported) {
			t.Fatal("export → import → export changed the file")
		}
		_, reimported := storedDefinition(t, a, 2027, "label")
		reimported.Schema = ""
		if !reflect.DeepEqual(reimported, stored) {
			t.Fatal("the imported definition differs from the exported one")
		}
		// Importing onto an unused version replaces it; pasting works too.
		r = f.admin.post("/admin/editions/2027/label/questionnaire/importer", url.Values{"contenu": {string(exported)}})
		wantStatus(t, "paste", r, http.StatusSeeOther)
		if q, _ := storedDefinition(t, a, 2027, "label"); q.Version != 1 {
			t.Fatalf("import onto an unused version made version %d", q.Version)
		}
		// Onto the frozen 2026 label, it is a new version.
		wantStatus(t, "import onto a frozen version", uploadQuestionnaire(t, f.admin, "/admin/editions/2026/label/questionnaire/importer", "label.json", exported), http.StatusSeeOther)
		if q, _ := storedDefinition(t, a, 2026, "label"); q.Version != 2 {
			t.Fatalf("import onto a frozen version made version %d", q.Version)
		}
	})
}

func TestQuestionnaireImportProblems(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		builderEdition(t, a, 2027, "label")
		path := "/admin/editions/2027/label/questionnaire/importer"
		says(t, admin.get(path), `href="/schemas/questionnaire.json"`, "Fichier du questionnaire")

		def, err := form.Default("badge")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := form.Encode(def)
		var doc map[string]any
		json.Unmarshal(raw, &doc)
		doc["couleur"] = "bleu"
		doc["sections"].([]any)[0].(map[string]any)["questions"].([]any)[0].(map[string]any)["type"] = "booleen"
		bad, _ := json.Marshal(doc)
		before := auditCount(t, a.db)
		r := uploadQuestionnaire(t, admin, path, "badge.json", bad)
		wantStatus(t, "invalid import", r, http.StatusUnprocessableEntity)
		says(t, r, "Le fichier n'a pas été importé", "couleur", "sections[0].questions[0].type", "booleen")
		for _, c := range []struct{ what, data, says string }{
			{"not JSON", `{"track": "label",`, "JSON mal formé (ligne 1"},
			{"empty", ``, "Choisissez un fichier JSON"},
			{"a bad condition", strings.Replace(string(raw), `"sections": [`, `"sections": [{"id": "avant", "title": {"fr": "Avant"}, "showIf": {"question": "zzz", "values": ["yes"]}, "questions": [{"id": "a1", "type": "yesno", "label": {"fr": "A ?"}}]},`, 1), "« zzz », qui n'existe pas"},
		} {
			r := uploadQuestionnaire(t, admin, path, "q.json", []byte(c.data))
			wantStatus(t, c.what, r, http.StatusUnprocessableEntity)
			says(t, r, c.says)
		}
		r = admin.post(path, url.Values{"contenu": {`{"track": 3}`}})
		wantStatus(t, "pasted", r, http.StatusUnprocessableEntity)
		says(t, r, "track", `{"track": 3}`)
		if n := auditCount(t, a.db); n != before {
			t.Fatalf("refused imports wrote %d audit entries", n-before)
		}
		if _, err := a.db.CurrentQuestionnaire(ctx, 2027, "label"); !domain.IsNotFound(err) {
			t.Fatalf("a refused import saved something: %v", err)
		}
		wantStatus(t, "export without questionnaire", admin.get("/admin/editions/2027/label/questionnaire.json"), http.StatusNotFound)
	})
}

func TestQuestionnaireSchemaPublished(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		r := a.browser().get("/schemas/questionnaire.json")
		wantStatus(t, "schema", r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); ct != "application/schema+json" {
			t.Fatalf("Content-Type %q", ct)
		}
		if r.body != string(form.SchemaJSON) {
			t.Fatal("the published schema is not form.SchemaJSON")
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil || doc["$id"] != form.SchemaID {
			t.Fatalf("schema $id %v, %v", doc["$id"], err)
		}
	})
}
