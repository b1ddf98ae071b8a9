package directory

import (
	"slices"
	"testing"
)

func mustLoad(t testing.TB) *Directory {
	t.Helper()
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLoadCounts(t *testing.T) {
	d := mustLoad(t)
	n := map[Kind]int{}
	for _, b := range d.All() {
		n[b.Kind]++
	}
	t.Logf("%d bodies: %v", d.Len(), n)
	epci := n[KindCC] + n[KindCA] + n[KindCU] + n[KindMetropole] + n[KindCSP]
	for _, c := range []struct {
		what     string
		got      int
		min, max int
	}{
		{"communes", n[KindCommune], 34800, 35100},
		{"EPCI (with the Métropole de Lyon)", epci, 1200, 1300},
		{"départements", n[KindDepartement], 101, 101},
		{"régions", n[KindRegion], 18, 18},
		{"COM", n[KindCOM], 6, 6},
		{"csp", n[KindCSP], 1, 1},
	} {
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s: %d, want %d–%d", c.what, c.got, c.min, c.max)
		}
	}
}

// TestBodiesConsistent checks the links the rest of the application relies
// on: codes are unique and every reference points to an existing body.
func TestBodiesConsistent(t *testing.T) {
	d := mustLoad(t)
	keys := map[string]bool{}
	for i := range d.All() {
		b := &d.All()[i]
		if keys[b.Key()] {
			t.Errorf("duplicate key %s", b.Key())
		}
		keys[b.Key()] = true
		if b.Name == "" || b.Region == "" || (b.Kind != KindRegion && b.Departement == "") {
			t.Errorf("%+v: missing name, département or région", b)
		}
		if !isTerritory(d, b.Region, KindRegion) {
			t.Errorf("%s: unknown région %q", b.Label(), b.Region)
		}
		if b.Kind != KindRegion && !isTerritory(d, b.Departement, KindDepartement) {
			t.Errorf("%s: unknown département %q", b.Label(), b.Departement)
		}
		if b.Kind == KindCommune {
			checkCommune(t, d, b)
		}
	}
}

// isTerritory reports whether code is a région (or a département) or,
// overseas, a COM, which stands for both.
func isTerritory(d *Directory, code string, kind Kind) bool {
	var ok bool
	if kind == KindRegion {
		_, ok = d.Region(code)
	} else {
		_, ok = d.Departement(code)
	}
	com, _ := d.ByINSEE(code)
	return ok || (com != nil && com.Kind == KindCOM)
}

func checkCommune(t *testing.T, d *Directory, b *Body) {
	t.Helper()
	if got, ok := d.ByINSEE(b.INSEE); !ok || got != b {
		t.Errorf("ByINSEE(%s) = %v", b.INSEE, got)
	}
	if b.EPCI == "" {
		return
	}
	e := d.EPCIOf(b)
	if e == nil {
		t.Fatalf("%s: EPCI %s not found", b.Label(), b.EPCI)
	}
	if !slices.Contains(d.Members(e.SIREN), b) {
		t.Errorf("%s: not among the members of %s", b.Label(), e.Label())
	}
}

func TestEveryEPCIHasMembers(t *testing.T) {
	d := mustLoad(t)
	for _, b := range d.All() {
		switch b.Kind {
		case KindCC, KindCA, KindCU, KindMetropole, KindCSP:
			if len(d.Members(b.SIREN)) == 0 {
				t.Errorf("%s has no member", b.Label())
			}
		}
	}
}

func TestLookups(t *testing.T) {
	d := mustLoad(t)
	uriage, ok := d.ByINSEE("38422")
	if !ok || uriage.Name != "Saint-Martin-d'Uriage" || uriage.SIREN != "213804222" {
		t.Fatalf("ByINSEE(38422) = %+v", uriage)
	}
	if b, _ := d.BySIREN("213804222"); b != uriage {
		t.Errorf("BySIREN = %+v", b)
	}
	if b, _ := d.ByKey(uriage.Key()); b != uriage {
		t.Errorf("ByKey = %+v", b)
	}
	isere, _ := d.Departement("38")
	ara, _ := d.Region("84")
	if isere == nil || isere.Name != "Isère" || ara == nil || ara.Name != "Auvergne-Rhône-Alpes" {
		t.Errorf("Departement(38) = %+v, Region(84) = %+v", isere, ara)
	}
	if b, _ := d.ByKey("departement-2A"); b == nil || b.Name != "Corse-du-Sud" {
		t.Errorf(`ByKey("departement-2A") = %+v`, b)
	}
	lyon, _ := d.BySIREN("200046977")
	if lyon == nil || lyon.Kind != KindCSP || len(d.Members(lyon.SIREN)) < 50 {
		t.Errorf("Métropole de Lyon = %+v", lyon)
	}
	if _, ok := d.ByINSEE("99999"); ok {
		t.Error("ByINSEE(99999) found something")
	}
}

func TestLabel(t *testing.T) {
	for _, c := range []struct {
		b    Body
		want string
	}{
		{Body{Kind: KindCommune, Name: "Saint-Joseph", Departement: "974"}, "Saint-Joseph (974)"},
		{Body{Kind: KindRegion, Name: "Bretagne", Region: "53"}, "Bretagne"},
		{Body{Kind: KindDepartement, Name: "Isère", Departement: "38"}, "Isère (38)"},
	} {
		if got := c.b.Label(); got != c.want {
			t.Errorf("Label() = %q, want %q", got, c.want)
		}
	}
	if got := KindCA.Label(); got != "communauté d'agglomération" {
		t.Errorf("KindCA.Label() = %q", got)
	}
}

func TestLoadShared(t *testing.T) {
	a, b := mustLoad(t), mustLoad(t)
	if a != b {
		t.Error("Load read the file twice")
	}
}

// BenchmarkLoad measures what the first Load costs: decompressing, parsing,
// and building the maps and the search index.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := load(); err != nil {
			b.Fatal(err)
		}
	}
}
