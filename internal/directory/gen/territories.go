package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// territories returns the régions, the départements and the overseas
// collectivities (COM). The source has no population for them: theirs is
// the sum of their communes' municipal populations, which is how INSEE
// computes it. The source has no SIREN for them either.
//
// The COM (Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin,
// Wallis-et-Futuna, Polynésie française, Nouvelle-Calédonie) appear in the
// source both as départements and as régions; each becomes one "com" body
// whose département and région codes are its own code, so that their
// communes point to it.
func territories(s *source, communes map[string]commune) []row {
	popDep, popReg := map[string]int{}, map[string]int{}
	for _, c := range communes {
		popDep[c.Departement] += c.Population
		popReg[c.Region] += c.Population
	}
	var rows []row
	for _, r := range s.regions {
		switch {
		case notLocal[r.Code]:
		case r.Zone == "com":
			rows = append(rows, row{kind: "com", insee: r.Code, name: r.Nom, dep: r.Code, reg: r.Code, pop: popReg[r.Code]})
		default:
			rows = append(rows, row{kind: "region", insee: r.Code, name: r.Nom, reg: r.Code, pop: popReg[r.Code]})
		}
	}
	for _, d := range s.departements {
		if d.Zone != "com" {
			rows = append(rows, row{kind: "departement", insee: d.Code, name: d.Nom, dep: d.Code, reg: d.Region, pop: popDep[d.Code]})
		}
	}
	return rows
}

// epciRows returns the EPCI. An EPCI has no INSEE code and may straddle
// départements: it is given the département that holds the largest share of
// its members' population (in practice the one of its seat), and that
// département's région. Its population is the sum of its members', of the
// same vintage as the communes' (the source's own EPCI figures are older).
func epciRows(s *source, communes map[string]commune) ([]row, error) {
	var rows []row
	for _, e := range s.epcis {
		kind, ok := epciKinds[e.Type]
		if !ok {
			return nil, fmt.Errorf("EPCI %s: unknown type %q", e.Code, e.Type)
		}
		if len(e.Membres) == 0 {
			return nil, fmt.Errorf("EPCI %s has no member", e.Code)
		}
		popDep := map[string]int{}
		total := 0
		region := map[string]string{}
		for _, mb := range e.Membres {
			c := communes[mb.Code]
			popDep[c.Departement] += c.Population
			region[c.Departement] = c.Region
			total += c.Population
		}
		dep := slices.MaxFunc(slices.Sorted(maps.Keys(popDep)), func(a, b string) int {
			return cmp.Or(cmp.Compare(popDep[a], popDep[b]), cmp.Compare(b, a))
		})
		rows = append(rows, row{kind: kind, siren: e.Code, name: e.Nom, dep: dep, reg: region[dep], pop: total})
	}
	return rows, nil
}

// kindOrder sorts the file from the largest bodies to the smallest, which
// makes it easy to read.
func kindOrder(kind string) int {
	return slices.Index([]string{"region", "com", "departement", "csp", "metropole", "cu", "ca", "cc", "commune"}, kind)
}

// check refuses a row that would break the TSV format or lacks an identifier.
func (r row) check() error {
	for _, f := range []string{r.kind, r.insee, r.siren, r.name, r.dep, r.reg, r.epci, strings.Join(r.postal, ",")} {
		if strings.ContainsAny(f, "\t\n\r") {
			return fmt.Errorf("%s %q: a field holds a tab or a newline", r.kind, r.name)
		}
	}
	if r.name == "" || (r.insee == "" && r.siren == "") {
		return fmt.Errorf("%s %q %s%s: no name or no code", r.kind, r.name, r.insee, r.siren)
	}
	return nil
}

// line formats r as one TSV line, in the order of header.
func (r row) line() string {
	return strings.Join([]string{r.kind, r.insee, r.siren, r.name, r.dep, r.reg,
		strconv.Itoa(r.pop), strings.Join(r.postal, ","), r.epci}, "\t") + "\n"
}
