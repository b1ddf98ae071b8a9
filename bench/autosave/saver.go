package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"tnl/internal/form"
)

// saver is one browser tab autosaving one answer of its own application
// again and again, each save made on the version the previous one returned.
type saver struct {
	t       target
	client  *http.Client
	base    func() string // the server's address now; it changes only in the crash run
	version int           // the version the next save starts from
	n       int           // saves sent, to make every value different
	value   string        // the value being saved
	// acked is the highest version the server acknowledged with 200, and
	// its value: what a crash must never lose.
	acked      int
	ackedValue string
}

// reply is the autosave endpoint's JSON answer.
type reply struct {
	Status  string `json:"status"`
	Version int    `json:"version"`
}

// outcome is what became of one save.
type outcome int

const (
	saved outcome = iota
	conflicted
	refused // any other HTTP answer
	unreachable
)

// text is the next value: a short text of about 60 characters or a long
// text of about 600, different at each save so that each one writes.
func (s *saver) next() {
	s.n++
	if s.t.question == shortQuestion {
		s.value = fmt.Sprintf("Syndicat intercommunal du numérique, version %d", s.n)
		return
	}
	// No space at either end: the server trims answers, and the crash run
	// compares what it acknowledged with what it stored.
	s.value = fmt.Sprintf("Version %d du plan d'action.", s.n) + strings.Repeat(
		" Nous migrons les postes vers des logiciels libres et formons les agents chaque trimestre.", 7)
}

// save sends the current value once. A 200 moves the saver to the
// returned version; a 409 (someone saved meanwhile, which a lone saver
// sees only when an earlier save of its own was committed but its answer
// lost) moves it to the newer version so that the next save can go.
func (s *saver) save(ctx context.Context) (outcome, error) {
	q := s.t.question
	vals := url.Values{"q": {q}, form.AnswerField(q): {s.value}, form.VersionField(q): {strconv.Itoa(s.version)}}
	req, err := http.NewRequestWithContext(ctx, "POST", s.base()+fmt.Sprintf("/candidatures/%d/reponses", s.t.app),
		strings.NewReader(vals.Encode()))
	if err != nil {
		return refused, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := s.client.Do(req)
	if err != nil {
		return unreachable, err
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	res.Body.Close()
	if err != nil {
		return unreachable, err
	}
	var r reply
	if res.StatusCode == http.StatusOK || res.StatusCode == http.StatusConflict {
		if err := json.Unmarshal(body, &r); err != nil {
			return refused, fmt.Errorf("status %d, unreadable answer %q", res.StatusCode, body)
		}
	}
	switch {
	case res.StatusCode == http.StatusOK && r.Status == "saved":
		s.version = r.Version
		if r.Version > s.acked {
			s.acked, s.ackedValue = r.Version, s.value
		}
		return saved, nil
	case res.StatusCode == http.StatusConflict:
		s.version = r.Version
		return conflicted, nil
	}
	return refused, fmt.Errorf("status %d: %.200s", res.StatusCode, body)
}

// counts are what a group of savers did, updated atomically.
type counts struct {
	saved, conflicts, refused, unreachable atomic.Int64
	lastError                              atomic.Value // string
}

func (c *counts) add(o outcome, err error) {
	switch o {
	case saved:
		c.saved.Add(1)
	case conflicted:
		c.conflicts.Add(1)
	case refused:
		c.refused.Add(1)
	case unreachable:
		c.unreachable.Add(1)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		c.lastError.Store(err.Error())
	}
}

// newTransport keeps one connection per saver open, as browsers do.
func newTransport(savers int) *http.Transport {
	return &http.Transport{MaxIdleConns: savers, MaxIdleConnsPerHost: savers, IdleConnTimeout: time.Minute,
		DisableCompression: true}
}
