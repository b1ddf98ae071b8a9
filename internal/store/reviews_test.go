package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// reviewSetup is an edition in the review phase whose label questionnaire
// is the default one, with two files (a commune and its EPCI) and a juror.
type reviewSetup struct {
	clock         *clock
	commune, epci int64
	juror         *domain.User
	by            domain.Actor
}

func newReviewSetup(t *testing.T, db *store.DB) reviewSetup {
	t.Helper()
	s := reviewSetup{clock: openEdition(t, db)}
	saveDefaultLabelForm(t, db)
	s.commune, s.epci = communeAndEPCIFiles(t, db)
	s.juror = newUser(t, db, "jure@example.org", domain.RoleApplicant)
	s.by = actorOf(s.juror)
	if err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: s.juror.ID, Role: domain.JuryJuror}, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	return s
}

// saveDefaultLabelForm gives the 2026 edition the default label
// questionnaire.
func saveDefaultLabelForm(t *testing.T, db *store.DB) {
	t.Helper()
	def, err := form.Default("label")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := form.Encode(def)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveQuestionnaire(ctx, 2026, "label", raw, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
}

// communeAndEPCIFiles opens a 2026 label application for a commune and one
// for its EPCI (someBodies), in that order.
func communeAndEPCIFiles(t *testing.T, db *store.DB) (commune, epci int64) {
	t.Helper()
	c, e := someBodies(t, db)
	ids := make([]int64, 2)
	for i, b := range []*domain.Body{c, e} {
		app, err := db.CreateApplication(ctx, 2026, "label", b.ID, domain.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = app.ID
	}
	return ids[0], ids[1]
}

// toPhase moves the 2026 edition forward to p.
func toPhase(t *testing.T, db *store.DB, p domain.Phase) {
	t.Helper()
	for {
		e, err := db.FindEdition(ctx, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if e.Phase == p {
			return
		}
		next, _ := e.Phase.Next()
		if err := switchForTest(db, 2026, next); err != nil {
			t.Fatal(err)
		}
	}
}

func level(n int) *int { return &n }

func (s reviewSetup) review(app int64) *domain.Review {
	return &domain.Review{ApplicationID: app, UserID: s.juror.ID, Stage: domain.ReviewPre}
}

func TestReviewDraftsHistoryAndStaleSaves(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newReviewSetup(t, db)
		toPhase(t, db, domain.PhaseAssignment)
		if _, err := db.SaveReview(ctx, s.review(s.commune), 0, s.by); domain.ErrorCode(err) != domain.ECLOSED {
			t.Fatalf("a save before the review phase: %v", err)
		}
		toPhase(t, db, domain.PhaseReview)
		if _, err := db.FindReview(ctx, s.commune, s.juror.ID, domain.ReviewPre); !domain.IsNotFound(err) {
			t.Fatalf("no review yet: %v", err)
		}
		r := s.review(s.commune)
		r.Criteria = map[string]domain.SectionReview{"strategie": {Values: map[string]int{"engagement": 2}}}
		r.Strengths = "Une stratégie votée."
		v1, err := db.SaveReview(ctx, r, 0, s.by)
		if err != nil || v1.Version != 1 || v1.Status != domain.ReviewDraft || v1.Stage != domain.ReviewPre || v1.SubmittedAt != nil {
			t.Fatalf("first draft: %+v %v", v1, err)
		}
		s.clock.add(time.Minute)
		r.Criteria["strategie"] = domain.SectionReview{Values: map[string]int{"engagement": 3, "partage": 1}, Level: level(1)}
		v2, err := db.SaveReview(ctx, r, 1, s.by)
		if err != nil || v2.Version != 2 {
			t.Fatalf("second draft: %+v %v", v2, err)
		}
		// A tab still at version 1 is refused and shown version 2.
		old := s.review(s.commune)
		old.Strengths = "Texte d'un autre onglet."
		got, err := db.SaveReview(ctx, old, 1, s.by)
		if !errors.Is(err, store.ErrStaleReview) || !domain.IsConflict(err) || got == nil || got.Version != 2 ||
			got.Criteria["strategie"].Values["engagement"] != 3 {
			t.Fatalf("stale save: %+v %v", got, err)
		}
		if _, err := db.SaveReview(ctx, s.review(s.commune), 0, s.by); !errors.Is(err, store.ErrStaleReview) {
			t.Fatalf("a second first save: %v", err)
		}
		found, err := db.FindReview(ctx, s.commune, s.juror.ID, domain.ReviewPre)
		if err != nil || found.Version != 2 || found.Strengths != "Une stratégie votée." || *found.Criteria["strategie"].Level != 1 {
			t.Fatalf("read back: %+v %v", found, err)
		}
		hist, err := db.ReviewHistory(ctx, found.ID)
		if err != nil || len(hist) != 2 || hist[0].Version != 1 || hist[1].Version != 2 ||
			hist[0].Content.Criteria["strategie"].Values["engagement"] != 2 || hist[1].Content.Criteria["strategie"].Values["engagement"] != 3 ||
			!hist[1].SavedAt.After(hist[0].SavedAt) {
			t.Fatalf("history: %+v %v", hist, err)
		}
	})
}

func TestReviewSubmitAndValidation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newReviewSetup(t, db)
		toPhase(t, db, domain.PhaseReview)
		r := s.review(s.commune)
		r.Strengths = "Bien."
		_, err := db.SubmitReview(ctx, r, 0, s.by)
		var problems domain.ReviewProblems
		if !errors.As(err, &problems) || problems["level"] != "review.error.proposal_required" || domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("submit without a proposal: %v", err)
		}
		r.Criteria = map[string]domain.SectionReview{"donnees": {Values: map[string]int{"partage": 7}}}
		r.Mentions = []string{"Meilleur site"}
		r.Level = level(3)
		_, err = db.SaveReview(ctx, r, 0, s.by)
		if !errors.As(err, &problems) || problems["c.donnees.partage"] != "review.error.criterion_range" ||
			problems["mentions"] != "review.error.mention_unknown" || problems["level"] != "review.error.level_unknown" {
			t.Fatalf("out of range: %v", problems)
		}
		if _, err := db.FindReview(ctx, s.commune, s.juror.ID, domain.ReviewPre); !domain.IsNotFound(err) {
			t.Fatalf("a refused save wrote something: %v", err)
		}
		r = s.review(s.commune)
		r.Level, r.Mentions = level(2), []string{"Mutualisation"}
		sub, err := db.SubmitReview(ctx, r, 0, s.by)
		if err != nil || sub.Status != domain.ReviewSubmitted || sub.SubmittedAt == nil || sub.Version != 1 {
			t.Fatalf("submit: %+v %v", sub, err)
		}
		// A submitted review stays submitted and keeps a proposal.
		r.Level = nil
		if _, err := db.SaveReview(ctx, r, 1, s.by); !errors.As(err, &problems) || problems["level"] != "review.error.proposal_required" {
			t.Fatalf("removing the level of a submitted review: %v", err)
		}
		r.Level, r.AbstainReason = nil, "Je connais trop bien ce dossier."
		again, err := db.SaveReview(ctx, r, 1, s.by)
		if err != nil || again.Status != domain.ReviewSubmitted || !again.SubmittedAt.Equal(*sub.SubmittedAt) || !again.Abstains() {
			t.Fatalf("revising a submitted review: %+v %v", again, err)
		}
		if n := len(auditOf(t, db, "jury.review.submit")); n != 1 {
			t.Fatalf("%d submission audit entries, want 1", n)
		}
	})
}

func TestReviewMentionAllotment(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newReviewSetup(t, db)
		if err := db.SaveJurySettings(ctx, 2026, domain.JurySettings{MentionAllotment: 1}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		toPhase(t, db, domain.PhaseReview)
		r := s.review(s.commune)
		r.Mentions = []string{"Mutualisation"}
		if _, err := db.SaveReview(ctx, r, 0, s.by); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveReview(ctx, r, 1, s.by); err != nil {
			t.Fatalf("the same file counts once: %v", err)
		}
		other := s.review(s.epci)
		other.Mentions = []string{"Mutualisation"}
		var problems domain.ReviewProblems
		if _, err := db.SaveReview(ctx, other, 0, s.by); !errors.As(err, &problems) || problems["mentions"] != "review.error.mention_allotment" {
			t.Fatalf("a second nomination: %v", err)
		}
		other.Mentions = []string{"Sobriété numérique"}
		if _, err := db.SaveReview(ctx, other, 0, s.by); err != nil {
			t.Fatal(err)
		}
	})
}

func TestReviewStagesAcrossDiscussion(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newReviewSetup(t, db)
		toPhase(t, db, domain.PhaseReview)
		r := s.review(s.commune)
		r.Level, r.JuryNote = level(1), "Avant la discussion."
		if _, err := db.SubmitReview(ctx, r, 0, s.by); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveReview(ctx, s.review(s.epci), 0, s.by); err != nil {
			t.Fatal(err)
		}
		toPhase(t, db, domain.PhaseDiscussion)
		// The form shows the pre review, version 1: its save is the first
		// post version; the pre review stays as it was.
		r.Level, r.JuryNote = level(2), "Après la discussion."
		post, err := db.SaveReview(ctx, r, 1, s.by)
		if err != nil || post.Stage != domain.ReviewPost || post.Version != 1 || post.Status != domain.ReviewDraft || *post.Level != 2 {
			t.Fatalf("first post save: %+v %v", post, err)
		}
		pre, err := db.FindReview(ctx, s.commune, s.juror.ID, domain.ReviewPre)
		if err != nil || *pre.Level != 1 || pre.JuryNote != "Avant la discussion." || pre.Version != 1 || pre.Status != domain.ReviewSubmitted {
			t.Fatalf("the pre review changed: %+v %v", pre, err)
		}
		// A form still showing the pre review is now stale: it gets the post one.
		got, err := db.SaveReview(ctx, r, 1, s.by)
		if !errors.Is(err, store.ErrStaleReview) || got.Stage != domain.ReviewPost {
			t.Fatalf("saving from the pre review again: %+v %v", got, err)
		}
		r.Stage = domain.ReviewPost
		if post, err = db.SubmitReview(ctx, r, 1, s.by); err != nil || post.Version != 2 || post.Status != domain.ReviewSubmitted {
			t.Fatalf("submitting the post review: %+v %v", post, err)
		}
		all, err := db.Reviews(ctx, s.commune)
		if err != nil || len(all) != 2 || all[0].Stage != domain.ReviewPre || all[1].Stage != domain.ReviewPost {
			t.Fatalf("the file's reviews: %+v %v", all, err)
		}
		mine, err := db.ReviewsOf(ctx, 2026, s.juror.ID)
		if err != nil || len(mine) != 3 || !slices.IsSortedFunc(mine, func(a, b domain.Review) int { return int(a.ApplicationID - b.ApplicationID) }) {
			t.Fatalf("the juror's reviews: %+v %v", mine, err)
		}
		if other, _ := db.ReviewsOf(ctx, 2025, s.juror.ID); len(other) != 0 {
			t.Fatalf("another edition: %+v", other)
		}
		toPhase(t, db, domain.PhaseDeliberation)
		r.Stage = domain.ReviewPost
		if _, err := db.SaveReview(ctx, r, 2, s.by); domain.ErrorCode(err) != domain.ECLOSED {
			t.Fatalf("a save in deliberation: %v", err)
		}
		if post, _ := db.FindReview(ctx, s.commune, s.juror.ID, domain.ReviewPost); post.Version != 2 {
			t.Fatalf("the post review moved: %+v", post)
		}
	})
}

// switchForTest is SwitchPhase, except that the edition enters "sealed"
// directly: the seal itself needs a whole meeting (seals_test.go).
func switchForTest(db *store.DB, year int, p domain.Phase) error {
	if p != domain.PhaseSealed {
		return db.SwitchPhase(ctx, year, p, domain.CLIActor)
	}
	_, err := store.RawSQL(db).Exec(`UPDATE editions SET phase = $1 WHERE year = $2`, p, year)
	return err
}
