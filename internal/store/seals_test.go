package store_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// sealSetup is the 2026 edition in deliberation with two files (a commune
// and its EPCI), a president, a juror recused from the commune, an
// observer, two admins, and a draft decision on each file.
type sealSetup struct {
	commune, epci    int64
	pres, juror, obs *domain.User
	admin1, admin2   *domain.User
	decidedAt        time.Time
}

func newSealSetup(t *testing.T, db *store.DB) sealSetup {
	t.Helper()
	openEdition(t, db)
	var s sealSetup
	s.commune, s.epci = communeAndEPCIFiles(t, db)
	mustExec(t, db, `UPDATE applications SET status = 'submitted'`)
	s.pres = newUser(t, db, "presidente@example.org", domain.RoleApplicant)
	s.juror = newUser(t, db, "jure@example.org", domain.RoleApplicant)
	s.obs = newUser(t, db, "obs@example.org", domain.RoleApplicant)
	s.admin1 = newUser(t, db, "admin1@example.org", domain.RoleAdmin)
	s.admin2 = newUser(t, db, "admin2@example.org", domain.RoleAdmin)
	for u, role := range map[*domain.User]domain.JuryRole{s.pres: domain.JuryPresident, s.juror: domain.JuryJuror, s.obs: domain.JuryObserver} {
		if err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: u.ID, Role: role}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(t, db, `INSERT INTO conflicts (year, user_id, application_id, type, source, status, severity, created_at)
		VALUES (2026, $1, $2, 'direct-body', 'admin', 'confirmed', 'recuse', $3)`, s.juror.ID, s.commune, time.Now())
	toPhase(t, db, domain.PhaseDeliberation)
	s.decidedAt = time.Date(2026, 12, 3, 15, 4, 5, 123456000, time.UTC)
	insertDecision(t, db, s.commune, 2, 2, `{"grades":{"2":1,"1":1},"voters":[`+itoa(s.pres.ID)+`],"recused":[`+itoa(s.juror.ID)+`]}`,
		"", "Mutualisation", s.pres.ID, s.decidedAt)
	insertDecision(t, db, s.epci, 1, 1, `{"grades":{"1":2}}`, "", "", s.pres.ID, s.decidedAt)
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func mustExec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if _, err := storetest.SQL(db).ExecContext(ctx, q, args...); err != nil {
		t.Fatal(err)
	}
}

func insertDecision(t *testing.T, db *store.DB, app int64, level, median int, tally, reason, mentions string, by int64, at time.Time) {
	t.Helper()
	mustExec(t, db, `INSERT INTO decisions (application_id, year, level, median, tally, override_reason, mentions, status, decided_by, decided_at)
		VALUES ($1, 2026, $2, $3, $4, $5, $6, 'draft', $7, $8)`, app, level, median, tally, reason, mentions, by, at)
}

func TestSealDigestStableAndVerifiable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newSealSetup(t, db)
		if _, err := db.Seal(ctx, 2026, s.pres.ID, actorOf(s.pres)); domain.ErrorCode(err) != domain.ECONFLICT ||
			!strings.Contains(domain.ErrorMessage(err), "procès-verbal") {
			t.Fatalf("sealing before the minutes are validated: %v", err)
		}
		if err := db.ValidateMinutes(ctx, 2026, s.juror.ID, actorOf(s.juror)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("minutes validated by a juror: %v", err)
		}
		if err := db.ValidateMinutes(ctx, 2026, s.pres.ID, actorOf(s.pres)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Seal(ctx, 2026, s.juror.ID, actorOf(s.juror)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("sealed by a juror: %v", err)
		}
		before, err := db.DecisionSetDigest(ctx, 2026)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := db.Seal(ctx, 2026, s.pres.ID, actorOf(s.pres))
		if err != nil {
			t.Fatal(err)
		}
		// The canonical content, byte for byte: decisions by file, grades
		// and ids sorted, UTC microseconds, no status and no body names.
		want := `{"year":2026,"decisions":[` +
			`{"application_id":` + itoa(s.commune) + `,"level":2,"median":2,"tally":[{"grade":1,"votes":1},{"grade":2,"votes":1}],` +
			`"voters":[` + itoa(s.pres.ID) + `],"recused":[` + itoa(s.juror.ID) + `],"override_reason":"","mentions":["Mutualisation"],` +
			`"decided_by":` + itoa(s.pres.ID) + `,"decided_at":"2026-12-03T15:04:05.123456Z"},` +
			`{"application_id":` + itoa(s.epci) + `,"level":1,"median":1,"tally":[{"grade":1,"votes":2}],"voters":[],"recused":[],` +
			`"override_reason":"","mentions":[],"decided_by":` + itoa(s.pres.ID) + `,"decided_at":"2026-12-03T15:04:05.123456Z"}]}`
		if rec.Content != want {
			t.Fatalf("sealed content:\n%s\nwant\n%s", rec.Content, want)
		}
		sum := sha256.Sum256([]byte(want))
		if rec.Digest != hex.EncodeToString(sum[:]) || rec.Digest != before {
			t.Fatalf("digest %s, sha256 of the content %x, before sealing %s", rec.Digest, sum, before)
		}
		after, _ := db.DecisionSetDigest(ctx, 2026)
		if after != rec.Digest {
			t.Fatalf("the digest changed with the decisions' status: %s → %s", rec.Digest, after)
		}
		e, _ := db.FindEdition(ctx, 2026)
		ds, _ := db.Decisions(ctx, 2026)
		if e.Phase != domain.PhaseSealed || ds[0].Status != domain.DecisionSealed || ds[1].Status != domain.DecisionSealed {
			t.Fatalf("after sealing: phase %s, decisions %+v", e.Phase, ds)
		}
		seals, err := db.Seals(ctx, 2026)
		if err != nil || len(seals) != 1 || !seals[0].Intact || seals[0].President != "presidente@example.org" || seals[0].AdminID != 0 {
			t.Fatalf("seals: %+v %v", seals, err)
		}
		if _, err := db.Seal(ctx, 2026, s.pres.ID, actorOf(s.pres)); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("a second seal without the reopening: %v", err)
		}
		actions := auditActions(t, db)
		if countOf(actions, "jury.seal") != 1 || countOf(actions, "jury.minutes.validate") != 1 {
			t.Fatalf("audit: %v", actions)
		}
		// A change made behind the procedure's back shows.
		mustExec(t, db, `UPDATE decisions SET level = 0 WHERE application_id = $1`, s.epci)
		if now, _ := db.DecisionSetDigest(ctx, 2026); now == rec.Digest {
			t.Fatal("a changed decision kept the sealed digest")
		}
		mustExec(t, db, `UPDATE seals SET content = replace(content, '"level":2', '"level":3')`)
		if seals, _ := db.Seals(ctx, 2026); seals[0].Intact {
			t.Fatal("a tampered seal still reads intact")
		}
	})
}

func TestSealRefusedWhileDecisionsChangedSinceValidation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newSealSetup(t, db)
		if err := db.ValidateMinutes(ctx, 2026, s.pres.ID, actorOf(s.pres)); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, `UPDATE decisions SET level = 0 WHERE application_id = $1`, s.epci)
		if _, err := db.Seal(ctx, 2026, s.pres.ID, actorOf(s.pres)); domain.ErrorCode(err) != domain.ECONFLICT ||
			!strings.Contains(domain.ErrorMessage(err), "validez-le de nouveau") {
			t.Fatalf("sealing decisions the minutes do not record: %v", err)
		}
		mustExec(t, db, `INSERT INTO agenda_items (year, position, kind, application_id, status) VALUES (2026, 1, 'discussion', $1, 'pending')`, s.epci)
		if err := db.ValidateMinutes(ctx, 2026, s.pres.ID, actorOf(s.pres)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Seal(ctx, 2026, s.pres.ID, actorOf(s.pres)); domain.ErrorCode(err) != domain.ECONFLICT ||
			!strings.Contains(domain.ErrorMessage(err), "restent à délibérer") {
			t.Fatalf("sealing with a pending agenda item: %v", err)
		}
	})
}

// sealed brings the setup to a sealed edition.
func (s sealSetup) sealed(t *testing.T, db *store.DB) *store.SealRecord {
	t.Helper()
	if err := db.ValidateMinutes(ctx, 2026, s.pres.ID, actorOf(s.pres)); err != nil {
		t.Fatal(err)
	}
	rec, err := db.Seal(ctx, 2026, s.pres.ID, actorOf(s.pres))
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestReopeningNeedsThePresidentAndAnAdmin(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newSealSetup(t, db)
		first := s.sealed(t, db)
		req := store.ReopenRequest{ApplicationID: s.epci, Level: level(2), Reason: "Erreur de saisie du niveau constatée à la relecture."}
		if err := db.RequestReopening(ctx, 2026, req, store.ReopenPresident, actorOf(s.juror)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("a juror posing as the president: %v", err)
		}
		if err := db.RequestReopening(ctx, 2026, req, store.ReopenAdmin, actorOf(s.pres)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("the president posing as an admin: %v", err)
		}
		noReason := req
		noReason.Reason = " "
		if err := db.RequestReopening(ctx, 2026, noReason, store.ReopenAdmin, actorOf(s.admin1)); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("no reason: %v", err)
		}
		if err := db.RequestReopening(ctx, 2026, req, store.ReopenAdmin, actorOf(s.admin1)); err != nil {
			t.Fatal(err)
		}
		if err := db.RequestReopening(ctx, 2026, req, store.ReopenPresident, actorOf(s.pres)); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("a second request while one is pending: %v", err)
		}
		if _, err := db.ConfirmReopening(ctx, 2026, store.ReopenAdmin, actorOf(s.admin1)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("confirmed by the requester: %v", err)
		}
		if _, err := db.ConfirmReopening(ctx, 2026, store.ReopenAdmin, actorOf(s.admin2)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("confirmed by a second admin, without the president: %v", err)
		}
		if d, _ := db.Decision(ctx, s.epci); *d.Level != 1 {
			t.Fatalf("the decision changed before confirmation: %+v", d)
		}
		p, err := db.PendingReopening(ctx, 2026)
		if err != nil || p == nil || p.Side != store.ReopenAdmin || p.By.ID != s.admin1.ID || *p.Level != 2 {
			t.Fatalf("pending: %+v %v", p, err)
		}
		rec, err := db.ConfirmReopening(ctx, 2026, store.ReopenPresident, actorOf(s.pres))
		if err != nil {
			t.Fatal(err)
		}
		if rec.Digest == first.Digest || rec.AdminID != s.admin1.ID || rec.PresidentID != s.pres.ID || rec.Reason != req.Reason {
			t.Fatalf("new seal: %+v", rec)
		}
		seals, _ := db.Seals(ctx, 2026)
		if len(seals) != 2 || seals[0].Digest != first.Digest || !seals[0].Intact || !seals[1].Intact || seals[1].Admin != "admin1@example.org" {
			t.Fatalf("seals: %+v", seals)
		}
		if now, _ := db.DecisionSetDigest(ctx, 2026); now != rec.Digest {
			t.Fatal("the new seal does not match the decisions")
		}
		d, _ := db.Decision(ctx, s.epci)
		if *d.Level != 2 || d.OverrideReason != req.Reason || d.Status != domain.DecisionSealed {
			t.Fatalf("changed decision: %+v", d)
		}
		if p, _ := db.PendingReopening(ctx, 2026); p != nil {
			t.Fatalf("still pending after confirmation: %+v", p)
		}
		// The request's row says who asked, why, who confirmed, and which
		// seal applied it; the new seal verifies, and so does the first.
		rs, err := db.Reopenings(ctx, 2026)
		if err != nil || len(rs) != 1 {
			t.Fatalf("reopenings: %+v %v", rs, err)
		}
		if r := rs[0]; r.By.ID != s.admin1.ID || r.By.Label != "admin1@example.org" || r.Side != store.ReopenAdmin ||
			r.Reason != req.Reason || r.ConfirmedBy.ID != s.pres.ID || r.ConfirmedAt == nil || r.CancelledAt != nil ||
			r.SealID != rec.ID || r.Pending() || r.ApplicationID != s.epci || *r.Level != 2 {
			t.Fatalf("reopening: %+v", r)
		}
		for _, seal := range seals {
			if sum := sha256.Sum256([]byte(seal.Content)); hex.EncodeToString(sum[:]) != seal.Digest {
				t.Fatalf("seal %d does not verify", seal.ID)
			}
		}
		// The reopening is closed by its seal: the record is sealed again.
		if _, err := db.SaveDecision(ctx, 2026, s.epci, 1, "", actorOf(s.pres)); !errors.Is(err, store.ErrSealed) {
			t.Fatalf("a decision after the reopening: %v", err)
		}
		if _, err := db.ConfirmReopening(ctx, 2026, store.ReopenAdmin, actorOf(s.admin2)); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("a second confirmation: %v", err)
		}
		actions := auditActions(t, db)
		for a, n := range map[string]int{"jury.reopen.request": 1, "jury.reopen.confirm": 1, "jury.seal": 2} {
			if countOf(actions, a) != n {
				t.Fatalf("%d %s in %v", countOf(actions, a), a, actions)
			}
		}
		// Withdrawn: nothing changes.
		req2 := store.ReopenRequest{ApplicationID: s.commune, Level: level(1), Mentions: []string{"Mutualisation"}, Reason: "Vérification."}
		if err := db.RequestReopening(ctx, 2026, req2, store.ReopenPresident, actorOf(s.pres)); err != nil {
			t.Fatal(err)
		}
		if err := db.CancelReopening(ctx, 2026, store.ReopenAdmin, actorOf(s.admin2)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ConfirmReopening(ctx, 2026, store.ReopenAdmin, actorOf(s.admin2)); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("confirming a withdrawn request: %v", err)
		}
		if seals, _ := db.Seals(ctx, 2026); len(seals) != 2 {
			t.Fatalf("%d seals after a withdrawn request", len(seals))
		}
		rs, _ = db.Reopenings(ctx, 2026)
		if len(rs) != 2 || rs[1].CancelledBy.ID != s.admin2.ID || rs[1].ConfirmedAt != nil || rs[1].SealID != 0 ||
			rs[1].By.ID != s.pres.ID || !slices.Equal(rs[1].Mentions, []string{"Mutualisation"}) || *rs[1].Level != 1 {
			t.Fatalf("withdrawn: %+v", rs)
		}
	})
}

// TestReopeningRowsKeepTheTwoPersonRule: the schema itself refuses a
// request confirmed by its author and a second pending request, whatever
// writes to it.
func TestReopeningRowsKeepTheTwoPersonRule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newSealSetup(t, db)
		s.sealed(t, db)
		req := store.ReopenRequest{ApplicationID: s.epci, Level: level(2), Reason: "Vérification."}
		if err := db.RequestReopening(ctx, 2026, req, store.ReopenPresident, actorOf(s.pres)); err != nil {
			t.Fatal(err)
		}
		raw := storetest.SQL(db)
		if _, err := raw.ExecContext(ctx, `UPDATE seal_reopenings SET confirmed_by = requested_by, confirmed_at = requested_at`); err == nil {
			t.Fatal("a request confirmed by its author")
		}
		if _, err := raw.ExecContext(ctx, `INSERT INTO seal_reopenings (year, application_id, reason, side, requested_by, requested_at)
			VALUES (2026, $1, 'Autre.', 'admin', $2, CURRENT_TIMESTAMP)`, s.commune, s.admin1.ID); err == nil {
			t.Fatal("two pending requests")
		}
	})
}

func TestMinutesRecordTheMeetingAndRedact(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newSealSetup(t, db)
		mustExec(t, db, `INSERT INTO attendance (year, user_id, present, updated_at) VALUES (2026, $1, TRUE, $3), (2026, $2, FALSE, $3)`,
			s.pres.ID, s.juror.ID, time.Now())
		mustExec(t, db, `INSERT INTO agenda_items (year, position, kind, application_id, status) VALUES (2026, 1, 'consent', $1, 'decided'),
			(2026, 2, 'discussion', $2, 'decided')`, s.epci, s.commune)
		mustExec(t, db, `INSERT INTO agenda_items (year, position, kind, mention, status) VALUES (2026, 3, 'mention', 'Mutualisation', 'decided')`)
		m, err := db.Minutes(ctx, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Members) != 3 || m.Members[0].Role != domain.JuryPresident || m.Members[0].Present == nil || !*m.Members[0].Present ||
			*m.Members[1].Present || m.Quorum != 4 {
			t.Fatalf("attendance and quorum: %+v", m)
		}
		if len(m.Items) != 3 || m.Items[0].Body != "Grenoble-Alpes-Métropole" || m.Items[1].Body != "Saint-Martin-d'Uriage" {
			t.Fatalf("items: %+v", m.Items)
		}
		it := m.Items[1]
		if len(it.Recused) != 1 || it.Recused[0].Name != "jure@example.org" || it.Decision == nil ||
			it.Decision.LevelName != "Or" || it.Decision.Voters != 2 || it.Decision.QuorumReached ||
			it.Decision.Lowest != "Argent" || it.Decision.Highest != "Or" || it.Decision.Tally[2].Votes != 1 {
			t.Fatalf("the commune's item: %+v %+v", it, it.Decision)
		}
		if len(m.Items[2].Awarded) != 1 || m.Items[2].Awarded[0].Body != "Saint-Martin-d'Uriage" {
			t.Fatalf("the mention: %+v", m.Items[2])
		}
		digest, _ := db.DecisionSetDigest(ctx, 2026)
		if m.DecisionsDigest != digest {
			t.Fatal("the minutes do not name the decision set they record")
		}
		one, _ := store.MinutesJSON(m)
		again, _ := db.Minutes(ctx, 2026)
		two, _ := store.MinutesJSON(again)
		if string(one) != string(two) || !strings.Contains(string(one), `"body":"Saint-Martin-d'Uriage"`) {
			t.Fatalf("minutes JSON not stable:\n%s\n%s", one, two)
		}
		red := m.RedactFor(func(app int64, recusedFrom []int64) bool {
			for _, id := range recusedFrom {
				if id == s.juror.ID {
					return true
				}
			}
			return false
		})
		raw, _ := store.MinutesJSON(red)
		if !red.Items[1].Redacted || red.Items[0].Redacted || len(red.Items[2].Awarded) != 0 ||
			strings.Contains(string(raw), "Saint-Martin") || !strings.Contains(string(raw), "Grenoble-Alpes-Métropole") {
			t.Fatalf("redacted for the recused juror:\n%s", raw)
		}
		if m.Items[1].Redacted {
			t.Fatal("redaction changed the original")
		}
	})
}
