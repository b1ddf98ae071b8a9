package store_test

import (
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

func TestJuryComments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newAssignmentSetup(t, db)
		c := withClock(db)
		toPhase(t, db, domain.PhaseReview)
		if _, err := db.AddComment(ctx, s.epci, s.bob.ID, "Trop tôt."); domain.ErrorCode(err) != domain.ECLOSED {
			t.Fatalf("a comment in the review phase: %v", err)
		}
		toPhase(t, db, domain.PhaseDiscussion)
		for _, bad := range []string{"  \n ", strings.Repeat("é", store.MaxCommentText+1)} {
			if _, err := db.AddComment(ctx, s.epci, s.bob.ID, bad); domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("comment of %d characters: %v", len(bad), err)
			}
		}
		if _, err := db.AddComment(ctx, 999999, s.bob.ID, "Dossier inconnu."); !domain.IsNotFound(err) {
			t.Fatalf("unknown file: %v", err)
		}
		first, err := db.AddComment(ctx, s.epci, s.bob.ID, "  La mutualisation est-elle effective ?\n")
		if err != nil {
			t.Fatal(err)
		}
		c.add(time.Minute)
		second, err := db.AddComment(ctx, s.epci, s.cid.ID, "Oui, depuis 2024.")
		if err != nil || second <= first {
			t.Fatalf("second comment %d after %d: %v", second, first, err)
		}
		if _, err := db.AddComment(ctx, s.commune, s.bob.ID, "Autre dossier."); err != nil {
			t.Fatal(err)
		}
		got, err := db.Comments(ctx, s.epci)
		if err != nil || len(got) != 2 {
			t.Fatalf("comments: %+v %v", got, err)
		}
		if got[0].ID != first || got[0].Body != "La mutualisation est-elle effective ?" || got[0].Author != "bob@example.org" ||
			got[0].UserID != s.bob.ID || !got[1].CreatedAt.After(got[0].CreatedAt) || got[1].Author != "cid@example.org" {
			t.Fatalf("comments read back: %+v", got)
		}
		toPhase(t, db, domain.PhaseDeliberation)
		if _, err := db.AddComment(ctx, s.epci, s.bob.ID, "En séance."); err != nil {
			t.Fatalf("a comment in deliberation: %v", err)
		}
		toPhase(t, db, domain.PhaseSealed)
		if _, err := db.AddComment(ctx, s.epci, s.bob.ID, "Après coup."); domain.ErrorCode(err) != domain.ECLOSED {
			t.Fatalf("a comment once sealed: %v", err)
		}
	})
}
