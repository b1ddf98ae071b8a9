package main

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"tnl/bench/harness"
)

// loadResult is one measured window of saves against one server.
type loadResult struct {
	engine, mode   string
	direct         bool          // through the store, without HTTP (direct.go)
	think          time.Duration // pause of each saver after each save; 0: saturation
	window         time.Duration
	saves          int64 // saves acknowledged (200) within the window
	p50, p99, pmax time.Duration
	conflicts      int64
	refused        int64
	unreachable    int64
	lastError      string
	warmupErrors   int64         // saves refused or unanswered during the warm-up
	cpu            time.Duration // the server's processor time in the window
	commits        int64         // transactions committed in the window (PostgreSQL), 0 if unknown
}

func (r *loadResult) rate() float64 { return float64(r.saves) / r.window.Seconds() }

// runLoad runs the savers against srv for warmup, then records for
// window: every save that completes inside the window counts, with its
// latency from request to answer. Each saver pauses think after each
// save (0: none, the server is saturated). Savers keep their versions
// from one call to the next, so that a second run starts from the answers
// the first one left.
func runLoad(ctx context.Context, srv *harness.Server, savers []*saver, warmup, window, think time.Duration,
	commits func() int64) (*loadResult, error) {
	// Savers stop after their save in flight, so that every save the
	// server committed is known to its saver for the next run.
	var measuring, stopping atomic.Bool
	defer stopping.Store(true)
	var c, warm counts
	lat := make([][]time.Duration, len(savers))
	var wg sync.WaitGroup
	for i, s := range savers {
		s.base = func() string { return srv.URL("") }
		wg.Go(func() {
			if think > 0 {
				// Paced savers start out of step, spread over one pause.
				sleep(ctx, rand.N(think))
			}
			for ctx.Err() == nil && !stopping.Load() {
				s.next()
				t0 := time.Now()
				o, err := s.save(ctx)
				d := time.Since(t0)
				switch {
				case ctx.Err() != nil:
				case measuring.Load():
					c.add(o, err)
					if o == saved {
						lat[i] = append(lat[i], d)
					}
				default:
					warm.add(o, err)
				}
				if think > 0 {
					sleep(ctx, think)
				}
			}
		})
	}
	if err := sleep(ctx, warmup); err != nil {
		return nil, err
	}
	cpu0, _ := srv.CPUTime()
	commits0 := commits()
	measuring.Store(true)
	start := time.Now()
	err := sleep(ctx, window)
	measuring.Store(false)
	r := &loadResult{window: time.Since(start), think: think}
	cpu1, _ := srv.CPUTime()
	r.cpu, r.commits = cpu1-cpu0, commits()-commits0
	stopping.Store(true)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	r.record(lat, &c)
	r.warmupErrors = warm.refused.Load() + warm.unreachable.Load()
	if r.lastError == "" {
		r.lastError, _ = warm.lastError.Load().(string)
	}
	return r, nil
}

// record sums up the window: the savers' latencies and what they met.
func (r *loadResult) record(lat [][]time.Duration, c *counts) {
	all := slices.Concat(lat...)
	slices.Sort(all)
	r.saves = int64(len(all))
	r.p50, r.p99, r.pmax = percentile(all, 0.50), percentile(all, 0.99), percentile(all, 1)
	r.conflicts, r.refused, r.unreachable = c.conflicts.Load(), c.refused.Load(), c.unreachable.Load()
	r.lastError, _ = c.lastError.Load().(string)
}

// percentile of sorted latencies, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// sleep waits for d unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
