package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"tnl/bench/harness"
	"tnl/internal/domain"
	"tnl/internal/store"
)

// Over HTTP, a save costs the server far more processor time (session,
// access checks, questionnaire, score) than a durable commit costs on a
// fast disk, so both modes can end up bound by the processor and the
// ratio says little about the commits. The direct measurement takes that
// cost away: the same 500 savers, on the same database in the same run,
// call the store as the autosave endpoint does — store.Autosave (group
// commit) or store.SaveAnswers with one save (one commit per save) — and
// nothing else, so that commits are the bottleneck they would be on a
// slower disk or a busier server.

// directSave is one save through the store, as the endpoint makes it.
type directSave func(ctx context.Context, s domain.AnswerSave) (domain.SaveResult, error)

func directMode(db *store.DB, mode string) directSave {
	if mode == modeGroup {
		return db.Autosave
	}
	return func(ctx context.Context, s domain.AnswerSave) (domain.SaveResult, error) {
		rs, err := db.SaveAnswers(ctx, []domain.AnswerSave{s})
		if err != nil {
			return domain.SaveResult{}, err
		}
		return rs[0], nil
	}
}

// saveDirect saves the saver's current value through the store.
func (s *saver) saveDirect(ctx context.Context, save directSave) (outcome, error) {
	r, err := save(ctx, domain.AnswerSave{ApplicationID: s.t.app, Question: s.t.question, Value: s.value,
		BaseVersion: s.version, UserID: s.t.user})
	switch {
	case err != nil:
		return refused, err
	case r.Conflict != nil:
		s.version = r.Conflict.Version
		return conflicted, nil
	}
	s.version = r.Version
	if r.Version > s.acked {
		s.acked, s.ackedValue = r.Version, s.value
	}
	return saved, nil
}

// measureDirect runs the savers through the store in each mode, without
// pause, on a connection pool of its own (the server is stopped).
func measureDirect(ctx context.Context, o options, e *harness.Engine, savers []*saver,
	commits func() int64) ([]*loadResult, error) {
	db, err := e.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out []*loadResult
	for _, mode := range []string{modeGroup, modeOne} {
		harness.Step("%s, direct: %d savers, %s warm-up, %s recorded", mode, len(savers), o.warmup, o.duration)
		r, err := runDirect(ctx, directMode(db, mode), savers, o.warmup, o.duration, commits)
		if err != nil {
			return nil, err
		}
		r.engine, r.mode, r.direct = e.Name, mode, true
		out = append(out, r)
		harness.Step("%s, %s, direct: %.0f saves/s, p50 %s, p99 %s", e.Name, mode, r.rate(), ms(r.p50), ms(r.p99))
	}
	return out, nil
}

// runDirect is runLoad without the network: each saver calls save in a
// loop; saves completed inside the window count, with their latency.
func runDirect(ctx context.Context, save directSave, savers []*saver, warmup, window time.Duration,
	commits func() int64) (*loadResult, error) {
	var measuring, stopping atomic.Bool
	defer stopping.Store(true)
	var c counts
	lat := make([][]time.Duration, len(savers))
	var wg sync.WaitGroup
	for i, s := range savers {
		wg.Go(func() {
			for ctx.Err() == nil && !stopping.Load() {
				s.next()
				t0 := time.Now()
				o, err := s.saveDirect(ctx, save)
				d := time.Since(t0)
				if ctx.Err() == nil && measuring.Load() {
					c.add(o, err)
					if o == saved {
						lat[i] = append(lat[i], d)
					}
				}
			}
		})
	}
	if err := sleep(ctx, warmup); err != nil {
		return nil, err
	}
	commits0 := commits()
	measuring.Store(true)
	start := time.Now()
	err := sleep(ctx, window)
	measuring.Store(false)
	r := &loadResult{window: time.Since(start), commits: commits() - commits0}
	stopping.Store(true)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	r.record(lat, &c)
	return r, nil
}
