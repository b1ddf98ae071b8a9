package directory

import (
	"testing"

	"tnl/internal/domain"
)

func TestValidSIREN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"213804222", true},             // Saint-Martin-d'Uriage
		{"213 804 222", true},           // as printed
		{"213\u00a0804\u202f222", true}, // non-breaking spaces from a copy-paste
		{"217500016", true},             // Ville de Paris
		{"200046977", true},             // Métropole de Lyon
		{"356000000", true},             // La Poste: fails Luhn, valid by convention
		{"356 000 000", true},
		{"213804225", false}, // wrong check digit
		{"213 804 223", false},
		{"356000001", false},
		{"21380422", false},   // 8 digits
		{"2138042220", false}, // 10 digits
		{"21380422A", false},
		{"", false},
		{"         ", false},
		{"000000000", true}, // passes Luhn: the format alone cannot tell
	} {
		if got := ValidSIREN(c.in); got != c.want {
			t.Errorf("ValidSIREN(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParseSIREN(t *testing.T) {
	if got, err := ParseSIREN(" 213 804 222 "); err != nil || got != "213804222" {
		t.Errorf("ParseSIREN = %q, %v", got, err)
	}
	_, short := ParseSIREN("2138")
	_, typo := ParseSIREN("213804223")
	for _, err := range []error{short, typo} {
		if domain.ErrorCode(err) != domain.EINVALID || domain.ErrorMessage(err) == "" {
			t.Errorf("error %v: want an invalid-input error with a message", err)
		}
	}
	if domain.ErrorMessage(short) == domain.ErrorMessage(typo) {
		t.Error("a wrong length and a wrong check digit get the same message")
	}
}

// TestEverySIRENValid checks every SIREN of the source, communes and EPCI.
func TestEverySIRENValid(t *testing.T) {
	d := mustLoad(t)
	n := 0
	for _, b := range d.All() {
		if b.SIREN == "" {
			continue
		}
		n++
		if !ValidSIREN(b.SIREN) {
			t.Errorf("%s: SIREN %s fails the check", b.Label(), b.SIREN)
		}
	}
	t.Logf("%d SIREN checked", n)
	if n < 35000 {
		t.Errorf("only %d SIREN", n)
	}
}
