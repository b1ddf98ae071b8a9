package store_test

import (
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

func TestMessagesOldestFirstWithAuthors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := openEdition(t, db)
		app, alice := newApplication(t, db)
		admin := newUser(t, db, "admin@example.org", domain.RoleAdmin)
		auditBefore := len(auditOf(t, db, "application.message"))

		first := &domain.ApplicationMessage{ApplicationID: app.ID, AuthorID: alice.ID, Body: "Une question :\nla ligne 2."}
		mail := &domain.OutboxMail{To: "admin@example.org", Subject: "Nouveau message", Text: "…", Template: "application_message"}
		if err := db.AddMessage(ctx, first, []*domain.OutboxMail{mail}, actorOf(alice)); err != nil {
			t.Fatal(err)
		}
		c.add(time.Minute)
		reply := &domain.ApplicationMessage{ApplicationID: app.ID, AuthorID: admin.ID, FromStaff: true, Body: "La réponse."}
		if err := db.AddMessage(ctx, reply, nil, actorOf(admin)); err != nil {
			t.Fatal(err)
		}
		got, err := db.Messages(ctx, app.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != first.ID || got[1].ID != reply.ID {
			t.Fatalf("messages not oldest first: %+v", got)
		}
		if got[0].AuthorEmail != "alice@example.org" || got[0].FromStaff || got[0].Body != "Une question :\nla ligne 2." {
			t.Fatalf("applicant's message read back: %+v", got[0])
		}
		if got[1].AuthorEmail != "admin@example.org" || !got[1].FromStaff || !got[1].CreatedAt.Equal(c.t.UTC().Truncate(time.Microsecond)) {
			t.Fatalf("staff message read back: %+v (clock %v)", got[1], c.t)
		}
		// Only the staff's message is a privileged action.
		if n := len(auditOf(t, db, "application.message")) - auditBefore; n != 1 {
			t.Fatalf("%d audit entries for two messages, one from the staff", n)
		}
		if mails, _ := db.ListMail(ctx, false, 10); len(mails) != 1 || mails[0].To != "admin@example.org" {
			t.Fatalf("the message's mail is queued with it: %+v", mails)
		}
		// An unknown application is refused, and queues nothing.
		bad := &domain.ApplicationMessage{ApplicationID: app.ID + 1000, AuthorID: alice.ID, Body: "?"}
		if err := db.AddMessage(ctx, bad, []*domain.OutboxMail{mail}, actorOf(alice)); err == nil {
			t.Fatal("a message to an unknown application was accepted")
		}
		if mails, _ := db.ListMail(ctx, false, 10); len(mails) != 1 {
			t.Fatalf("a refused message queued its mail: %d mails", len(mails))
		}
		if none, _ := db.Messages(ctx, app.ID+1000); len(none) != 0 {
			t.Fatalf("messages of an unknown application: %+v", none)
		}
	})
}

func auditOf(t *testing.T, db *store.DB, action string) []domain.AuditEntry {
	t.Helper()
	entries, err := db.ListAudit(ctx, store.AuditFilter{Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}
