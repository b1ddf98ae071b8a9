package store_test

import (
	"errors"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// sealMeeting brings a meeting setup to its seal: the agenda built, the
// meeting started, Saint-Martin-d'Uriage decided by vote, the other items
// postponed, the minutes validated and the decisions sealed.
func sealMeeting(t *testing.T, db *store.DB, s *meetingSetup) (*store.Agenda, *store.SealRecord) {
	t.Helper()
	if err := db.BuildAgenda(ctx, 2026, s.admin); err != nil {
		t.Fatal(err)
	}
	toPhase(t, db, domain.PhaseDeliberation)
	if err := db.StartMeeting(ctx, 2026, actorOf(s.president)); err != nil {
		t.Fatal(err)
	}
	a, err := db.ReadAgenda(ctx, 2026)
	if err != nil || len(a.Items) != 4 || a.Items[0].ApplicationID != s.smu || a.Items[3].Kind != store.AgendaMention {
		t.Fatalf("agenda: %+v %v", a, err)
	}
	for _, u := range s.voters()[:4] {
		if err := db.CastVote(ctx, s.smu, u.ID, 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SaveDecision(ctx, 2026, s.smu, 1, "", actorOf(s.president)); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `UPDATE agenda_items SET status = 'postponed' WHERE year = 2026 AND status = 'pending'`)
	if err := db.ValidateMinutes(ctx, 2026, s.president.ID, actorOf(s.president)); err != nil {
		t.Fatal(err)
	}
	rec, err := db.Seal(ctx, 2026, s.president.ID, actorOf(s.president))
	if err != nil {
		t.Fatal(err)
	}
	return a, rec
}

// recordOf is what a refused write must leave as it was: the decisions'
// digest, the ballots, the agenda, the attendance, the meeting and the
// audit log.
func recordOf(t *testing.T, db *store.DB) string {
	t.Helper()
	digest, err := db.DecisionSetDigest(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	var counts string
	err = storetest.SQL(db).QueryRowContext(ctx, `SELECT CAST((SELECT COUNT(*) FROM votes) AS TEXT) || '/' ||
		CAST((SELECT COUNT(*) FROM audit_log) AS TEXT) || '/' ||
		(SELECT COALESCE(STRING_AGG(CAST(id AS TEXT) || status || CAST(position AS TEXT), ','), '') FROM agenda_items) || '/' ||
		CAST((SELECT COUNT(*) FROM attendance WHERE present) AS TEXT) || '/' ||
		CAST((SELECT revision FROM meetings WHERE year = 2026) AS TEXT)`).Scan(&counts)
	if err != nil {
		t.Fatal(err)
	}
	return digest + "/" + counts
}

// TestSealedDeliberationRefusesEveryWrite walks every write to the
// deliberation's record once the decisions are sealed: each is refused
// with ErrSealed, a message a page can show as it is, and changes nothing.
// The second pass puts the edition back in deliberation by hand, as a bug
// or a restored backup could: the seal itself still refuses.
func TestSealedDeliberationRefusesEveryWrite(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newMeetingSetup(t, db, false)
		a, rec := sealMeeting(t, db, s)
		pres, smuItem, mention := actorOf(s.president), a.Items[0].ID, a.Items[3].ID
		writes := []struct {
			name string
			do   func() error
		}{
			{"build the agenda", func() error { return db.BuildAgenda(ctx, 2026, s.admin) }},
			{"move an item", func() error { return db.MoveAgendaItem(ctx, 2026, a.Items[1].ID, -1, s.admin) }},
			{"remove an item", func() error { return db.RemoveAgendaItem(ctx, 2026, a.Items[1].ID, s.admin) }},
			{"add an item", func() error { return db.AddAgendaItem(ctx, 2026, s.grenoble, s.admin) }},
			{"start the meeting", func() error { return db.StartMeeting(ctx, 2026, pres) }},
			{"put an item on screen", func() error { return db.SetCurrentItem(ctx, 2026, a.Items[1].ID, pres) }},
			{"reopen an item", func() error { return db.ReopenItem(ctx, 2026, smuItem, pres) }},
			{"mark a juror absent", func() error { return db.SetAttendance(ctx, 2026, s.jurors[3].ID, false, pres) }},
			{"vote", func() error { return db.CastVote(ctx, s.smu, s.jurors[3].ID, 2) }},
			{"propose an override", func() error { return db.ProposeOverride(ctx, s.smu, 2, pres) }},
			{"confirmation ballot", func() error { return db.CastConfirmation(ctx, s.smu, s.jurors[1].ID, 2, jury.ConfirmFor) }},
			{"decide", func() error {
				_, err := db.SaveDecision(ctx, 2026, s.smu, 2, "Changement après coup.", pres)
				return err
			}},
			{"mention ballot", func() error {
				return db.CastMentionVote(ctx, 2026, mention, s.metro, s.jurors[1].ID, jury.ConfirmFor)
			}},
			{"award the mention", func() error {
				_, err := db.AwardMention(ctx, 2026, mention, pres)
				return err
			}},
			{"validate the minutes", func() error { return db.ValidateMinutes(ctx, 2026, s.president.ID, pres) }},
		}
		for _, pass := range []string{"sealed", "phase put back by hand"} {
			if pass != "sealed" {
				mustExec(t, db, `UPDATE editions SET phase = 'deliberation' WHERE year = 2026`)
			}
			before := recordOf(t, db)
			for _, w := range writes {
				err := w.do()
				if !errors.Is(err, store.ErrSealed) || domain.ErrorCode(err) != domain.ECONFLICT ||
					!strings.Contains(domain.ErrorMessage(err), "scellées") {
					t.Errorf("%s, %s: %v", pass, w.name, err)
				}
			}
			if after := recordOf(t, db); after != before {
				t.Fatalf("%s: the record changed:\n%s\n%s", pass, before, after)
			}
		}
		if digest, _ := db.DecisionSetDigest(ctx, 2026); digest != rec.Digest {
			t.Fatal("the decisions no longer match their seal")
		}
	})
}

// TestUnsealedDeliberationStillWrites is the control: the same guard lets
// the meeting work until the seal, so the refusals above are the seal's.
func TestUnsealedDeliberationStillWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newMeetingSetup(t, db, false)
		if err := db.BuildAgenda(ctx, 2026, s.admin); err != nil {
			t.Fatal(err)
		}
		toPhase(t, db, domain.PhaseDeliberation)
		if err := db.StartMeeting(ctx, 2026, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		if err := db.SetAttendance(ctx, 2026, s.jurors[3].ID, false, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		if err := db.CastVote(ctx, s.smu, s.jurors[1].ID, 1); err != nil {
			t.Fatal(err)
		}
		if err := db.ValidateMinutes(ctx, 2026, s.president.ID, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
	})
}
