package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// openEdition writes an edition whose last day is 10 November 2026 (Paris)
// with a label track and a stored questionnaire, and returns the clock set
// inside the application period.
func openEdition(t *testing.T, db *store.DB) *clock {
	t.Helper()
	c := withClock(db)
	opens := time.Date(2026, 9, 1, 7, 0, 0, 0, time.UTC)
	closes := domain.ParisDeadline(2026, time.November, 10)
	e := &domain.Edition{Year: 2026, Title: "Édition 2026", OpensAt: &opens, ClosesAt: &closes,
		Mentions: []string{"Sobriété numérique", "Mutualisation"},
		Tracks: []domain.Track{{Key: "label", Name: "Label", Levels: []domain.Level{
			{Key: "bronze", Name: "Bronze", Threshold: 30}, {Key: "argent", Name: "Argent", Threshold: 55}, {Key: "or", Name: "Or", Threshold: 80}}}}}
	if err := db.SaveEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveQuestionnaire(ctx, 2026, "label", []byte(`{"track":"label"}`), domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	return c
}

func newApplication(t *testing.T, db *store.DB) (*domain.Application, *domain.User) {
	t.Helper()
	commune, _ := someBodies(t, db)
	alice := newUser(t, db, "alice@example.org", domain.RoleApplicant)
	app, err := db.CreateApplication(ctx, 2026, "label", commune.ID, actorOf(alice))
	if err != nil {
		t.Fatal(err)
	}
	return app, alice
}

func TestEditionRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		e, err := db.FindEdition(ctx, 2026)
		if err != nil {
			t.Fatal(err)
		}
		tr, ok := e.Track("label")
		if !ok || len(tr.Levels) != 3 || len(e.Mentions) != 2 {
			t.Fatalf("edition read back: %+v", e)
		}
		if l := tr.LevelFor(60); l == nil || l.Key != "argent" {
			t.Fatalf("level for 60: %+v", l)
		}
	})
}

func TestQuestionnaireVersionsFreeze(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		q, _ := db.SaveQuestionnaire(ctx, 2026, "label", []byte(`{"v":"edited"}`), domain.CLIActor)
		if q.Version != 1 {
			t.Fatalf("an unused questionnaire is edited in place, got version %d", q.Version)
		}
		app, alice := newApplication(t, db)
		save(t, db, app.ID, alice, "q1", "kept", 0)
		q2, _ := db.SaveQuestionnaire(ctx, 2026, "label", []byte(`{"v":"2"}`), domain.CLIActor)
		if q2.Version != 2 {
			t.Fatalf("editing a frozen questionnaire makes version 2, got %d", q2.Version)
		}
		if got, _ := db.FindApplication(ctx, app.ID); got.Version != 1 {
			t.Fatalf("the application keeps its version: %d", got.Version)
		}
		if err := db.MoveApplication(ctx, app.ID, q2.ID, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		got, _ := db.FindApplication(ctx, app.ID)
		answers, _ := db.Answers(ctx, app.ID)
		if got.Version != 2 || answers["q1"].Value != "kept" {
			t.Fatalf("after the move: version %d, answers %+v", got.Version, answers)
		}
	})
}

func save(t *testing.T, db *store.DB, appID int64, u *domain.User, q, v string, base int) domain.SaveResult {
	t.Helper()
	r, err := db.SaveAnswers(ctx, []domain.AnswerSave{{ApplicationID: appID, Question: q, Value: v, BaseVersion: base, UserID: u.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return r[0]
}

func TestStaleSaveKeepsBothValues(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		app, alice := newApplication(t, db)
		bob := newUser(t, db, "bob@example.org", domain.RoleApplicant)
		if r := save(t, db, app.ID, alice, "strategie", "v1", 0); r.Version != 1 || r.Conflict != nil {
			t.Fatalf("first save: %+v", r)
		}
		// Both opened version 1; Alice saves first, Bob's save is stale.
		if r := save(t, db, app.ID, alice, "strategie", "Alice's text", 1); r.Version != 2 {
			t.Fatalf("alice: %+v", r)
		}
		r := save(t, db, app.ID, bob, "strategie", "Bob's text", 1)
		if r.Conflict == nil || r.Conflict.Value != "Alice's text" || r.Conflict.SavedBy != alice.ID {
			t.Fatalf("stale save must be refused with the newer value: %+v", r)
		}
		answers, _ := db.Answers(ctx, app.ID)
		if answers["strategie"].Value != "Alice's text" {
			t.Fatalf("the newer value was overwritten: %+v", answers["strategie"])
		}
		hist, _ := db.AnswerHistory(ctx, app.ID, "strategie")
		if len(hist) != 3 || hist[2].Value != "Bob's text" || hist[2].Accepted || !hist[1].Accepted {
			t.Fatalf("history must keep both: %+v", hist)
		}
		// Saving the same value again is not a conflict.
		if r := save(t, db, app.ID, bob, "strategie", "Alice's text", 1); r.Conflict != nil || r.Version != 2 {
			t.Fatalf("same value: %+v", r)
		}
		// A first save racing an existing answer is stale too.
		if r := save(t, db, app.ID, bob, "strategie", "new", 0); r.Conflict == nil {
			t.Fatal("a save from version 0 over an existing answer must be refused")
		}
	})
}

// TestDeadlineBoundary: the last day is 10 November (Paris, winter time,
// UTC+1), so 23:59:59 Paris is accepted and 00:00:00 refused — for form
// posts, autosaves and submissions.
func TestDeadlineBoundary(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := openEdition(t, db)
		app, alice := newApplication(t, db)
		c.t = time.Date(2026, 11, 10, 23, 59, 59, 0, domain.Paris)
		if _, err := db.Autosave(ctx, domain.AnswerSave{ApplicationID: app.ID, Question: "a", Value: "x", UserID: alice.ID}); err != nil {
			t.Fatalf("23:59:59 must be accepted: %v", err)
		}
		c.t = time.Date(2026, 11, 11, 0, 0, 0, 0, domain.Paris)
		if _, err := db.Autosave(ctx, domain.AnswerSave{ApplicationID: app.ID, Question: "a", Value: "y", BaseVersion: 1, UserID: alice.ID}); !errors.Is(err, domain.ErrDeadlinePassed) {
			t.Fatalf("00:00:00 must be refused: %v", err)
		}
		if _, err := db.SaveAnswers(ctx, []domain.AnswerSave{{ApplicationID: app.ID, Question: "b", Value: "y", UserID: alice.ID}}); !errors.Is(err, domain.ErrDeadlinePassed) {
			t.Fatalf("form post after the deadline: %v", err)
		}
		_, err := db.Submit(ctx, app.ID, actorOf(alice), func(map[string]string, int, domain.Submission) (*store.SubmitPlan, error) {
			return &store.SubmitPlan{Answers: []byte("{}"), Digest: "d"}, nil
		})
		if !errors.Is(err, domain.ErrDeadlinePassed) {
			t.Fatalf("submission after the deadline: %v", err)
		}
	})
}

func TestDeadlineAcrossDaylightSaving(t *testing.T) {
	// Summer time ends on 25 October 2026: a deadline on the 25th closes at
	// 23:00 UTC, one on the 24th at 22:00 UTC.
	if got := domain.ParisDeadline(2026, time.October, 24); !got.Equal(time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC)) {
		t.Fatalf("24 October: %v", got)
	}
	if got := domain.ParisDeadline(2026, time.October, 25); !got.Equal(time.Date(2026, 10, 25, 23, 0, 0, 0, time.UTC)) {
		t.Fatalf("25 October: %v", got)
	}
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := openEdition(t, db)
		closes := domain.ParisDeadline(2026, time.October, 25)
		e, _ := db.FindEdition(ctx, 2026)
		e.ClosesAt = &closes
		db.SaveEdition(ctx, e)
		app, alice := newApplication(t, db)
		c.t = time.Date(2026, 10, 25, 23, 59, 59, 0, domain.Paris)
		if _, err := db.Autosave(ctx, domain.AnswerSave{ApplicationID: app.ID, Question: "a", Value: "x", UserID: alice.ID}); err != nil {
			t.Fatalf("23:59:59 on the day summer time ends: %v", err)
		}
		c.t = c.t.Add(time.Second)
		if _, err := db.Autosave(ctx, domain.AnswerSave{ApplicationID: app.ID, Question: "a", Value: "y", BaseVersion: 1, UserID: alice.ID}); !errors.Is(err, domain.ErrDeadlinePassed) {
			t.Fatalf("midnight: %v", err)
		}
	})
}

func TestGroupCommitUnderConcurrency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		app, alice := newApplication(t, db)
		const savers = 64
		var wg sync.WaitGroup
		errs := make(chan error, savers)
		for i := range savers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				q := fmt.Sprintf("q%d", i)
				base := 0
				for v := range 5 {
					r, err := db.Autosave(ctx, domain.AnswerSave{ApplicationID: app.ID, Question: q, Value: fmt.Sprint(v), BaseVersion: base, UserID: alice.ID})
					if err != nil || r.Conflict != nil {
						errs <- fmt.Errorf("%s v%d: %+v %v", q, v, r, err)
						return
					}
					base = r.Version
				}
			}()
		}
		// One save to an unknown application must fail alone.
		if _, err := db.Autosave(ctx, domain.AnswerSave{ApplicationID: 999999, Question: "x", Value: "x"}); !domain.IsNotFound(err) {
			t.Errorf("unknown application: %v", err)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		answers, _ := db.Answers(ctx, app.ID)
		for i := range savers {
			if a := answers[fmt.Sprintf("q%d", i)]; a.Value != "4" || a.Version != 5 {
				t.Fatalf("q%d: %+v", i, a)
			}
		}
	})
}

// TestSubmissionIsAtomic injects a failure after each step of a submission:
// the application stays a draft with no submission, then a clean submission
// goes through, and a second one is numbered 2.
func TestSubmissionIsAtomic(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		app, alice := newApplication(t, db)
		save(t, db, app.ID, alice, "q1", "oui", 0)
		plan := func(answers map[string]string, n int, s domain.Submission) (*store.SubmitPlan, error) {
			if answers["q1"] != "oui" {
				return nil, fmt.Errorf("answers not read in the transaction: %v", answers)
			}
			return &store.SubmitPlan{Answers: []byte(`{"q1":"oui"}`), Digest: fmt.Sprintf("digest-%d", n),
				Software: []string{"LibreOffice"},
				Mails:    []*domain.OutboxMail{{To: "alice@example.org", Template: "receipt", Subject: "Accusé", Text: "t"}}}, nil
		}
		for _, step := range []string{"submission", "status", "mails"} {
			store.SetSubmitHook(func(s string) error {
				if s == step {
					return errors.New("crash at " + s)
				}
				return nil
			})
			if _, err := db.Submit(ctx, app.ID, actorOf(alice), plan); err == nil {
				t.Fatalf("failure at %s not reported", step)
			}
			got, _ := db.FindApplication(ctx, app.ID)
			subs, _ := db.Submissions(ctx, app.ID)
			mails, _ := db.ListMail(ctx, true, 10)
			if got.Status != domain.ApplicationDraft || len(subs) != 0 || len(mails) != 0 {
				t.Fatalf("after a failure at %s: status %s, %d submissions, %d mails", step, got.Status, len(subs), len(mails))
			}
		}
		store.SetSubmitHook(nil)
		if _, err := db.Submit(ctx, app.ID, actorOf(alice), plan); err != nil {
			t.Fatal(err)
		}
		s2, err := db.Submit(ctx, app.ID, actorOf(alice), plan)
		if err != nil || s2.Number != 2 || s2.Digest != "digest-2" {
			t.Fatalf("resubmission: %+v %v", s2, err)
		}
		got, _ := db.FindApplication(ctx, app.ID)
		subs, _ := db.Submissions(ctx, app.ID)
		if got.Status != domain.ApplicationSubmitted || got.Submissions != 2 || len(subs) != 2 {
			t.Fatalf("after two submissions: %+v, %d", got, len(subs))
		}
		if cat, _ := db.SoftwareCatalogue(ctx, 10); len(cat) != 1 || cat[0] != "LibreOffice" {
			t.Fatalf("catalogue: %v", cat)
		}
		if err := db.RequestCorrection(ctx, app.ID, "Pièce manquante", domain.CLIActor, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindApplication(ctx, app.ID); got.Status != domain.ApplicationDraft || got.Correction != "Pièce manquante" {
			t.Fatalf("correction: %+v", got)
		}
	})
}
