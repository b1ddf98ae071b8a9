package web

import (
	"sync"
	"time"
)

// limiter counts failures per key (an account, an address) in a sliding
// window. Past the limit, the key is refused until its oldest failure leaves
// the window: slowing down guessing without ever locking anyone out for good.
type limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	hits   map[string][]time.Time
	now    func() time.Time
}

func newLimiter(limit int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{limit: limit, window: window, hits: map[string][]time.Time{}, now: now}
}

// retryAfter returns how long key must wait, or 0 when it may go on.
func (l *limiter) retryAfter(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.prune(key)
	if len(recent) < l.limit {
		return 0
	}
	return recent[0].Add(l.window).Sub(l.now())
}

// hit records one failure (or one use, for quotas) of key.
func (l *limiter) hit(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits[key] = append(l.prune(key), l.now())
	if len(l.hits) > 100_000 {
		l.sweep()
	}
}

// prune drops the failures of key that left the window.
func (l *limiter) prune(key string) []time.Time {
	cutoff := l.now().Add(-l.window)
	recent := l.hits[key]
	for len(recent) > 0 && !recent[0].After(cutoff) {
		recent = recent[1:]
	}
	if len(recent) == 0 {
		delete(l.hits, key)
		return nil
	}
	l.hits[key] = recent
	return recent
}

// sweep bounds memory when many keys are seen (a spray of addresses).
func (l *limiter) sweep() {
	for k := range l.hits {
		l.prune(k)
	}
}
