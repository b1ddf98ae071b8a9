package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// TestGroupCommitBatch commits one batch mixing every case a batch can
// hold, on both engines: two saves of the same answer (the second made on
// the first one's version), a stale save, a repeated save of the stored
// value, an unknown application, an application whose deadline has passed
// and new answers. Each save must get the answer it would get alone, and
// the history must hold exactly the accepted and the refused values.
func TestGroupCommitBatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := openEdition(t, db)
		app, alice := newApplication(t, db)
		save(t, db, app.ID, alice, "stale", "v1", 0)
		save(t, db, app.ID, alice, "stale", "v2", 1)
		save(t, db, app.ID, alice, "same", "pareil", 0)
		closed := closedApplication(t, db, c, alice)
		s := func(app int64, q, v string, base int) domain.AnswerSave {
			return domain.AnswerSave{ApplicationID: app, Question: q, Value: v, BaseVersion: base, UserID: alice.ID}
		}
		batch := []domain.AnswerSave{
			s(app.ID, "twice", "premier", 0),
			s(app.ID, "stale", "ancienne base", 1),
			s(app.ID, "twice", "second", 1),
			s(app.ID, "same", "pareil", 1),
			s(999999, "x", "y", 0),
			s(closed, "late", "trop tard", 0),
			s(app.ID, "new", "nouveau", 0),
		}
		results, errs := store.CommitBatch(db, batch)
		for i, want := range []struct {
			version  int
			conflict string
			err      error
		}{
			{version: 1}, {version: 2, conflict: "v2"}, {version: 2}, {version: 1},
			{err: errNotFound}, {err: domain.ErrDeadlinePassed}, {version: 1},
		} {
			r, err := results[i], errs[i]
			switch {
			case want.err == errNotFound:
				if !domain.IsNotFound(err) {
					t.Errorf("save %d (%s): %v, want not found", i, batch[i].Question, err)
				}
			case want.err != nil:
				if !errors.Is(err, want.err) {
					t.Errorf("save %d (%s): %v, want %v", i, batch[i].Question, err, want.err)
				}
			case err != nil || r.Version != want.version:
				t.Errorf("save %d (%s): version %d, %v; want %d", i, batch[i].Question, r.Version, err, want.version)
			case want.conflict != "" && (r.Conflict == nil || r.Conflict.Value != want.conflict):
				t.Errorf("save %d (%s): conflict %+v, want the newer %q", i, batch[i].Question, r.Conflict, want.conflict)
			case want.conflict == "" && r.Conflict != nil:
				t.Errorf("save %d (%s): unexpected conflict %+v", i, batch[i].Question, r.Conflict)
			}
		}
		answers, _ := db.Answers(ctx, app.ID)
		for q, want := range map[string]string{"twice": "second", "stale": "v2", "same": "pareil", "new": "nouveau"} {
			if answers[q].Value != want {
				t.Errorf("stored %s = %q, want %q", q, answers[q].Value, want)
			}
		}
		wantHistory := map[string][]string{
			"twice": {"1 premier accepted", "2 second accepted"},
			"stale": {"1 v1 accepted", "2 v2 accepted", "1 ancienne base refused"},
			"same":  {"1 pareil accepted"},
		}
		for q, want := range wantHistory {
			got := historyLines(t, db, app.ID, q)
			if len(got) != len(want) {
				t.Fatalf("history of %s: %q, want %q", q, got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("history of %s: %q, want %q", q, got, want)
				}
			}
		}
	})
}

var errNotFound = errors.New("not found")

// closedApplication is an application of an edition whose deadline passed.
func closedApplication(t *testing.T, db *store.DB, c *clock, u *domain.User) int64 {
	t.Helper()
	closes := c.t.Add(time.Hour)
	opens := closes.AddDate(0, -1, 0)
	e := &domain.Edition{Year: 2025, Title: "Édition 2025", OpensAt: &opens, ClosesAt: &closes,
		Tracks: []domain.Track{{Key: "label", Name: "Label", Levels: []domain.Level{{Key: "or", Name: "Or", Threshold: 80}}}}}
	if err := db.SaveEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveQuestionnaire(ctx, 2025, "label", []byte(`{"track":"label"}`), domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	_, other := someBodies(t, db)
	app, err := db.CreateApplication(ctx, 2025, "label", other.ID, actorOf(u))
	if err != nil {
		t.Fatal(err)
	}
	closes = c.t.Add(-time.Hour)
	e.ClosesAt = &closes
	if err := db.SaveEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
	return app.ID
}

func historyLines(t *testing.T, db *store.DB, app int64, q string) []string {
	t.Helper()
	revs, err := db.AnswerHistory(ctx, app, q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range revs {
		state := "accepted"
		if !r.Accepted {
			state = "refused"
		}
		out = append(out, fmt.Sprintf("%d %s %s", r.Version, r.Value, state))
	}
	return out
}

// TestGroupCommitLargeBatch commits batches larger than a chunk on either
// engine: a first one creating 450 answers, a second one changing them all
// and saving the first one a third time on the second's version. Every
// save is accepted with the next version.
func TestGroupCommitLargeBatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		app, alice := newApplication(t, db)
		const answers = 450
		for round := range 2 {
			var batch []domain.AnswerSave
			for i := range answers {
				batch = append(batch, domain.AnswerSave{ApplicationID: app.ID, Question: fmt.Sprintf("q%03d", i),
					Value: fmt.Sprintf("valeur %d", round), BaseVersion: round, UserID: alice.ID})
			}
			if round == 1 {
				batch = append(batch, domain.AnswerSave{ApplicationID: app.ID, Question: "q000", Value: "troisième", BaseVersion: 2, UserID: alice.ID})
			}
			results, errs := store.CommitBatch(db, batch)
			for i := range batch {
				if errs[i] != nil || results[i].Conflict != nil || results[i].Version != batch[i].BaseVersion+1 {
					t.Fatalf("round %d, save %d (%s on %d): %+v, %v", round, i, batch[i].Question, batch[i].BaseVersion, results[i], errs[i])
				}
			}
		}
		stored, _ := db.Answers(ctx, app.ID)
		if a := stored["q000"]; a.Version != 3 || a.Value != "troisième" {
			t.Fatalf("q000: %+v", a)
		}
		for i := 1; i < answers; i++ {
			if a := stored[fmt.Sprintf("q%03d", i)]; a.Version != 2 || a.Value != "valeur 1" {
				t.Fatalf("q%03d: %+v", i, a)
			}
		}
	})
}
