package jury_test

import (
	"slices"
	"testing"
	"time"

	"tnl/internal/directory"
	"tnl/internal/jury"
)

// conflictNow is the instant of every test: a deliberation in November 2025.
var conflictNow = time.Date(2025, time.November, 20, 10, 0, 0, 0, time.UTC)

// conflictTerritory is the territory the web layer will pass: the real
// directory (a commune's EPCI) plus memberships recorded on the platform
// (syndicats, associations), which are test data here.
type conflictTerritory struct {
	dir     *directory.Directory
	members map[string][]string // body key → bodies it is a member of
	others  map[string]jury.ConflictBody
}

func (t conflictTerritory) Parents(key string) []string {
	out := slices.Clone(t.members[key])
	if b, ok := t.dir.ByKey(key); ok && b.EPCI != "" {
		out = append(out, b.EPCI)
	}
	return out
}

func (t conflictTerritory) Body(key string) (jury.ConflictBody, bool) {
	if b, ok := t.dir.ByKey(key); ok {
		return jury.ConflictBody{Name: b.Name, KindLabel: b.Kind.Label()}, true
	}
	b, ok := t.others[key]
	return b, ok
}

// conflictPlace holds real bodies and a territory with recorded memberships.
type conflictPlace struct {
	dir                                           *directory.Directory
	echirolles, uriage, crolles, grenoble, voiron string
	metro, gresivaudan, nancy, isere              string
	syndicat, asso                                string
	territory                                     conflictTerritory
}

// conflictSetup loads the embedded directory and checks that the bodies the
// tests rely on are what they are said to be.
func conflictSetup(t testing.TB) conflictPlace {
	t.Helper()
	d, err := directory.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := conflictPlace{dir: d, syndicat: "syndicat-test", asso: "association-test", isere: "departement-38"}
	p.echirolles = conflictCommune(t, d, "38151", "Échirolles")
	p.uriage = conflictCommune(t, d, "38422", "Saint-Martin-d'Uriage")
	p.crolles = conflictCommune(t, d, "38140", "Crolles")
	p.grenoble = conflictCommune(t, d, "38185", "Grenoble")
	p.voiron = conflictCommune(t, d, "38563", "Voiron")
	p.nancy = conflictCommune(t, d, "54395", "Nancy")
	e, _ := d.ByKey(p.echirolles)
	metro := d.EPCIOf(e)
	if metro == nil || metro.Name != "Grenoble-Alpes-Métropole" {
		t.Fatalf("EPCI of Échirolles: %+v", metro)
	}
	p.metro = metro.Key()
	if b, _ := d.ByKey(p.grenoble); b.EPCI != p.metro {
		t.Fatal("Grenoble is not in Grenoble-Alpes-Métropole")
	}
	u, _ := d.ByKey(p.uriage)
	if g := d.EPCIOf(u); g == nil || g.Name != "CC Le Grésivaudan" {
		t.Fatalf("EPCI of Saint-Martin-d'Uriage: %+v", g)
	}
	p.gresivaudan = u.EPCI
	if c, _ := d.ByKey(p.crolles); c.EPCI != p.gresivaudan {
		t.Fatal("Crolles is not in the Grésivaudan")
	}
	if v, _ := d.ByKey(p.voiron); v.EPCI == p.metro {
		t.Fatal("Voiron is in Grenoble-Alpes-Métropole")
	}
	p.territory = conflictTerritory{dir: d,
		members: map[string][]string{
			p.echirolles: {p.syndicat, p.asso}, p.voiron: {p.syndicat, p.asso}, p.nancy: {p.asso},
		},
		others: map[string]jury.ConflictBody{
			p.syndicat: {Name: "Syndicat informatique de test", KindLabel: "syndicat"},
			p.asso:     {Name: "Association de test", KindLabel: "association", Organisation: true},
		}}
	return p
}

func conflictCommune(t testing.TB, d *directory.Directory, insee, name string) string {
	t.Helper()
	b, ok := d.ByINSEE(insee)
	if !ok || b.Name != name || b.Kind != directory.KindCommune {
		t.Fatalf("commune %s: got %+v, want %s", insee, b, name)
	}
	return b.Key()
}

// conflictGot is the comparable part of a suggestion.
type conflictGot struct {
	app      int64
	typ      jury.ConflictType
	severity jury.ConflictSeverity
}

func conflictSummary(t *testing.T, got []jury.ConflictSuggestion) []conflictGot {
	t.Helper()
	out := make([]conflictGot, len(got))
	for i, s := range got {
		if s.Source != jury.ConflictSourceAuto || s.Status != jury.ConflictSuggested || s.Reason == "" {
			t.Errorf("suggestion %+v: want source auto, status suggested and a reason", s)
		}
		out[i] = conflictGot{s.Application, s.Type, s.Severity}
	}
	return out
}

func conflictApps(keys ...string) []jury.ConflictApplication {
	out := make([]jury.ConflictApplication, len(keys))
	for i, k := range keys {
		out[i] = jury.ConflictApplication{ID: int64(10 + i), BodyKey: k}
	}
	return out
}

func mustSuggest(t *testing.T, in jury.ConflictInput) []jury.ConflictSuggestion {
	t.Helper()
	if in.Now.IsZero() {
		in.Now = conflictNow
	}
	got, err := jury.SuggestConflicts(in)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestConflictsCommuneJuror is the case of issue 6: a juror elected in a
// commune is recused from the commune's application and from its EPCI's,
// and from nothing else: not a commune of the same EPCI, not the
// neighbouring EPCI, not its département, not another département.
func TestConflictsCommuneJuror(t *testing.T) {
	p := conflictSetup(t)
	for _, c := range []struct {
		name, commune, of       string
		epci, epciName, sibling string
		neighbour               string
	}{
		{"Échirolles", p.echirolles, "d'Échirolles", p.metro, "Grenoble-Alpes-Métropole", p.grenoble, p.gresivaudan},
		{"Saint-Martin-d'Uriage", p.uriage, "de Saint-Martin-d'Uriage", p.gresivaudan, "CC Le Grésivaudan", p.crolles, p.metro},
	} {
		t.Run(c.name, func(t *testing.T) {
			// 10 the commune, 11 its EPCI, 12 a commune of the same EPCI, 13 Nancy,
			// 14 Isère, 15 Voiron, 16 the neighbouring EPCI.
			apps := conflictApps(c.commune, c.epci, c.sibling, p.nancy, p.isere, p.voiron, c.neighbour)
			got := mustSuggest(t, jury.ConflictInput{Territory: p.territory, WindowYears: 5, Applications: apps,
				Affiliations: []jury.Affiliation{{Juror: 1, BodyKey: c.commune, Role: jury.AffiliationElected}}})
			want := []conflictGot{{10, jury.ConflictDirectBody, jury.ConflictRecuse},
				{11, jury.ConflictTerritorialHierarchy, jury.ConflictRecuse}}
			if s := conflictSummary(t, got); !slices.Equal(s, want) {
				t.Fatalf("got %v, want %v", s, want)
			}
			if r := got[0].Reason; r != "Élu "+c.of+", qui présente la candidature." {
				t.Errorf("direct reason %q", r)
			}
			wantReason := "Élu " + c.of + ", commune membre de " + c.epciName + ", qui présente la candidature."
			if r := got[1].Reason; r != wantReason {
				t.Errorf("hierarchy reason %q, want %q", r, wantReason)
			}
			if got[1].JurorBody != c.commune || got[1].ApplicantBody != c.epci || got[1].Juror != 1 {
				t.Errorf("facts %+v", got[1])
			}
		})
	}
}

// TestConflictsEPCIEmployee: an agent of the EPCI is recused from every one
// of its member communes (all of them, from the directory) and from the
// EPCI's own file, and from no commune of another EPCI.
func TestConflictsEPCIEmployee(t *testing.T) {
	p := conflictSetup(t)
	members := p.dir.Members(p.metro)
	if len(members) < 40 {
		t.Fatalf("Grenoble-Alpes-Métropole has %d members", len(members))
	}
	keys := []string{p.metro, p.voiron, p.nancy}
	for _, m := range members {
		keys = append(keys, m.Key())
	}
	got := mustSuggest(t, jury.ConflictInput{Territory: p.territory, WindowYears: 5, Applications: conflictApps(keys...),
		Affiliations: []jury.Affiliation{{Juror: 7, BodyKey: p.metro, Role: jury.AffiliationEmployee}}})
	s := conflictSummary(t, got)
	if len(s) != len(members)+1 || s[0] != (conflictGot{10, jury.ConflictDirectBody, jury.ConflictRecuse}) {
		t.Fatalf("got %d suggestions starting %v, want %d starting with the direct one", len(s), s[:1], len(members)+1)
	}
	for i, g := range s[1:] {
		if g.app != int64(13+i) || g.typ != jury.ConflictTerritorialHierarchy || g.severity != jury.ConflictRecuse {
			t.Errorf("member %s: got %v", members[i].Name, g)
		}
	}
	for _, g := range got {
		if g.ApplicantBody == p.echirolles {
			want := "Agent de Grenoble-Alpes-Métropole, dont est membre Échirolles (commune), qui présente la candidature."
			if g.Reason != want {
				t.Errorf("reason %q, want %q", g.Reason, want)
			}
		}
	}
}

// TestConflictsWindow: affiliations ended more than N years ago are ignored.
func TestConflictsWindow(t *testing.T) {
	p := conflictSetup(t)
	for _, c := range []struct {
		name   string
		until  time.Time
		window int
		want   int
	}{
		{"ongoing", time.Time{}, 5, 1},
		{"ended 7 years ago, window 5", conflictNow.AddDate(-7, 0, 0), 5, 0},
		{"ended 7 years ago, window 10", conflictNow.AddDate(-7, 0, 0), 10, 1},
		{"ended 4 years ago, window 5", conflictNow.AddDate(-4, 0, 0), 5, 1},
		{"ended exactly 5 years ago", conflictNow.AddDate(-5, 0, 0), 5, 1},
		{"ended 5 years and a second ago", conflictNow.AddDate(-5, 0, 0).Add(-time.Second), 5, 0},
		{"ended yesterday, window 0", conflictNow.AddDate(0, 0, -1), 0, 0},
		{"ends next year, window 0", conflictNow.AddDate(1, 0, 0), 0, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := jury.Affiliation{Juror: 1, BodyKey: p.grenoble, Role: jury.AffiliationElected,
				From: conflictNow.AddDate(-20, 0, 0), Until: c.until}
			got := mustSuggest(t, jury.ConflictInput{Territory: p.territory, WindowYears: c.window,
				Applications: conflictApps(p.grenoble), Affiliations: []jury.Affiliation{a}})
			if len(got) != c.want {
				t.Fatalf("got %v, want %d suggestions", conflictSummary(t, got), c.want)
			}
			if a.InWindow(conflictNow, c.window) != (c.want == 1) {
				t.Errorf("InWindow disagrees with SuggestConflicts")
			}
		})
	}
	got := mustSuggest(t, jury.ConflictInput{Territory: p.territory, WindowYears: 10, Applications: conflictApps(p.grenoble),
		Affiliations: []jury.Affiliation{{Juror: 1, BodyKey: p.grenoble, Role: jury.AffiliationElected,
			Until: time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)}}})
	if len(got) != 1 || got[0].Reason != "Élu de Grenoble jusqu'en 2019, qui présente la candidature." {
		t.Errorf("ended affiliation: %+v", got)
	}
}

// TestConflictsExisting: what the register holds is never proposed again.
func TestConflictsExisting(t *testing.T) {
	p := conflictSetup(t)
	affs := []jury.Affiliation{{Juror: 1, BodyKey: p.echirolles, Role: jury.AffiliationElected},
		{Juror: 2, BodyKey: p.echirolles, Role: jury.AffiliationEmployee}}
	apps := conflictApps(p.echirolles, p.metro) // 10, 11
	hier := jury.ConflictTerritorialHierarchy
	for _, c := range []struct {
		name     string
		existing []jury.Conflict
		want     []jury.ConflictPair
	}{
		{"none", nil, []jury.ConflictPair{{1, 10}, {1, 11}, {2, 10}, {2, 11}}},
		{"dismissed", []jury.Conflict{{Juror: 1, Application: 11, Type: hier, Status: jury.ConflictDismissed,
			Decision: "Mandat sans lien avec le numérique"}}, []jury.ConflictPair{{1, 10}, {2, 10}, {2, 11}}},
		{"confirmed", []jury.Conflict{{Juror: 2, Application: 10, Type: jury.ConflictDirectBody,
			Status: jury.ConflictConfirmed}}, []jury.ConflictPair{{1, 10}, {1, 11}, {2, 11}}},
		{"dismissed with another type", []jury.Conflict{{Juror: 1, Application: 11, Type: jury.ConflictPersonal,
			Status: jury.ConflictDismissed}}, []jury.ConflictPair{{1, 10}, {1, 11}, {2, 10}, {2, 11}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := mustSuggest(t, jury.ConflictInput{Territory: p.territory, WindowYears: 5, Applications: apps,
				Affiliations: affs, Existing: c.existing})
			var pairs []jury.ConflictPair
			for _, s := range got {
				pairs = append(pairs, jury.ConflictPair{Juror: s.Juror, Application: s.Application})
			}
			if !slices.Equal(pairs, c.want) {
				t.Errorf("got %v, want %v", pairs, c.want)
			}
		})
	}
}

// TestConflictsOrganisation: membership of an association whose members
// apply is no conflict; a board seat or paid work is.
func TestConflictsOrganisation(t *testing.T) {
	p := conflictSetup(t)
	// 10 Échirolles and 11 Nancy are members of the association; 12 Grenoble
	// names it as a partner; 13 is the association's own application.
	apps := conflictApps(p.echirolles, p.nancy, p.grenoble, p.asso)
	apps[2].Partners = []string{p.asso}
	org, com, dir := jury.ConflictOrganisational, jury.ConflictCommercial, jury.ConflictDirectBody
	R := jury.ConflictRecuse
	for _, c := range []struct {
		role jury.AffiliationRole
		want []conflictGot
	}{
		{jury.AffiliationMember, nil},
		{jury.AffiliationEmployee, []conflictGot{{13, dir, R}}},
		{jury.AffiliationBoard, []conflictGot{{10, org, R}, {11, org, R}, {12, org, R}, {13, dir, R}}},
		{jury.AffiliationConsultant, []conflictGot{{10, com, R}, {11, com, R}, {12, com, R}, {13, com, R}}},
	} {
		t.Run(string(c.role), func(t *testing.T) {
			got := mustSuggest(t, jury.ConflictInput{Territory: p.territory, WindowYears: 5, Applications: apps,
				Affiliations: []jury.Affiliation{{Juror: 3, BodyKey: p.asso, Role: c.role}}})
			if s := conflictSummary(t, got); !slices.Equal(s, c.want) {
				t.Fatalf("got %v, want %v", s, c.want)
			}
			if c.role == jury.AffiliationBoard {
				want := "Administrateur d'Association de test, organisation dont est adhérent Échirolles, qui présente la candidature."
				if got[0].Reason != want {
					t.Errorf("reason %q, want %q", got[0].Reason, want)
				}
			}
		})
	}
	// An organisation known only by name yields nothing automatically.
	got := mustSuggest(t, jury.ConflictInput{Territory: p.territory, Applications: apps,
		Affiliations: []jury.Affiliation{{Juror: 3, Organisation: "Éditeur SARL", Role: jury.AffiliationConsultant}}})
	if len(got) != 0 {
		t.Errorf("organisation by name: %v", conflictSummary(t, got))
	}
}

// TestConflictsPooling: a structure the application names as a partner and
// the juror's body belongs to gives a disclosure; naming nothing, nothing.
func TestConflictsPooling(t *testing.T) {
	p := conflictSetup(t)
	named := func(key string, partners ...string) jury.ConflictApplication {
		return jury.ConflictApplication{ID: 20, BodyKey: key, Partners: partners}
	}
	elected := jury.Affiliation{Juror: 4, BodyKey: p.echirolles, Role: jury.AffiliationElected}
	agent := jury.Affiliation{Juror: 4, BodyKey: p.syndicat, Role: jury.AffiliationEmployee}
	pool, hier := jury.ConflictPoolingStructure, jury.ConflictTerritorialHierarchy
	for _, c := range []struct {
		name    string
		aff     jury.Affiliation
		app     jury.ConflictApplication
		want    []conflictGot
		via     string
		reasons string
	}{
		{"syndicat named", elected, named(p.voiron, p.syndicat), []conflictGot{{20, pool, jury.ConflictDisclose}}, p.syndicat,
			"Élu d'Échirolles, commune membre de Syndicat informatique de test, partenaire citée par la candidature de Voiron."},
		{"syndicat not named", elected, named(p.voiron), nil, "", ""},
		{"EPCI named by a sibling commune", elected, named(p.grenoble, p.metro), []conflictGot{{20, pool, jury.ConflictDisclose}}, p.metro, ""},
		{"EPCI named, juror outside it", jury.Affiliation{Juror: 4, BodyKey: p.voiron, Role: jury.AffiliationElected},
			named(p.grenoble, p.metro), nil, "", ""},
		{"member of the named partner applies: hierarchy wins", agent, named(p.voiron, p.syndicat),
			[]conflictGot{{20, hier, jury.ConflictRecuse}}, "", ""},
		{"the juror's own body is the partner", agent, named(p.grenoble, p.syndicat), []conflictGot{{20, pool, jury.ConflictDisclose}}, "",
			"Agent de Syndicat informatique de test, structure partenaire citée par la candidature de Grenoble."},
		{"a mere member's partner", jury.Affiliation{Juror: 4, BodyKey: p.echirolles, Role: jury.AffiliationMember},
			named(p.voiron, p.syndicat), nil, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := mustSuggest(t, jury.ConflictInput{Territory: p.territory, WindowYears: 5,
				Applications: []jury.ConflictApplication{c.app}, Affiliations: []jury.Affiliation{c.aff}})
			if s := conflictSummary(t, got); !slices.Equal(s, c.want) {
				t.Fatalf("got %v, want %v", s, c.want)
			}
			if len(got) == 1 && got[0].Via != c.via {
				t.Errorf("via %q, want %q", got[0].Via, c.via)
			}
			if c.reasons != "" && got[0].Reason != c.reasons {
				t.Errorf("reason %q, want %q", got[0].Reason, c.reasons)
			}
		})
	}
}

// TestConflictsSeverities: the edition overrides the default of a rule.
func TestConflictsSeverities(t *testing.T) {
	p := conflictSetup(t)
	apps := []jury.ConflictApplication{{ID: 1, BodyKey: p.echirolles}, {ID: 2, BodyKey: p.metro},
		{ID: 3, BodyKey: p.voiron, Partners: []string{p.syndicat}}}
	affs := []jury.Affiliation{{Juror: 5, BodyKey: p.echirolles, Role: jury.AffiliationElected}}
	R, D := jury.ConflictRecuse, jury.ConflictDisclose
	for _, c := range []struct {
		name string
		over map[jury.ConflictType]jury.ConflictSeverity
		want [3]jury.ConflictSeverity // direct, hierarchy, pooling
	}{
		{"defaults", nil, [3]jury.ConflictSeverity{R, R, D}},
		{"pooling recuses", map[jury.ConflictType]jury.ConflictSeverity{jury.ConflictPoolingStructure: R}, [3]jury.ConflictSeverity{R, R, R}},
		{"hierarchy discloses", map[jury.ConflictType]jury.ConflictSeverity{jury.ConflictTerritorialHierarchy: D}, [3]jury.ConflictSeverity{R, D, D}},
		{"direct set to recuse is accepted", map[jury.ConflictType]jury.ConflictSeverity{jury.ConflictDirectBody: R}, [3]jury.ConflictSeverity{R, R, D}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := mustSuggest(t, jury.ConflictInput{Territory: p.territory, WindowYears: 5, Applications: apps,
				Affiliations: affs, Severities: c.over})
			if len(got) != 3 {
				t.Fatalf("got %v", conflictSummary(t, got))
			}
			for i, s := range got {
				if s.Severity != c.want[i] {
					t.Errorf("%s: %s, want %s", s.Type, s.Severity, c.want[i])
				}
			}
		})
	}
	if d := jury.DefaultConflictSeverities(); d[jury.ConflictPoolingStructure] != D || d[jury.ConflictDirectBody] != R {
		t.Errorf("defaults %v", d)
	}
}

// BenchmarkSuggestConflicts: 100 jurors with 3 affiliations each against
// 5,000 applications (communes of the directory, each naming its EPCI).
func BenchmarkSuggestConflicts(b *testing.B) {
	p := conflictSetup(b)
	var apps []jury.ConflictApplication
	var communes []string
	for _, body := range p.dir.All() {
		if body.Kind == directory.KindCommune && body.EPCI != "" && len(apps) < 5000 {
			apps = append(apps, jury.ConflictApplication{ID: int64(len(apps) + 1), BodyKey: body.Key(), Partners: []string{body.EPCI}})
			communes = append(communes, body.Key())
		}
	}
	var affs []jury.Affiliation
	for j := range 100 {
		c, _ := p.dir.ByKey(communes[j*47%len(communes)])
		affs = append(affs, jury.Affiliation{Juror: int64(j + 1), BodyKey: c.Key(), Role: jury.AffiliationElected},
			jury.Affiliation{Juror: int64(j + 1), BodyKey: c.EPCI, Role: jury.AffiliationEmployee},
			jury.Affiliation{Juror: int64(j + 1), BodyKey: p.asso, Role: jury.AffiliationMember})
	}
	in := jury.ConflictInput{Territory: p.territory, Now: conflictNow, WindowYears: 5, Applications: apps, Affiliations: affs}
	b.ResetTimer()
	for b.Loop() {
		got, err := jury.SuggestConflicts(in)
		if err != nil || len(got) == 0 {
			b.Fatal(got, err)
		}
	}
}
