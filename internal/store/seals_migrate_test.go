package store_test

import (
	"slices"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// TestReopeningsMigrationKeepsThePendingRequest: before migration 5 a
// pending request lived in the audit log only. Migrating carries it over
// — the last request of the edition, after an earlier one withdrawn — so
// that it can still be confirmed; the log keeps every entry.
func TestReopeningsMigrationKeepsThePendingRequest(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db, err := store.Open(ctx, storetest.URL(t, engine))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := store.MigrateTo(ctx, db, 4); err != nil {
				t.Fatal(err)
			}
			s := newSealSetup(t, db)
			log := func(u *domain.User, action, after string) {
				t.Helper()
				if err := db.RecordAudit(ctx, &domain.AuditEntry{Actor: actorOf(u), Action: action, ObjectType: "seal",
					ObjectID: "2026", After: after}); err != nil {
					t.Fatal(err)
				}
			}
			log(s.pres, "jury.reopen.request", `{"application_id":`+itoa(s.commune)+`,"level":null,"mentions":null,"reason":"Retirée.","side":"president"}`)
			log(s.admin2, "jury.reopen.cancel", ``)
			log(s.admin1, "jury.reopen.request", `{"application_id":`+itoa(s.epci)+`,"level":2,"mentions":["Mutualisation"],"reason":"Erreur de report.","side":"admin"}`)
			log(s.admin1, "jury.other", ``) // another kind of entry, with no JSON
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			p, err := db.PendingReopening(ctx, 2026)
			if err != nil || p == nil {
				t.Fatalf("pending after the migration: %+v %v", p, err)
			}
			if p.ApplicationID != s.epci || p.Level == nil || *p.Level != 2 || !slices.Equal(p.Mentions, []string{"Mutualisation"}) ||
				p.Reason != "Erreur de report." || p.Side != store.ReopenAdmin || p.By.ID != s.admin1.ID {
				t.Fatalf("carried over: %+v", p)
			}
			if rs, _ := db.Reopenings(ctx, 2026); len(rs) != 1 {
				t.Fatalf("%d requests carried over, want the pending one", len(rs))
			}
		})
	}
}
