package store_test

import (
	"context"
	"database/sql"
	"os"
	"reflect"
	"sort"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

var ctx = context.Background()

// clock is a settable fake time for the store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func withClock(db *store.DB) *clock {
	c := &clock{t: time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)}
	db.Now = c.now
	return c
}

func newUser(t *testing.T, db *store.DB, email string, role domain.Role) *domain.User {
	t.Helper()
	u := &domain.User{Email: email, PasswordHash: "x", Role: role}
	if err := db.CreateUser(ctx, u, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUsers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		withClock(db)
		u := newUser(t, db, "a@example.org", domain.RoleApplicant)
		if err := db.CreateUser(ctx, &domain.User{Email: "a@example.org", PasswordHash: "x", Role: domain.RoleJury}, domain.CLIActor); !domain.IsConflict(err) {
			t.Fatalf("duplicate email: got %v, want a conflict", err)
		}
		got, err := db.FindUserByEmail(ctx, " A@Example.org ")
		if err != nil || got.ID != u.ID || got.Role != domain.RoleApplicant || !got.Active() {
			t.Fatalf("find: %+v %v", got, err)
		}
		if _, err := db.FindUserByID(ctx, 999); !domain.IsNotFound(err) {
			t.Fatalf("missing user: %v", err)
		}
		admin := domain.Actor{ID: u.ID, Label: "admin@example.org"}
		if _, err := db.SetUserRole(ctx, u.ID, "king", admin); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("bad role: %v", err)
		}
		if _, err := db.SetUserRole(ctx, u.ID, domain.RoleJury, admin); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetUserActive(ctx, u.ID, false, admin); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindUserByID(ctx, u.ID)
		if got.Role != domain.RoleJury || got.Active() {
			t.Fatalf("after changes: %+v", got)
		}
		list, err := db.ListUsers(ctx, store.UserFilter{Query: "A@EX", Role: domain.RoleJury})
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %v", list, err)
		}
		entries, err := db.ListAudit(ctx, store.AuditFilter{Action: "user."})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		want := []string{"user.deactivate", "user.set_role", "user.create"}
		if !reflect.DeepEqual(actions, want) {
			t.Fatalf("audit actions %v, want %v", actions, want)
		}
		if entries[1].Before == "" || entries[1].After == "" || entries[1].Actor.Label != "admin@example.org" {
			t.Fatalf("role entry lacks before/after or actor: %+v", entries[1])
		}
	})
}

func TestTokensAreSingleUseAndExpire(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := withClock(db)
		u := newUser(t, db, "b@example.org", domain.RoleApplicant)
		issue := func(hash string, p domain.TokenPurpose) {
			tok := &domain.Token{Hash: hash, UserID: u.ID, Purpose: p, ExpiresAt: c.t.Add(p.Lifetime())}
			if err := db.IssueToken(ctx, tok, &domain.OutboxMail{To: u.Email, Subject: "s", Text: "t", Template: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		issue("r1", domain.TokenReset)
		issue("r2", domain.TokenReset)
		if _, err := db.UseToken(ctx, "r1", domain.TokenLogin); err == nil {
			t.Fatal("a reset link must not sign in")
		}
		if _, err := db.CheckToken(ctx, "r1", domain.TokenReset); err != nil {
			t.Fatal(err)
		}
		got, err := db.ResetPassword(ctx, "r1", "new-hash")
		if err != nil || got.ID != u.ID || !got.Verified() {
			t.Fatalf("reset: %+v %v", got, err)
		}
		if _, err := db.ResetPassword(ctx, "r1", "again"); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("reused link: %v", err)
		}
		if _, err := db.ResetPassword(ctx, "r2", "again"); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("sibling link must be cancelled: %v", err)
		}
		issue("r3", domain.TokenReset)
		c.add(time.Hour + time.Second)
		if _, err := db.ResetPassword(ctx, "r3", "late"); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("expired link: %v", err)
		}
		stored, _ := db.FindUserByID(ctx, u.ID)
		if stored.PasswordHash != "new-hash" {
			t.Fatalf("password hash %q", stored.PasswordHash)
		}
		mails, _ := db.ListMail(ctx, true, 10)
		if len(mails) != 3 {
			t.Fatalf("each link comes with its email: %d mails", len(mails))
		}
	})
}

func TestOutboxClaimRetrySent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := withClock(db)
		m := &domain.OutboxMail{To: "c@example.org", Subject: "s", Text: "t", HTML: "<p>t</p>", Template: "x"}
		if err := db.Enqueue(ctx, m); err != nil {
			t.Fatal(err)
		}
		got, err := db.ClaimMail(ctx, time.Minute)
		if err != nil || got.ID != m.ID || got.Attempts != 1 {
			t.Fatalf("claim: %+v %v", got, err)
		}
		if _, err := db.ClaimMail(ctx, time.Minute); !domain.IsNotFound(err) {
			t.Fatalf("a claimed mail must not be claimed twice: %v", err)
		}
		if err := db.MarkMailRetry(ctx, m.ID, got.Attempts, "connection refused"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ClaimMail(ctx, time.Minute); !domain.IsNotFound(err) {
			t.Fatalf("retry before backoff: %v", err)
		}
		c.add(61 * time.Second)
		got, err = db.ClaimMail(ctx, time.Minute)
		if err != nil || got.Attempts != 2 {
			t.Fatalf("claim after backoff: %+v %v", got, err)
		}
		if err := db.MarkMailSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		c.add(24 * time.Hour)
		if _, err := db.ClaimMail(ctx, time.Minute); !domain.IsNotFound(err) {
			t.Fatalf("a sent mail must never be claimed again: %v", err)
		}
		stored, _ := db.FindMail(ctx, m.ID)
		if stored.Status() != "sent" || stored.LastError != "" {
			t.Fatalf("stored: %+v", stored)
		}
	})
}

func TestAbandonedClaimIsRetaken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := withClock(db)
		db.Enqueue(ctx, &domain.OutboxMail{To: "d@example.org", Subject: "s", Template: "x"})
		if _, err := db.ClaimMail(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
		c.add(2 * time.Minute) // the worker died without an answer
		if _, err := db.ClaimMail(ctx, time.Minute); err != nil {
			t.Fatalf("an expired lease must be retaken: %v", err)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		withClock(db)
		for _, email := range []string{"e1@example.org", "e2@example.org", "e3@example.org"} {
			newUser(t, db, email, domain.RoleApplicant)
		}
		if bad, err := db.VerifyAudit(ctx); err != nil || bad != 0 {
			t.Fatalf("intact log reported bad at %d (%v)", bad, err)
		}
		raw := storetest.SQL(db)
		if _, err := raw.Exec(`UPDATE audit_log SET actor = 'someone' WHERE id = 2`); err == nil {
			t.Fatal("the audit log must refuse updates")
		}
		if _, err := raw.Exec(`DELETE FROM audit_log`); err == nil {
			t.Fatal("the audit log must refuse deletes")
		}
		dropAuditTriggers(t, db, raw)
		if _, err := raw.Exec(`UPDATE audit_log SET after_json = '{}' WHERE id = 2`); err != nil {
			t.Fatal(err)
		}
		if bad, _ := db.VerifyAudit(ctx); bad != 2 {
			t.Fatalf("tampered row 2, verifier says %d", bad)
		}
	})
}

// dropAuditTriggers plays an attacker with direct database access.
func dropAuditTriggers(t *testing.T, db *store.DB, raw *sql.DB) {
	t.Helper()
	stmts := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if db.Engine() == "postgres" {
		stmts = []string{`DROP TRIGGER audit_log_no_change ON audit_log`}
	}
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSessions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := withClock(db)
		s := db.Sessions()
		if err := s.Commit("tok", []byte("v1"), c.t.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit("tok", []byte("v2"), c.t.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		b, ok, err := s.Find("tok")
		if err != nil || !ok || string(b) != "v2" {
			t.Fatalf("find: %q %v %v", b, ok, err)
		}
		c.add(2 * time.Hour)
		if _, ok, _ := s.Find("tok"); ok {
			t.Fatal("an expired session must not be found")
		}
		s.DeleteExpired(ctx)
		s.Commit("tok2", []byte("x"), c.t.Add(time.Hour))
		s.Delete("tok2")
		if _, ok, _ := s.Find("tok2"); ok {
			t.Fatal("a deleted session must not be found")
		}
	})
}

func TestPublishedAwardsRespectPublicationTime(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := withClock(db)
		publish := c.t.Add(time.Hour)
		db.SaveEdition(ctx, &domain.Edition{Year: 2026, Title: "2026", PublishAt: &publish})
		b := &domain.Body{Name: "Marqueurville", Kind: "commune", Departement: "38"}
		if err := db.AddHistoricalBody(ctx, b); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAward(ctx, &domain.Award{Year: 2026, Body: *b, Track: "label", Award: "or"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.PublishedAwards(ctx, 2026); len(got) != 0 {
			t.Fatalf("embargoed award visible: %+v", got)
		}
		if years, _ := db.AwardYears(ctx); len(years) != 0 {
			t.Fatalf("embargoed year listed: %v", years)
		}
		c.add(time.Hour)
		got, _ := db.PublishedAwards(ctx, 2026)
		if len(got) != 1 || got[0].Body.Name != "Marqueurville" {
			t.Fatalf("after publication: %+v", got)
		}
	})
}

// TestMigrationsInStep migrates both engines and compares their tables and
// columns, so that a migration written for one is not forgotten for the
// other.
func TestMigrationsInStep(t *testing.T) {
	if os.Getenv("TNL_TEST_POSTGRES") == "" {
		t.Skip("TNL_TEST_POSTGRES is not set: nothing to compare SQLite with")
	}
	lite := storetest.Open(t, "sqlite")
	pg := storetest.Open(t, "postgres")
	a, b := columns(t, storetest.SQL(lite), `
		SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`),
		columns(t, storetest.SQL(pg), `
		SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema()`)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("schemas differ:\nsqlite   %v\npostgres %v", a, b)
	}
}

func columns(t *testing.T, db *sql.DB, q string) []string {
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var table, col string
		rows.Scan(&table, &col)
		if table == "goose_db_version" {
			continue
		}
		out = append(out, table+"."+col)
	}
	sort.Strings(out)
	return out
}
