package jury

import (
	"math/rand/v2"
	"testing"
)

// assignBenchRequest is issue 6's scale case: 5,000 files, 100 reviewers,
// K = 3, about 2 % of pairs conflicted, diversity on "technique" and "elu"
// (three reviewers in ten hold the first, three the second, one both), loads
// in [100, 200] for 150 on average, jitter on. assessors says how many of
// the reviewers are external assessors (who cannot be rapporteur).
func assignBenchRequest(assessors int) AssignRequest {
	rng := rand.New(rand.NewPCG(2026, 6))
	req := AssignRequest{K: 3, Diversity: []string{"technique", "elu"}, Jitter: 10, Seed: 1}
	for f := range 5000 {
		req.Files = append(req.Files, AssignFile{ID: int64(f + 1)})
	}
	for j := range 100 {
		jr := AssignJuror{ID: int64(100001 + j), Min: 100, Max: 200, Assessor: j < assessors}
		switch j % 10 {
		case 0, 1, 2:
			jr.Tags = []string{"technique"}
		case 3, 4, 5:
			jr.Tags = []string{"elu"}
		case 6:
			jr.Tags = []string{"technique", "elu"}
		}
		req.Jurors = append(req.Jurors, jr)
		for f := range 5000 {
			if rng.IntN(50) == 0 {
				req.Conflicts = append(req.Conflicts, AssignPair{FileID: int64(f + 1), JurorID: jr.ID})
			}
		}
	}
	req.NoRapporteur = assessors == len(req.Jurors)
	return req
}

// BenchmarkAssign times Assign at issue 6's scale; run it once with
// go test -run '^$' -bench Assign -benchtime 1x ./internal/jury/
func BenchmarkAssign(b *testing.B) {
	for _, c := range []struct {
		name      string
		assessors int
	}{
		{"100assessors", 100},        // first stage: no rapporteur
		{"50jurors+50assessors", 50}, // a rapporteur among 50 jurors per file
		{"100jurors", 0},             // every reviewer may lead
	} {
		b.Run(c.name, func(b *testing.B) {
			req := assignBenchRequest(c.assessors)
			var res *AssignResult
			for b.Loop() {
				var err error
				if res, err = Assign(req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(res.Unmet)), "unmet")
			b.ReportMetric(float64(len(res.Added)), "pairs")
		})
	}
}
