package directory

import (
	"crypto/sha256"
	"encoding/hex"

	"tnl/internal/domain"
)

// Version identifies the embedded data: the database records it after a
// load, so that the directory is written again only when it changed.
func Version() string {
	sum := sha256.Sum256(embedded)
	return hex.EncodeToString(sum[:8])
}

// DomainBodies returns the directory as the bodies the store keeps, each
// with its URL key and its normalised name for matching.
func (d *Directory) DomainBodies() []domain.Body {
	out := make([]domain.Body, len(d.bodies))
	for i := range d.bodies {
		b := &d.bodies[i]
		out[i] = domain.Body{
			Key: b.Key(), Name: b.Name, Kind: string(b.Kind), Departement: b.Departement, Region: b.Region,
			INSEE: b.INSEE, SIREN: b.SIREN, Population: b.Population, PostalCodes: b.PostalCodes, EPCI: b.EPCI,
			Status: domain.BodyOfficial, SearchName: Normalize(b.Name),
		}
	}
	return out
}

// MatchHistorical finds the one directory body a laureate of the historical
// palmarès names ("Ville de Grenoble", kind commune, département 38), or
// nil when none or several match: those are left for an admin to link.
func (d *Directory) MatchHistorical(name, kind, departement string) *Body {
	kinds := domain.DirectoryKindsFor(kind)
	if len(kinds) == 0 {
		return nil
	}
	var found *Body
	for _, want := range domain.OfficialNames(Normalize(name)) {
		for _, r := range d.Search(want, 0) {
			if r.Match != MatchName || !containsKind(kinds, r.Body.Kind) || found == r.Body {
				continue
			}
			if departement != "" && r.Body.Departement != departement {
				continue
			}
			if found != nil {
				return nil // homonyms: not unambiguous
			}
			found = r.Body
		}
	}
	return found
}

func containsKind(kinds []string, k Kind) bool {
	for _, v := range kinds {
		if v == string(k) {
			return true
		}
	}
	return false
}
