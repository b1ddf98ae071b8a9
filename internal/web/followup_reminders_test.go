package web

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"tnl/internal/domain"
)

func TestRemindersPageAndSendButton(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		page := "/admin/editions/2026/rappels"
		says(t, f.admin.get(page), "Rappels aux candidats de 2026", "Aucun rappel prévu", "10 novembre 2026 à 23 h 59",
			"1 candidature est encore un brouillon.")

		r := f.admin.post(page, url.Values{"days": {"30, 7, demain"}})
		wantStatus(t, "bad days", r, http.StatusUnprocessableEntity)
		says(t, r, "entre 1 et 365", `value="30, 7, demain"`, `href="#days"`)
		if days, _ := a.db.ReminderDays(ctx, 2026); len(days) != 0 {
			t.Fatalf("refused days were saved: %v", days)
		}
		wantStatus(t, "days", f.admin.post(page, url.Values{"days": {"7 ; 30"}}), http.StatusSeeOther)
		r = f.admin.get(page)
		says(t, r, `value="30, 7"`, "30 jours avant", "7 jours avant", "pas encore",
			"12 octobre 2026 à 0 h 00") // 30 days before the first refused instant, in Paris

		// On 1 October nothing is due yet.
		r = f.admin.post(page+"/envoyer", url.Values{})
		if r.status != http.StatusSeeOther || r.location() != page+"?envoyes=0" {
			t.Fatalf("send: %d → %q", r.status, r.location())
		}
		says(t, f.admin.get(r.location()), "0 candidature relancée.")
		if len(a.mailsTo("elu@example.org")) != 0 {
			t.Fatal("a reminder went before its time")
		}

		// Inside the 30-day window the draft's élu and responsable get one.
		a.clock.t = time.Date(2026, 10, 15, 9, 0, 0, 0, domain.Paris)
		before := auditCount(t, a.db)
		r = f.admin.post(page+"/envoyer", url.Values{})
		if r.location() != page+"?envoyes=1" || auditCount(t, a.db) != before+1 {
			t.Fatalf("send: %d → %q, audit +%d", r.status, r.location(), auditCount(t, a.db)-before)
		}
		for _, to := range []string{"elu@example.org", "resp@example.org"} {
			mailSays(t, lastMail(t, a, to, "application_reminder"), "Saint-Martin-d'Uriage", "2026", "Label",
				"10 novembre 2026 à 23 h 59", fmt.Sprintf("/candidatures/%d", f.app.ID))
		}
		if len(a.mailsTo("contrib@example.org")) != 0 || len(a.mailsTo("autre@example.org")) != 0 {
			t.Fatal("a reminder went to someone other than the élu and the responsable")
		}
		// Pressing again, or the scheduler's next minute, sends nothing more.
		wantStatus(t, "again", f.admin.post(page+"/envoyer", url.Values{}), http.StatusSeeOther)
		if n, err := a.srv.SendReminders(ctx); n != 0 || err != nil {
			t.Fatalf("the scheduler sent %d more (%v)", n, err)
		}
		if n := len(a.mailsTo("elu@example.org")); n != 1 {
			t.Fatalf("the élu got %d reminders", n)
		}
		says(t, f.admin.get(page), "15 octobre 2026 à 9 h 00")

		// Seven days before, the scheduler sends the second one by itself.
		a.clock.t = time.Date(2026, 11, 5, 9, 0, 0, 0, domain.Paris)
		if n, err := a.srv.SendReminders(ctx); n != 1 || err != nil {
			t.Fatalf("the 7-day reminder: %d (%v)", n, err)
		}
		if n := len(a.mailsTo("resp@example.org")); n != 2 {
			t.Fatalf("the responsable got %d reminders, want 2", n)
		}
		wantStatus(t, "unknown edition", f.admin.get("/admin/editions/1999/rappels"), http.StatusNotFound)
	})
}

func TestRemindersSkipSubmittedApplications(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		submitForTest(t, a, f.app.ID, &domain.User{ID: f.eluUser.UserID, Email: "elu@example.org"})
		if err := a.db.SetReminderDays(ctx, 2026, []int{7}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		a.clock.t = time.Date(2026, 11, 5, 9, 0, 0, 0, domain.Paris)
		if n, err := a.srv.SendReminders(ctx); n != 0 || err != nil {
			t.Fatalf("a submitted application was reminded: %d (%v)", n, err)
		}
		if len(a.mailsTo("elu@example.org")) != 0 {
			t.Fatal("a reminder mail went to a submitted application's élu")
		}
	})
}
