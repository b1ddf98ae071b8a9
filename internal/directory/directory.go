// Package directory is the official directory of French local governments
// (communes, EPCI, départements, régions and collectivities with a special
// status), embedded in the binary, with the search that lets an applicant
// find its own body by name, INSEE code, postal code or SIREN.
//
// The data comes from Etalab's @etalab/decoupage-administratif (Licence
// Ouverte 2.0); see README.md for its vintage and how to refresh it. A
// Directory is read-only once loaded and safe for concurrent use.
package directory

import (
	_ "embed"
	"slices"
	"sync"
)

// Kind is the kind of a body, as stored in the database and in URLs.
type Kind string

// The kinds of the directory. EPCI (établissements publics de coopération
// intercommunale à fiscalité propre) come in four kinds; the Métropole de
// Lyon, which the source lists with them but which is a collectivité à
// statut particulier, is KindCSP. The overseas collectivities (COM) are not
// départements nor régions: they get their own kind.
const (
	KindCommune     Kind = "commune"
	KindCC          Kind = "cc"
	KindCA          Kind = "ca"
	KindCU          Kind = "cu"
	KindMetropole   Kind = "metropole"
	KindDepartement Kind = "departement"
	KindRegion      Kind = "region"
	KindCSP         Kind = "csp"
	KindCOM         Kind = "com"
)

// kindLabels are the French names shown to people.
var kindLabels = map[Kind]string{
	KindCommune:     "commune",
	KindCC:          "communauté de communes",
	KindCA:          "communauté d'agglomération",
	KindCU:          "communauté urbaine",
	KindMetropole:   "métropole",
	KindDepartement: "département",
	KindRegion:      "région",
	KindCSP:         "collectivité à statut particulier",
	KindCOM:         "collectivité d'outre-mer",
}

// Label returns the kind's name in French, or the raw kind if unknown.
func (k Kind) Label() string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return string(k)
}

// tieOrder breaks ranking ties between bodies of the same name and
// population: Paris the commune (which carries the SIREN of the Ville de
// Paris) comes before Paris the département, a région's namesake
// département before the région.
var tieOrder = []Kind{KindCommune, KindCSP, KindMetropole, KindCU, KindCA, KindCC, KindCOM, KindDepartement, KindRegion}

// Body is one body of the directory.
type Body struct {
	Kind Kind
	// INSEE is the code of a commune (5 characters, 2A/2B for Corsica),
	// a département (2 or 3), a région (2) or a COM (3); empty for an EPCI.
	// Département and région codes overlap ("11" is both): use Departement
	// and Region to look them up.
	INSEE string
	// SIREN is empty for départements, régions and COM: the source has none.
	SIREN       string
	Name        string
	Departement string // for an EPCI, the one holding most of its population
	Region      string
	Population  int // municipal population; 0 if unknown
	PostalCodes []string
	EPCI        string // SIREN of a commune's EPCI; empty if it has none
}

// Label is the name with the département code, which is how people tell
// homonyms apart: "Saint-Joseph (974)". Régions need no code.
func (b *Body) Label() string {
	if b.Departement == "" || b.Kind == KindRegion {
		return b.Name
	}
	return b.Name + " (" + b.Departement + ")"
}

// Key is an identifier unique in the directory and safe in a URL: the SIREN
// when there is one, else the kind and the INSEE code ("departement-38").
func (b *Body) Key() string {
	if b.SIREN != "" {
		return b.SIREN
	}
	return string(b.Kind) + "-" + b.INSEE
}

// Directory is the loaded directory with its lookup maps and search index.
type Directory struct {
	bodies   []Body
	byINSEE  map[string]int32 // communes and COM
	byDep    map[string]int32
	byRegion map[string]int32
	bySIREN  map[string]int32
	byKey    map[string]int32
	byPostal map[string][]int32
	members  map[string][]int32 // EPCI SIREN → member communes
	search   index
}

//go:embed directory.tsv.gz
var embedded []byte

// Load returns the embedded directory with its index. The first call reads
// it, in about a tenth of a second (several times that under the race
// detector); later calls return the same read-only Directory, so that every
// test that starts the application does not pay again.
func Load() (*Directory, error) { return loadOnce() }

var loadOnce = sync.OnceValues(load)

// load reads the embedded file and builds the maps and the index.
func load() (*Directory, error) {
	bodies, err := parse(embedded)
	if err != nil {
		return nil, err
	}
	return newDirectory(bodies), nil
}

// Len is the number of bodies.
func (d *Directory) Len() int { return len(d.bodies) }

// All returns every body, régions first and communes last. The slice is
// the directory's own: read it, never modify it.
func (d *Directory) All() []Body { return d.bodies }

// ByINSEE finds a commune or a COM by its INSEE code.
func (d *Directory) ByINSEE(code string) (*Body, bool) { return d.lookup(d.byINSEE, code) }

// BySIREN finds a commune or an EPCI by its SIREN, without spaces.
func (d *Directory) BySIREN(siren string) (*Body, bool) { return d.lookup(d.bySIREN, siren) }

// ByKey finds a body by its Key.
func (d *Directory) ByKey(key string) (*Body, bool) { return d.lookup(d.byKey, key) }

// Departement finds a département by its code ("38", "2A", "974").
func (d *Directory) Departement(code string) (*Body, bool) { return d.lookup(d.byDep, code) }

// Region finds a région by its code ("84").
func (d *Directory) Region(code string) (*Body, bool) { return d.lookup(d.byRegion, code) }

func (d *Directory) lookup(m map[string]int32, k string) (*Body, bool) {
	i, ok := m[k]
	if !ok {
		return nil, false
	}
	return &d.bodies[i], true
}

// Members returns the member communes of the EPCI (or of the Métropole de
// Lyon) with that SIREN, in alphabetical order; nil for any other SIREN.
func (d *Directory) Members(epciSIREN string) []*Body {
	return d.pointers(d.members[epciSIREN])
}

// EPCIOf returns the EPCI a commune belongs to, or nil: four island
// communes (Bréhat, Sein, Ouessant, Yeu) and those of the COM belong to none.
func (d *Directory) EPCIOf(commune *Body) *Body {
	if commune == nil || commune.EPCI == "" {
		return nil
	}
	b, _ := d.BySIREN(commune.EPCI)
	return b
}

func (d *Directory) pointers(idx []int32) []*Body {
	if len(idx) == 0 {
		return nil
	}
	out := make([]*Body, len(idx))
	for i, j := range idx {
		out[i] = &d.bodies[j]
	}
	return out
}

// kindTie is the position of k in tieOrder.
func kindTie(k Kind) int { return slices.Index(tieOrder, k) }
