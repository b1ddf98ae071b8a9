package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tnl/internal/domain"
)

// TestBadInputIsExplainedAndChangesNothing posts wrong values to every
// account form: each answer is 422 (or 400 for unreadable bodies), in French,
// on the same page, with the email typed kept, and no account or mail made.
func TestBadInputIsExplainedAndChangesNothing(t *testing.T) {
	long := strings.Repeat("a", 300) + "@example.org"
	huge := strings.Repeat("x", 5000)
	cases := []struct {
		name, path string
		form       url.Values
		message    string
		keep       string
	}{
		{"signup empty", "/inscription", url.Values{}, "Indiquez votre adresse", ""},
		{"signup malformed", "/inscription", url.Values{"email": {"mairie.example.fr"}, "password": {testPassword}, "confirm": {testPassword}}, "pas valide", "mairie.example.fr"},
		{"signup too long email", "/inscription", url.Values{"email": {long}, "password": {testPassword}, "confirm": {testPassword}}, "trop longue", ""},
		{"signup short password", "/inscription", url.Values{"email": {"a@example.fr"}, "password": {"court"}, "confirm": {"court"}}, "au moins 10", "a@example.fr"},
		{"signup long password", "/inscription", url.Values{"email": {"a@example.fr"}, "password": {huge}, "confirm": {huge}}, "128 caractères", "a@example.fr"},
		{"signup mismatch", "/inscription", url.Values{"email": {"a@example.fr"}, "password": {testPassword}, "confirm": {testPassword + "!"}}, "pas identiques", "a@example.fr"},
		{"signup wrong type", "/inscription", url.Values{"email": {"1234"}, "password": {"[]"}, "confirm": {"{}"}}, "pas valide", "1234"},
		{"login empty", "/connexion", url.Values{}, "Indiquez votre adresse", ""},
		{"login malformed", "/connexion", url.Values{"email": {"@@"}, "password": {"x"}}, "pas valide", "@@"},
		{"login no password", "/connexion", url.Values{"email": {"a@example.fr"}}, "Indiquez un mot de passe", "a@example.fr"},
		{"reset request empty", "/mot-de-passe/oubli", url.Values{}, "Indiquez votre adresse", ""},
		{"reset request malformed", "/mot-de-passe/oubli", url.Values{"email": {"nom prénom"}}, "pas valide", "nom prénom"},
		{"magic link malformed", "/connexion/lien", url.Values{"email": {"<script>@x"}}, "pas valide", "<script>@x"},
		{"new password short", "/mot-de-passe/nouveau", url.Values{"jeton": {"abc"}, "password": {"court"}, "confirm": {"court"}}, "au moins 10", ""},
	}
	eachEngine(t, func(t *testing.T, a *testApp) {
		a.addUser("a@example.fr", domain.RoleApplicant)
		usersBefore, _ := a.db.CountUsers(ctx)
		for _, c := range cases {
			r := a.browser().post(c.path, c.form)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d", c.name, r.status)
				continue
			}
			if !strings.Contains(html.UnescapeString(r.body), c.message) {
				t.Errorf("%s: no %q in the page", c.name, c.message)
			}
			if !strings.Contains(r.body, `role="alert"`) || !strings.Contains(r.body, `aria-invalid="true"`) && c.path != "/connexion" {
				t.Errorf("%s: errors not announced or not tied to a field", c.name)
			}
			if c.keep != "" && !strings.Contains(r.body, `value="`+html.EscapeString(c.keep)+`"`) {
				t.Errorf("%s: the typed email %q is lost", c.name, c.keep)
			}
			if strings.Contains(r.body, testPassword) || strings.Contains(r.body, huge) {
				t.Errorf("%s: a password is echoed back", c.name)
			}
		}
		if n, _ := a.db.CountUsers(ctx); n != usersBefore {
			t.Errorf("bad input created accounts: %d → %d", usersBefore, n)
		}
		if m := a.mailsTo("a@example.fr"); len(m) != 0 {
			t.Errorf("bad input sent %d mails", len(m))
		}
	})
}

func TestOversizedAndBrokenBodies(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		b := a.browser()
		big := url.Values{"email": {strings.Repeat("y", maxFormBytes+1)}}
		if r := b.post("/inscription", big); r.status != http.StatusBadRequest {
			t.Fatalf("oversized form: %d", r.status)
		}
		if r := b.do("POST", "/connexion", url.Values{"email": {"%zz"}}); r.status >= 500 {
			t.Fatalf("odd form: %d", r.status)
		}
		for _, p := range []string{"/palmares/abc", "/palmares/1900", "/actualites/%00", "/admin/courriels/x"} {
			if r := b.get(p); r.status >= 500 {
				t.Fatalf("GET %s: %d", p, r.status)
			}
		}
	})
}

var fieldIDs = regexp.MustCompile(`<input id="([a-z]+)"`)

// TestErrorSummaryLinksToFields checks that each error in the summary
// points at a field of the form, for keyboard and screen-reader users.
func TestErrorSummaryLinksToFields(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		r := a.browser().post("/inscription", url.Values{"email": {"x"}, "password": {"y"}})
		ids := map[string]bool{}
		for _, m := range fieldIDs.FindAllStringSubmatch(r.body, -1) {
			ids[m[1]] = true
		}
		for _, m := range regexp.MustCompile(`<a href="#([a-z]+)">`).FindAllStringSubmatch(r.body, -1) {
			if !ids[m[1]] {
				t.Errorf("summary links to #%s, which is no field", m[1])
			}
		}
		mustContain(t, r, `aria-describedby="password-hint password-error"`)
	})
}
