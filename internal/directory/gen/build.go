package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// header names the columns of the file; package directory checks it.
const header = "kind\tinsee\tsiren\tname\tdepartement\tregion\tpopulation\tpostal_codes\tepci"

// row is one body of the directory file.
type row struct {
	kind, insee, siren, name, dep, reg string
	pop                                int
	postal                             []string
	epci                               string
}

// notLocal holds the codes of the two overseas territories that the source
// lists among the collectivités d'outre-mer but that are administered by the
// State and have no local government (nor inhabitants): the Terres australes
// et antarctiques françaises and Clipperton. Nobody there can apply.
var notLocal = map[string]bool{"984": true, "989": true}

// epciKinds maps the source's EPCI types to directory kinds. MET69, the
// Métropole de Lyon, is not an EPCI but a collectivité à statut particulier
// that also exercises a département's powers: the source flags it apart.
var epciKinds = map[string]string{
	"CC": "cc", "CA": "ca", "CU": "cu", "METRO": "metropole", "MET69": "csp",
}

// build selects and classifies the bodies, sums populations and links each
// commune to its EPCI. It fails on inconsistent data rather than guessing.
func build(s *source) ([]row, error) {
	communes := currentCommunes(s.communes)
	epciOf, err := epciMembership(s.epcis, communes)
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, c := range communes {
		rows = append(rows, row{kind: "commune", insee: c.Code, siren: c.SIREN, name: c.Nom,
			dep: c.Departement, reg: c.Region, pop: c.Population, postal: c.CodesPostal, epci: epciOf[c.Code]})
	}
	rows = append(rows, territories(s, communes)...)
	epcis, err := epciRows(s, communes)
	if err != nil {
		return nil, err
	}
	rows = append(rows, epcis...)
	for _, r := range rows {
		if err := r.check(); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(kindOrder(a.kind), kindOrder(b.kind)),
			cmp.Compare(a.insee, b.insee), cmp.Compare(a.siren, b.siren))
	})
	return rows, nil
}

// currentCommunes keeps the communes as they are today ("commune-actuelle"),
// dropping former communes (déléguées, associées), the municipal
// arrondissements of Paris, Lyon and Marseille, and the districts of the
// territories without local government. The result is keyed by INSEE code.
func currentCommunes(all []commune) map[string]commune {
	m := make(map[string]commune, len(all))
	for _, c := range all {
		if c.Type == "commune-actuelle" && !notLocal[c.Departement] {
			m[c.Code] = c
		}
	}
	return m
}

// epciMembership maps each member commune's INSEE code to its EPCI's SIREN.
// A commune belongs to at most one EPCI à fiscalité propre.
func epciMembership(epcis []epci, communes map[string]commune) (map[string]string, error) {
	m := make(map[string]string, len(communes))
	for _, e := range epcis {
		for _, mb := range e.Membres {
			if _, ok := communes[mb.Code]; !ok {
				return nil, fmt.Errorf("EPCI %s lists unknown commune %s", e.Code, mb.Code)
			}
			if prev, dup := m[mb.Code]; dup {
				return nil, fmt.Errorf("commune %s is in EPCI %s and %s", mb.Code, prev, e.Code)
			}
			m[mb.Code] = e.Code
		}
	}
	return m, nil
}

// writeTSV writes the header then one line per row.
func writeTSV(w io.Writer, rows []row) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(header + "\n")
	for _, r := range rows {
		bw.WriteString(r.line())
	}
	return bw.Flush()
}

// countKinds summarises rows by kind, for the generator's report.
func countKinds(rows []row) string {
	n := map[string]int{}
	for _, r := range rows {
		n[r.kind]++
	}
	var parts []string
	for _, k := range slices.SortedFunc(maps.Keys(n), func(a, b string) int { return cmp.Compare(kindOrder(a), kindOrder(b)) }) {
		parts = append(parts, fmt.Sprintf("%s %d", k, n[k]))
	}
	return strings.Join(parts, ", ")
}
