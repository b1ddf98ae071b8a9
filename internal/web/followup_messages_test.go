package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
)

func TestApplicantAndSecretariatExchangeMessages(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		page := fmt.Sprintf("/candidatures/%d/messages", f.app.ID)
		adminPage := fmt.Sprintf("/admin/candidatures/%d", f.app.ID)
		says(t, f.elu.get(page), "Aucun message pour l'instant", "Votre message à l'équipe du label")

		// A member writes: every admin is mailed; the text stays plain.
		text := "Bonjour,\nfaut-il joindre la délibération ? <b>merci</b>"
		r := f.contrib.post(page, url.Values{"message": {text + "\r\n"}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), page) {
			t.Fatalf("post: %d → %q\n%s", r.status, r.location(), r.body)
		}
		m := lastMail(t, a, "admin@example.org", "application_message")
		mailSays(t, m, "contrib@example.org", "Saint-Martin-d'Uriage", "Bonjour,\nfaut-il joindre la délibération ?", adminPage)
		r = f.elu.get(page)
		mustContain(t, r, "&lt;b&gt;merci&lt;/b&gt;", "contrib@example.org")
		mustNotContain(t, r, "<b>merci</b>")
		if n := len(a.mailsTo("elu@example.org")); n != 0 {
			t.Fatalf("a member's message was mailed to the team (%d mails)", n)
		}

		// The secretariat reads it on its page and answers: every approved
		// member of the body is mailed, nobody else.
		says(t, f.admin.get(adminPage), "faut-il joindre la délibération ?", "contrib@example.org")
		before := auditCount(t, a.db)
		r = f.admin.post(adminPage+"/messages", url.Values{"message": {"Oui, la délibération est demandée.\nMerci."}})
		wantStatus(t, "staff message", r, http.StatusSeeOther)
		if auditCount(t, a.db) != before+1 {
			t.Fatal("the staff's message left no audit entry")
		}
		for _, to := range []string{"elu@example.org", "resp@example.org", "contrib@example.org"} {
			mailSays(t, lastMail(t, a, to, "application_message"), "L'équipe du label vous a écrit",
				"Oui, la délibération est demandée.\nMerci.", page)
		}
		if n := len(a.mailsTo("autre@example.org")); n != 0 {
			t.Fatalf("another body's member was mailed (%d)", n)
		}
		r = f.resp.get(page)
		says(t, r, "L'équipe du label", "Oui, la délibération est demandée.")
		if strings.Index(r.body, "faut-il joindre") > strings.Index(r.body, "Oui, la délibération") {
			t.Fatal("the thread is not oldest first")
		}
		msgs, _ := a.db.Messages(ctx, f.app.ID)
		if len(msgs) != 2 || msgs[0].FromStaff || !msgs[1].FromStaff || msgs[0].Body != text {
			t.Fatalf("stored thread: %+v", msgs)
		}
	})
}

func TestMessageValidationKeepsInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		page := fmt.Sprintf("/candidatures/%d/messages", f.app.ID)
		r := f.elu.post(page, url.Values{"message": {"   \n "}})
		wantStatus(t, "empty", r, http.StatusUnprocessableEntity)
		says(t, r, "Écrivez votre message.", `href="#message"`, `aria-invalid="true"`)
		long := strings.Repeat("é", 5001)
		r = f.elu.post(page, url.Values{"message": {long}})
		wantStatus(t, "too long", r, http.StatusUnprocessableEntity)
		says(t, r, "dépasse 5 000 caractères", long)
		wantStatus(t, "5,000 characters", f.elu.post(page, url.Values{"message": {long[:len(long)-2]}}), http.StatusSeeOther)
		r = f.admin.post(fmt.Sprintf("/admin/candidatures/%d/messages", f.app.ID), url.Values{"message": {""}})
		wantStatus(t, "staff empty", r, http.StatusUnprocessableEntity)
		says(t, r, "Écrivez votre message.")
		if msgs, _ := a.db.Messages(ctx, f.app.ID); len(msgs) != 1 {
			t.Fatalf("%d messages stored, want 1", len(msgs))
		}
	})
}

func TestMessagesHiddenFromOutsiders(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		page := fmt.Sprintf("/candidatures/%d/messages", f.app.ID)
		wantStatus(t, "outsider GET", f.outsider.get(page), http.StatusNotFound)
		wantStatus(t, "outsider POST", f.outsider.post(page, url.Values{"message": {"Bonjour"}}), http.StatusNotFound)
		wantStatus(t, "unknown application", f.elu.get("/candidatures/999999/messages"), http.StatusNotFound)
		if r := a.browser().get(page); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/connexion") {
			t.Fatalf("anonymous: %d → %q", r.status, r.location())
		}
		if msgs, _ := a.db.Messages(ctx, f.app.ID); len(msgs) != 0 {
			t.Fatalf("an outsider's message was stored: %+v", msgs)
		}
		// The secretariat may read the applicant's side too.
		wantStatus(t, "admin", f.admin.get(page), http.StatusOK)
	})
}

func TestCorrectionReopensSubmittedApplication(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		path := fmt.Sprintf("/admin/candidatures/%d", f.app.ID)
		says(t, f.admin.get(path), "Seule une candidature soumise peut être rouverte")
		wantStatus(t, "draft", f.admin.post(path+"/correction", url.Values{"reason": {"Une raison suffisante."}}), http.StatusConflict)

		submitForTest(t, a, f.app.ID, &domain.User{ID: f.eluUser.UserID, Email: "elu@example.org"})
		says(t, f.admin.get(path), "Demander une correction", `name="reason"`)
		r := f.admin.post(path+"/correction", url.Values{"reason": {" Trop \n"}})
		wantStatus(t, "short reason", r, http.StatusUnprocessableEntity)
		says(t, r, "10 caractères au moins", ">Trop</textarea>", `href="#reason"`)
		if app, _ := a.db.FindApplication(ctx, f.app.ID); app.Status != domain.ApplicationSubmitted {
			t.Fatal("a refused request reopened the application")
		}

		reason := "Il manque la délibération du conseil municipal.\nMerci de la joindre."
		before := auditCount(t, a.db)
		r = f.admin.post(path+"/correction", url.Values{"reason": {reason}})
		if r.status != http.StatusSeeOther || r.location() != path {
			t.Fatalf("correction: %d → %q\n%s", r.status, r.location(), r.body)
		}
		if auditCount(t, a.db) != before+1 {
			t.Fatal("the correction is not audited once")
		}
		app, _ := a.db.FindApplication(ctx, f.app.ID)
		if app.Status != domain.ApplicationDraft || app.Correction != reason || app.Submissions != 1 {
			t.Fatalf("after the correction: %+v", app)
		}
		for _, to := range []string{"elu@example.org", "resp@example.org"} {
			mailSays(t, lastMail(t, a, to, "application_correction"), reason, "10 novembre 2026 à 23 h 59",
				fmt.Sprintf("/candidatures/%d", f.app.ID))
		}
		if len(a.mailsTo("contrib@example.org")) != 0 {
			t.Fatal("the contributor got the correction mail")
		}
		// The applicant sees the reason on the application's pages, and can
		// submit again.
		says(t, f.elu.get(fmt.Sprintf("/candidatures/%d/messages", f.app.ID)), "Il manque la délibération du conseil municipal.")
		says(t, f.admin.get(path), "Rouverte pour correction", "Il manque la délibération")
		submitForTest(t, a, f.app.ID, &domain.User{ID: f.eluUser.UserID, Email: "elu@example.org"})

		// After the deadline a submitted application is no longer reopened.
		a.clock.t = time.Date(2026, 11, 11, 0, 0, 0, 0, domain.Paris)
		r = f.admin.post(path+"/correction", url.Values{"reason": {reason}})
		wantStatus(t, "after the deadline", r, http.StatusConflict)
		says(t, r, "La date limite est passée")
		if app, _ := a.db.FindApplication(ctx, f.app.ID); app.Status != domain.ApplicationSubmitted {
			t.Fatal("reopened after the deadline")
		}
	})
}
