// Command assign times the jury's assignment solver at issue 6's scale —
// 5,000 files and 100 reviewers, three per file — checks the guarantees of
// each result, and writes the figures into BENCHMARKS.md.
//
// Usage:
//
//	go run ./bench/assign [-rounds 3] [-files 5000] [-reviewers 100]
package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"tnl/bench/harness"
	"tnl/internal/jury"
	"tnl/internal/jury/jurytest"
)

func main() { harness.Main("bench/assign", run) }

// benchCase is one mix of reviewers.
type benchCase struct {
	name      string
	assessors int  // how many of the reviewers are external assessors
	even      bool // no load bounds: the solver spreads the loads itself
}

// caseResult is a case's timings and what its last result guarantees.
type caseResult struct {
	benchCase
	times  []time.Duration
	pairs  int
	unmet  int
	spread int      // max − min load
	checks []string // guarantees broken; empty when all hold
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("assign", flag.ContinueOnError)
	rounds := fs.Int("rounds", 3, "runs of each case")
	files := fs.Int("files", 5000, "files to assign")
	reviewers := fs.Int("reviewers", 100, "reviewers")
	write := fs.Bool("write", true, "write the figures into BENCHMARKS.md")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, err := harness.Root(ctx)
	if err != nil {
		return err
	}
	machine := harness.Machine(ctx, root)
	cases := []benchCase{{"all external assessors, no rapporteur", *reviewers, false},
		{"half jurors, half assessors, a rapporteur per file", *reviewers / 2, false},
		{"all jurors, a rapporteur per file", 0, false},
		{"all jurors, no load bounds (even spread)", 0, true}}
	var results []caseResult
	for _, c := range cases {
		r, err := measure(ctx, c, *files, *reviewers, *rounds)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		results = append(results, r)
	}
	body := report(machine, *files, *reviewers, *rounds, results)
	fmt.Print("\n" + body)
	if !*write {
		return nil
	}
	return harness.WriteSection(root, "assign", body)
}

func measure(ctx context.Context, c benchCase, files, reviewers, rounds int) (caseResult, error) {
	req := jurytest.ScaleRequest(files, reviewers, c.assessors)
	if c.even {
		req = jurytest.WithoutLoads(req)
	}
	r := caseResult{benchCase: c}
	for i := range rounds {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		t0 := time.Now()
		res, err := jury.Assign(req)
		d := time.Since(t0)
		if err != nil {
			return r, err
		}
		r.times = append(r.times, d)
		r.pairs, r.unmet, r.spread, r.checks = len(res.Added), len(res.Unmet), spread(req, res), guarantees(req, res)
		harness.Step("%s, round %d: %s, %d pairs, %d unmet, spread %d, %d broken guarantees", c.name, i+1,
			d.Round(time.Millisecond), r.pairs, r.unmet, r.spread, len(r.checks))
	}
	return r, nil
}

// guarantees checks a result against its request: no conflicted pair,
// every file with K reviewers, loads within bounds (within one of each
// other when nobody has a bound), one rapporteur among the reviewers and
// never an assessor (unless none is asked for).
func guarantees(req jury.AssignRequest, res *jury.AssignResult) []string {
	conflicted := map[[2]int64]bool{}
	for _, c := range req.Conflicts {
		conflicted[[2]int64{c.FileID, c.JurorID}] = true
	}
	jurors := map[int64]jury.AssignJuror{}
	for _, j := range req.Jurors {
		jurors[j.ID] = j
	}
	load := map[int64]int{}
	var broken []string
	for _, f := range res.Files {
		if len(f.Reviewers) < req.K {
			broken = append(broken, fmt.Sprintf("file %d has %d reviewers", f.FileID, len(f.Reviewers)))
		}
		for _, j := range f.Reviewers {
			load[j]++
			if conflicted[[2]int64{f.FileID, j}] {
				broken = append(broken, fmt.Sprintf("file %d given to conflicted reviewer %d", f.FileID, j))
			}
		}
		if !req.NoRapporteur && (!slices.Contains(f.Reviewers, f.Rapporteur) || jurors[f.Rapporteur].Assessor) {
			broken = append(broken, fmt.Sprintf("file %d: rapporteur %d", f.FileID, f.Rapporteur))
		}
	}
	for id, j := range jurors {
		if load[id] < j.Min || (j.Max > 0 && load[id] > j.Max) {
			broken = append(broken, fmt.Sprintf("reviewer %d: load %d outside [%d, %d]", id, load[id], j.Min, j.Max))
		}
	}
	unbounded := !slices.ContainsFunc(req.Jurors, func(j jury.AssignJuror) bool { return j.Min > 0 || j.Max > 0 })
	if d := spread(req, res); unbounded && d > 1 {
		broken = append(broken, fmt.Sprintf("loads spread over %d files without any bound", d))
	}
	if len(res.Files) != len(req.Files) {
		broken = append(broken, fmt.Sprintf("%d files in the result, %d asked", len(res.Files), len(req.Files)))
	}
	return broken
}

// spread is the largest load less the smallest, over every reviewer of
// the request (one without any file counts as 0).
func spread(req jury.AssignRequest, res *jury.AssignResult) int {
	load := map[int64]int{}
	for _, f := range res.Files {
		for _, j := range f.Reviewers {
			load[j]++
		}
	}
	lo, hi := len(res.Files), 0
	for _, j := range req.Jurors {
		lo, hi = min(lo, load[j.ID]), max(hi, load[j.ID])
	}
	return max(hi-lo, 0)
}

func report(machine string, files, reviewers, rounds int, results []caseResult) string {
	var b strings.Builder
	b.WriteString("## Jury: assignment solver at scale\n\n")
	b.WriteString("Written by `make bench-assign` (`bench/assign`); run it again rather than editing by hand.\n\n")
	fmt.Fprintf(&b, "`jury.Assign` (min-cost flow, internal/jury/assign.go) proposes 3 reviewers per file for %d files "+
		"among %d reviewers, about 2 %% of the pairs conflicted (hard constraints), each reviewer's load between "+
		"two thirds and four thirds of the average, a diversity rule asking one \"technique\" and one \"elu\" "+
		"reviewer per file, jitter on (the request: `jurytest.ScaleRequest`; in the last case without any load bound, "+
		"`jurytest.WithoutLoads`, so that the solver spreads the loads itself). Each case runs %d times in one "+
		"process; every result is checked: no conflicted pair, every file with its 3 reviewers, every load within "+
		"bounds (within one of each other without bounds), one rapporteur among the reviewers and never an external "+
		"assessor. \"Unmet\" counts the files "+
		"where the diversity rule could not be met; \"spread\" is the largest load less the smallest.\n\n", files, reviewers, rounds)
	b.WriteString(machine)
	fmt.Fprintf(&b, "- command: `make bench-assign`, that is `go run ./bench/assign -rounds %d`\n\n", rounds)
	b.WriteString("| reviewers | median | min | max | pairs | unmet | spread | guarantees | goal | met |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		sorted := slices.Clone(r.times)
		slices.Sort(sorted)
		held := "all hold"
		if len(r.checks) > 0 {
			held = fmt.Sprintf("%d broken, e.g. %s", len(r.checks), r.checks[0])
		}
		ok := len(r.checks) == 0 && sorted[len(sorted)-1] < time.Minute
		verdict := "met"
		if !ok {
			verdict = "**missed**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d | %d | %d | %s | all guarantees, well under a minute | %s |\n", r.name,
			sorted[len(sorted)/2].Round(time.Millisecond), sorted[0].Round(time.Millisecond),
			sorted[len(sorted)-1].Round(time.Millisecond), r.pairs, r.unmet, r.spread, held, verdict)
	}
	return b.String()
}
