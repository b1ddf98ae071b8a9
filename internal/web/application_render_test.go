package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The form's pieces are written in Go with appendEscapedHTML instead of
// html/template; these tests hold it to html/template's escaping and show
// that what people type comes back inert.

func TestEscapedAsHTMLTemplateDoes(t *testing.T) {
	inputs := []string{
		"", "plain", "Saint-Martin-d'Uriage", `<script>alert("x")</script>`, "a+b=c&d", "tab\tnew\nline",
		"nul\x00byte", "invalid \xff\xfe utf-8", "accents éèà œ €", "\ufdd0 and \ufffe", "'\"<>&+",
	}
	var all []byte
	for c := range 128 {
		all = append(all, byte(c))
	}
	inputs = append(inputs, string(all))
	text := template.Must(template.New("text").Parse(`{{.}}`))
	attr := template.Must(template.New("attr").Parse(`<p title="{{.}}">`))
	area := template.Must(template.New("area").Parse(`<textarea>{{.}}</textarea>`))
	for _, in := range inputs {
		got := string(appendEscapedHTML(nil, in))
		for _, tc := range []struct {
			name         string
			tmpl         *template.Template
			prefix, suff string
		}{{"text", text, "", ""}, {"attribute", attr, `<p title="`, `">`}, {"textarea", area, "<textarea>", "</textarea>"}} {
			var want bytes.Buffer
			if err := tc.tmpl.Execute(&want, in); err != nil {
				t.Fatal(err)
			}
			if w := strings.TrimSuffix(strings.TrimPrefix(want.String(), tc.prefix), tc.suff); got != w {
				t.Errorf("%s %q: got %q, html/template writes %q", tc.name, in, got, w)
			}
		}
	}
}

func TestSectionShowsTypedMarkupAsText(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		r := f.elu.post(f.sectionPath("logiciels"), f.sectionPost(t, "logiciels", url.Values{
			"a.postes_nombre":            {`<b>12</b>"'&+`}, // not a number: shown again as typed
			"a.migrations":               {`</textarea><script>alert(1)</script>`},
			"a.logiciels_postes":         {`<img src=x onerror=alert(2)>`},
			"a.logiciels_metier.0.usage": {`"><script>alert(3)</script>`},
		}))
		wantStatus(t, "invalid number", r, http.StatusUnprocessableEntity)
		mustContain(t, r, `value="&lt;b&gt;12&lt;/b&gt;&#34;&#39;&amp;&#43;"`,
			`&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>`,
			`value="&lt;img src=x onerror=alert(2)&gt;"`,
			`value="&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"`)
		for _, raw := range []string{"<b>12</b>", "<script>", "<img"} {
			if strings.Contains(r.body, raw) {
				t.Errorf("the page holds %q as markup", raw)
			}
		}
		// Saved, the long text is shown the same way when read only.
		page := f.admin.get(f.sectionPath("logiciels"))
		mustContain(t, page, `<p class="answer">&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>`)
		if strings.Contains(page.body, "<script>") {
			t.Error("the read-only page holds a script")
		}
	})
}
