package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"tnl/bench/harness"
	"tnl/internal/store"
)

// crashResult is one crash run: the server killed under load again and
// again, then every acknowledged save looked for.
type crashResult struct {
	engine      string
	kills       int
	elapsed     time.Duration
	acked       int64 // saves acknowledged with 200
	retried     int64 // saves sent again after a connection error
	conflicts   int64
	refused     int64
	lost        int // questions whose acknowledged save is not stored
	checked     int // questions checked
	integrity   []string
	lastError   string
	lostSamples []string
}

// liveServer is the server of the moment: the killer replaces it while the
// savers run.
type liveServer struct {
	mu  sync.Mutex
	srv *harness.Server
}

func (l *liveServer) get() *harness.Server  { l.mu.Lock(); defer l.mu.Unlock(); return l.srv }
func (l *liveServer) set(s *harness.Server) { l.mu.Lock(); l.srv = s; l.mu.Unlock() }

// crashRun starts the savers, kills the server with SIGKILL kills times at
// random moments (restarting it each time on the same address), then stops
// the load and checks what the database kept.
func crashRun(ctx context.Context, cfg harness.ServerConfig, e *harness.Engine, savers []*saver, kills int,
	seed uint64) (*crashResult, error) {
	start := time.Now()
	first, err := harness.Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	live := &liveServer{srv: first}
	defer func() { live.get().Stop() }()
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	var c counts
	var retried atomic.Int64
	var wg sync.WaitGroup
	for _, s := range savers {
		s.base = func() string { return "http://" + cfg.Addr }
		wg.Go(func() { keepSaving(loadCtx, s, &c, &retried) })
	}
	r := &crashResult{engine: e.Name}
	rng := rand.New(rand.NewPCG(seed, 3))
	for r.kills < kills {
		// A random moment in the first seconds of load after each start.
		if err := sleep(ctx, time.Duration(200+rng.IntN(1300))*time.Millisecond); err != nil {
			return nil, err
		}
		live.get().Kill()
		r.kills++
		next, err := harness.Start(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("restart after kill %d: %w", r.kills, err)
		}
		live.set(next)
	}
	if err := sleep(ctx, time.Second); err != nil {
		return nil, err
	}
	stopLoad()
	wg.Wait()
	live.get().Stop()
	r.elapsed = time.Since(start)
	r.acked, r.retried = c.saved.Load(), retried.Load()
	r.conflicts, r.refused = c.conflicts.Load(), c.refused.Load()
	r.lastError, _ = c.lastError.Load().(string)
	return r, verify(ctx, e, savers, r)
}

// keepSaving saves again and again. After a connection error (the server
// is down) it sends the same value on the same version again once the
// server answers: if the lost save had been committed, the server answers
// it as a repeated save, with its version.
func keepSaving(ctx context.Context, s *saver, c *counts, retried *atomic.Int64) {
	s.next()
	for ctx.Err() == nil {
		o, err := s.save(ctx)
		if ctx.Err() != nil {
			return
		}
		c.add(o, err)
		switch o {
		case unreachable:
			retried.Add(1)
			sleep(ctx, 20*time.Millisecond)
		case refused:
			sleep(ctx, 20*time.Millisecond)
			s.next()
		default:
			s.next()
		}
	}
}

// verify reads every saver's answer back: its version must be at least the
// highest the server acknowledged, and its value the acknowledged one when
// the versions are equal. Then the database's own consistency is checked.
func verify(ctx context.Context, e *harness.Engine, savers []*saver, r *crashResult) error {
	db, err := store.Open(ctx, e.URL)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, s := range savers {
		if s.acked == 0 {
			continue
		}
		r.checked++
		answers, err := db.Answers(ctx, s.t.app)
		if err != nil {
			return err
		}
		a := answers[s.t.question]
		if a.Version < s.acked || (a.Version == s.acked && a.Value != s.ackedValue) {
			r.lost++
			if len(r.lostSamples) < 5 {
				r.lostSamples = append(r.lostSamples, fmt.Sprintf("application %d %s: acknowledged version %d (%.40q), stored %d (%.40q)",
					s.t.app, s.t.question, s.acked, s.ackedValue, a.Version, a.Value))
			}
		}
	}
	r.integrity, err = integrity(ctx, db)
	return err
}

// integrity runs the checks that tell a database damaged by the kills:
// SQLite's own integrity and foreign key checks, and on both engines,
// every answer's version present in its history as an accepted save of
// the same value (the two are written in one transaction).
func integrity(ctx context.Context, db *store.DB) ([]string, error) {
	conn := store.RawSQL(db)
	var out []string
	if db.Engine() == "sqlite" {
		var ok string
		if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil {
			return nil, err
		}
		out = append(out, "`PRAGMA integrity_check`: "+ok)
		rows, err := conn.QueryContext(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			return nil, err
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		out = append(out, fmt.Sprintf("`PRAGMA foreign_key_check`: %d violations", n))
	}
	var answers, orphans int
	err := conn.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE NOT EXISTS (
			SELECT 1 FROM answer_history h WHERE h.application_id = n.application_id AND h.question = n.question
				AND h.version = n.version AND h.accepted AND h.value = n.value))
		FROM answers n`).Scan(&answers, &orphans)
	if err != nil {
		return nil, err
	}
	out = append(out, fmt.Sprintf("answers without their accepted history row: %d of %d", orphans, answers))
	if orphans > 0 {
		return out, errors.New("the answers and their history disagree")
	}
	return out, nil
}
