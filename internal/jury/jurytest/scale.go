// Package jurytest builds the jury's test and benchmark inputs shared by
// the package's benchmark and `make bench-assign`.
package jurytest

import (
	"math/rand/v2"

	"tnl/internal/jury"
)

// ScaleRequest is issue 6's scale case for the assignment solver: files
// files, reviewers reviewers, K = 3, about 2 % of pairs conflicted,
// diversity on "technique" and "elu" (three reviewers in ten hold the
// first, three the second, one both), loads in [min, max] around the
// average, jitter on. assessors says how many of the reviewers are external
// assessors (who cannot be rapporteur). The same arguments give the same
// request.
func ScaleRequest(files, reviewers, assessors int) jury.AssignRequest {
	rng := rand.New(rand.NewPCG(2026, 6))
	avg := max(1, files*3/reviewers)
	req := jury.AssignRequest{K: 3, Diversity: []string{"technique", "elu"}, Jitter: 10, Seed: 1}
	for f := range files {
		req.Files = append(req.Files, jury.AssignFile{ID: int64(f + 1)})
	}
	for j := range reviewers {
		jr := jury.AssignJuror{ID: int64(100001 + j), Min: avg * 2 / 3, Max: avg * 4 / 3, Assessor: j < assessors}
		switch j % 10 {
		case 0, 1, 2:
			jr.Tags = []string{"technique"}
		case 3, 4, 5:
			jr.Tags = []string{"elu"}
		case 6:
			jr.Tags = []string{"technique", "elu"}
		}
		req.Jurors = append(req.Jurors, jr)
		for f := range files {
			if rng.IntN(50) == 0 {
				req.Conflicts = append(req.Conflicts, jury.AssignPair{FileID: int64(f + 1), JurorID: jr.ID})
			}
		}
	}
	req.NoRapporteur = assessors == len(req.Jurors)
	return req
}

// WithoutLoads is req with no minimum or maximum load for anyone, as on
// the site when the secretariat sets none: the solver then spreads the
// loads evenly itself.
func WithoutLoads(req jury.AssignRequest) jury.AssignRequest {
	req.Jurors = append([]jury.AssignJuror(nil), req.Jurors...)
	for i := range req.Jurors {
		req.Jurors[i].Min, req.Jurors[i].Max = 0, 0
	}
	return req
}
