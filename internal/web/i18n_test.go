package web

import (
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestMessagesComplete keeps the two languages in step, and checks that
// every message a template names exists.
func TestMessagesComplete(t *testing.T) {
	fr, err := keysIn("fr")
	if err != nil {
		t.Fatal(err)
	}
	en, err := keysIn("en")
	if err != nil {
		t.Fatal(err)
	}
	for k := range fr {
		if !en[k] {
			t.Errorf("%q has no English text", k)
		}
	}
	for k := range en {
		if !fr[k] {
			t.Errorf("%q has no French text", k)
		}
	}
	used := regexp.MustCompile(`\.T "([a-z0-9_.-]+)"|"([a-z]+\.[a-z0-9_.-]+)"`)
	files := []string{}
	fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	for _, f := range files {
		b, _ := templateFiles.ReadFile(f)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			key := m[1] + m[2]
			if strings.HasSuffix(key, ".") || strings.HasPrefix(key, "app.") || strings.HasPrefix(key, "favicon.") {
				continue
			}
			if !fr[key] {
				t.Errorf("%s uses %q, which has no text", f, key)
			}
		}
	}
}

// TestGoMessagesExist checks message ids written in Go code.
func TestGoMessagesExist(t *testing.T) {
	fr, _ := keysIn("fr")
	var missing []string
	for _, id := range []string{
		"error.email.required", "error.email.too_long", "error.email.invalid", "error.password.required",
		"error.password.too_short", "error.password.too_long", "error.password.mismatch", "error.too_many",
		"error.link_invalid", "error.login_failed", "error.account_deactivated", "error.email_unverified",
		"error.admin.self", "error.role.invalid", "flash.email_verified", "flash.signed_in",
		"flash.password_changed", "flash.role_changed", "flash.user_deactivated", "flash.user_reactivated",
		"mail.status.sent", "mail.status.failed", "mail.status.retrying", "mail.status.pending",
	} {
		if !fr[id] {
			missing = append(missing, id)
		}
	}
	for _, status := range []int{400, 401, 403, 404, 409, 410, 422, 429, 500} {
		for _, part := range []string{"title", "text"} {
			if id := "error." + itoa(int64(status)) + "." + part; !fr[id] {
				missing = append(missing, id)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("missing messages: %v", missing)
	}
}

func TestLanguageChoice(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		b := a.browser()
		mustContain(t, b.get("/connexion"), `<html lang="fr">`, "Se connecter")
		b.headers["Accept-Language"] = "en-GB,en;q=0.9"
		mustContain(t, b.get("/connexion"), `<html lang="en">`, "Sign in")
		r := b.post("/langue", url.Values{"lang": {"fr"}, "suite": {"/connexion"}})
		if r.status != http.StatusSeeOther || r.location() != "/connexion" {
			t.Fatalf("switch: %d → %q", r.status, r.location())
		}
		mustContain(t, b.get("/connexion"), `<html lang="fr">`)
		if r := b.post("/langue", url.Values{"lang": {"en"}, "suite": {"//evil.example/x"}}); r.location() != "/" {
			t.Fatalf("open redirect through the language switch: %q", r.location())
		}
		mustContain(t, b.get("/mot-de-passe/oubli"), "Forgotten password")
	})
}

func TestDatesInParisTime(t *testing.T) {
	tr, err := newTranslator()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Date(2026, 11, 10, 22, 59, 0, 0, time.UTC) // 23:59 in Paris (UTC+1)
	if got := tr.formatDateTime("fr", deadline); got != "10 novembre 2026 à 23 h 59" {
		t.Fatalf("fr: %q", got)
	}
	if got := tr.formatDate("fr", time.Date(2026, 5, 31, 23, 0, 0, 0, time.UTC)); got != "1er juin 2026" {
		t.Fatalf("fr first of month, summer time: %q", got)
	}
	if got := tr.formatDateTime("en", deadline); got != "10 November 2026 at 23:59 (Paris time)" {
		t.Fatalf("en: %q", got)
	}
}

// TestPlainMessagesKept: a message asked without arguments is kept after
// the first time, per language, and never mixed with one asked with
// arguments or with another language.
func TestPlainMessagesKept(t *testing.T) {
	tr, err := newTranslator()
	if err != nil {
		t.Fatal(err)
	}
	fr, en := tr.T("fr", "followup.status.draft"), tr.T("en", "followup.status.draft")
	if fr == en || fr == "followup.status.draft" {
		t.Fatalf("fr %q, en %q", fr, en)
	}
	if again := tr.T("fr", "followup.status.draft"); again != fr {
		t.Errorf("second ask %q, first %q", again, fr)
	}
	if _, ok := tr.plain.Load("fr\x00followup.status.draft"); !ok {
		t.Error("the plain message was not kept")
	}
	if got := tr.T("fr", "no.such.message"); got != "no.such.message" {
		t.Errorf("unknown id gives %q", got)
	}
	withArgs := tr.T("fr", "seal.minutes.title", "Year", 2031)
	if !strings.Contains(withArgs, "2031") || tr.T("fr", "seal.minutes.title", "Year", 2032) == withArgs {
		t.Errorf("a message with arguments must be localised each time: %q", withArgs)
	}
}
