package store_test

import (
	"errors"
	"fmt"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// dashboardSetup is the assignment setup in the review phase with its
// assignments saved and released: ann reviews the EPCI (and keeps an
// assignment to the commune made before her recusal), bob both files, cid
// (an assessor) the EPCI.
func dashboardSetup(t *testing.T, db *store.DB) assignmentSetup {
	t.Helper()
	s := newAssignmentSetup(t, db)
	releaseDashboardAssignments(t, db, s)
	return s
}

// releaseDashboardAssignments saves and releases dashboardSetup's
// assignments and moves the edition on to the review phase.
func releaseDashboardAssignments(t *testing.T, db *store.DB, s assignmentSetup) {
	t.Helper()
	toPhase(t, db, domain.PhaseAssignment)
	if err := db.SaveAssignments(ctx, 2026, []domain.Assignment{
		{ApplicationID: s.epci, UserID: s.ann.ID}, {ApplicationID: s.commune, UserID: s.bob.ID},
		{ApplicationID: s.epci, UserID: s.bob.ID, Rapporteur: true}, {ApplicationID: s.epci, UserID: s.cid.ID},
	}, s.by); err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.SQL(db).ExecContext(ctx, `INSERT INTO assignments (application_id, user_id, source, created_at)
		VALUES ($1, $2, 'manual', CURRENT_TIMESTAMP)`, s.commune, s.ann.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.ReleaseAssignments(ctx, 2026, s.by); err != nil {
		t.Fatal(err)
	}
	toPhase(t, db, domain.PhaseReview)
}

func submit(t *testing.T, db *store.DB, r *domain.Review) {
	t.Helper()
	if _, err := db.SubmitReview(ctx, r, 0, domain.Actor{ID: r.UserID, Label: "juror"}); err != nil {
		t.Fatal(err)
	}
}

func TestJuryWorkProgressAndScores(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := dashboardSetup(t, db)
		submit(t, db, &domain.Review{ApplicationID: s.commune, UserID: s.bob.ID, Stage: domain.ReviewPre, Level: level(2)})
		if _, err := db.SaveReview(ctx, &domain.Review{ApplicationID: s.epci, UserID: s.bob.ID, Stage: domain.ReviewPre,
			Level: level(1)}, 0, actorOf(s.bob)); err != nil {
			t.Fatal(err)
		}
		submit(t, db, &domain.Review{ApplicationID: s.epci, UserID: s.cid.ID, Stage: domain.ReviewPre,
			AbstainReason: "Je connais trop bien ce territoire."})

		work, err := db.JuryWork(ctx, 2026)
		if err != nil {
			t.Fatal(err)
		}
		p := store.SumProgress(work, nil)
		want := map[int64]jury.JurorProgress{
			s.ann.ID: {Assigned: 1}, // the commune is left out: she is recused from it
			s.bob.ID: {Assigned: 2, Submitted: 1, Drafts: 1},
			s.cid.ID: {Assigned: 1, Abstained: 1},
		}
		if len(p) != len(want) {
			t.Fatalf("progress: %+v", p)
		}
		for id, w := range want {
			if p[id] != w {
				t.Errorf("juror %d: %+v, want %+v", id, p[id], w)
			}
		}
		if store.Remaining(p[s.bob.ID]) != 1 || store.Remaining(p[s.cid.ID]) != 0 {
			t.Fatalf("remaining: bob %d, cid %d", store.Remaining(p[s.bob.ID]), store.Remaining(p[s.cid.ID]))
		}
		hidden := store.SumProgress(work, func(app int64) bool { return app == s.epci })
		if hidden[s.bob.ID] != (jury.JurorProgress{Assigned: 1, Submitted: 1}) || hidden[s.cid.ID].Assigned != 0 {
			t.Fatalf("hiding the EPCI: %+v", hidden)
		}

		all, err := db.YearReviews(ctx, 2026)
		if err != nil || len(all) != 3 {
			t.Fatalf("year reviews: %d %v", len(all), err)
		}
		scores := store.ReviewScores(all)
		if len(scores) != 2 || scores[0].ApplicationID != s.commune || scores[0].Level != 2 || scores[0].Stage != jury.PreDiscussion ||
			!scores[1].Abstained || scores[1].JurorID != s.cid.ID {
			t.Fatalf("scores (drafts left out): %+v", scores)
		}

		// In discussion, a revision started as a draft leaves the
		// submitted pre-discussion review standing.
		toPhase(t, db, domain.PhaseDiscussion)
		if _, err := db.SaveReview(ctx, &domain.Review{ApplicationID: s.commune, UserID: s.bob.ID, Stage: domain.ReviewPre,
			Level: level(1)}, 1, actorOf(s.bob)); err != nil {
			t.Fatal(err)
		}
		work, _ = db.JuryWork(ctx, 2026)
		if got := store.SumProgress(work, nil)[s.bob.ID]; got != (jury.JurorProgress{Assigned: 2, Submitted: 1, Drafts: 1}) {
			t.Fatalf("bob after a post draft: %+v", got)
		}
	})
}

func TestReviewScoresSections(t *testing.T) {
	reviews := []domain.Review{
		{ApplicationID: 1, UserID: 1, Stage: domain.ReviewPost, Status: domain.ReviewSubmitted, Level: level(2),
			Criteria: map[string]domain.SectionReview{"strategie": {Level: level(1)}, "usages": {Values: map[string]int{"x": 2}}}},
		{ApplicationID: 1, UserID: 2, Stage: domain.ReviewPre, Status: domain.ReviewSubmitted}, // no proposal: ignored
	}
	got := store.ReviewScores(reviews)
	if len(got) != 1 || got[0].Stage != jury.PostDiscussion || len(got[0].Sections) != 1 || got[0].Sections["strategie"] != 1 {
		t.Fatalf("%+v", got)
	}
}

func TestRemindLateJurors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := dashboardSetup(t, db)
		submit(t, db, &domain.Review{ApplicationID: s.epci, UserID: s.cid.ID, Stage: domain.ReviewPre, Level: level(0)})
		build := func(j store.LateJuror) (*domain.OutboxMail, error) {
			return &domain.OutboxMail{To: j.Email, Subject: fmt.Sprintf("%d dossier(s)", j.Remaining),
				Text: "t", HTML: "h", Template: "jury_reminder"}, nil
		}
		// cid is done, obs reviews nothing, ann is named twice.
		n, err := db.RemindLateJurors(ctx, 2026, []int64{s.ann.ID, s.bob.ID, s.cid.ID, s.ann.ID, s.obs.ID}, s.by, build)
		if err != nil || n != 2 {
			t.Fatalf("reminded %d: %v", n, err)
		}
		mails, err := db.ListMail(ctx, true, 50)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, m := range mails {
			if m.Template == "jury_reminder" {
				if _, twice := got[m.To]; twice {
					t.Fatalf("%s reminded twice", m.To)
				}
				got[m.To] = m.Subject
			}
		}
		if len(got) != 2 || got["ann@example.org"] != "1 dossier(s)" || got["bob@example.org"] != "2 dossier(s)" {
			t.Fatalf("reminders: %v", got)
		}
		if entries := auditOf(t, db, "jury.reminders.send"); len(entries) != 1 || entries[0].Actor.Label != "admin@example.org" {
			t.Fatalf("audit: %+v", entries)
		}

		if _, err := db.RemindLateJurors(ctx, 2026, []int64{s.cid.ID}, s.by, build); !errors.Is(err, store.ErrNobodyLate) {
			t.Fatalf("nobody late: %v", err)
		}
		boom := errors.New("template broken")
		if _, err := db.RemindLateJurors(ctx, 2026, []int64{s.bob.ID}, s.by,
			func(store.LateJuror) (*domain.OutboxMail, error) { return nil, boom }); !errors.Is(err, boom) {
			t.Fatalf("a failed build: %v", err)
		}
		toPhase(t, db, domain.PhaseDeliberation)
		if _, err := db.RemindLateJurors(ctx, 2026, []int64{s.bob.ID}, s.by, build); domain.ErrorCode(err) != domain.ECLOSED {
			t.Fatalf("after the reviews: %v", err)
		}
		if entries := auditOf(t, db, "jury.reminders.send"); len(entries) != 1 {
			t.Fatalf("refused reminders were audited: %d entries", len(entries))
		}
		if mails, _ := db.ListMail(ctx, true, 50); len(mails) != len(got) {
			t.Fatalf("refused reminders queued mail: %d", len(mails))
		}
	})
}
