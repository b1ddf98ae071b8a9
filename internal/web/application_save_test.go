package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"tnl/internal/domain"
)

func (f *appFixture) autosavePath() string { return fmt.Sprintf("/candidatures/%d/reponses", f.app.ID) }

// autosaveJSON posts one answer as autosave.js does and decodes the reply.
func autosaveJSON(t *testing.T, b *browser, path string, fields url.Values) (int, map[string]any) {
	t.Helper()
	r := b.post(path, fields)
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("status %d, content type %q:\n%s", r.status, ct, r.body)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return r.status, out
}

func TestAutosave(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		path := f.autosavePath()
		status, got := autosaveJSON(t, f.elu, path, url.Values{"q": {"postes_linux"}, "a.postes_linux": {"60 %"}, "v.postes_linux": {"0"}})
		if status != http.StatusOK || got["status"] != "saved" || got["version"] != 1.0 {
			t.Fatalf("saved: %d %v", status, got)
		}
		section, total := got["section"].(map[string]any), got["total"].(map[string]any)
		if section["points"].(float64) <= 0 || section["max"] != 20.0 || total["points"] != section["points"] || total["max"] != 100.0 {
			t.Fatalf("scores: %v %v", section, total)
		}
		// resp still had version 0: refused, with the newer answer.
		status, got = autosaveJSON(t, f.resp, path, url.Values{"q": {"postes_linux"}, "a.postes_linux": {"5"}, "v.postes_linux": {"0"}})
		if status != http.StatusConflict || got["status"] != "conflict" || got["version"] != 1.0 || got["value"] != "60" ||
			got["display"] != "60\u202f%" || got["savedBy"] != "elu@example.org" || got["savedAt"] != "2026-10-01T08:00:00Z" {
			t.Fatalf("conflict: %d %v", status, got)
		}
		// Keeping one's own: sent again over the newer version.
		status, got = autosaveJSON(t, f.resp, path, url.Values{"q": {"postes_linux"}, "a.postes_linux": {"5"}, "v.postes_linux": {"1"}})
		if status != http.StatusOK || got["version"] != 2.0 {
			t.Fatalf("keep mine: %d %v", status, got)
		}
		status, got = autosaveJSON(t, f.elu, path, url.Values{"q": {"postes_nombre"}, "a.postes_nombre": {"beaucoup"}, "v.postes_nombre": {"0"}})
		if status != http.StatusUnprocessableEntity || got["status"] != "invalid" || got["message"] != "Saisissez un nombre entier, par exemple 12 000." {
			t.Fatalf("invalid: %d %v", status, got)
		}
		status, got = autosaveJSON(t, f.contrib, path, url.Values{"q": {"strategie_adoptee"}, "a.strategie_adoptee": {"yes"}, "v.strategie_adoptee": {"0"}})
		if status != http.StatusForbidden || got["status"] != "closed" {
			t.Fatalf("contributor outside their sections: %d %v", status, got)
		}
		status, got = autosaveJSON(t, f.contrib, path, url.Values{"q": {"sig_libre"}, "a.sig_libre": {"oui"}, "v.sig_libre": {"0"}})
		if status != http.StatusOK || got["status"] != "saved" {
			t.Fatalf("contributor inside their sections: %d %v", status, got)
		}
		status, got = autosaveJSON(t, f.admin, path, url.Values{"q": {"sig_libre"}, "a.sig_libre": {"non"}, "v.sig_libre": {"1"}})
		if status != http.StatusForbidden || got["status"] != "closed" {
			t.Fatalf("admin: %d %v", status, got)
		}
		status, _ = autosaveJSON(t, f.elu, path, url.Values{"q": {"nope"}, "v.nope": {"0"}})
		if status != http.StatusNotFound {
			t.Fatalf("unknown question: %d", status)
		}
		wantAnswerValues(t, f.answers(t), map[string]string{"postes_linux": "5", "postes_nombre": "", "strategie_adoptee": "", "sig_libre": "yes"})

		// Benchmarks may turn group commit off: the answers are the same.
		a.srv.autosaveOneCommit = true
		status, got = autosaveJSON(t, f.elu, path, url.Values{"q": {"sig_libre"}, "a.sig_libre": {"no"}, "v.sig_libre": {"1"}})
		if status != http.StatusOK || got["version"] != 2.0 {
			t.Fatalf("one commit per save: %d %v", status, got)
		}
		status, got = autosaveJSON(t, f.resp, path, url.Values{"q": {"sig_libre"}, "a.sig_libre": {"yes"}, "v.sig_libre": {"1"}})
		if status != http.StatusConflict || got["value"] != "no" {
			t.Fatalf("one commit per save, conflict: %d %v", status, got)
		}
		a.clock.add(domain.ParisDeadline(2026, 11, 10).Sub(a.clock.now()))
		status, got = autosaveJSON(t, f.elu, path, url.Values{"q": {"sig_libre"}, "a.sig_libre": {"yes"}, "v.sig_libre": {"2"}})
		if status != http.StatusForbidden || got["status"] != "closed" {
			t.Fatalf("after the deadline: %d %v", status, got)
		}
	})
}
