package demo

import (
	"context"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// TestLoadJury: the current edition is in review with released
// assignments and reviews in both states; the earlier one is in
// deliberation with its register, reviews, one disagreement and an
// agenda; no juror is assigned a file they are recused from.
func TestLoadJury(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loadDemo(t, db)
		user := func(email string) int64 {
			u, err := db.FindUserByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		jure1, jure2, jure3, jure4 := user("jure1@example.org"), user("jure2@example.org"), user("jure3@example.org"), user("jure4@example.org")

		cur, err := db.FindEdition(ctx, 2026)
		if err != nil || cur.Phase != domain.PhaseReview || cur.AssignmentsReleasedAt == nil || cur.Jury.Mode != domain.AssignK {
			t.Fatalf("current edition: %+v %v", cur, err)
		}
		members, _ := db.JuryMembers(ctx, 2026)
		if len(members) != 4 || members[0].UserID != jure1 || members[0].Role != domain.JuryPresident ||
			members[1].UserID != jure2 || members[1].Role != domain.JuryVicePresident {
			t.Fatalf("current jury: %+v", members)
		}
		for _, m := range members {
			if (m.AttestedAt != nil) != (m.UserID != jure4) {
				t.Errorf("attestation of %s: %v", m.Email, m.AttestedAt)
			}
		}
		checkAssignments(t, db, 2026, 5)
		states := map[domain.ReviewStatus]int{}
		for _, id := range []int64{jure1, jure2, jure3, jure4} {
			reviews, _ := db.ReviewsOf(ctx, 2026, id)
			for _, r := range reviews {
				states[r.Status]++
			}
		}
		if states[domain.ReviewDraft] < 2 || states[domain.ReviewSubmitted] < 2 {
			t.Errorf("current reviews by status: %v", states)
		}
		pending, _ := db.Conflicts(ctx, 2026, store.ConflictFilter{Status: jury.ConflictSuggested})
		confirmed, _ := db.Conflicts(ctx, 2026, store.ConflictFilter{Status: jury.ConflictConfirmed})
		if len(pending) == 0 || len(confirmed) == 0 {
			t.Errorf("current register: %d suggested, %d confirmed", len(pending), len(confirmed))
		}

		earlier, err := db.FindEdition(ctx, 2024)
		if err != nil || earlier.Phase != domain.PhaseDeliberation || earlier.AssignmentsReleasedAt == nil {
			t.Fatalf("earlier edition: %+v %v", earlier, err)
		}
		checkAssignments(t, db, 2024, 6)
		register, _ := db.Conflicts(ctx, 2024, store.ConflictFilter{})
		for _, c := range register {
			if c.Status != jury.ConflictConfirmed {
				t.Errorf("earlier register: %s–%s is %s", c.JurorEmail, c.BodyName, c.Status)
			}
		}
		apps, _ := db.ConflictApplicants(ctx, 2024)
		byName := map[string]int64{}
		for _, a := range apps {
			byName[a.BodyName] = a.ID
		}
		effective, _ := db.EffectiveConflicts(ctx, 2024)
		for _, c := range []struct {
			juror    int64
			body     string
			recused  bool
			disclose bool
		}{
			{jure2, "Échirolles", true, false}, {jure2, "Grenoble-Alpes-Métropole", true, false},
			{jure3, "Grenoble-Alpes-Métropole", true, false}, {jure3, "Grenoble", true, false},
			{jure3, "Échirolles", true, false}, {jure4, "Voiron", false, true}, {jure1, "Grenoble", false, false},
		} {
			if effective.Recused(c.juror, byName[c.body]) != c.recused || effective.Disclosed(c.juror, byName[c.body]) != c.disclose {
				t.Errorf("earlier conflict of %d with %s: recused %v, disclosed %v", c.juror, c.body,
					effective.Recused(c.juror, byName[c.body]), effective.Disclosed(c.juror, byName[c.body]))
			}
		}
		flagged := 0
		for name, id := range byName {
			a, err := db.FileAggregate(ctx, 2024, id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Reviews < 2 {
				t.Errorf("%s: %d proposals", name, a.Reviews)
			}
			if a.Disagrees() {
				flagged++
			}
		}
		if flagged != 1 {
			t.Errorf("%d files with a disagreement after discussion, want 1", flagged)
		}
		agenda, err := db.ReadAgenda(ctx, 2024)
		if err != nil || len(agenda.Items) < len(byName) {
			t.Errorf("agenda: %+v %v", agenda, err)
		}
	})
}

// checkAssignments: the edition has files files, each with at least two
// reviewers, one rapporteur, and no reviewer recused from it.
func checkAssignments(t *testing.T, db *store.DB, year, files int) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Assignments(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	conflicts, _ := db.EffectiveConflicts(ctx, year)
	reviewers, leads := map[int64]int{}, map[int64]int{}
	for _, a := range rows {
		if conflicts.Recused(a.UserID, a.ApplicationID) {
			t.Errorf("%d: juror %d assigned to file %d they are recused from", year, a.UserID, a.ApplicationID)
		}
		reviewers[a.ApplicationID]++
		if a.Rapporteur {
			leads[a.ApplicationID]++
		}
	}
	apps, _ := db.ConflictApplicants(ctx, year)
	if len(apps) != files {
		t.Errorf("%d: %d files, want %d", year, len(apps), files)
	}
	for _, f := range apps {
		if reviewers[f.ID] < 2 || leads[f.ID] != 1 {
			t.Errorf("%d, %s: %d reviewers, %d rapporteurs", year, f.BodyName, reviewers[f.ID], leads[f.ID])
		}
	}
}
