package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// TestFormMessagesExist checks the message ids the form pages compute in
// Go: form.Parse's problems, the time left, refusals and notices.
func TestFormMessagesExist(t *testing.T) {
	fr, err := keysIn("fr")
	if err != nil {
		t.Fatal(err)
	}
	ids := append([]string{}, form.ProblemIDs...)
	ids = append(ids, "form.page.readonly.closed", "form.page.readonly.admin", "form.page.readonly.section",
		"form.page.refused.closed", "form.page.refused.section", "form.flash.saved", "form.flash.unchanged",
		"form.flash.file_removed", "form.flash.file_added", "form.file.too_large", "form.file.type",
		"form.file.missing", "form.file.conflict", "form.autosave.unknown", "form.autosave.file", "form.autosave.failed")
	for _, d := range []time.Duration{-time.Second, 0, time.Minute, 3 * time.Hour, 12 * 24 * time.Hour} {
		id, _ := deadlineLeft(d)
		ids = append(ids, id)
	}
	for _, id := range ids {
		if !fr[id] {
			t.Errorf("%q has no text", id)
		}
	}
}

func TestDeadlineLeftInWords(t *testing.T) {
	tr, err := newTranslator()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		left time.Duration
		fr   string
	}{
		{12*24*time.Hour + 5*time.Hour, "encore 12 jours"},
		{47 * time.Hour, "encore 47 h"},
		{5*time.Hour + 59*time.Minute, "encore 5 h"},
		{59 * time.Minute, "encore 59 min"},
		{time.Second, "encore 1 min"},
		{0, "date limite passée : candidature en lecture seule"},
	} {
		id, n := deadlineLeft(c.left)
		if got := tr.T("fr", id, "Count", n); got != c.fr {
			t.Errorf("%v: %q, want %q", c.left, got, c.fr)
		}
	}
}

func TestSniffAttachment(t *testing.T) {
	for _, c := range []struct {
		name string
		head string
		mime string
	}{
		{"pdf", "%PDF-1.7\n", "application/pdf"},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"},
		{"testODT", "PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x27\x00\x00\x00\x27\x00\x00\x00\x08\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.textPK", "application/vnd.oasis.opendocument.text"},
		{"zip", "PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00a.txt", ""},
		{"svg", `<svg xmlns="http://www.w3.org/2000/svg"></svg>`, ""},
		{"html", "<html><script>alert(1)</script>", ""},
		{"elf", "\x7fELF\x02\x01\x01\x00", ""},
		{"exe", "MZ\x90\x00\x03\x00", ""},
		{"gif", "GIF89a", ""},
		{"text", "%PDF is what I wanted", ""},
	} {
		kind, ok := sniffAttachment([]byte(c.head))
		if ok != (c.mime != "") || kind.mime != c.mime {
			t.Errorf("%s: %q %v, want %q", c.name, kind.mime, ok, c.mime)
		}
	}
}

// TestQuestionViews builds views from a small definition: a long single
// choice becomes a select, a question shown by an answer on the same page
// is kept hidden for the script, one shown by another section's answer is
// left out, and typed values win over saved ones.
func TestQuestionViews(t *testing.T) {
	opts := make([]form.Option, 7)
	for i := range opts {
		opts[i] = form.Option{Value: fmt.Sprint("o", i), Label: form.Text{FR: fmt.Sprint("Option ", i)}}
	}
	def := &form.Questionnaire{Sections: []form.Section{
		{ID: "a", Questions: []form.Question{{ID: "pilote", Type: form.YesNo}}},
		{ID: "b", Questions: []form.Question{
			{ID: "choix", Type: form.Single, Options: opts},
			{ID: "ici", Type: form.YesNo},
			{ID: "si_ici", Type: form.ShortText, ShowIf: &form.Condition{Question: "ici", Values: []string{"yes"}}},
			{ID: "si_pilote", Type: form.ShortText, ShowIf: &form.Condition{Question: "pilote", Values: []string{"yes"}}},
			{ID: "taux", Type: form.Percentage},
		}},
	}}
	acc := &appAccess{Def: def, Values: form.Answers{"taux": "12.5"},
		Answers: map[string]domain.Answer{"taux": {Question: "taux", Value: "12.5", Version: 3}}}
	s := &Server{}
	vs := s.questionViews(acc, &def.Sections[1], "fr", nil, nil, nil)
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
	}
	if strings.Join(ids, " ") != "choix ici si_ici taux" {
		t.Fatalf("views: %v", ids)
	}
	if !vs[0].Select || vs[1].Select || !vs[2].Hidden || vs[2].ShowValues != `["yes"]` || vs[3].Hidden {
		t.Fatalf("views: %+v", vs)
	}
	if vs[3].Value != "12,5" || vs[3].Version != 3 || vs[3].InputMode != "decimal" {
		t.Fatalf("saved percentage: %+v", vs[3])
	}
	typed := url.Values{"a.taux": {"abc"}, "v.taux": {"2"}}
	vs = s.questionViews(acc, &def.Sections[1], "fr", typed, map[string]string{"taux": form.ProblemInvalidPercentage}, nil)
	if v := vs[3]; v.Value != "abc" || v.Version != 2 || v.Problem != form.ProblemInvalidPercentage || v.Anchor != "a.taux" {
		t.Fatalf("typed percentage: %+v", v)
	}
	vs = readOnlyViews(s.questionViews(acc, &def.Sections[1], "en", nil, nil, nil))
	if !vs[3].ReadOnly || vs[3].Display != "12.5%" {
		t.Fatalf("read only: %+v", vs[3])
	}
}
