package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"tnl/bench/harness"
)

// Goals from ../shared/docs/quality.md, "Speed and scale".
const (
	goalPublicRatio   = 0.50 // public pages
	goalPublicP99     = 10 * time.Millisecond
	goalSignedInRatio = 0.10 // a signed-in applicant's questionnaire page
	goalColdStart     = 300 * time.Millisecond
	goalIdleMB        = 40
	goalLoadMB        = 150
)

// report is everything BENCHMARKS.md says.
type report struct {
	opts    options
	date    time.Time
	machine []string // "name: value" lines: the machine, the tools, the source
	goBench string
	results *results
	elapsed time.Duration
}

// goBenchmarks runs the Go benchmarks, showing them as they go, and returns
// their output for BENCHMARKS.md.
func goBenchmarks(ctx context.Context, root string) (string, error) {
	step("running the Go benchmarks: go test -run '^$' -bench . -benchmem ./...")
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "./...")
	cmd.Dir = root
	cmd.Stdout = io.MultiWriter(os.Stdout, &out)
	cmd.Stderr = cmd.Stdout
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go test -bench: %w", err)
	}
	return out.String(), nil
}

// describeMachine names what the figures were measured on.
func describeMachine(ctx context.Context) []string {
	wrk, _ := exec.CommandContext(ctx, "wrk", "-v").CombinedOutput()
	wrkVersion, _, _ := strings.Cut(string(wrk), " [") // drop "[epoll] Copyright …"
	return append(harness.Hardware(), "wrk: "+strings.TrimSpace(wrkVersion),
		"load average at start (1, 5, 15 min): "+harness.LoadAverage())
}

// benchLines keeps the benchmark lines of go test's output, with the
// headers and the "ok" line of their packages; packages without benchmarks
// print neither headers nor benchmark lines and are left out.
func benchLines(out string) string {
	var kept, pending []string
	inBench := false
	for line := range strings.Lines(out) {
		switch {
		case strings.HasPrefix(line, "goos:"), strings.HasPrefix(line, "goarch:"),
			strings.HasPrefix(line, "pkg:"), strings.HasPrefix(line, "cpu:"):
			pending = append(pending, line)
		case strings.HasPrefix(line, "Benchmark"), strings.HasPrefix(line, "--- "), strings.HasPrefix(line, "    "):
			kept, pending, inBench = append(append(kept, pending...), line), nil, true
		case strings.HasPrefix(line, "ok"), strings.HasPrefix(line, "FAIL"):
			if inBench {
				kept = append(kept, line)
			}
			inBench = false
		}
	}
	return strings.Join(kept, "")
}

// command is the exact command that produced the figures.
func (r *report) command() string {
	c := "go run ./bench/load"
	if len(r.opts.args) > 0 {
		c += " " + strings.Join(r.opts.args, " ")
	}
	return c
}

// markdown is bench/load's section of BENCHMARKS.md, rewritten on every
// run; the sections of other benchmark programs follow it, untouched.
func (r *report) markdown() string {
	var b strings.Builder
	o, res := r.opts, r.results
	b.WriteString("# Benchmarks\n\n")
	b.WriteString("This first part is written by `make bench` (`bench/load`); do not edit by hand, run it again. " +
		"The parts after it are written by the other benchmark programs named in each.\n\n")
	fmt.Fprintf(&b, "`tnl serve` runs on a fresh SQLite database holding the demo data. In the same run, a minimal Go "+
		"server answers the bytes and headers of `tnl`'s home page (%d bytes, uncompressed, as wrk asks for it) from "+
		"memory: the practical limit of this machine. `wrk` loads each target on loopback "+
		"(`wrk --latency -t %d -c %d -d %s`), %d rounds after an unrecorded %s warm-up of each, the rounds "+
		"interleaved (baseline, home, login, questionnaire, baseline, …) so that the noise of the shared machine hits every "+
		"target alike. %s `tnl` runs as in production, its short cache of public pages for anonymous "+
		"visitors included.\n\n", res.pageBytes, o.threads, o.connections, o.duration, o.rounds, o.warmup, r.pinningText())
	b.WriteString("Each figure is the median of the rounds, with min–max. The ratio is the median of the per-round " +
		"ratios of `tnl`'s requests/s to the baseline's in the same round. Latencies are wrk's: it adds samples " +
		"for answers slower than the expected interval (its correction for coordinated omission), so a few very " +
		"slow answers weigh on p99; answers slower than 2 s are counted as timeouts and left out of the latencies. " +
		"Goals are those of `quality.md` (\"Speed and scale\"); a goal is met when the median meets it.\n\n")
	fmt.Fprintf(&b, "- date: %s\n", r.date.Format("2006-01-02 15:04 UTC"))
	for _, m := range r.machine {
		fmt.Fprintf(&b, "- %s\n", m)
	}
	fmt.Fprintf(&b, "- command: `make bench`, that is `go test -run '^$' -bench . -benchmem ./...` then `%s`; "+
		"the latter writes this file and runs the Go benchmarks again to paste them below\n", r.command())
	fmt.Fprintf(&b, "- duration of `%s`: %s\n\n", r.command(), r.elapsed.Round(time.Second))
	b.WriteString(r.tables())
	b.WriteString(r.roundsSection())
	b.WriteString(r.goBenchSection())
	return b.String()
}

// roundsSection lists every round, so that a reader can see how noisy the
// machine was and which rounds the medians come from.
func (r *report) roundsSection() string {
	var b strings.Builder
	b.WriteString("\n### Every round\n\n| round | page | req/s | p50 | p99 | timeouts |\n|---|---|---|---|---|---|\n")
	for i := range r.opts.rounds {
		for _, s := range r.results.series {
			w := s.runs[i]
			fmt.Fprintf(&b, "| %d | %s | %.0f | %s | %s | %d |\n", i+1, s.target.name, w.rps, ms(w.p50), ms(w.p99), w.timeouts)
		}
	}
	fmt.Fprintf(&b, "\nLoad average at the end (1, 5, 15 min): %s.\n", harness.LoadAverage())
	return b.String()
}

// goBenchSection pastes the Go benchmarks, when they were run.
func (r *report) goBenchSection() string {
	if r.goBench == "" {
		return ""
	}
	return "\n## Go benchmarks\n\nOne request through the real handler (`internal/web`) or the home page's " +
		"queries (`internal/store`), on the demo data. `render` renders the page every time (page cache off: a " +
		"cache miss, or a signed-in visitor); `cached` goes through the page cache as anonymous visitors do. " +
		"`identity` is the page as wrk gets it, `gzip` as a browser does, `identity-64-concurrent` from 64 " +
		"goroutines at once. Output of `go test -run '^$' -bench . -benchmem ./...`, packages without " +
		"benchmarks left out:\n\n```text\n" + strings.TrimRight(benchLines(r.goBench), "\n") + "\n```\n"
}

func (r *report) pinningText() string {
	if r.results.pinned {
		return "Both servers run on CPU 0 and wrk on CPU 1 (`taskset`)."
	}
	return "No pinning: `taskset` or a second CPU is missing, so servers and wrk share the CPUs."
}

// tables are the load table and the process table, printed and written.
func (r *report) tables() string {
	var b strings.Builder
	b.WriteString("## Load on loopback\n\n")
	b.WriteString("| page | req/s median (min–max) | p50 | p99 median (min–max) | timeouts (> 2 s) | ratio to static | goal | met |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for i, s := range r.results.series {
		b.WriteString(pageRow(s, r.results.series[0], i == 0))
	}
	b.WriteString("\n## Process\n\n| measure | value | goal | met |\n|---|---|---|---|\n")
	res := r.results
	cold := stats(res.coldStart, func(d time.Duration) float64 { return float64(d) })
	fmt.Fprintf(&b, "| cold start to ready: exec of `tnl serve` on the migrated database to `/healthz` answering 200, "+
		"median of %d (min–max) | %s (%s) | ≤ %d ms | %s |\n", len(res.coldStart), ms(time.Duration(cold.med)),
		msRange(cold), goalColdStart.Milliseconds(), verdict(time.Duration(cold.med) <= goalColdStart))
	memoryRow(&b, "RSS idle (VmRSS after start and a few requests)", res.rssIdleKB, goalIdleMB)
	memoryRow(&b, "RSS right after the load (VmRSS)", res.rssLoadKB, goalLoadMB)
	memoryRow(&b, "peak RSS over the whole run (VmHWM)", res.rssPeakKB, goalLoadMB)
	return b.String()
}

// pageRow is one line of the load table; the baseline's is the reference.
func pageRow(s, base *series, isBase bool) string {
	rps := stats(s.runs, func(w wrkResult) float64 { return w.rps })
	p50 := stats(s.runs, func(w wrkResult) float64 { return float64(w.p50) })
	p99 := stats(s.runs, func(w wrkResult) float64 { return float64(w.p99) })
	timeouts := 0
	for _, w := range s.runs {
		timeouts += w.timeouts
	}
	row := fmt.Sprintf("| %s | %.0f (%.0f–%.0f) | %s | %s (%s) | %d |", s.target.name, rps.med, rps.min, rps.max,
		ms(time.Duration(p50.med)), ms(time.Duration(p99.med)), msRange(p99), timeouts)
	if isBase {
		return row + " 100 % (reference) | — | — |\n"
	}
	ratio := ratios(s, base)
	t := s.target
	goal := fmt.Sprintf("≥ %.0f %% of static", 100*t.goalRatio)
	met := []bool{ratio.med >= t.goalRatio}
	if t.goalP99 > 0 {
		goal += fmt.Sprintf(", p99 ≤ %d ms", t.goalP99.Milliseconds())
		met = append(met, time.Duration(p99.med) <= t.goalP99)
	}
	return fmt.Sprintf("%s %.1f %% (%.1f–%.1f) | %s | %s |\n", row,
		100*ratio.med, 100*ratio.min, 100*ratio.max, goal, verdict(met...))
}

func memoryRow(b *strings.Builder, name string, kB, goalMB int) {
	mb := float64(kB) * 1024 / 1e6
	fmt.Fprintf(b, "| %s | %.1f MB | ≤ %d MB | %s |\n", name, mb, goalMB, verdict(mb <= float64(goalMB)))
}

// verdict is "met" when every check holds.
func verdict(checks ...bool) string {
	if slices.Contains(checks, false) {
		return "not met"
	}
	return "met"
}

// msRange writes the range of durations as "min–max" in milliseconds.
func msRange(s summary) string {
	return fmt.Sprintf("%.2f–%.2f", s.min/float64(time.Millisecond), s.max/float64(time.Millisecond))
}

// summary is the median and range of a few measures.
type summary struct{ med, min, max float64 }

func stats[T any](xs []T, value func(T) float64) summary {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = value(x)
	}
	slices.Sort(v)
	n := len(v)
	med := v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	return summary{med: med, min: v[0], max: v[n-1]}
}

// ratios pairs round i of s with round i of the baseline, measured moments
// apart, and summarises s's requests/s as a fraction of the baseline's.
func ratios(s, base *series) summary {
	rounds := make([]int, len(s.runs))
	for i := range rounds {
		rounds[i] = i
	}
	return stats(rounds, func(i int) float64 { return s.runs[i].rps / base.runs[i].rps })
}
