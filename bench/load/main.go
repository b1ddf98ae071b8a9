// Command load measures tnl under load and writes BENCHMARKS.md; `make bench`
// runs it after the Go benchmarks.
//
// The machine is shared and noisy, so absolute figures mean little: in the
// same run, it serves a static page of the same size as tnl's home page from
// memory with a minimal Go server (the practical limit of this machine), and
// reports tnl's requests/s as a ratio to that baseline, round by round.
// Rounds are interleaved (baseline, home, login, baseline, …) so that noise
// hits every target alike. Servers run on CPU 0 and wrk on CPU 1 when taskset
// and two CPUs are available.
//
// Usage:
//
//	go run ./bench/load [-duration 15s] [-rounds 3] [-connections 64]
//
// The same binary, run as `load static -addr A -body F -headers F`, is the
// static baseline server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"tnl/bench/mdsection"

	"tnl/bench/harness"
)

// options are the knobs of one run; the defaults are the issue's.
type options struct {
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	connections int
	threads     int
	goBench     bool
	args        []string // as given, to print the exact command
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "static" {
		if err := serveStatic(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench/load static:", err)
			os.Exit(1)
		}
		return
	}
	harness.Main("bench/load", run)
}

func parseFlags(args []string) (options, error) {
	o := options{args: args}
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.DurationVar(&o.duration, "duration", 15*time.Second, "length of each wrk round")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unrecorded wrk run on each target before the rounds")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds per target (interleaved)")
	fs.IntVar(&o.connections, "connections", 64, "wrk connections")
	fs.IntVar(&o.threads, "threads", 2, "wrk threads")
	fs.BoolVar(&o.goBench, "gobench", true, "run the Go benchmarks and paste them into BENCHMARKS.md")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.rounds < 1 || o.connections < 1 || o.threads < 1 || o.duration < time.Second {
		return o, errors.New("-rounds, -connections and -threads must be ≥ 1, -duration ≥ 1s")
	}
	return o, nil
}

// run measures everything, prints the tables and rewrites BENCHMARKS.md.
func run(ctx context.Context, args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed; install wrk: apt-get install wrk")
	}
	root, err := repoRoot(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	rep := &report{opts: o, date: start.UTC(), machine: describeMachine(ctx)}
	if o.goBench {
		if rep.goBench, err = goBenchmarks(ctx, root); err != nil {
			return err
		}
	}
	tmp, err := os.MkdirTemp("", "tnl-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// The source is read just before tnl is built: the load figures are those
	// of that tree.
	rep.machine = append(rep.machine, harness.Source(ctx, root))
	if rep.results, err = measure(ctx, o, root, tmp); err != nil {
		return err
	}
	rep.elapsed = time.Since(start)
	fmt.Println()
	fmt.Print(rep.tables())
	out := filepath.Join(root, "BENCHMARKS.md")
	if err := mdsection.Replace(out, "load", rep.markdown()); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s in %s\n", out, rep.elapsed.Round(time.Second))
	return nil
}

// repoRoot is the folder of tnl's go.mod, wherever the command is run from.
func repoRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run this from inside the tnl module")
	}
	return filepath.Dir(gomod), nil
}
