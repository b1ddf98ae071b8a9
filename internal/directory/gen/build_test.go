package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sample is a tiny source with one body of each case the generator treats
// apart: a former commune, an EPCI across two départements, the Métropole
// de Lyon, a COM and a territory without local government.
func sample() *source {
	return &source{
		communes: []commune{
			{Code: "38422", Nom: "Saint-Martin-d'Uriage", Type: "commune-actuelle", Departement: "38", Region: "84", Population: 5587, CodesPostal: []string{"38410"}, SIREN: "213804222"},
			{Code: "73001", Nom: "Savoyarde", Type: "commune-actuelle", Departement: "73", Region: "84", Population: 100, SIREN: "217300011"},
			{Code: "38999", Nom: "Ancienne", Type: "commune-deleguee", Departement: "38", Region: "84"},
			{Code: "69123", Nom: "Lyon", Type: "commune-actuelle", Departement: "69", Region: "84", Population: 519127, SIREN: "216901231"},
			{Code: "98735", Nom: "Papeete", Type: "commune-actuelle", Departement: "987", Region: "987", Population: 26654},
			{Code: "98412", Nom: "Archipel des Kerguelen", Type: "commune-actuelle", Departement: "984", Region: "984"},
		},
		epcis: []epci{
			{Code: "200018166", Nom: "CC Le Grésivaudan", Type: "CC", Membres: []member{{"38422"}, {"73001"}}},
			{Code: "200046977", Nom: "Métropole de Lyon", Type: "MET69", Membres: []member{{"69123"}}},
		},
		departements: []departement{{"38", "Isère", "84", "metro"}, {"69", "Rhône", "84", "metro"}, {"73", "Savoie", "84", "metro"}, {"987", "Polynésie française", "987", "com"}},
		regions:      []region{{"84", "Auvergne-Rhône-Alpes", "metro"}, {"987", "Polynésie française", "com"}, {"984", "TAAF", "com"}},
	}
}

func TestBuild(t *testing.T) {
	rows, err := build(sample())
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range rows {
		lines = append(lines, strings.TrimSuffix(r.line(), "\n"))
	}
	want := []string{
		"region\t84\t\tAuvergne-Rhône-Alpes\t\t84\t524814\t\t",
		"com\t987\t\tPolynésie française\t987\t987\t26654\t\t",
		"departement\t38\t\tIsère\t38\t84\t5587\t\t",
		"departement\t69\t\tRhône\t69\t84\t519127\t\t",
		"departement\t73\t\tSavoie\t73\t84\t100\t\t",
		"csp\t\t200046977\tMétropole de Lyon\t69\t84\t519127\t\t",
		"cc\t\t200018166\tCC Le Grésivaudan\t38\t84\t5687\t\t",
		"commune\t38422\t213804222\tSaint-Martin-d'Uriage\t38\t84\t5587\t38410\t200018166",
		"commune\t69123\t216901231\tLyon\t69\t84\t519127\t\t200046977",
		"commune\t73001\t217300011\tSavoyarde\t73\t84\t100\t\t200018166",
		"commune\t98735\t\tPapeete\t987\t987\t26654\t\t",
	}
	if got := strings.Join(lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestBuildRefusesInconsistentData(t *testing.T) {
	for name, spoil := range map[string]func(*source){
		"unknown member": func(s *source) { s.epcis[0].Membres = append(s.epcis[0].Membres, member{"38999"}) },
		"two EPCI":       func(s *source) { s.epcis[1].Membres = append(s.epcis[1].Membres, member{"38422"}) },
		"unknown type":   func(s *source) { s.epcis[0].Type = "SIVOM" },
		"no member":      func(s *source) { s.epcis[0].Membres = nil },
		"tab in a name":  func(s *source) { s.communes[0].Nom = "Saint\tMartin" },
		"no code":        func(s *source) { s.regions[0].Code = "" },
	} {
		s := sample()
		spoil(s)
		if _, err := build(s); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestRun writes the sample as the package's JSON files, runs the
// generator on them and reads the file back.
func TestRun(t *testing.T) {
	src := t.TempDir()
	os.Mkdir(filepath.Join(src, "data"), 0o755)
	s := sample()
	for name, v := range map[string]any{"communes.json": s.communes, "epci.json": s.epcis,
		"departements.json": s.departements, "regions.json": s.regions} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(src, "data", name), b, 0o644)
	}
	out := filepath.Join(t.TempDir(), "d.tsv.gz")
	var stderr bytes.Buffer
	if err := run([]string{"-src", src, "-out", out}, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	f, _ := os.ReadFile(out)
	zr, err := gzip.NewReader(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(zr)
	if !strings.HasPrefix(string(text), header+"\n") || strings.Count(string(text), "\n") != 12 {
		t.Errorf("file:\n%s", text)
	}
	if err := run([]string{"-out", out}, &stderr); err == nil {
		t.Error("no -src: no error")
	}
}
