package store_test

import (
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

func auditActions(t *testing.T, db *store.DB) []string {
	t.Helper()
	entries, err := db.ListAudit(ctx, store.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Action
	}
	return out
}

func TestCreateAndUpdateEditionAreAudited(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		withClock(db)
		admin := domain.Actor{Label: "admin@example.org"}
		e := &domain.Edition{Year: 2030, Title: "Édition 2030",
			Tracks: []domain.Track{{Key: "label", Name: "Label", Levels: []domain.Level{{Key: "un", Name: "1", Threshold: 10}}}}}
		if err := db.CreateEdition(ctx, e, admin); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateEdition(ctx, e, admin); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("second creation of 2030: %v", err)
		}
		e.Title = "Édition 2030 corrigée"
		if err := db.UpdateEdition(ctx, e, admin); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateEdition(ctx, &domain.Edition{Year: 2031, Title: "x"}, admin); !domain.IsNotFound(err) {
			t.Fatalf("update of a missing edition: %v", err)
		}
		got, err := db.FindEdition(ctx, 2030)
		if err != nil || got.Title != "Édition 2030 corrigée" {
			t.Fatalf("read back: %+v, %v", got, err)
		}
		if a := auditActions(t, db); len(a) != 2 || a[0] != "edition.update" || a[1] != "edition.create" {
			t.Fatalf("audit: %v", a)
		}
	})
}

func TestCopyEdition(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db) // 2026, label, questionnaire version 1
		app, _ := newApplication(t, db)
		// The 2026 questionnaire is frozen: an edit makes version 2, the one
		// to copy.
		if _, err := db.SaveQuestionnaire(ctx, 2026, "label", []byte(`{"track":"label","v":2}`), domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		before := len(auditActions(t, db))
		e, err := db.CopyEdition(ctx, 2026, 2027, domain.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(auditActions(t, db)); n != before+1 {
			t.Fatalf("copy wrote %d audit entries", n-before)
		}
		got, err := db.FindEdition(ctx, 2027)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != e.Title || len(got.Mentions) != 2 || len(got.Tracks) != 1 || len(got.Tracks[0].Levels) != 3 {
			t.Fatalf("copied edition: %+v", got)
		}
		// 10 November 2026 is in winter time, and so is 10 November 2027:
		// the first refused instant stays midnight in Paris.
		if want := domain.ParisDeadline(2027, time.November, 10); !got.ClosesAt.Equal(want) {
			t.Fatalf("closes %v, want %v", got.ClosesAt, want)
		}
		// Opening at 9:00 Paris on 1 September (summer time) stays 9:00.
		if p := got.OpensAt.In(domain.Paris); p.Year() != 2027 || p.Month() != 9 || p.Day() != 1 || p.Hour() != 9 {
			t.Fatalf("opens %v", p)
		}
		q, err := db.CurrentQuestionnaire(ctx, 2027, "label")
		if err != nil {
			t.Fatal(err)
		}
		if q.Version != 1 || q.Frozen || string(q.Definition) != `{"track":"label","v":2}` {
			t.Fatalf("copied questionnaire: %+v %s", q, q.Definition)
		}
		if _, err := db.CopyEdition(ctx, 2026, 2027, domain.CLIActor); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("copy onto an existing year: %v", err)
		}
		if _, err := db.CopyEdition(ctx, 2019, 2032, domain.CLIActor); !domain.IsNotFound(err) {
			t.Fatalf("copy of a missing year: %v", err)
		}
		// The application of 2026 is untouched.
		if a, _ := db.FindApplication(ctx, app.ID); a.Version != 1 {
			t.Fatalf("application moved: %+v", a)
		}
	})
}

func TestMoveApplicationsKeepsAnswers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		app, alice := newApplication(t, db)
		if _, err := db.SaveAnswers(ctx, []domain.AnswerSave{{ApplicationID: app.ID, Question: "dropped", Value: "yes", UserID: alice.ID}}); err != nil {
			t.Fatal(err)
		}
		v2, err := db.SaveQuestionnaire(ctx, 2026, "label", []byte(`{"track":"label","v":2}`), domain.CLIActor)
		if err != nil || v2.Version != 2 {
			t.Fatalf("version 2: %+v, %v", v2, err)
		}
		use, err := db.QuestionnaireUse(ctx, 2026, "label")
		if err != nil || use[app.QuestionnaireID] != 1 || use[v2.ID] != 0 {
			t.Fatalf("use before: %v, %v", use, err)
		}
		n, err := db.MoveApplications(ctx, 2026, "label", v2.ID, domain.CLIActor)
		if err != nil || n != 1 {
			t.Fatalf("moved %d, %v", n, err)
		}
		got, _ := db.FindApplication(ctx, app.ID)
		if got.Version != 2 {
			t.Fatalf("application on version %d", got.Version)
		}
		answers, _ := db.Answers(ctx, app.ID)
		if answers["dropped"].Value != "yes" {
			t.Fatalf("answers after the move: %+v", answers)
		}
		if q, _ := db.FindQuestionnaire(ctx, v2.ID); !q.Frozen {
			t.Fatal("version 2 is used and must be frozen")
		}
		if n, err := db.MoveApplications(ctx, 2026, "label", v2.ID, domain.CLIActor); err != nil || n != 0 {
			t.Fatalf("second move: %d, %v", n, err)
		}
		if _, err := db.MoveApplications(ctx, 2026, "badge", v2.ID, domain.CLIActor); !domain.IsNotFound(err) {
			t.Fatalf("version of another track: %v", err)
		}
		counts, err := db.ApplicationCounts(ctx, 2026)
		if err != nil || counts["label"] != 1 {
			t.Fatalf("counts: %v, %v", counts, err)
		}
	})
}
