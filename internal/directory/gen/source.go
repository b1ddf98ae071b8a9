package main

import "fmt"

// The types below mirror the fields of the package's JSON files that the
// directory keeps; every other field is ignored.

type commune struct {
	Code        string   `json:"code"`
	Nom         string   `json:"nom"`
	Type        string   `json:"type"`
	Zone        string   `json:"zone"`
	Departement string   `json:"departement"`
	Region      string   `json:"region"`
	Population  int      `json:"population"`
	CodesPostal []string `json:"codesPostaux"`
	SIREN       string   `json:"siren"`
}

type epci struct {
	Code    string   `json:"code"` // the EPCI's SIREN
	Nom     string   `json:"nom"`
	Type    string   `json:"type"` // CC, CA, CU, METRO or MET69
	Membres []member `json:"membres"`
}

type member struct {
	Code string `json:"code"` // the member commune's INSEE code
}

type departement struct {
	Code   string `json:"code"`
	Nom    string `json:"nom"`
	Region string `json:"region"`
	Zone   string `json:"zone"` // metro, drom or com
}

type region struct {
	Code string `json:"code"`
	Nom  string `json:"nom"`
	Zone string `json:"zone"` // metro, drom or com
}

// source is the whole package, as read.
type source struct {
	communes     []commune
	epcis        []epci
	departements []departement
	regions      []region
}

// readSource reads the four data files the directory is built from.
func readSource(dir string) (*source, error) {
	var s source
	for name, v := range map[string]any{
		"communes.json":     &s.communes,
		"epci.json":         &s.epcis,
		"departements.json": &s.departements,
		"regions.json":      &s.regions,
	} {
		if err := readJSON(dir, name, v); err != nil {
			return nil, err
		}
	}
	if len(s.communes) == 0 || len(s.epcis) == 0 || len(s.departements) == 0 || len(s.regions) == 0 {
		return nil, fmt.Errorf("%s: a data file is empty", dir)
	}
	return &s, nil
}
