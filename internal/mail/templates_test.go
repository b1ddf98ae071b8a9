package mail_test

import (
	"reflect"
	"strings"
	"testing"

	"tnl/internal/mail"
)

var templateNames = []string{"verify", "reset", "login", "signup_exists"}

func loadTemplates(t *testing.T) *mail.Templates {
	t.Helper()
	tpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func TestRenderEveryTemplate(t *testing.T) {
	tpl := loadTemplates(t)
	data := mail.Data{SiteURL: "http://127.0.0.1:8080", Link: "http://127.0.0.1:8080/link/abc123"}
	signature := map[string]string{
		"fr": "L'équipe du label Territoire Numérique Libre",
		"en": "The Territoire Numérique Libre label team",
	}
	for _, name := range templateNames {
		for _, lang := range []string{"fr", "en"} {
			m, err := tpl.Render("maire@example.org", name, lang, data)
			if err != nil {
				t.Fatalf("%s.%s: %v", name, lang, err)
			}
			if m.To != "maire@example.org" || m.Template != name || m.Subject == "" || strings.Contains(m.Subject, "\n") {
				t.Errorf("%s.%s: To %q, Template %q, Subject %q", name, lang, m.To, m.Template, m.Subject)
			}
			for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
				if !strings.Contains(body, data.Link) || !strings.Contains(body, "maire@example.org") {
					t.Errorf("%s.%s: the %s body lacks the link or the address:\n%s", name, lang, part, body)
				}
				if !strings.Contains(body, signature[lang]) {
					t.Errorf("%s.%s: the %s body is not signed %q", name, lang, part, signature[lang])
				}
			}
			if !strings.Contains(m.HTML, `<html lang="`+lang+`">`) || !strings.Contains(m.HTML, `<a href="`+data.Link+`">`) {
				t.Errorf("%s.%s: HTML lacks its language or its link:\n%s", name, lang, m.HTML)
			}
		}
	}
}

func TestRenderEscapesHTML(t *testing.T) {
	tpl := loadTemplates(t)
	link := `http://127.0.0.1:8080/reset?token=a"b<c>d&e=1`
	for _, name := range templateNames {
		m, err := tpl.Render("a@example.org", name, "fr", mail.Data{SiteURL: "http://127.0.0.1:8080", Link: link})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.HTML, `a"b`) || strings.Contains(m.HTML, "<c>") || strings.Contains(m.HTML, "d&e") {
			t.Fatalf("%s: the link is not escaped in HTML:\n%s", name, m.HTML)
		}
		// In the attribute, html/template normalises the URL; in the text it
		// escapes the characters.
		if !strings.Contains(m.HTML, `href="http://127.0.0.1:8080/reset?token=a%22b%3cc%3ed&amp;e=1"`) ||
			!strings.Contains(m.HTML, `a&#34;b&lt;c&gt;d&amp;e=1`) {
			t.Fatalf("%s: escaped link not found:\n%s", name, m.HTML)
		}
		if !strings.Contains(m.Text, link) {
			t.Fatalf("%s: the text body must carry the link as is:\n%s", name, m.Text)
		}
	}
}

func TestRenderUnknownNameAndLanguage(t *testing.T) {
	tpl := loadTemplates(t)
	data := mail.Data{SiteURL: "http://127.0.0.1:8080", Link: "http://127.0.0.1:8080/x"}
	if _, err := tpl.Render("a@example.org", "nope", "fr", data); err == nil {
		t.Fatal("an unknown template must be an error")
	}
	fr, err := tpl.Render("a@example.org", "login", "fr", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"de", "", "EN"} {
		got, err := tpl.Render("a@example.org", "login", lang, data)
		if err != nil || !reflect.DeepEqual(got, fr) {
			t.Fatalf("lang %q must fall back to French: %+v %v", lang, got, err)
		}
	}
	en, _ := tpl.Render("a@example.org", "login", "en", data)
	if en.Subject == fr.Subject {
		t.Fatalf("English and French subjects are the same: %q", en.Subject)
	}
}
