package web

// How the meeting's event streams learn of a change (jury.md §7, "live
// tracker"). The handlers that change what the screens show — the item on
// screen, attendance, ballots, decisions, the agenda — signal the edition's
// meeting here after their store call; every stream of that edition wakes,
// reads the revision once and sends it if it moved. A stream with nothing
// to say waits on a channel: no query, no timer firing every few hundred
// milliseconds.
//
// A change made by another process (a second instance behind the same
// database, the command line) signals nothing here, so each stream also
// reads the revision every meetingSafetyPoll: such a change shows within
// that delay instead of within a second.

import (
	"sync"
	"time"
)

// meetingSafetyPoll is how often a stream reads the revision without being
// told: only changes made outside this process need it.
const meetingSafetyPoll = 5 * time.Second

// meetingHub hands out, per edition, a channel closed at the meeting's next
// change. Its zero value is ready to use.
type meetingHub struct {
	mu      sync.Mutex
	changed map[int]chan struct{} // by year; replaced by a fresh one once closed
	// poll overrides meetingSafetyPoll when positive: tests shorten it
	// (setSafetyPoll) to see a change made behind the hub's back.
	poll time.Duration
}

// changes returns a channel that is closed at the next change of the
// meeting of year. A stream takes it before reading the revision, so that a
// change made during the read still wakes it.
func (h *meetingHub) changes(year int) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.changed == nil {
		h.changed = map[int]chan struct{}{}
	}
	ch, ok := h.changed[year]
	if !ok {
		ch = make(chan struct{})
		h.changed[year] = ch
	}
	return ch
}

// notify wakes every stream of the meeting of year. A needless call costs
// each open stream one read of the revision, so callers signal after any
// attempt that may have written, refused or not.
func (h *meetingHub) notify(year int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ch, ok := h.changed[year]; ok {
		close(ch)
		delete(h.changed, year)
	}
}

// safetyPoll is the delay between two reads of a stream left untold.
func (h *meetingHub) safetyPoll() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.poll > 0 {
		return h.poll
	}
	return meetingSafetyPoll
}
