package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// TestJuryExportStreams: the reviews come one per row with their file and
// author, drafts included; the files come once each, those never submitted
// left out, with their submitted reviews only.
func TestJuryExportStreams(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newReviewSetup(t, db)
		plan := func(map[string]string, int, domain.Submission) (*store.SubmitPlan, error) {
			return &store.SubmitPlan{Answers: []byte("{}"), Digest: "0"}, nil
		}
		for _, app := range []int64{s.commune, s.epci} {
			if _, err := db.Submit(ctx, app, s.by, plan); err != nil {
				t.Fatal(err)
			}
		}
		grenoble, err := db.FindBodyByKey(ctx, "213801855")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateApplication(ctx, 2026, "label", grenoble.ID, domain.CLIActor); err != nil { // a draft
			t.Fatal(err)
		}
		other := newUser(t, db, "autre-jure@example.org", domain.RoleJury)
		if err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: other.ID, Role: domain.JuryJuror}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		toPhase(t, db, domain.PhaseReview)
		submitted := s.review(s.commune)
		submitted.Level = level(2)
		submitted.Criteria = map[string]domain.SectionReview{"strategie": {Values: map[string]int{"engagement": 3}, Level: level(1)}}
		submitted.SecretariatNote = "À vérifier."
		abstain := s.review(s.epci)
		abstain.AbstainReason = "Trop proche."
		for _, r := range []*domain.Review{submitted, abstain} {
			if _, err := db.SubmitReview(ctx, r, 0, s.by); err != nil {
				t.Fatal(err)
			}
		}
		draft := &domain.Review{ApplicationID: s.commune, UserID: other.ID, Stage: domain.ReviewPre, Level: level(0)}
		if _, err := db.SaveReview(ctx, draft, 0, actorOf(other)); err != nil {
			t.Fatal(err)
		}

		var got []string
		err = db.ExportJuryReviews(ctx, 2026, func(x *store.JuryExportReview) error {
			r := x.Review
			lvl := "-"
			if r.Level != nil {
				lvl = fmt.Sprint(*r.Level)
			}
			got = append(got, fmt.Sprintf("%s/%s/%s/%s/%s/%s/%s/%d", x.File.Body, x.File.Kind, x.File.Track,
				x.JurorLabel(), r.Status, lvl, r.SecretariatNote+r.AbstainReason, r.Version))
			if x.File.ApplicationID != r.ApplicationID {
				t.Errorf("file %d for a review of %d", x.File.ApplicationID, r.ApplicationID)
			}
			return nil
		})
		want := "Grenoble-Alpes-Métropole/metropole/label/jure@example.org/submitted/-/Trop proche./1|" +
			"Saint-Martin-d'Uriage/commune/label/autre-jure@example.org/draft/0//1|" +
			"Saint-Martin-d'Uriage/commune/label/jure@example.org/submitted/2/À vérifier./1"
		if err != nil || strings.Join(got, "|") != want {
			t.Fatalf("reviews:\n%s\nwant\n%s\n%v", strings.Join(got, "|"), want, err)
		}

		got = nil
		err = db.ExportJuryFiles(ctx, 2026, func(f *store.JuryExportFile, reviews []domain.Review) error {
			line := f.Body
			for _, r := range reviews {
				line += fmt.Sprintf(" %d:%s:%s", r.UserID, r.Stage, r.AbstainReason)
				if r.Level != nil {
					line += fmt.Sprintf("%d/%d", *r.Level, *r.Criteria["strategie"].Level)
				}
			}
			got = append(got, line)
			return nil
		})
		want = fmt.Sprintf("Grenoble-Alpes-Métropole %d:pre:Trop proche.|Saint-Martin-d'Uriage %d:pre:2/1", s.juror.ID, s.juror.ID)
		if err != nil || strings.Join(got, "|") != want {
			t.Fatalf("files: %q, want %q, %v", strings.Join(got, "|"), want, err)
		}

		if tracks, err := db.JuryExportTracks(ctx, 2026); err != nil || strings.Join(tracks, ",") != "label" {
			t.Fatalf("tracks: %v %v", tracks, err)
		}

		stop := errors.New("stop")
		calls := 0
		if err := db.ExportJuryFiles(ctx, 2026, func(*store.JuryExportFile, []domain.Review) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
			t.Fatalf("an error from fn: %v after %d calls", err, calls)
		}
		if err := db.ExportJuryReviews(ctx, 2025, func(*store.JuryExportReview) error { return stop }); err != nil {
			t.Fatalf("an edition without reviews: %v", err)
		}
	})
}
