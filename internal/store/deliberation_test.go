package store_test

import (
	"errors"
	"slices"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// meetingSetup is the 2026 edition (label track: bronze 0, argent 1, or 2)
// with three submitted files and a jury of six voters, an assessor and an
// observer; juror1 is recused from Grenoble. Reviews are submitted so that
// Saint-Martin-d'Uriage is a consent file (everyone proposes argent),
// Grenoble a disagreement (bronze bronze bronze or or) and the Métropole a
// top-level candidate (or), nominated for the mention "Mutualisation".
type meetingSetup struct {
	smu, grenoble, metro int64
	president, vice      *domain.User
	jurors               []*domain.User // juror1…juror4
	assessor, observer   *domain.User
	admin                domain.Actor
}

func (s *meetingSetup) voters() []*domain.User {
	return append([]*domain.User{s.president, s.vice}, s.jurors...)
}

func newMeetingSetup(t *testing.T, db *store.DB, secret bool) *meetingSetup {
	t.Helper()
	openEdition(t, db)
	saveDefaultLabelForm(t, db)
	commune, epci := someBodies(t, db)
	grenoble, err := db.FindBodyByKey(ctx, "213801855")
	if err != nil {
		t.Fatal(err)
	}
	applicant := newUser(t, db, "candidate@example.org", domain.RoleApplicant)
	s := &meetingSetup{admin: domain.Actor{Label: "secretariat@example.org"}}
	for _, b := range []*domain.Body{commune, grenoble, epci} {
		app, err := db.CreateApplication(ctx, 2026, "label", b.ID, domain.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Submit(ctx, app.ID, actorOf(applicant), func(map[string]string, int, domain.Submission) (*store.SubmitPlan, error) {
			return &store.SubmitPlan{Answers: []byte("{}"), Digest: "d"}, nil
		}); err != nil {
			t.Fatal(err)
		}
		switch b {
		case commune:
			s.smu = app.ID
		case grenoble:
			s.grenoble = app.ID
		default:
			s.metro = app.ID
		}
	}
	member := func(email string, role domain.JuryRole) *domain.User {
		u := newUser(t, db, email, domain.RoleApplicant)
		if err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: u.ID, Role: role}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		return u
	}
	s.president = member("presidente@example.org", domain.JuryPresident)
	s.vice = member("vice@example.org", domain.JuryVicePresident)
	for _, e := range []string{"jure1@example.org", "jure2@example.org", "jure3@example.org", "jure4@example.org"} {
		s.jurors = append(s.jurors, member(e, domain.JuryJuror))
	}
	s.assessor = member("expert@example.org", domain.JuryAssessor)
	s.observer = member("observateur@example.org", domain.JuryObserver)
	if secret {
		if err := db.SaveJurySettings(ctx, 2026, domain.JurySettings{SecretBallot: true}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	toPhase(t, db, domain.PhaseClosed)
	if _, err := db.DeclareConflict(ctx, store.ConflictDeclaration{Year: 2026, Juror: s.jurors[0].ID, Application: s.grenoble,
		Type: jury.ConflictDirectBody, Severity: jury.ConflictRecuse, Source: jury.ConflictSourceJuror}, actorOf(s.jurors[0])); err != nil {
		t.Fatal(err)
	}
	toPhase(t, db, domain.PhaseReview)
	for i, u := range s.voters() {
		propose := map[int64]int{s.smu: 1, s.metro: 2, s.grenoble: []int{0, 2, 0, 0, 0, 2}[i]}
		for app, l := range propose {
			if app == s.grenoble && u == s.jurors[0] {
				continue
			}
			r := &domain.Review{ApplicationID: app, UserID: u.ID, Stage: domain.ReviewPre, Level: level(l)}
			if app == s.metro && i == 0 {
				r.Mentions = []string{"Mutualisation"}
			}
			if _, err := db.SubmitReview(ctx, r, 0, actorOf(u)); err != nil {
				t.Fatalf("review by %s of %d: %v", u.Email, app, err)
			}
		}
	}
	toPhase(t, db, domain.PhaseDiscussion)
	return s
}

func agendaShape(t *testing.T, db *store.DB) (kinds []string, apps []int64) {
	t.Helper()
	a, err := db.ReadAgenda(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range a.Items {
		kinds = append(kinds, it.Kind)
		apps = append(apps, it.ApplicationID)
	}
	return kinds, apps
}

func TestAgendaBuiltFromAggregatesAndEdited(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newMeetingSetup(t, db, false)
		if err := db.BuildAgenda(ctx, 2026, s.admin); err != nil {
			t.Fatal(err)
		}
		kinds, apps := agendaShape(t, db)
		if !slices.Equal(kinds, []string{store.AgendaConsent, store.AgendaDiscussion, store.AgendaTop, store.AgendaMention}) ||
			!slices.Equal(apps, []int64{s.smu, s.grenoble, s.metro, 0}) {
			t.Fatalf("agenda: %v %v", kinds, apps)
		}
		a, _ := db.ReadAgenda(ctx, 2026)
		if a.StepOuts != 1 || !slices.Equal(a.Items[1].Recused, []int64{s.jurors[0].ID}) ||
			a.Items[3].Mention != "Mutualisation" || !slices.Equal(a.Items[3].Nominees, []int64{s.metro}) {
			t.Fatalf("recusals and mention: %+v, %d step-outs", a.Items, a.StepOuts)
		}
		// Move the discussion file first, remove the mention, add it back? A
		// mention is not a file: remove then re-add a file instead.
		if err := db.MoveAgendaItem(ctx, 2026, a.Items[1].ID, -1, s.admin); err != nil {
			t.Fatal(err)
		}
		if _, apps := agendaShape(t, db); !slices.Equal(apps, []int64{s.grenoble, s.smu, s.metro, 0}) {
			t.Fatalf("after moving up: %v", apps)
		}
		if err := db.RemoveAgendaItem(ctx, 2026, a.Items[2].ID, s.admin); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAgendaItem(ctx, 2026, s.metro, s.admin); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAgendaItem(ctx, 2026, s.metro, s.admin); !errors.Is(err, store.ErrAlreadyOnAgenda) {
			t.Fatalf("a file twice: %v", err)
		}
		kinds, apps = agendaShape(t, db)
		if !slices.Equal(apps, []int64{s.grenoble, s.smu, s.metro, 0}) || kinds[2] != store.AgendaDiscussion {
			t.Fatalf("after removing and adding back: %v %v", kinds, apps)
		}
		// Once the meeting runs, the agenda is not rebuilt.
		toPhase(t, db, domain.PhaseDeliberation)
		if err := db.StartMeeting(ctx, 2026, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		if err := db.BuildAgenda(ctx, 2026, s.admin); !errors.Is(err, store.ErrMeetingStarted) {
			t.Fatalf("rebuild during the meeting: %v", err)
		}
		m, _ := db.MeetingState(ctx, 2026)
		if err := db.RemoveAgendaItem(ctx, 2026, m.CurrentItem, s.admin); !errors.Is(err, store.ErrItemBusy) {
			t.Fatalf("removing the item on screen: %v", err)
		}
	})
}

func TestMeetingVotesAndDecisions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newMeetingSetup(t, db, false)
		if err := db.BuildAgenda(ctx, 2026, s.admin); err != nil {
			t.Fatal(err)
		}
		if err := db.CastVote(ctx, s.smu, s.jurors[1].ID, 1); !errors.Is(err, store.ErrNotDeliberating) {
			t.Fatalf("a vote before the deliberation: %v", err)
		}
		toPhase(t, db, domain.PhaseDeliberation)
		if _, err := db.MeetingState(ctx, 2026); !errors.Is(err, store.ErrNoMeeting) {
			t.Fatalf("before the start: %v", err)
		}
		if rev, err := db.MeetingRevision(ctx, 2026); err != nil || rev != 0 {
			t.Fatalf("revision before the start: %d %v", rev, err)
		}
		if err := db.StartMeeting(ctx, 2026, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		a, _ := db.ReadAgenda(ctx, 2026)
		m, err := db.MeetingState(ctx, 2026)
		if err != nil || m.CurrentItem != a.Items[0].ID || len(m.Present) != 6 || !m.Present[s.jurors[3].ID] {
			t.Fatalf("started: %+v %v", m, err)
		}

		// Saint-Martin-d'Uriage: four grades, the lower middle one decides.
		if err := db.CastVote(ctx, s.grenoble, s.jurors[1].ID, 1); !errors.Is(err, store.ErrNotCurrentItem) {
			t.Fatalf("a vote on a file not on screen: %v", err)
		}
		for _, who := range []*domain.User{s.assessor, s.observer} {
			if err := db.CastVote(ctx, s.smu, who.ID, 1); !errors.Is(err, store.ErrNotVoter) || domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("%s voted: %v", who.Email, err)
			}
		}
		if err := db.CastVote(ctx, s.smu, s.jurors[1].ID, 3); jury.DeliberationCodeOf(err) != jury.DelibLevelOutOfRange {
			t.Fatalf("a grade off the scale: %v", err)
		}
		for i, g := range []int{2, 0, 2, 1} {
			if err := db.CastVote(ctx, s.smu, s.voters()[i].ID, g); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CastVote(ctx, s.smu, s.president.ID, 2); err != nil { // a juror may change their grade
			t.Fatal(err)
		}
		v, err := db.CountVote(ctx, 2026, s.smu)
		if err != nil || v.Outcome != jury.VoteDecided || v.Voters != 4 || v.Median != 1 || !slices.Equal(v.Tally, []int{1, 1, 2}) {
			t.Fatalf("count: %+v %v", v, err)
		}
		d, err := db.SaveDecision(ctx, 2026, s.smu, 1, "", actorOf(s.president))
		if err != nil || *d.Level != 1 || *d.Median != 1 || d.Tally[2] != 2 || len(d.Voters) != 4 || d.Status != domain.DecisionDraft {
			t.Fatalf("decision: %+v %v", d, err)
		}
		if err := db.CastVote(ctx, s.smu, s.jurors[3].ID, 1); !errors.Is(err, store.ErrItemDone) {
			t.Fatalf("a vote after the decision: %v", err)
		}
		if _, err := db.SaveDecision(ctx, 2026, s.smu, 1, "", actorOf(s.president)); !errors.Is(err, store.ErrItemDone) {
			t.Fatalf("deciding twice: %v", err)
		}
		// Reopened, the item takes ballots again; the decision stays until the next one.
		if err := db.ReopenItem(ctx, 2026, a.Items[0].ID, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		if err := db.CastVote(ctx, s.smu, s.jurors[3].ID, 1); err != nil {
			t.Fatalf("a vote after reopening: %v", err)
		}
		if d, err = db.SaveDecision(ctx, 2026, s.smu, 1, "", actorOf(s.president)); err != nil || len(d.Voters) != 5 {
			t.Fatalf("decided again: %+v %v", d, err)
		}

		// Grenoble: juror1 is recused, juror4 absent; three grades miss the quorum of 4.
		before, _ := db.MeetingRevision(ctx, 2026)
		if err := db.SetCurrentItem(ctx, 2026, a.Items[1].ID, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		if after, _ := db.MeetingRevision(ctx, 2026); after <= before {
			t.Fatalf("revision %d then %d", before, after)
		}
		err = db.CastVote(ctx, s.grenoble, s.jurors[0].ID, 2)
		if jury.DeliberationCodeOf(err) != jury.DelibRecusedVoter || domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("a recused juror voted: %v", err)
		}
		if err := db.SetAttendance(ctx, 2026, s.jurors[3].ID, false, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		if err := db.CastVote(ctx, s.grenoble, s.jurors[3].ID, 2); !errors.Is(err, store.ErrAbsent) {
			t.Fatalf("an absent juror voted: %v", err)
		}
		for _, u := range []*domain.User{s.president, s.vice, s.jurors[1]} {
			if err := db.CastVote(ctx, s.grenoble, u.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		ballots, _ := db.LevelBallots(ctx, s.grenoble)
		if len(ballots) != 3 || slices.ContainsFunc(ballots, func(b jury.LevelBallot) bool { return b.JurorID == s.jurors[0].ID }) {
			t.Fatalf("the recused juror's ballot was kept: %+v", ballots)
		}
		d, err = db.SaveDecision(ctx, 2026, s.grenoble, 0, "", actorOf(s.president))
		if err != nil || d.Level != nil || d.Median != nil || !slices.Equal(d.Recused, []int64{s.jurors[0].ID}) {
			t.Fatalf("no quorum: %+v %v", d, err)
		}
		if a, _ := db.ReadAgenda(ctx, 2026); a.Items[1].Status != store.ItemPostponed {
			t.Fatalf("not postponed: %+v", a.Items[1])
		}

		// The Métropole: grades 1 1 2 2 give argent; or needs a reason and a confirmation.
		if err := db.SetCurrentItem(ctx, 2026, a.Items[2].ID, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		for i, g := range []int{1, 1, 2, 2} {
			if err := db.CastVote(ctx, s.metro, s.voters()[i].ID, g); err != nil {
				t.Fatal(err)
			}
		}
		_, err = db.SaveDecision(ctx, 2026, s.metro, 2, "  ", actorOf(s.president))
		if jury.DeliberationCodeOf(err) != jury.DelibOverrideWithoutReason || domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("an override without a reason: %v", err)
		}
		const reason = "Mutualisation exemplaire à l'échelle de la métropole."
		if _, err := db.SaveDecision(ctx, 2026, s.metro, 2, reason, actorOf(s.president)); jury.DeliberationCodeOf(err) != jury.DelibOverrideNotConfirmed {
			t.Fatalf("an override without a confirmation vote: %v", err)
		}
		if err := db.CastConfirmation(ctx, s.metro, s.jurors[1].ID, 2, jury.ConfirmFor); !errors.Is(err, store.ErrNoOverride) {
			t.Fatalf("a confirmation of nothing proposed: %v", err)
		}
		if err := db.ProposeOverride(ctx, s.metro, 2, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			u      *domain.User
			choice jury.ConfirmationChoice
		}{{s.vice, jury.ConfirmAgainst}, {s.jurors[1], jury.ConfirmFor}, {s.jurors[2], jury.ConfirmFor}} {
			if err := db.CastConfirmation(ctx, s.metro, c.u.ID, 2, c.choice); err != nil {
				t.Fatal(err)
			}
		}
		if o, _ := db.Overrides(ctx, s.metro); len(o) != 1 || o[0].Level != 2 || o[0].Ballots[s.vice.ID] != jury.ConfirmAgainst {
			t.Fatalf("overrides: %+v", o)
		}
		d, err = db.SaveDecision(ctx, 2026, s.metro, 2, reason, actorOf(s.president))
		if err != nil || *d.Level != 2 || *d.Median != 1 || d.OverrideReason != reason || !d.Overridden() {
			t.Fatalf("override: %+v %v", d, err)
		}

		// The mention: the Métropole, nominated once, is put to a confirmation vote.
		if err := db.SetCurrentItem(ctx, 2026, a.Items[3].ID, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		if err := db.CastMentionVote(ctx, 2026, a.Items[3].ID, s.smu, s.vice.ID, jury.ConfirmFor); jury.DeliberationCodeOf(err) != jury.DelibUnknownFile {
			t.Fatalf("a vote for a file not nominated: %v", err)
		}
		if err := db.CastMentionVote(ctx, 2026, a.Items[3].ID, s.metro, s.jurors[3].ID, jury.ConfirmFor); !errors.Is(err, store.ErrAbsent) {
			t.Fatalf("an absent juror's mention vote: %v", err)
		}
		for i, u := range s.voters()[:5] {
			choice := jury.ConfirmFor
			if i == 2 {
				choice = jury.ConfirmAgainst
			}
			if err := db.CastMentionVote(ctx, 2026, a.Items[3].ID, s.metro, u.ID, choice); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := db.AwardMention(ctx, 2026, a.Items[3].ID, actorOf(s.president)); err != nil || !slices.Equal(got, []int64{s.metro}) {
			t.Fatalf("award: %v %v", got, err)
		}
		if d, _ := db.Decision(ctx, s.metro); !slices.Equal(d.Mentions, []string{"Mutualisation"}) || *d.Level != 2 {
			t.Fatalf("the mention is not in the decision: %+v", d)
		}
		if a, _ := db.ReadAgenda(ctx, 2026); a.Items[3].Status != store.ItemDecided {
			t.Fatalf("mention item: %+v", a.Items[3])
		}

		all, err := db.Decisions(ctx, 2026)
		if err != nil || len(all) != 3 {
			t.Fatalf("decisions: %+v %v", all, err)
		}
		for _, d := range all {
			switch d.ApplicationID {
			case s.smu:
				if *d.Level != 1 || d.Tally[0] != 1 || d.Tally[1] != 2 || d.Tally[2] != 2 {
					t.Errorf("SMU read back: %+v", d)
				}
			case s.grenoble:
				if d.Level != nil || d.Tally[0] != 3 || len(d.Voters) != 3 {
					t.Errorf("Grenoble read back: %+v", d)
				}
			case s.metro:
				if *d.Level != 2 || d.OverrideReason != reason {
					t.Errorf("Métropole read back: %+v", d)
				}
			}
		}
		// Open ballot: the grades stay.
		if b, _ := db.LevelBallots(ctx, s.smu); len(b) != 5 {
			t.Fatalf("open ballot grades: %+v", b)
		}
	})
}

func TestSecretBallotKeepsOnlyTheTally(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newMeetingSetup(t, db, true)
		if err := db.BuildAgenda(ctx, 2026, s.admin); err != nil {
			t.Fatal(err)
		}
		toPhase(t, db, domain.PhaseDeliberation)
		if err := db.StartMeeting(ctx, 2026, actorOf(s.president)); err != nil {
			t.Fatal(err)
		}
		for i, g := range []int{1, 1, 1, 2, 0} {
			if err := db.CastVote(ctx, s.smu, s.voters()[i].ID, g); err != nil {
				t.Fatal(err)
			}
		}
		d, err := db.SaveDecision(ctx, 2026, s.smu, 1, "", actorOf(s.president))
		if err != nil || *d.Level != 1 {
			t.Fatalf("decision: %+v %v", d, err)
		}
		if b, _ := db.LevelBallots(ctx, s.smu); len(b) != 0 {
			t.Fatalf("secret ballot: grades kept %+v", b)
		}
		got, err := db.Decision(ctx, s.smu)
		if err != nil || got.Tally[1] != 3 || got.Tally[2] != 1 || got.Tally[0] != 1 || len(got.Voters) != 5 {
			t.Fatalf("tally read back: %+v %v", got, err)
		}
	})
}
