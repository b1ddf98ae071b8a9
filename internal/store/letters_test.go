package store_test

import (
	"errors"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

func TestFeedbackLetterRapporteurDraftsPresidentApproves(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newSealSetup(t, db) // in deliberation
		rapporteur := newUser(t, db, "rapporteur@example.org", domain.RoleApplicant)
		if err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: rapporteur.ID, Role: domain.JuryJuror}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, `INSERT INTO assignments (application_id, user_id, rapporteur, created_at) VALUES ($1, $2, TRUE, $3), ($1, $4, FALSE, $3)`,
			s.epci, rapporteur.ID, time.Now(), s.pres.ID)
		if _, err := db.SaveFeedbackLetter(ctx, s.epci, "Bravo.", 0, actorOf(rapporteur)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("drafted before the assignments are released: %v", err)
		}
		mustExec(t, db, `UPDATE editions SET assignments_released_at = $1 WHERE year = 2026`, time.Now())
		if id, _ := db.Rapporteur(ctx, s.epci); id != rapporteur.ID {
			t.Fatalf("rapporteur %d", id)
		}
		if _, err := db.SaveFeedbackLetter(ctx, s.epci, "Bravo.", 0, actorOf(s.pres)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("drafted by a reviewer who is not the rapporteur: %v", err)
		}
		if _, err := db.SaveFeedbackLetter(ctx, s.epci, "  ", 0, actorOf(rapporteur)); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("an empty letter: %v", err)
		}
		l, err := db.SaveFeedbackLetter(ctx, s.epci, "Points forts : la mutualisation.", 0, actorOf(rapporteur))
		if err != nil || l.Version != 1 || l.DraftedByName != "rapporteur@example.org" || l.Approved() {
			t.Fatalf("first draft: %+v %v", l, err)
		}
		if _, err := db.SaveFeedbackLetter(ctx, s.epci, "Autre texte.", 0, actorOf(rapporteur)); !errors.Is(err, store.ErrStaleLetter) {
			t.Fatalf("a save from an old version: %v", err)
		}
		if err := db.ApproveFeedbackLetter(ctx, s.epci, 1, actorOf(rapporteur)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("approved by the rapporteur: %v", err)
		}
		if err := db.ApproveFeedbackLetter(ctx, s.epci, 2, actorOf(s.pres)); !errors.Is(err, store.ErrStaleLetter) {
			t.Fatalf("approving a version never read: %v", err)
		}
		if err := db.ApproveFeedbackLetter(ctx, s.epci, 1, actorOf(s.pres)); err != nil {
			t.Fatal(err)
		}
		l, _ = db.FeedbackLetter(ctx, s.epci)
		if !l.Approved() || l.ApprovedName != "presidente@example.org" {
			t.Fatalf("approved: %+v", l)
		}
		l, err = db.SaveFeedbackLetter(ctx, s.epci, "Points forts : la mutualisation, la sobriété.", 1, actorOf(rapporteur))
		if err != nil || l.Version != 2 || l.Approved() {
			t.Fatalf("a change withdraws the approval: %+v %v", l, err)
		}
		lines, err := db.LetterLines(ctx, 2026)
		if err != nil || len(lines) != 2 || lines[0].ApplicationID != s.epci || lines[0].Rapporteur != rapporteur.ID ||
			lines[0].Version != 2 || lines[1].Rapporteur != 0 || lines[1].Version != 0 {
			t.Fatalf("lines: %+v %v", lines, err)
		}
		if _, err := db.FeedbackLetter(ctx, s.commune); !domain.IsNotFound(err) {
			t.Fatalf("no letter: %v", err)
		}
		if n := countOf(auditActions(t, db), "jury.letter.save"); n != 2 {
			t.Fatalf("%d letter saves audited", n)
		}
		// Frozen with the results.
		s.sealed(t, db)
		toPhase(t, db, domain.PhasePublished)
		if _, err := db.SaveFeedbackLetter(ctx, s.epci, "Trop tard.", 2, actorOf(rapporteur)); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("changed after publication: %v", err)
		}
	})
}
