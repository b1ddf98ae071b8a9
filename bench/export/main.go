// Command export measures the exports of applications on a large edition:
// it fills a fresh database with synthetic applications (36,000 × ~60
// answers by default), then downloads export.csv, export.xlsx and
// export.ods from a real `tnl serve`, each from a fresh server so that its
// peak resident size (VmHWM) is the export's own, and writes the figures
// into BENCHMARKS.md. SQLite always; PostgreSQL too when TNL_BENCH_POSTGRES
// holds a server URL (`make bench-export` starts one with pg_virtualenv).
//
// Usage:
//
//	go run ./bench/export [-applications 36000] [-questions 60] [-formats csv,xlsx,ods] [-timeout 10m] [-keep]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tnl/bench/harness"
)

// Goals of the issue, per export.
const (
	goalTime = 30 * time.Second
	goalMB   = 150
)

type options struct {
	applications, questions int
	formats                 []string
	timeout                 time.Duration
	seed                    uint64
	write, keep             bool
	database                string // an existing database set up by a -keep run: skip the setup
	engines                 string
	args                    []string
}

func main() {
	harness.PinLoad()
	harness.Main("bench/export", run)
}

func parseFlags(args []string) (options, error) {
	o := options{args: args}
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.IntVar(&o.applications, "applications", 36000, "synthetic applications")
	fs.IntVar(&o.questions, "questions", 60, "questions of the questionnaire, each answered (the default Label questionnaire has 42)")
	formats := fs.String("formats", "csv,xlsx,ods", "formats to measure")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "limit of the whole run")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the synthetic data")
	fs.BoolVar(&o.write, "write", true, "write the figures into BENCHMARKS.md")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary folder (databases, logs), to profile or look into")
	fs.StringVar(&o.engines, "engines", "", "engines to measure, e.g. sqlite,postgres (default: SQLite, and PostgreSQL when "+harness.PostgresEnv+" is set)")
	fs.StringVar(&o.database, "database", "", "measure on this database, set up by an earlier run with -keep, instead of a fresh one (SQLite only)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.formats = strings.Split(*formats, ",")
	if o.applications < 1 || o.questions < 1 {
		return o, errors.New("-applications and -questions must be ≥ 1")
	}
	return o, nil
}

func run(ctx context.Context, args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	root, err := harness.Root(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	rep := &report{opts: o, machine: harness.Machine(ctx, root)}
	tmp, err := os.MkdirTemp("", "tnl-bench-export-")
	if err != nil {
		return err
	}
	if o.keep {
		defer fmt.Println("kept", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	harness.Step("building tnl")
	bin, err := harness.Build(ctx, root, tmp)
	if err != nil {
		return err
	}
	engines, err := harness.Engines(tmp, o.engines)
	if err != nil {
		return err
	}
	if o.database != "" {
		engines = []*harness.Engine{{Name: "sqlite", URL: o.database}}
	}
	for _, e := range engines {
		e.Keep = o.keep
		defer e.Close()
	}
	for _, e := range engines {
		er, err := measureEngine(ctx, o, e, bin, tmp)
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
		rep.engines = append(rep.engines, er)
	}
	rep.elapsed = time.Since(start)
	fmt.Print("\n" + rep.table())
	if !o.write {
		return nil
	}
	if err := harness.WriteSection(root, "export", rep.markdown()); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s in %s\n", filepath.Join(root, "BENCHMARKS.md"), rep.elapsed.Round(time.Second))
	return nil
}

// engineResult is one engine's setup and exports.
type engineResult struct {
	name     string
	settings string
	setup    time.Duration
	answers  int
	results  []*result
}

func measureEngine(ctx context.Context, o options, e *harness.Engine, bin, tmp string) (*engineResult, error) {
	harness.Step("%s: setting up %d applications × %d answers", e.Name, o.applications, o.questions)
	t0 := time.Now()
	er := &engineResult{name: e.Name}
	var err error
	if o.database == "" {
		if er.answers, err = setup(ctx, e, o.applications, o.questions, o.seed); err != nil {
			return nil, err
		}
	}
	db, err := e.Open(ctx)
	if err != nil {
		return nil, err
	}
	if e.Name == "sqlite" {
		er.settings = "journal_mode " + harness.Setting(ctx, db, "journal_mode") + ", synchronous " + harness.Setting(ctx, db, "synchronous")
	} else {
		er.settings = "PostgreSQL " + harness.Setting(ctx, db, "server_version") + ", shared_buffers " +
			harness.Setting(ctx, db, "shared_buffers") + ", work_mem " + harness.Setting(ctx, db, "work_mem")
	}
	db.Close()
	er.setup = time.Since(t0)
	harness.Step("%s: %d answers written in %s", e.Name, er.answers, er.setup.Round(time.Second))
	cfg := harness.ServerConfig{Bin: bin, DB: e.URL, DataDir: filepath.Join(tmp, "data-"+e.Name),
		Log: filepath.Join(tmp, "tnl-"+e.Name+".log")}
	for _, f := range o.formats {
		r, err := measureExport(ctx, cfg, e.Name, f, tmp)
		if err != nil {
			return nil, fmt.Errorf("export.%s: %w", f, err)
		}
		if r.rows != o.applications {
			return nil, fmt.Errorf("export.%s holds %d rows, want %d", f, r.rows, o.applications)
		}
		harness.Step("%s: export.%s in %s, %s, peak RSS %s", e.Name, f, r.elapsed.Round(time.Millisecond),
			sizeText(r.size), harness.MB(r.peakKB))
		os.Remove(filepath.Join(tmp, fmt.Sprintf("export-%s.%s", e.Name, f)))
		er.results = append(er.results, r)
	}
	return er, nil
}
