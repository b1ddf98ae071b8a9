package mail

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// embedded copies the real templates into a map that a test can break.
func embedded(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(templateFS, path)
		m[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoadTemplatesRefusesMissingOrBrokenFiles(t *testing.T) {
	if _, err := loadTemplates(embedded(t)); err != nil {
		t.Fatalf("the embedded templates must load: %v", err)
	}
	breakages := map[string]func(fstest.MapFS){
		"missing file":   func(m fstest.MapFS) { delete(m, "templates/reset.en.tmpl") },
		"missing footer": func(m fstest.MapFS) { delete(m, "templates/_footer.fr.tmpl") },
		"syntax error":   func(m fstest.MapFS) { m["templates/login.fr.tmpl"].Data = []byte(`{{define "subject"}}{{.Link{{end}}`) },
		"missing block": func(m fstest.MapFS) {
			m["templates/login.fr.tmpl"].Data = []byte(`{{define "subject"}}s{{end}}{{define "html"}}h{{end}}`)
		},
		"unknown field": func(m fstest.MapFS) {
			m["templates/verify.en.tmpl"].Data = []byte(`{{define "subject"}}s{{end}}{{define "text"}}{{.Lnk}}{{end}}{{define "html"}}h{{end}}`)
		},
	}
	for name, breakIt := range breakages {
		fsys := embedded(t)
		breakIt(fsys)
		if _, err := loadTemplates(fsys); err == nil || !strings.Contains(err.Error(), "mail template") {
			t.Errorf("%s: got %v, want a mail template error", name, err)
		}
	}
}
