package directory

import "testing"

func TestMatchHistorical(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, kind, dep, want string }{
		{"Ville de Saint-Martin-d'Uriage", "commune", "38", "Saint-Martin-d'Uriage"},
		{"Ville de Grenoble", "commune", "38", "Grenoble"},
		{"Ville d'Échirolles", "commune", "38", "Échirolles"},
		{"Ville des Abymes", "commune", "", "Les Abymes"},
		{"Ville de Nancy", "commune", "", "Nancy"},
		{"Conseil général des Côtes-d'Armor", "departement", "22", "Côtes-d'Armor"},
		{"Département de la Gironde", "departement", "33", "Gironde"},
		{"Région Grand Est", "region", "", "Grand Est"},
		{"Rennes Métropole", "epci", "35", "Rennes Métropole"},
		{"Saint-Joseph", "commune", "", ""}, // four homonyms: an admin decides
		{"Saint-Joseph", "commune", "974", "Saint-Joseph"},
		{"SITIV (Syndicat Intercommunal des Technologies de l'Information pour les Villes)", "syndicat", "", ""},
		{"Grenoble", "epci", "", ""}, // a commune is not an EPCI
	} {
		got := d.MatchHistorical(c.name, c.kind, c.dep)
		name := ""
		if got != nil {
			name = got.Name
		}
		if name != c.want {
			t.Errorf("MatchHistorical(%q, %s, %q) = %q, want %q", c.name, c.kind, c.dep, name, c.want)
		}
	}
}

func TestDomainBodies(t *testing.T) {
	d, _ := Load()
	bodies := d.DomainBodies()
	if len(bodies) != d.Len() {
		t.Fatalf("%d bodies, want %d", len(bodies), d.Len())
	}
	keys := map[string]bool{}
	for _, b := range bodies {
		if b.Key == "" || keys[b.Key] {
			t.Fatalf("empty or duplicate key %q (%s)", b.Key, b.Name)
		}
		keys[b.Key] = true
	}
	if Version() == "" {
		t.Fatal("no version")
	}
}
