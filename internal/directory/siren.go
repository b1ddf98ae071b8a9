package directory

import (
	"strings"
	"unicode"

	"tnl/internal/domain"
)

// laPosteSIREN is the one SIREN known to fail the Luhn check: La Poste's,
// kept when its establishments were registered and valid by convention.
const laPosteSIREN = "356000000"

// ParseSIREN returns the 9 digits of a SIREN typed with or without spaces
// ("213 804 222"), or an invalid-input error whose message can be shown as
// is: the two mistakes people make — a wrong number of digits and a typo
// caught by the check digit — get different messages.
func ParseSIREN(s string) (string, error) {
	digits := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if len(digits) != 9 || strings.ContainsFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) {
		return "", domain.Errorf(domain.EINVALID, "Un numéro SIREN compte exactement 9 chiffres.")
	}
	if !luhn(digits) && digits != laPosteSIREN {
		return "", domain.Errorf(domain.EINVALID, "Ce numéro SIREN n’existe pas : vérifiez ses chiffres (la clé de contrôle ne correspond pas).")
	}
	return digits, nil
}

// ValidSIREN reports whether s is a SIREN: 9 digits, spaces ignored, whose
// last one is the Luhn check digit of the others (La Poste excepted).
func ValidSIREN(s string) bool {
	_, err := ParseSIREN(s)
	return err == nil
}

// luhn reports whether the ASCII digits in s pass the Luhn check: doubling
// every second digit from the right, the digits' sum is a multiple of 10.
func luhn(s string) bool {
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
