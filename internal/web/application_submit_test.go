package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

func TestSubmissionNeedsCompletenessAndTheRightPerson(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		path := fmt.Sprintf("/candidatures/%d/soumettre", f.app.ID)
		confirm := url.Values{"confirmer": {"oui"}}
		def := appsDefault(t, "label")

		// Incomplete: the list of what is missing, with links, and no button.
		r := f.elu.get(path)
		wantStatus(t, "check", r, http.StatusOK)
		says(t, r, "Des réponses obligatoires manquent")
		for _, m := range form.Missing(def, form.Answers{}) {
			mustContain(t, r, fmt.Sprintf(`href="/candidatures/%d/sections/%s#q-%s"`, f.app.ID, m.Section, m.Question))
		}
		mustNotContain(t, r, `action="`+path+`"`)
		r = f.elu.post(path, confirm)
		wantStatus(t, "an incomplete submission", r, http.StatusUnprocessableEntity)
		says(t, r, "il manque 12 réponses obligatoires", "#q-strategie_adoptee")
		if subs, _ := a.db.Submissions(ctx, f.app.ID); len(subs) != 0 {
			t.Fatal("an incomplete application was submitted")
		}

		eluID := userID(t, a, "elu@example.org")
		appsFillRequired(t, a, f.app, eluID)

		// Complete: only the élu référent may confirm here.
		r = f.contrib.get(path)
		says(t, r, "La candidature est complète", "Seul l'élu référent", "elu@example.org")
		mustNotContain(t, r, `action="`+path+`"`, "resp@example.org")
		wantStatus(t, "a contributor submits", f.contrib.post(path, confirm), http.StatusForbidden)
		r = f.resp.post(path, confirm)
		wantStatus(t, "the responsable submits", r, http.StatusForbidden)
		says(t, r, "Seul l'élu référent de l'organisme peut confirmer")
		wantStatus(t, "an outsider submits", f.outsider.post(path, confirm), http.StatusNotFound)
		r = f.admin.post(path, confirm)
		wantStatus(t, "the secretariat submits", r, http.StatusForbidden)

		r = f.elu.get(path)
		says(t, r, `action="`+path+`"`, "Je confirme, au nom de Saint-Martin-d'Uriage, l'exactitude des réponses.", `name="confirmer"`)
		r = f.elu.post(path, url.Values{})
		wantStatus(t, "no confirmation", r, http.StatusUnprocessableEntity)
		says(t, r, "Cochez la case", `href="#confirmer"`, `aria-invalid="true"`)
		if subs, _ := a.db.Submissions(ctx, f.app.ID); len(subs) != 0 {
			t.Fatal("an unconfirmed application was submitted")
		}

		// When the edition allows it, the responsable confirms too.
		e, _ := a.db.FindEdition(ctx, 2026)
		e.ResponsableMaySubmit = true
		if err := a.db.SaveEdition(ctx, e); err != nil {
			t.Fatal(err)
		}
		says(t, f.contrib.get(path), "L'élu référent ou le responsable de candidature", "resp@example.org")
		r = f.resp.post(path, confirm)
		wantStatus(t, "the responsable, allowed", r, http.StatusSeeOther)
		if r.location() != fmt.Sprintf("/candidatures/%d/recus/1", f.app.ID) {
			t.Fatalf("after submission: %q", r.location())
		}
	})
}

func TestSubmissionReceiptsAndResubmission(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		path := fmt.Sprintf("/candidatures/%d/soumettre", f.app.ID)
		eluID := userID(t, a, "elu@example.org")
		appsFillRequired(t, a, f.app, eluID)
		appsSave(t, a, f.app.ID, eluID, map[string]string{
			"logiciels_postes": `["LibreOffice","Firefox","Thunderbird"]`, "plan_action": "Migrer <vite> & bien"})
		first := appsValues(t, a, f.app.ID)
		_, digest1 := form.Digest(first)

		r := f.elu.post(path, url.Values{"confirmer": {"oui"}})
		wantStatus(t, "submit", r, http.StatusSeeOther)
		receipt1 := fmt.Sprintf("/candidatures/%d/recus/1", f.app.ID)
		if r.location() != receipt1 {
			t.Fatalf("after submission: %q", r.location())
		}
		page := f.elu.get(receipt1)
		wantStatus(t, "receipt", page, http.StatusOK)
		says(t, page, "La candidature est soumise. Voici votre accusé de réception",
			"Accusé de réception n° 1", "Saint-Martin-d'Uriage", "2026", "Label",
			"1er octobre 2026 à 10 h 00 min 00 s (heure de Paris)", "elu@example.org", digest1,
			"LibreOffice, Firefox, Thunderbird", "Migrer <vite> & bien", "Stratégie et mutualisation",
			"Toute modification d'une réponse", "Date limite")
		raw := f.resp.get(receipt1 + "/reponses.json")
		if sum := sha256.Sum256([]byte(raw.body)); raw.status != http.StatusOK || hex.EncodeToString(sum[:]) != digest1 ||
			!strings.HasPrefix(raw.header.Get("Content-Type"), "application/json") {
			t.Fatalf("the downloaded answers do not hash to the digest: %d %q", raw.status, raw.body)
		}
		for _, to := range []string{"elu@example.org", "resp@example.org"} {
			m := lastMail(t, a, to, "application_receipt")
			mailSays(t, m, digest1, "Soumission n° : 1", "1er octobre 2026 à 10 h 00 min 00 s", a.ts.URL+receipt1)
			if !strings.Contains(m.HTML, digest1) || !strings.Contains(m.Subject, "soumission n° 1") {
				t.Fatalf("mail to %s: %s\n%s", to, m.Subject, m.HTML)
			}
		}
		if mails := a.mailsTo("contrib@example.org"); len(mails) != 0 {
			t.Fatalf("a contributor got %d mails", len(mails))
		}
		app, _ := a.db.FindApplication(ctx, f.app.ID)
		if app.Status != domain.ApplicationSubmitted || app.Submissions != 1 {
			t.Fatalf("after submission: %+v", app)
		}
		catalogue, _ := a.db.SoftwareCatalogue(ctx, 50)
		for _, name := range []string{"LibreOffice", "Firefox", "Thunderbird"} {
			if !strings.Contains(strings.Join(catalogue, ","), name) {
				t.Fatalf("catalogue %v lacks %s", catalogue, name)
			}
		}
		if e := lastAudit(t, a, "application.submit"); e.ObjectID != itoa(f.app.ID) {
			t.Fatalf("audit: %+v", e)
		}

		// Resubmission a minute later keeps both receipts.
		a.clock.add(time.Minute + 7*time.Second)
		appsSave(t, a, f.app.ID, eluID, map[string]string{"plan_action": "Plan révisé"})
		_, digest2 := form.Digest(appsValues(t, a, f.app.ID))
		says(t, f.elu.get(path), "La candidature a déjà été soumise 1 fois")
		r = f.elu.post(path, url.Values{"confirmer": {"oui"}})
		receipt2 := fmt.Sprintf("/candidatures/%d/recus/2", f.app.ID)
		if r.status != http.StatusSeeOther || r.location() != receipt2 {
			t.Fatalf("resubmission: %d %q", r.status, r.location())
		}
		says(t, f.resp.get(receipt2), "Accusé de réception n° 2", digest2, "Plan révisé", "10 h 01 min 07 s", receipt1)
		old := f.resp.get(receipt1)
		says(t, old, digest1, "Migrer <vite> & bien", receipt2)
		mustNotContain(t, old, "Plan révisé", digest2)
		mailSays(t, lastMail(t, a, "elu@example.org", "application_receipt"), digest2, "Soumission n° : 2")
		overview := f.elu.get(fmt.Sprintf("/candidatures/%d", f.app.ID))
		says(t, overview, receipt1, receipt2, "soumission n° 2")

		wantStatus(t, "an unknown receipt", f.elu.get(fmt.Sprintf("/candidatures/%d/recus/3", f.app.ID)), http.StatusNotFound)
		wantStatus(t, "another body's receipt", f.outsider.get(receipt1), http.StatusNotFound)
		wantStatus(t, "another body's answers", f.outsider.get(receipt1+"/reponses.json"), http.StatusNotFound)
		says(t, f.admin.get(receipt1), digest1)
	})
}

func TestSubmissionDeadline(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		path := fmt.Sprintf("/candidatures/%d/soumettre", f.app.ID)
		appsFillRequired(t, a, f.app, userID(t, a, "elu@example.org"))

		// 23:59:59 in Paris on the last day (UTC+1 in November) is accepted.
		appsSetClock(a, time.Date(2026, 11, 10, 22, 59, 59, 0, time.UTC))
		r := f.elu.post(path, url.Values{"confirmer": {"oui"}})
		wantStatus(t, "at 23:59:59", r, http.StatusSeeOther)
		says(t, f.elu.get(r.location()), "10 novembre 2026 à 23 h 59 min 59 s (heure de Paris)")

		// One second later everything is refused, with the reason.
		a.clock.add(time.Second)
		r = f.elu.post(path, url.Values{"confirmer": {"oui"}})
		wantStatus(t, "at midnight", r, http.StatusForbidden)
		says(t, r, "La date limite est passée", "jusqu'au 10 novembre 2026 à 23 h 59")
		mustNotContain(t, r, `action="`+path+`"`)
		r = f.elu.get(path)
		says(t, r, "La date limite est passée")
		mustNotContain(t, r, `action="`+path+`"`)
		overview := f.elu.get(fmt.Sprintf("/candidatures/%d", f.app.ID))
		says(t, overview, "la candidature ne peut plus être modifiée ni soumise", "Lire les réponses")
		mustNotContain(t, overview, `href="`+path+`"`)
		if subs, _ := a.db.Submissions(ctx, f.app.ID); len(subs) != 1 {
			t.Fatalf("%d submissions", len(subs))
		}
	})
}
