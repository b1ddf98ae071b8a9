// Command autosave measures the autosave endpoint of a real `tnl serve`
// under 500 concurrent savers, and writes the figures into BENCHMARKS.md.
//
// Without -crash, it runs the same load twice on the same database: with
// the group commit (the default) and with one commit per save (the server
// started with TNL_AUTOSAVE_ONE_COMMIT=1), and reports saves/s, p50 and p99
// of each and their ratio. With -crash, it kills the server with SIGKILL at
// random moments under that load (at least 20 times), restarting it each
// time, then checks that no acknowledged save was lost and that the
// database is consistent.
//
// SQLite always; PostgreSQL too when TNL_BENCH_POSTGRES holds a server URL
// (`make bench-autosave` and `make bench-crash` start one with pg_virtualenv).
//
// Usage:
//
//	go run ./bench/autosave [-savers 500] [-warmup 5s] [-duration 20s] [-rounds 1]
//	go run ./bench/autosave -crash [-kills 20]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"tnl/bench/harness"
	"tnl/internal/store"
)

type options struct {
	savers, sessions int
	warmup, duration time.Duration
	think            time.Duration
	rounds           int
	crash            bool
	kills            int
	engines          string
	timeout          time.Duration
	seed             uint64
	write            bool
	bin              string
	keep             bool
	args             []string
}

func main() {
	harness.PinLoad()
	harness.Main("bench/autosave", run)
}

func parseFlags(args []string) (options, error) {
	o := options{args: args}
	fs := flag.NewFlagSet("autosave", flag.ContinueOnError)
	fs.IntVar(&o.savers, "savers", 500, "concurrent savers, each on its own application")
	fs.IntVar(&o.sessions, "sessions", 0, "sessions the savers share, signed in through the form (default: one per saver)")
	fs.DurationVar(&o.warmup, "warmup", 5*time.Second, "unrecorded load before each window")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "recorded window of each mode")
	fs.DurationVar(&o.think, "think", 2*time.Second, "pause of each saver between saves in the paced runs, which give the latencies (0: no paced run)")
	fs.IntVar(&o.rounds, "rounds", 1, "windows per mode, alternating the modes")
	fs.BoolVar(&o.crash, "crash", false, "crash run: kill the server under load, then look for every acknowledged save")
	fs.IntVar(&o.kills, "kills", 20, "SIGKILLs of the crash run")
	fs.StringVar(&o.engines, "engines", "", "engines to measure, e.g. sqlite,postgres (default: SQLite, and PostgreSQL when "+harness.PostgresEnv+" is set)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "limit of the whole run")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the kill moments")
	fs.BoolVar(&o.write, "write", true, "write the figures into BENCHMARKS.md")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary folder (databases, server logs) and PostgreSQL schema, to look into")
	fs.StringVar(&o.bin, "tnl", "", "a tnl binary to measure instead of building the tree's (to compare a variant)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.sessions <= 0 || o.sessions > o.savers {
		o.sessions = o.savers
	}
	if o.savers < 1 || o.rounds < 1 || o.kills < 1 || o.duration < time.Second {
		return o, errors.New("-savers, -rounds and -kills must be ≥ 1, -duration ≥ 1s")
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
	rep := &report{opts: o, machine: harness.Machine(ctx, root), start: time.Now()}
	tmp, err := os.MkdirTemp("", "tnl-bench-autosave-")
	if err != nil {
		return err
	}
	if rep.fsync, err = harness.FsyncLatency(tmp, 200); err != nil {
		return err
	}
	if o.keep {
		defer fmt.Println("kept", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	bin := o.bin
	if bin == "" {
		harness.Step("building tnl")
		if bin, err = harness.Build(ctx, root, tmp); err != nil {
			return err
		}
	}
	engines, err := harness.Engines(tmp, o.engines)
	if err != nil {
		return err
	}
	for _, e := range engines {
		e.Keep = o.keep
		defer e.Close()
	}
	for _, e := range engines {
		if err := measureEngine(ctx, o, rep, e, bin, tmp); err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
	}
	rep.elapsed = time.Since(rep.start)
	rep.loadEnd = harness.LoadAverage()
	fmt.Print("\n" + rep.tables())
	if !o.write {
		return nil
	}
	if err := harness.WriteSection(root, rep.section(), rep.markdown()); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s in %s\n", filepath.Join(root, "BENCHMARKS.md"), rep.elapsed.Round(time.Second))
	return nil
}

// measureEngine sets up a fresh database and runs the load or the crash
// run on it.
func measureEngine(ctx context.Context, o options, rep *report, e *harness.Engine, bin, tmp string) error {
	harness.Step("%s: setting up %d applications", e.Name, o.savers)
	targets, err := setup(ctx, e, o.savers)
	if err != nil {
		return err
	}
	settings, stats, err := engineSettings(ctx, e)
	if err != nil {
		return err
	}
	defer stats.Close()
	rep.settings = append(rep.settings, e.Name+": "+settings)
	addr, err := harness.FreeAddr()
	if err != nil {
		return err
	}
	cfg := harness.ServerConfig{Bin: bin, DB: e.URL, DataDir: filepath.Join(tmp, "data-"+e.Name),
		Log: filepath.Join(tmp, "tnl-"+e.Name+".log"), Addr: addr}
	harness.Step("%s: signing in %d sessions", e.Name, o.sessions)
	clients, err := signIn(ctx, cfg, o.sessions, newTransport(o.savers))
	if err != nil {
		return err
	}
	savers := make([]*saver, len(targets))
	for i, t := range targets {
		savers[i] = &saver{t: t, client: clients[i%len(clients)]}
	}
	if o.crash {
		harness.Step("%s: crash run, %d kills", e.Name, o.kills)
		r, err := crashRun(ctx, cfg, e, savers, o.kills, o.seed)
		if r != nil {
			rep.crashes = append(rep.crashes, r)
			harness.Step("%s: %d kills, %d acknowledged saves, %d lost %q; %v", e.Name, r.kills, r.acked, r.lost, r.lostSamples, r.integrity)
		}
		return err
	}
	thinks := []time.Duration{0}
	if o.think > 0 {
		thinks = append(thinks, o.think)
	}
	for round := 1; round <= o.rounds; round++ {
		for _, think := range thinks {
			for _, mode := range []string{modeGroup, modeOne} {
				r, err := measureMode(ctx, o, cfg, mode, think, savers, stats.walSyncs)
				if err != nil {
					return fmt.Errorf("%s: %w", mode, err)
				}
				r.engine = e.Name
				rep.loads = append(rep.loads, r)
				harness.Step("%s, %s, think %s: %.0f saves/s, p50 %s, p99 %s", e.Name, mode, think, r.rate(), ms(r.p50), ms(r.p99))
			}
		}
		direct, err := measureDirect(ctx, o, e, savers, stats.walSyncs)
		if err != nil {
			return fmt.Errorf("direct: %w", err)
		}
		rep.loads = append(rep.loads, direct...)
	}
	return nil
}

// The two ways the server commits autosaves.
const (
	modeGroup = "group commit"
	modeOne   = "one commit per save"
)

// measureMode starts a server committing in mode, runs the load and stops
// the server.
func measureMode(ctx context.Context, o options, cfg harness.ServerConfig, mode string, think time.Duration, savers []*saver,
	commits func() int64) (*loadResult, error) {
	if mode == modeOne {
		cfg.Env = append(cfg.Env, "TNL_AUTOSAVE_ONE_COMMIT=1")
	}
	srv, err := harness.Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	harness.Step("%s: %d savers, think time %s, %s warm-up, %s recorded", mode, len(savers), think, o.warmup, o.duration)
	r, err := runLoad(ctx, srv, savers, o.warmup, o.duration, think, commits)
	if err != nil {
		return nil, err
	}
	r.mode = mode
	if r.saves == 0 {
		return nil, fmt.Errorf("no save succeeded (last error: %s)", r.lastError)
	}
	return r, nil
}

// signIn opens the savers' sessions through the real sign-in form, on a
// server started for that; sessions live in the database, so they hold
// across restarts. By default each saver has its own session, as each
// browser would: the server refreshes a session at every request (its idle
// timeout), and with one session shared by all savers every save would
// also rewrite that one row, which serialises them on PostgreSQL's row
// lock — a contention no real use has.
func signIn(ctx context.Context, cfg harness.ServerConfig, sessions int, transport http.RoundTripper) ([]*http.Client, error) {
	srv, err := harness.Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	clients := make([]*http.Client, sessions)
	errs := make([]error, sessions)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(sessions, 8) { // each sign-in takes 400 ms or more, by design
		wg.Go(func() {
			for i := range next {
				clients[i], errs[i] = harness.SignIn(ctx, srv.URL(""), saverEmail, saverPassword, transport)
				if errs[i] == nil {
					clients[i].Timeout = 30 * time.Second
				}
			}
		})
	}
	for i := range sessions {
		next <- i
	}
	close(next)
	wg.Wait()
	return clients, errors.Join(errs...)
}

// engineStats reads a PostgreSQL server's count of WAL syncs, to show how
// many saves each durable commit carried.
type engineStats struct{ db *store.DB }

func (s *engineStats) walSyncs() int64 {
	if s.db == nil {
		return 0
	}
	var n int64
	store.RawSQL(s.db).QueryRow(`SELECT wal_sync FROM pg_stat_wal`).Scan(&n)
	return n
}

func (s *engineStats) Close() {
	if s.db != nil {
		s.db.Close()
	}
}

// engineSettings describes what the figures depend on: durability settings.
func engineSettings(ctx context.Context, e *harness.Engine) (string, *engineStats, error) {
	db, err := store.Open(ctx, e.URL)
	if err != nil {
		return "", nil, err
	}
	if e.Name == "sqlite" {
		defer db.Close()
		return "journal_mode " + harness.Setting(ctx, db, "journal_mode") + ", synchronous " +
			harness.Setting(ctx, db, "synchronous") + " (2 = FULL)", &engineStats{}, nil
	}
	return "PostgreSQL " + harness.Setting(ctx, db, "server_version") + ", fsync " + harness.Setting(ctx, db, "fsync") +
		", synchronous_commit " + harness.Setting(ctx, db, "synchronous_commit") + ", wal_sync_method " +
		harness.Setting(ctx, db, "wal_sync_method"), &engineStats{db: db}, nil
}
