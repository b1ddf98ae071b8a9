package store_test

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

func TestJuryPhaseAndSettings(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		e, err := db.FindEdition(ctx, 2026)
		if err != nil || e.Phase != domain.PhaseSetup || e.Jury.WithDefaults().Reviewers != 3 {
			t.Fatalf("a new edition: phase %q, settings %+v, %v", e.Phase, e.Jury, err)
		}
		admin := domain.Actor{ID: 0, Label: "admin@example.org"}
		if err := db.SwitchPhase(ctx, 2026, domain.PhaseOpen, admin); err != nil {
			t.Fatal(err)
		}
		if err := db.SwitchPhase(ctx, 2026, domain.PhaseReview, admin); domain.ErrorCode(err) == "" {
			t.Fatalf("skipping phases: %v", err)
		}
		s := domain.JurySettings{Mode: domain.AssignK, Reviewers: 4, Quorum: 5}
		if err := db.SaveJurySettings(ctx, 2026, s, admin); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveJurySettings(ctx, 2026, domain.JurySettings{Mode: "tirage au sort"}, admin); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("bad settings: %v", err)
		}
		e, _ = db.FindEdition(ctx, 2026)
		if e.Phase != domain.PhaseOpen || e.Jury.Reviewers != 4 || e.Jury.Quorum != 5 || e.Jury.Mode != domain.AssignK {
			t.Fatalf("read back: %q %+v", e.Phase, e.Jury)
		}
		actions := auditActions(t, db)
		if n := countOf(actions, "jury.phase"); n != 1 {
			t.Fatalf("%d jury.phase audit entries, want 1 (the refused switch writes none): %v", n, actions)
		}
		if countOf(actions, "jury.settings") != 1 {
			t.Fatalf("settings not audited once: %v", actions)
		}
	})
}

func countOf(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

func TestJuryMembers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		ann := newUser(t, db, "ann@example.org", domain.RoleApplicant)
		bob := newUser(t, db, "bob@example.org", domain.RoleApplicant)
		by := domain.CLIActor
		if err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: ann.ID, Role: domain.JuryPresident,
			Tags: []string{"elu"}}, by); err != nil {
			t.Fatal(err)
		}
		err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: bob.ID, Role: domain.JuryPresident}, by)
		if domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("a second president: %v", err)
		}
		if err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: bob.ID, Role: domain.JuryJuror,
			Tags: []string{"technique", "elu"}, MinLoad: 2, MaxLoad: 10}, by); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: bob.ID, Role: domain.JuryJuror,
			MinLoad: 5, MaxLoad: 2}, by); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("min above max: %v", err)
		}
		members, err := db.JuryMembers(ctx, 2026)
		if err != nil || len(members) != 2 || members[0].UserID != ann.ID || members[1].Email != "bob@example.org" ||
			!slices.Equal(members[1].Tags, []string{"technique", "elu"}) || members[1].MaxLoad != 10 {
			t.Fatalf("members: %+v, %v", members, err)
		}
		if m, err := db.FindJuryMember(ctx, 2026, bob.ID); err != nil || m.AttestedAt != nil {
			t.Fatalf("bob: %+v %v", m, err)
		}
		if _, err := db.AttestConflicts(ctx, 2026, bob.ID, by); err != nil {
			t.Fatal(err)
		}
		if m, _ := db.FindJuryMember(ctx, 2026, bob.ID); m.AttestedAt == nil {
			t.Fatal("attestation not recorded")
		}
		if years, _ := db.JuryYears(ctx, bob.ID); len(years) != 1 || years[0].Year != 2026 {
			t.Fatalf("bob's juries: %+v", years)
		}
		if err := db.RemoveJuryMember(ctx, 2026, ann.ID, by); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindJuryMember(ctx, 2026, ann.ID); !domain.IsNotFound(err) {
			t.Fatalf("removed member: %v", err)
		}
		if err := db.RemoveJuryMember(ctx, 2026, ann.ID, by); !domain.IsNotFound(err) {
			t.Fatalf("removing twice: %v", err)
		}
	})
}

// TestSwitchToSealedNeedsTheSeal: only the president's seal moves an edition
// to "sealed"; a bare switch would leave it sealed with nothing sealed.
func TestSwitchToSealedNeedsTheSeal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		for _, p := range domain.Phases[1:] {
			if p == domain.PhaseDeliberation {
				break
			}
			if err := db.SwitchPhase(ctx, 2026, p, domain.CLIActor); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SwitchPhase(ctx, 2026, domain.PhaseDeliberation, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		err := db.SwitchPhase(ctx, 2026, domain.PhaseSealed, domain.CLIActor)
		if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "Scellement des décisions") {
			t.Fatalf("switch to sealed: %v", err)
		}
		if e, _ := db.FindEdition(ctx, 2026); e.Phase != domain.PhaseDeliberation {
			t.Fatalf("phase %s", e.Phase)
		}
	})
}

// TestFileFactsRapporteur: the rapporteur fact (who drafts a file's
// letter) holds for the file's rapporteur only, and only once the
// assignments are released — as the other assignment facts.
func TestFileFactsRapporteur(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newAssignmentSetup(t, db)
		toPhase(t, db, domain.PhaseAssignment)
		if err := db.SaveAssignments(ctx, 2026, []domain.Assignment{
			{ApplicationID: s.commune, UserID: s.bob.ID, Rapporteur: true, Source: domain.AssignManual},
			{ApplicationID: s.commune, UserID: s.cid.ID, Source: domain.AssignManual},
			{ApplicationID: s.epci, UserID: s.bob.ID, Source: domain.AssignManual},
		}, s.by); err != nil {
			t.Fatal(err)
		}
		facts := func(u *domain.User, app int64) store.JuryFileFacts {
			t.Helper()
			f, err := db.FileFacts(ctx, 2026, u.ID, app)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		if facts(s.bob, s.commune).Rapporteur {
			t.Fatal("rapporteur before the release")
		}
		if err := db.ReleaseAssignments(ctx, 2026, s.by); err != nil {
			t.Fatal(err)
		}
		if f := facts(s.bob, s.commune); !f.Rapporteur || !f.Assigned {
			t.Fatalf("the rapporteur after the release: %+v", f)
		}
		for what, f := range map[string]store.JuryFileFacts{"co-reviewer": facts(s.cid, s.commune),
			"reviewer of another file": facts(s.bob, s.epci), "not assigned": facts(s.ann, s.epci)} {
			if f.Rapporteur {
				t.Errorf("%s: %+v", what, f)
			}
		}
	})
}

// lockRefusal saves s and expects the store to refuse exactly the fields
// of want, with a conflict code, writing nothing.
func lockRefusal(t *testing.T, db *store.DB, s domain.JurySettings, want map[string]store.JuryLock) {
	t.Helper()
	before, _ := db.FindEdition(ctx, 2026)
	audits := countOf(auditActions(t, db), "jury.settings")
	err := db.SaveJurySettings(ctx, 2026, s, domain.CLIActor)
	var locked *store.LockedSettingsError
	if !errors.As(err, &locked) || !maps.Equal(locked.Fields, want) || domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("saving %+v: %v (%+v), want the fields %v refused", s, err, locked, want)
	}
	after, _ := db.FindEdition(ctx, 2026)
	if !reflect.DeepEqual(after.Jury, before.Jury) || countOf(auditActions(t, db), "jury.settings") != audits {
		t.Fatalf("a refused change was written: %+v, was %+v", after.Jury, before.Jury)
	}
}

func TestJurySettingsLockedOnceAssignmentsReleased(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newAssignmentSetup(t, db)
		if locks, err := db.JurySettingsLocks(ctx, 2026); err != nil || len(locks) != 0 {
			t.Fatalf("nothing locked before the release: %v %v", locks, err)
		}
		if err := db.SaveJurySettings(ctx, 2026, domain.JurySettings{Mode: domain.AssignK, Reviewers: 2}, domain.CLIActor); err != nil {
			t.Fatalf("the mode before the release: %v", err)
		}
		if err := db.SaveJurySettings(ctx, 2026, domain.JurySettings{}, domain.CLIActor); err != nil {
			t.Fatalf("the mode back to its default before the release: %v", err)
		}
		releaseDashboardAssignments(t, db, s)
		locks, err := db.JurySettingsLocks(ctx, 2026)
		want := map[string]store.JuryLock{"mode": store.LockAssignment, "reviewers": store.LockAssignment}
		if err != nil || !maps.Equal(locks, want) {
			t.Fatalf("locks after the release: %v %v, want %v", locks, err, want)
		}
		lockRefusal(t, db, domain.JurySettings{Mode: domain.AssignK}, map[string]store.JuryLock{"mode": store.LockAssignment})
		lockRefusal(t, db, domain.JurySettings{Mode: domain.AssignK, Reviewers: 2, Quorum: 5}, want)
		// The meeting's settings are still free; the locked ones given as
		// their defaults, the values in force, are no change.
		if err := db.SaveJurySettings(ctx, 2026, domain.JurySettings{Mode: domain.AssignFullPanel, Reviewers: 3, Quorum: 5, SecretBallot: true}, domain.CLIActor); err != nil {
			t.Fatalf("an unlocked change after the release: %v", err)
		}
		if _, err := db.JurySettingsLocks(ctx, 1999); !domain.IsNotFound(err) {
			t.Fatalf("the locks of an unknown edition: %v", err)
		}
	})
}

func TestJurySettingsLockedOnceMeetingStarts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newMeetingSetup(t, db, false)
		if err := db.BuildAgenda(ctx, 2026, s.admin); err != nil {
			t.Fatal(err)
		}
		toPhase(t, db, domain.PhaseDeliberation)
		// In the deliberation phase but before the start, a change is free;
		// a value equal to the default counts as no change afterwards.
		if err := db.SaveJurySettings(ctx, 2026, domain.JurySettings{Quorum: 4, MentionAllotment: 3}, domain.CLIActor); err != nil {
			t.Fatalf("before the start: %v", err)
		}
		if err := db.StartMeeting(ctx, 2026, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		locks, err := db.JurySettingsLocks(ctx, 2026)
		if err != nil || len(locks) != 4 || locks["quorum"] != store.LockMeeting || locks["mode"] != "" {
			t.Fatalf("locks once the meeting started: %v %v", locks, err)
		}
		lockRefusal(t, db, domain.JurySettings{Quorum: 5, MentionAllotment: 3, SecretBallot: true, StdDevThreshold: 1.5},
			map[string]store.JuryLock{"quorum": store.LockMeeting, "secret_ballot": store.LockMeeting, "std_dev_threshold": store.LockMeeting})
		lockRefusal(t, db, domain.JurySettings{Quorum: 4, MentionAllotment: 1}, map[string]store.JuryLock{"mention_allotment": store.LockMeeting})
		// Other settings still change; the mention allotment left empty is its default, unchanged.
		if err := db.SaveJurySettings(ctx, 2026, domain.JurySettings{Quorum: 4, Mode: domain.AssignK, WindowYears: 3}, domain.CLIActor); err != nil {
			t.Fatalf("an unlocked change during the meeting: %v", err)
		}
	})
}
