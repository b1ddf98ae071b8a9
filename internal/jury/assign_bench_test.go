package jury_test

import (
	"testing"

	"tnl/internal/jury"
	"tnl/internal/jury/jurytest"
)

// BenchmarkAssign times Assign at issue 6's scale (5,000 files, 100
// reviewers); run it once with
// go test -run '^$' -bench Assign -benchtime 1x ./internal/jury/
// (`make bench-assign` measures it with its guarantees for BENCHMARKS.md).
func BenchmarkAssign(b *testing.B) {
	for _, c := range []struct {
		name      string
		assessors int
		even      bool
	}{
		{"100assessors", 100, false},        // first stage: no rapporteur
		{"50jurors+50assessors", 50, false}, // a rapporteur among 50 jurors per file
		{"100jurors", 0, false},             // every reviewer may lead
		{"100jurors-unbounded", 0, true},    // no load bounds: the solver spreads the loads
	} {
		b.Run(c.name, func(b *testing.B) {
			req := jurytest.ScaleRequest(5000, 100, c.assessors)
			if c.even {
				req = jurytest.WithoutLoads(req)
			}
			var res *jury.AssignResult
			for b.Loop() {
				var err error
				if res, err = jury.Assign(req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(res.Unmet)), "unmet")
			b.ReportMetric(float64(len(res.Added)), "pairs")
		})
	}
}
