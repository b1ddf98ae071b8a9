package web

import (
	"net/url"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// juryFixture is an edition of 2026 whose applications are submitted, with
// a whole jury signed in, for the jury's tests:
//
//   - applications (label track, submitted): Saint-Martin-d'Uriage,
//     Grenoble and Échirolles (communes of Grenoble-Alpes-Métropole in the
//     test directory), Grenoble-Alpes-Métropole itself, and Voiron (another
//     EPCI);
//   - jury: a president, a vice-president, three jurors, an external
//     assessor and an observer, each a signed-in browser, plus an admin
//     (the secretariat); juror1 is an elected official of Échirolles
//     (affiliations are the conflicts tests' to record);
//   - the edition is left in the phase "closed" (applications closed,
//     eligibility check): tests move it on with a.db.SwitchPhase or
//     f.toPhase.
type juryFixture struct {
	a       *testApp
	edition *domain.Edition
	apps    map[string]*domain.Application // by body name: "Saint-Martin-d'Uriage", "Grenoble", "Échirolles", "Grenoble-Alpes-Métropole", "Voiron"
	bodies  map[string]*domain.Body

	admin                     *browser
	president, vice           *browser
	juror1, juror2, juror3    *browser
	assessor, observer        *browser
	users                     map[string]*domain.User // by email
	presidentU, viceU         *domain.User
	juror1U, juror2U, juror3U *domain.User
	assessorU, observerU      *domain.User
	applicantElu              *domain.User // élu référent of Saint-Martin-d'Uriage
	applicant                 *browser
}

func newJuryFixture(t *testing.T, a *testApp) *juryFixture {
	t.Helper()
	f := &juryFixture{a: a, apps: map[string]*domain.Application{}, bodies: map[string]*domain.Body{},
		users: map[string]*domain.User{}}
	smu, grenoble, metro := teamTestBodies(t, a)
	extra := []domain.Body{
		{Key: "213801517", Name: "Échirolles", Kind: "commune", Departement: "38", INSEE: "38151", SIREN: "213801517", EPCI: "200040715", SearchName: "echirolles"},
		{Key: "213805633", Name: "Voiron", Kind: "commune", Departement: "38", INSEE: "38563", SIREN: "213805633", EPCI: "243800984", SearchName: "voiron"},
	}
	if err := a.db.SyncDirectory(ctx, append([]domain.Body{*smu, *grenoble, *metro}, extra...), "test-jury"); err != nil {
		t.Fatal(err)
	}
	f.edition = openTestEdition(t, a, 2026)
	f.applicant, _ = a.joinTeam(smu, "elu@example.org", domain.RoleElu)
	elu, err := a.db.FindUserByEmail(ctx, "elu@example.org")
	if err != nil {
		t.Fatal(err)
	}
	f.applicantElu = elu
	for _, key := range []string{smu.Key, grenoble.Key, "213801517", metro.Key, "213805633"} {
		b, err := a.db.FindBodyByKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		f.bodies[b.Name] = b
		app, err := a.db.CreateApplication(ctx, 2026, "label", b.ID, domain.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		submitForTest(t, a, app.ID, f.applicantElu)
		f.apps[b.Name] = app
	}
	f.admin = a.signedIn("secretariat@example.org", domain.RoleAdmin)
	member := func(email string, role domain.JuryRole, tags ...string) (*browser, *domain.User) {
		b := a.signedIn(email, domain.RoleApplicant)
		u, err := a.db.FindUserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: u.ID, Role: role, Tags: tags}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		f.users[email] = u
		return b, u
	}
	f.president, f.presidentU = member("presidente@example.org", domain.JuryPresident, "elu")
	f.vice, f.viceU = member("vice@example.org", domain.JuryVicePresident, "technique")
	f.juror1, f.juror1U = member("jure1@example.org", domain.JuryJuror, "elu")
	f.juror2, f.juror2U = member("jure2@example.org", domain.JuryJuror, "technique")
	f.juror3, f.juror3U = member("jure3@example.org", domain.JuryJuror, "technique", "elu")
	f.assessor, f.assessorU = member("expert@example.org", domain.JuryAssessor, "technique")
	f.observer, f.observerU = member("observateur@example.org", domain.JuryObserver)
	f.toPhase(t, domain.PhaseClosed)
	return f
}

// attest records the conflict attestations of users, as if each had
// signed theirs.
func (f *juryFixture) attest(t *testing.T, users ...*domain.User) {
	t.Helper()
	for _, u := range users {
		if _, err := f.a.db.AttestConflicts(ctx, 2026, u.ID, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
	}
}

// toPhase moves the edition forward, one phase at a time, to p.
func (f *juryFixture) toPhase(t *testing.T, p domain.Phase) {
	t.Helper()
	for {
		e, err := f.a.db.FindEdition(ctx, 2026)
		if err != nil {
			t.Fatal(err)
		}
		f.edition = e
		if e.Phase == p {
			return
		}
		next, ok := e.Phase.Next()
		if !ok || !e.Phase.Before(p) {
			t.Fatalf("cannot move from %s to %s", e.Phase, p)
		}
		if err := switchForTest(f.a.db, 2026, next); err != nil {
			t.Fatal(err)
		}
	}
}

func TestJuryFixture(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		if f.edition.Phase != domain.PhaseClosed || len(f.apps) != 5 {
			t.Fatalf("phase %s, %d applications", f.edition.Phase, len(f.apps))
		}
		members, _ := a.db.JuryMembers(ctx, 2026)
		if len(members) != 7 || members[0].Role != domain.JuryPresident {
			t.Fatalf("jury: %+v", members)
		}
		for name, app := range f.apps {
			got, err := a.db.FindApplication(ctx, app.ID)
			if err != nil || got.Status != domain.ApplicationSubmitted {
				t.Fatalf("%s: %+v %v", name, got, err)
			}
		}
	})
}

// switchForTest is SwitchPhase, except that the edition enters "sealed"
// directly: the seal itself needs a whole meeting (jury_seal_test.go).
func switchForTest(db *store.DB, year int, p domain.Phase) error {
	if p != domain.PhaseSealed {
		return db.SwitchPhase(ctx, year, p, domain.CLIActor)
	}
	_, err := store.RawSQL(db).Exec(`UPDATE editions SET phase = $1 WHERE year = $2`, p, year)
	return err
}

// openNowEdition opens an edition of a test's own, open since yesterday
// whatever its year.
func openNowEdition(t *testing.T, a *testApp, year int) {
	t.Helper()
	e := openTestEdition(t, a, year)
	opens := a.clock.now().AddDate(0, 0, -1)
	e.OpensAt = &opens
	if err := a.db.SaveEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
}

// submittedTestFile adds body to the directory and submits its label
// application to the year's edition, by a new applicant; it returns the
// application.
func submittedTestFile(t *testing.T, a *testApp, year int, body domain.Body, applicant string) *domain.Application {
	t.Helper()
	if err := a.db.SyncDirectory(ctx, []domain.Body{body}, "test-"+body.Key); err != nil {
		t.Fatal(err)
	}
	b, err := a.db.FindBodyByKey(ctx, body.Key)
	if err != nil {
		t.Fatal(err)
	}
	app, err := a.db.CreateApplication(ctx, year, "label", b.ID, domain.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	submitForTest(t, a, app.ID, a.addUser(applicant, domain.RoleApplicant))
	return app
}

// adminPost is an admin POST route's fixture for the audit test of admin
// routes (security_test.go): the address to post to and the form, such
// that the post succeeds once. An alias, so that the fixtures of other
// features, which spell the struct out, mix with the jury's.
type adminPost = struct {
	path string
	form url.Values
}
