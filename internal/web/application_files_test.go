package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tnl/internal/domain"
)

// testPDF is a minimal valid PDF document.
var testPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// postFile posts a multipart form with one file, as an upload form does.
func (b *browser) postFile(t *testing.T, path string, fields url.Values, filename string, content []byte) *response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(content)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	mw.Close()
	req, err := http.NewRequest("POST", b.a.ts.URL+path, &body)
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

func (f *appFixture) uploadPath() string {
	return fmt.Sprintf("/candidatures/%d/fichiers?q=strategie_deliberation", f.app.ID)
}

var attachmentLink = regexp.MustCompile(`/candidatures/\d+/fichiers/(\d+)`)

// attachPDF uploads testPDF to the strategy's deliberation as b and
// returns the attachment's id.
func (f *appFixture) attachPDF(t *testing.T, b *browser) int64 {
	t.Helper()
	r := b.postFile(t, f.uploadPath(), f.sectionPost(t, "strategie", nil), "Délibération n°12.pdf", testPDF)
	wantStatus(t, "postFile", r, http.StatusSeeOther)
	page := b.get(f.sectionPath("strategie"))
	says(t, page, "Le fichier est joint à la réponse.")
	m := attachmentLink.FindAllStringSubmatch(page.body, -1)
	if m == nil {
		t.Fatal("no attachment link on the section page")
	}
	id, _ := strconv.ParseInt(m[len(m)-1][1], 10, 64)
	return id
}

// testODT is a minimal OpenDocument text: a zip whose first entry, stored,
// is its mimetype.
func testODT(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("application/vnd.oasis.opendocument.text"))
	w, _ = zw.Create("content.xml")
	w.Write([]byte("<office:document-content/>"))
	zw.Close()
	return buf.Bytes()
}

func TestUploadsCheckedByContentAndDownloaded(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		id := f.attachPDF(t, f.elu)
		r := f.elu.get(f.sectionPath("strategie"))
		says(t, r, "Délibération n°12.pdf", "Retirer")
		att, err := a.db.FindAttachment(ctx, id)
		if err != nil || att.ContentType != "application/pdf" || att.Size != int64(len(testPDF)) || len(att.SHA256) != 64 {
			t.Fatalf("attachment: %+v %v", att, err)
		}
		if strings.Contains(att.Path, "Délibération") || strings.Contains(att.Path, "..") {
			t.Fatalf("stored under the given name: %q", att.Path)
		}
		want := fmt.Sprintf(`[{"id":%d,"name":"Délibération n°12.pdf"}]`, id)
		wantAnswerValues(t, f.answers(t), map[string]string{"strategie_deliberation": want})

		for _, b := range []*browser{f.elu, f.contrib, f.admin} {
			r = b.get(fmt.Sprintf("/candidatures/%d/fichiers/%d", f.app.ID, id))
			wantStatus(t, "download", r, http.StatusOK)
			if r.body != string(testPDF) || r.header.Get("Content-Type") != "application/pdf" ||
				r.header.Get("X-Content-Type-Options") != "nosniff" ||
				r.header.Get("Content-Disposition") != `attachment; filename="D_lib_ration n_12.pdf"; filename*=UTF-8''D%C3%A9lib%C3%A9ration%20n%C2%B012.pdf` {
				t.Fatalf("download: %v\n%q", r.header, r.body)
			}
		}
		r = f.elu.postFile(t, f.uploadPath(), f.sectionPost(t, "strategie", nil), "rapport.testODT", testODT(t))
		wantStatus(t, "testODT", r, http.StatusSeeOther)

		refused := []struct {
			name    string
			content []byte
			status  int
			says    string
		}{
			{"x.pdf", []byte("Ceci est un simple texte, pas un PDF.\n"), http.StatusUnprocessableEntity, "Ce type de fichier n'est pas accepté"},
			{"logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), http.StatusUnprocessableEntity, "Ce type de fichier n'est pas accepté"},
			{"page.pdf", []byte("<!DOCTYPE html><html><body>x</body></html>"), http.StatusUnprocessableEntity, "Ce type de fichier n'est pas accepté"},
			{"prog.pdf", append([]byte("MZ\x90\x00"), make([]byte, 600)...), http.StatusUnprocessableEntity, "Ce type de fichier n'est pas accepté"},
			{"gros.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 11<<20)...), http.StatusRequestEntityTooLarge, "Ce fichier dépasse 10 Mo"},
		}
		for _, c := range refused {
			r = f.elu.postFile(t, f.uploadPath(), f.sectionPost(t, "strategie", nil), c.name, c.content)
			wantStatus(t, c.name, r, c.status)
			says(t, r, c.says, `href="#file-strategie_deliberation"`)
		}
		files := f.answers(t)["strategie_deliberation"]
		if strings.Count(files, `"id"`) != 2 {
			t.Fatalf("files after refusals: %s", files)
		}

		// Removing a file saves the list without it.
		post := f.sectionPost(t, "strategie", url.Values{"remove": {fmt.Sprintf("strategie_deliberation/%d", id)}})
		r = f.elu.post(f.sectionPath("strategie"), post)
		wantStatus(t, "remove", r, http.StatusSeeOther)
		if files = f.answers(t)["strategie_deliberation"]; strings.Contains(files, "Délibération") || !strings.Contains(files, "rapport.testODT") {
			t.Fatalf("files after removal: %s", files)
		}

		// An attachment of another application is unknown here.
		other, err := a.db.CreateApplication(ctx, 2026, "label", f.other.ID, domain.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		r = f.outsider.postFile(t, fmt.Sprintf("/candidatures/%d/fichiers?q=strategie_deliberation", other.ID),
			url.Values{"v.strategie_deliberation": {"0"}}, "grenoble.pdf", testPDF)
		wantStatus(t, "other body's postFile", r, http.StatusSeeOther)
		theirs := attachmentLink.FindStringSubmatch(f.outsider.get(fmt.Sprintf("/candidatures/%d/sections/strategie", other.ID)).body)
		if theirs == nil {
			t.Fatal("no attachment on the other application")
		}
		wantStatus(t, "other application's file", f.elu.get(fmt.Sprintf("/candidatures/%d/fichiers/%s", f.app.ID, theirs[1])), http.StatusNotFound)
		wantStatus(t, "other application's file (admin)", f.admin.get(fmt.Sprintf("/candidatures/%d/fichiers/%s", f.app.ID, theirs[1])), http.StatusNotFound)
	})
}
