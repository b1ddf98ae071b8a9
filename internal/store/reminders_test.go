package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// reminderFixture is the 2026 edition (last day 10 November, Paris) with
// two applications: the commune's still a draft, the EPCI's submitted.
type reminderFixture struct {
	db               *store.DB
	clock            *clock
	draft, submitted *domain.Application
	built            []string // "application/days" of each mail built
}

func newReminderFixture(t *testing.T, db *store.DB) *reminderFixture {
	t.Helper()
	f := &reminderFixture{db: db, clock: openEdition(t, db)}
	var alice *domain.User
	f.draft, alice = newApplication(t, db)
	_, epci := someBodies(t, db)
	app, err := db.CreateApplication(ctx, 2026, "label", epci.ID, domain.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Submit(ctx, app.ID, actorOf(alice), func(map[string]string, int, domain.Submission) (*store.SubmitPlan, error) {
		return &store.SubmitPlan{Answers: []byte("{}"), Digest: "0"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.submitted = app
	return f
}

// send runs SendDueReminders at the fixture's clock with one mail per
// application reminded.
func (f *reminderFixture) send(t *testing.T) int {
	t.Helper()
	n, err := f.db.SendDueReminders(ctx, f.clock.t, func(app *domain.Application, days int) []*domain.OutboxMail {
		f.built = append(f.built, fmt.Sprintf("%d/%d", app.ID, days))
		return []*domain.OutboxMail{{To: fmt.Sprintf("app%d@example.org", app.ID), Subject: "Rappel",
			Text: fmt.Sprint(days), Template: "application_reminder"}}
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// at puts the clock at an instant in Paris time, in 2026.
func (f *reminderFixture) at(month time.Month, day, hour, min, sec int) {
	f.clock.t = time.Date(2026, month, day, hour, min, sec, 0, domain.Paris)
}

func (f *reminderFixture) mails(t *testing.T) []*domain.OutboxMail {
	t.Helper()
	mails, err := f.db.ListMail(ctx, false, 100)
	if err != nil {
		t.Fatal(err)
	}
	return mails
}

func TestReminderSentOncePerDraftInsideItsWindow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newReminderFixture(t, db)
		if err := db.SetReminderDays(ctx, 2026, []int{7, 7}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		if days, _ := db.ReminderDays(ctx, 2026); !slices.Equal(days, []int{7}) {
			t.Fatalf("reminder days: %v", days)
		}
		if len(auditOf(t, db, "edition.reminders")) != 1 {
			t.Fatal("setting the reminder days left no audit entry")
		}
		// Seven days before the first refused instant (11 November, 00:00
		// in Paris) is 4 November, 00:00 in Paris.
		if due := store.ReminderDue(domain.ParisDeadline(2026, time.November, 10), 7); !due.Equal(time.Date(2026, 11, 4, 0, 0, 0, 0, domain.Paris)) {
			t.Fatalf("due at %v", due)
		}
		f.at(time.November, 3, 23, 59, 59)
		if n := f.send(t); n != 0 || len(f.built) != 0 {
			t.Fatalf("before the window: %d sent, built %v", n, f.built)
		}
		f.at(time.November, 4, 0, 0, 0)
		if n := f.send(t); n != 1 {
			t.Fatalf("inside the window: %d sent, want 1 (the draft only)", n)
		}
		if want := []string{fmt.Sprintf("%d/7", f.draft.ID)}; !slices.Equal(f.built, want) {
			t.Fatalf("mails built for %v, want %v (never the submitted application)", f.built, want)
		}
		if mails := f.mails(t); len(mails) != 1 || mails[0].To != fmt.Sprintf("app%d@example.org", f.draft.ID) {
			t.Fatalf("outbox: %+v", mails)
		}
		f.clock.add(time.Hour)
		if n := f.send(t); n != 0 || len(f.built) != 1 || len(f.mails(t)) != 1 {
			t.Fatalf("a second call sent %d (built %v)", n, f.built)
		}
		rs, err := db.Reminders(ctx, 2026)
		if err != nil || len(rs) != 1 || rs[0].DaysBefore != 7 || rs[0].Deliveries != 1 || rs[0].SentAt == nil {
			t.Fatalf("reminders: %+v, %v", rs, err)
		}
		// After the deadline nothing goes, even to a new draft.
		f.at(time.November, 11, 0, 0, 0)
		if n := f.send(t); n != 0 {
			t.Fatalf("after the deadline: %d sent", n)
		}
	})
}

func TestTwoReminderDaysGiveTwoSends(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newReminderFixture(t, db)
		if err := db.SetReminderDays(ctx, 2026, []int{30, 7}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		f.at(time.October, 12, 9, 0, 0) // within 30 days, before the last 7
		if n := f.send(t); n != 1 {
			t.Fatalf("the 30-day reminder: %d sent", n)
		}
		if n := f.send(t); n != 0 {
			t.Fatalf("the 30-day reminder again: %d sent", n)
		}
		f.at(time.November, 8, 9, 0, 0)
		if n := f.send(t); n != 1 {
			t.Fatalf("the 7-day reminder: %d sent", n)
		}
		want := []string{fmt.Sprintf("%d/30", f.draft.ID), fmt.Sprintf("%d/7", f.draft.ID)}
		if !slices.Equal(f.built, want) || len(f.mails(t)) != 2 {
			t.Fatalf("built %v, want %v", f.built, want)
		}
	})
}

func TestLateRemindersSendOnlyTheClosestOne(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newReminderFixture(t, db)
		// Set when both the 30- and the 7-day reminders are already due:
		// the body gets one reminder, not two at once.
		if err := db.SetReminderDays(ctx, 2026, []int{30, 7, 1}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		f.at(time.November, 6, 12, 0, 0)
		if n := f.send(t); n != 1 || !slices.Equal(f.built, []string{fmt.Sprintf("%d/7", f.draft.ID)}) {
			t.Fatalf("late reminders: %d sent, built %v", n, f.built)
		}
	})
}

func TestReminderRetriedWhenMailsCannotBeBuilt(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newReminderFixture(t, db)
		if err := db.SetReminderDays(ctx, 2026, []int{7}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		f.at(time.November, 5, 10, 0, 0)
		n, err := db.SendDueReminders(ctx, f.clock.t, func(*domain.Application, int) []*domain.OutboxMail { return nil })
		if err != nil || n != 0 {
			t.Fatalf("a failed build: %d sent, %v", n, err)
		}
		if n := f.send(t); n != 1 {
			t.Fatalf("the retry: %d sent", n)
		}
		// Nobody to tell counts as delivered: not tried again.
		app2 := f.draft
		if err := db.SetReminderDays(ctx, 2026, []int{7, 2}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		f.at(time.November, 9, 10, 0, 0)
		n, err = db.SendDueReminders(ctx, f.clock.t, func(*domain.Application, int) []*domain.OutboxMail { return []*domain.OutboxMail{} })
		if err != nil || n != 1 {
			t.Fatalf("nobody to tell: %d, %v", n, err)
		}
		if n := f.send(t); n != 0 {
			t.Fatalf("application %d reminded again: %d", app2.ID, n)
		}
	})
}
