package store_test

import (
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// conflictFixture is an edition of 2026 with four submitted applications
// (Grenoble and Échirolles, communes of Grenoble-Alpes-Métropole, the
// métropole itself, and Voiron) and a jury of three.
type conflictFixture struct {
	apps               map[string]int64 // by body name
	jure, autre, tiers *domain.User
	syndicat           *domain.Body // a syndicat outside the directory, Échirolles among its members
}

func newConflictFixture(t *testing.T, db *store.DB) *conflictFixture {
	t.Helper()
	openEdition(t, db)
	someBodies(t, db)
	if err := db.SyncDirectory(ctx, []domain.Body{
		{Key: "213801517", Name: "Échirolles", Kind: "commune", Departement: "38", SIREN: "213801517", EPCI: "200040715", SearchName: "echirolles"},
		{Key: "213805633", Name: "Voiron", Kind: "commune", Departement: "38", SIREN: "213805633", EPCI: "243800984", SearchName: "voiron"},
	}, "test-2"); err != nil {
		t.Fatal(err)
	}
	f := &conflictFixture{apps: map[string]int64{}}
	alice := newUser(t, db, "alice@example.org", domain.RoleApplicant)
	for _, key := range []string{"213801855", "213801517", "200040715", "213805633"} {
		b, err := db.FindBodyByKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		app, err := db.CreateApplication(ctx, 2026, "label", b.ID, domain.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Submit(ctx, app.ID, actorOf(alice), func(map[string]string, int, domain.Submission) (*store.SubmitPlan, error) {
			return &store.SubmitPlan{Answers: []byte("{}"), Digest: "0"}, nil
		}); err != nil {
			t.Fatal(err)
		}
		f.apps[b.Name] = app.ID
	}
	ech, _ := db.FindBodyByKey(ctx, "213801517")
	f.syndicat = &domain.Body{Name: "SIVOM du Sud grenoblois", Kind: "syndicat", Departement: "38", SearchName: "sivom du sud grenoblois"}
	if err := db.RequestBody(ctx, f.syndicat, []int64{ech.ID}, actorOf(alice), nil); err != nil {
		t.Fatal(err)
	}
	f.jure = newUser(t, db, "jure@example.org", domain.RoleJury)
	f.autre = newUser(t, db, "autre@example.org", domain.RoleJury)
	f.tiers = newUser(t, db, "tiers@example.org", domain.RoleJury)
	for _, u := range []*domain.User{f.jure, f.autre, f.tiers} {
		if err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: u.ID, Role: domain.JuryJuror}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func bodyID(t *testing.T, db *store.DB, key string) int64 {
	t.Helper()
	b, err := db.FindBodyByKey(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	return b.ID
}

func TestConflictTerritory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newConflictFixture(t, db)
		terr := db.ConflictTerritory(ctx)
		if p := terr.Parents("213801517"); len(p) != 2 {
			t.Fatalf("Échirolles' parents: %v (its EPCI and the syndicat)", p)
		}
		if p := terr.Parents("213805633"); len(p) != 0 {
			t.Fatalf("Voiron's EPCI is not in the table: %v", p)
		}
		if b, ok := terr.Body("200040715"); !ok || b.Name != "Grenoble-Alpes-Métropole" || b.KindLabel != "métropole" {
			t.Fatalf("métropole: %+v %v", b, ok)
		}
		if _, ok := terr.Body("nope"); ok || terr.Err() != nil {
			t.Fatalf("unknown body: %v", terr.Err())
		}
		if b, _ := terr.Body(f.syndicat.Key); b.KindLabel != "syndicat" {
			t.Fatalf("syndicat: %+v", b)
		}
	})
}

func TestAffiliations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newConflictFixture(t, db)
		before := len(auditActions(t, db))
		self := &store.Affiliation{UserID: f.jure.ID, BodyKey: "213801517", Role: jury.AffiliationElected}
		if err := db.AddAffiliation(ctx, self, actorOf(f.jure)); err != nil || self.ID == 0 {
			t.Fatalf("%+v %v", self, err)
		}
		if n := len(auditActions(t, db)); n != before {
			t.Fatalf("a person's own affiliation is not audited: %d entries", n-before)
		}
		start := time.Date(2010, 3, 1, 0, 0, 0, 0, domain.Paris)
		end := time.Date(2015, 6, 30, 0, 0, 0, 0, domain.Paris)
		old := &store.Affiliation{UserID: f.jure.ID, Organisation: "Libre Conseil SARL", Role: jury.AffiliationConsultant,
			StartsAt: &start, EndsAt: &end}
		admin := domain.Actor{ID: f.tiers.ID, Label: "tiers@example.org"}
		if err := db.AddAffiliation(ctx, old, admin); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAffiliation(ctx, &store.Affiliation{UserID: f.jure.ID, BodyKey: "999999999", Role: jury.AffiliationElected},
			admin); !domain.IsNotFound(err) {
			t.Fatalf("unknown body key: %v", err)
		}
		for _, bad := range []store.Affiliation{
			{UserID: f.jure.ID, Role: jury.AffiliationElected},
			{UserID: f.jure.ID, Organisation: "X", Role: "maire"},
			{UserID: f.jure.ID, Organisation: "X", Role: jury.AffiliationBoard, StartsAt: &end, EndsAt: &start},
		} {
			if err := db.AddAffiliation(ctx, &bad, admin); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("%+v: %v", bad, err)
			}
		}
		list, err := db.Affiliations(ctx, f.jure.ID)
		if err != nil || len(list) != 2 || list[0].Label() != "Échirolles" || list[0].BodyKey != "213801517" ||
			list[1].Label() != "Libre Conseil SARL" || !list[1].EndsAt.Equal(end) || list[1].BodyID != 0 {
			t.Fatalf("affiliations: %+v %v", list, err)
		}
		if err := db.RemoveAffiliation(ctx, f.autre.ID, old.ID, admin); !domain.IsNotFound(err) {
			t.Fatalf("another person's affiliation: %v", err)
		}
		if err := db.RemoveAffiliation(ctx, f.jure.ID, old.ID, admin); err != nil {
			t.Fatal(err)
		}
		actions := auditActions(t, db)
		if countOf(actions, "jury.affiliation.add") != 1 || countOf(actions, "jury.affiliation.remove") != 1 {
			t.Fatalf("an admin's changes are audited once each: %v", actions)
		}
	})
}

func TestSuggestDecideDeclareConflicts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newConflictFixture(t, db)
		by := domain.Actor{ID: f.tiers.ID, Label: "secretariat@example.org"}
		end := time.Date(2015, 6, 30, 0, 0, 0, 0, domain.Paris)
		for _, a := range []*store.Affiliation{
			{UserID: f.jure.ID, BodyID: bodyID(t, db, "213801517"), Role: jury.AffiliationElected},
			{UserID: f.jure.ID, BodyID: bodyID(t, db, "213805633"), Role: jury.AffiliationEmployee, EndsAt: &end}, // out of the window
			{UserID: f.autre.ID, BodyID: f.syndicat.ID, Role: jury.AffiliationBoard},
			{UserID: f.tiers.ID, Organisation: "Libre Conseil SARL", Role: jury.AffiliationConsultant},
		} {
			if err := db.AddAffiliation(ctx, a, domain.CLIActor); err != nil {
				t.Fatal(err)
			}
		}
		n, err := db.SuggestConflicts(ctx, 2026, by)
		if err != nil || n != 3 {
			t.Fatalf("suggested %d, %v; want 3", n, err)
		}
		ech, metro, gre, voiron := f.apps["Échirolles"], f.apps["Grenoble-Alpes-Métropole"], f.apps["Grenoble"], f.apps["Voiron"]
		m, err := db.EffectiveConflicts(ctx, 2026)
		if err != nil || !m.Recused(f.jure.ID, ech) || !m.Recused(f.jure.ID, metro) || m.Recused(f.jure.ID, gre) ||
			m.Recused(f.jure.ID, voiron) || !m.Recused(f.autre.ID, ech) || len(m) != 3 {
			t.Fatalf("effective: %v %v", m, err)
		}
		reg, err := db.Conflicts(ctx, 2026, store.ConflictFilter{Juror: f.jure.ID})
		if err != nil || len(reg) != 2 || reg[0].BodyName != "Échirolles" || reg[0].Type != jury.ConflictDirectBody ||
			reg[0].Status != jury.ConflictSuggested || reg[0].Source != jury.ConflictSourceAuto || reg[0].Reason == "" ||
			reg[1].BodyName != "Grenoble-Alpes-Métropole" || reg[1].Type != jury.ConflictTerritorialHierarchy {
			t.Fatalf("register: %+v %v", reg, err)
		}
		if facts, _ := db.FileFacts(ctx, 2026, f.jure.ID, metro); !facts.Recused || facts.Disclosed {
			t.Fatalf("a suggested recusal counts: %+v", facts)
		}

		if err := db.DecideConflict(ctx, reg[1].ID, false, "  ", by); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("dismissal without a reason: %v", err)
		}
		if err := db.DecideConflict(ctx, reg[1].ID, false, "Élu d'Échirolles sans délégation métropolitaine.", by); err != nil {
			t.Fatal(err)
		}
		if err := db.DecideConflict(ctx, reg[0].ID, true, "", by); err != nil {
			t.Fatal(err)
		}
		if facts, _ := db.FileFacts(ctx, 2026, f.jure.ID, metro); facts.Recused {
			t.Fatalf("a dismissed recusal no longer counts: %+v", facts)
		}
		if n, err := db.SuggestConflicts(ctx, 2026, by); err != nil || n != 0 {
			t.Fatalf("second run: %d %v", n, err)
		}
		got, _ := db.FindConflict(ctx, reg[1].ID)
		if got.Status != jury.ConflictDismissed || got.Decision == "" || got.DecidedBy != "tiers@example.org" || got.DecidedAt == nil {
			t.Fatalf("a dismissed conflict stays dismissed, with its reason: %+v", got)
		}

		// Declarations: a juror discloses a link, an applicant names a juror.
		if _, err := db.DeclareConflict(ctx, store.ConflictDeclaration{Year: 2026, Juror: f.tiers.ID, Application: gre,
			Type: jury.ConflictPersonal, Severity: jury.ConflictDisclose, Text: "Ma sœur travaille à la DSI.",
			Source: jury.ConflictSourceJuror}, actorOf(f.tiers)); err != nil {
			t.Fatal(err)
		}
		if facts, _ := db.FileFacts(ctx, 2026, f.tiers.ID, gre); facts.Recused || !facts.Disclosed {
			t.Fatalf("disclosed: %+v", facts)
		}
		if _, err := db.DeclareConflict(ctx, store.ConflictDeclaration{Year: 2026, Juror: f.autre.ID, Application: voiron,
			Type: jury.ConflictCommercial, Severity: jury.ConflictRecuse, Text: "Prestataire de notre DSI en 2025.",
			Source: jury.ConflictSourceApplicant}, domain.Actor{Label: "elu@example.org"}); err != nil {
			t.Fatal(err)
		}
		declared, _ := db.Conflicts(ctx, 2026, store.ConflictFilter{Source: jury.ConflictSourceApplicant})
		if len(declared) != 1 || declared[0].Juror != f.autre.ID || declared[0].Application != voiron ||
			declared[0].Reason != "Prestataire de notre DSI en 2025." || declared[0].JurorLabel() != "autre@example.org" {
			t.Fatalf("applicant declarations: %+v", declared)
		}
		for _, bad := range []store.ConflictDeclaration{
			{Year: 2026, Juror: f.jure.ID, Application: gre, Type: jury.ConflictOther, Severity: jury.ConflictRecuse, Source: jury.ConflictSourceJuror},
			{Year: 2026, Juror: f.jure.ID, Application: gre, Type: "family", Severity: jury.ConflictRecuse, Source: jury.ConflictSourceJuror},
			{Year: 2026, Juror: f.jure.ID, Application: gre, Type: jury.ConflictPersonal, Severity: "hide", Source: jury.ConflictSourceJuror},
			{Year: 2026, Juror: newUser(t, db, "x@example.org", domain.RoleJury).ID, Application: gre, Type: jury.ConflictPersonal,
				Severity: jury.ConflictRecuse, Source: jury.ConflictSourceApplicant},
			{Year: 2025, Juror: f.jure.ID, Application: gre, Type: jury.ConflictPersonal, Severity: jury.ConflictRecuse, Source: jury.ConflictSourceJuror},
		} {
			if _, err := db.DeclareConflict(ctx, bad, domain.CLIActor); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("%+v: %v", bad, err)
			}
		}

		// A pinned conflict is the secretariat's: the juror cannot change it.
		if err := db.PinConflict(ctx, reg[0].ID, jury.ConflictDisclose, "Mandat sans lien avec le numérique.", by); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DeclareConflict(ctx, store.ConflictDeclaration{Year: 2026, Juror: f.jure.ID, Application: ech,
			Type: jury.ConflictDirectBody, Severity: jury.ConflictRecuse, Source: jury.ConflictSourceJuror},
			actorOf(f.jure)); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("redeclaring a pinned conflict: %v", err)
		}
		if facts, _ := db.FileFacts(ctx, 2026, f.jure.ID, ech); facts.Recused || !facts.Disclosed {
			t.Fatalf("pinned to disclose: %+v", facts)
		}
		actions := auditActions(t, db)
		if countOf(actions, "jury.conflicts.suggest") != 2 || countOf(actions, "jury.conflict.decide") != 3 ||
			countOf(actions, "jury.conflict.declare") != 2 {
			t.Fatalf("audit: %v", actions)
		}
	})
}
