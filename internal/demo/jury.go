package demo

// The jury at work (issue 6 §10): two editions whose jury a visitor can
// follow from both sides, written through the same store calls as the site
// so that the audit log tells each step.
//
//   - An earlier edition, two years back, in the phase "deliberation": six
//     files reviewed by the whole panel, conflicts suggested from the
//     jurors' real affiliations and confirmed, one disagreement left for
//     the meeting, one proposal revised during the discussion, the agenda
//     built. Last year's edition stays as it is: Saint-Martin-d'Uriage's
//     current application starts from it.
//   - The current edition in the phase "review": three more files, two
//     reviewers per file chosen by the solver and released, attestations
//     signed by jure1–3 (jure4 not yet), reviews in draft and submitted,
//     two suggested conflicts still waiting for the secretariat.
//
// The jury is the same in both: jure1 presides, jure2 is vice-president
// and an elected official of Échirolles, jure3 works for
// Grenoble-Alpes-Métropole, jure4 is a juror.

import (
	"context"
	"fmt"
	"time"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// More bodies of the directory for the jury's files.
const (
	bodyMetropole = "200040715" // Grenoble-Alpes-Métropole
	bodyVoiron    = "213805633"
	bodyAlbi      = "218100048"
	bodyAngouleme = "211600150"
	bodyNancy     = "215403957"
)

// demoJurors are the jury of both editions, president first.
var demoJurors = []struct {
	email string
	role  domain.JuryRole
	tags  []string
}{
	{"jure1@example.org", domain.JuryPresident, []string{"elu"}},
	{"jure2@example.org", domain.JuryVicePresident, []string{"elu"}},
	{"jure3@example.org", domain.JuryJuror, []string{"technique"}},
	{"jure4@example.org", domain.JuryJuror, []string{"technique"}},
}

// demoFile is an application for the jury: its body, who fills it in, and
// the level each juror proposes (index in demoJurors; -1 abstains).
type demoFile struct {
	body, by  string
	variant   int
	proposals [4]int
}

// The earlier edition's files. Recused jurors' proposals are never used:
// jure2 and jure3 are recused from Échirolles and the métropole, jure3 from
// Grenoble. Voiron splits the jury (Bronze to Or); jure4 abstains on
// Angoulême.
var earlierFiles = []demoFile{
	{bodyGrenoble, "candidat2@example.org", 2, [4]int{2, 2, 0, 1}},
	{bodyEchirolles, "candidat4@example.org", 3, [4]int{1, 0, 0, 1}},
	{bodyMetropole, "admin@example.org", 1, [4]int{2, 0, 0, 2}},
	{bodyVoiron, "admin@example.org", 0, [4]int{0, 2, 1, 1}},
	{bodyAlbi, "admin@example.org", 1, [4]int{0, 0, 1, 0}},
	{bodyAngouleme, "admin@example.org", 2, [4]int{1, 1, 1, -1}},
}

// The current edition's new files, beside Grenoble's and Échirolles'.
var currentFiles = []demoFile{
	{bodyVoiron, "admin@example.org", 1, [4]int{1, 1, 2, 1}},
	{bodyNancy, "admin@example.org", 0, [4]int{2, 2, 1, 2}},
	{bodyAlbi, "admin@example.org", 3, [4]int{0, 1, 0, 0}},
}

// juryRun is the state of the loading: the store, its clock, the jurors
// and the files by body key.
type juryRun struct {
	ctx    context.Context
	db     *store.DB
	jurors []*domain.User
	admin  domain.Actor
	apps   map[string]*domain.Application
}

// at sets the store's clock, so that each step is dated in its edition.
func (r *juryRun) at(t time.Time) { r.db.Now = func() time.Time { return t } }

func actorOf(u *domain.User) domain.Actor { return domain.Actor{ID: u.ID, Label: u.Email} }

// loadJury writes both editions' jury work. It runs after the
// applications, whose ids the browser tests name.
func loadJury(ctx context.Context, db *store.DB, now time.Time) error {
	realNow := db.Now
	defer func() { db.Now = realNow }()
	r := &juryRun{ctx: ctx, db: db}
	admin, err := db.FindUserByEmail(ctx, "admin@example.org")
	if err != nil {
		return err
	}
	r.admin = actorOf(admin)
	for _, j := range demoJurors {
		u, err := db.FindUserByEmail(ctx, j.email)
		if err != nil {
			return err
		}
		r.jurors = append(r.jurors, u)
	}
	if err := r.affiliations(now); err != nil {
		return err
	}
	cur, err := db.FindEdition(ctx, now.In(domain.Paris).Year())
	if err != nil {
		return err
	}
	if err := r.earlierEdition(cur); err != nil {
		return fmt.Errorf("the jury of %d: %w", cur.Year-2, err)
	}
	if err := r.currentEdition(cur, now); err != nil {
		return fmt.Errorf("the jury of %d: %w", cur.Year, err)
	}
	return nil
}

// affiliations records the links the conflict rules read: jure2 is an
// elected official of Échirolles, jure3 an employee of the métropole, both
// for years (affiliations are kept across editions).
func (r *juryRun) affiliations(now time.Time) error {
	r.at(now.AddDate(-3, 0, 0))
	for _, a := range []struct {
		juror int
		body  string
		role  jury.AffiliationRole
		years int
	}{{1, bodyEchirolles, jury.AffiliationElected, 6}, {2, bodyMetropole, jury.AffiliationEmployee, 9}} {
		since := now.AddDate(-a.years, 0, 0)
		aff := &store.Affiliation{UserID: r.jurors[a.juror].ID, BodyKey: a.body, Role: a.role, StartsAt: &since}
		if err := r.db.AddAffiliation(r.ctx, aff, r.admin); err != nil {
			return err
		}
	}
	return nil
}

// earlierEdition gives the edition two years back a calendar, its
// questionnaires, six files and a jury that reached the deliberation.
func (r *juryRun) earlierEdition(cur *domain.Edition) error {
	year := cur.Year - 2
	e, err := r.db.FindEdition(r.ctx, year)
	if domain.IsNotFound(err) {
		e, err = &domain.Edition{Year: year, Title: fmt.Sprintf("Édition %d", year)}, nil
	}
	if err != nil {
		return err
	}
	back := func(t *time.Time) *time.Time { v := t.AddDate(-2, 0, 0); return &v }
	e.OpensAt, e.ClosesAt, e.JuryAt = back(cur.OpensAt), back(cur.ClosesAt), back(cur.JuryAt)
	e.CeremonyAt, e.CeremonyPlace, e.PublishAt = back(cur.CeremonyAt), cur.CeremonyPlace, back(cur.PublishAt)
	e.Rules, e.Mentions, e.Tracks = cur.Rules, cur.Mentions, editionTracks()
	if err := r.db.SaveEdition(r.ctx, e); err != nil {
		return err
	}
	if err := saveDefaults(r.ctx, r.db, year, nil); err != nil {
		return err
	}
	// A full panel: every juror without a conflict reviews every file, at
	// least two per file.
	if err := r.db.SaveJurySettings(r.ctx, year, domain.JurySettings{Mode: domain.AssignFullPanel, Reviewers: 2}, r.admin); err != nil {
		return err
	}
	r.apps = map[string]*domain.Application{}
	r.at(e.OpensAt.AddDate(0, 0, 20))
	for _, f := range earlierFiles {
		app, err := fillApplication(r.ctx, r.db, year, "label", f.body, f.by, f.variant, 1.0, 1)
		if err != nil {
			return err
		}
		r.apps[f.body] = app
	}
	day := e.ClosesAt.AddDate(0, 0, 1)
	submitAll := func(int, int) bool { return true }
	return inTurn(
		func() error { return r.members(year, 0) },
		func() error { return r.toPhase(year, domain.PhaseClosed, day) },
		func() error { return r.conflicts(year, true) },
		func() error { return r.declareVoiron(year) },
		func() error { return r.attestAndAssign(year, 4, jury.AssignModeFullPanel, day.AddDate(0, 0, 3)) },
		func() error { return r.toPhase(year, domain.PhaseReview, day.AddDate(0, 0, 8)) },
		func() error { return r.reviews(year, earlierFiles, day.AddDate(0, 0, 9), 0, submitAll) },
		func() error { return r.toPhase(year, domain.PhaseDiscussion, day.AddDate(0, 0, 30)) },
		// In the discussion jure4 joins the others on Grenoble: Argent → Or.
		func() error { return r.revise(bodyGrenoble, 3, 2) },
		func() error { return r.toPhase(year, domain.PhaseDeliberation, e.JuryAt.AddDate(0, 0, -1)) },
		func() error { return r.db.BuildAgenda(r.ctx, year, r.admin) },
	)
}

// inTurn runs the steps of an edition's jury one after the other, up to
// the first that fails.
func inTurn(steps ...func() error) error {
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// currentEdition takes this year's edition to the review phase, with three
// more submitted files.
func (r *juryRun) currentEdition(cur *domain.Edition, now time.Time) error {
	year := cur.Year
	if err := r.db.SaveJurySettings(r.ctx, year, domain.JurySettings{Mode: domain.AssignK, Reviewers: 2}, r.admin); err != nil {
		return err
	}
	r.apps = map[string]*domain.Application{}
	apps, err := r.db.ListApplications(r.ctx, store.ApplicationFilter{Year: year, Track: "label"})
	if err != nil {
		return err
	}
	for _, a := range apps {
		r.apps[a.Body.Key] = a
	}
	r.at(now.AddDate(0, 0, -6))
	for _, f := range currentFiles {
		app, err := fillApplication(r.ctx, r.db, year, "label", f.body, f.by, f.variant, 1.0, 1)
		if err != nil {
			return err
		}
		r.apps[f.body] = app
	}
	files := append([]demoFile{{bodyGrenoble, "", 2, [4]int{2, 1, 1, 1}}, {bodyEchirolles, "", 3, [4]int{1, 1, 1, 1}}}, currentFiles...)
	// jure1 and jure2 submit their first file and keep a draft of the
	// second; jure3 has drafts only; jure4 has not attested yet.
	firstOfTwo := func(juror, nth int) bool { return juror < 2 && nth == 0 }
	return inTurn(
		// Ten reviews among four jurors: three files each at most.
		func() error { return r.members(year, 3) },
		func() error { return r.toPhase(year, domain.PhaseClosed, now.AddDate(0, 0, -5)) },
		func() error { return r.conflicts(year, false) },
		func() error { return r.attestAndAssign(year, 3, jury.AssignModeReviewers, now.AddDate(0, 0, -4)) },
		func() error { return r.toPhase(year, domain.PhaseReview, now.AddDate(0, 0, -2)) },
		func() error { return r.reviews(year, files, now.AddDate(0, 0, -1), 2, firstOfTwo) },
	)
}
