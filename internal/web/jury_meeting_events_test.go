package web

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
)

// setSafetyPoll changes the delay for the streams that start afterwards.
func (h *meetingHub) setSafetyPoll(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.poll = d
}

// eventReader is an open /jury/2026/seance/evenements, read line by line.
type eventReader struct {
	res    *http.Response
	events chan int64 // the revisions sent; closed when the stream ends
}

// openEvents opens the meeting's stream as b, on the server at base, asking
// for gzip as a browser does.
func openEvents(t *testing.T, b *browser, base string) *eventReader {
	t.Helper()
	c, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(c, "GET", base+"/jury/2026/seance/evenements", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("stream: %d %v", res.StatusCode, res.Header)
	}
	s := &eventReader{res: res, events: make(chan int64, 16)}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				s.events <- n
			}
		}
	}()
	return s
}

// next returns the next revision sent within wait, failing otherwise.
func (s *eventReader) next(t *testing.T, wait time.Duration, what string) int64 {
	t.Helper()
	select {
	case n, ok := <-s.events:
		if !ok {
			t.Fatalf("%s: the stream ended", what)
		}
		return n
	case <-time.After(wait):
		t.Fatalf("%s: no event within %s", what, wait)
	}
	return 0
}

// none fails if an event comes within wait.
func (s *eventReader) none(t *testing.T, wait time.Duration, what string) {
	t.Helper()
	select {
	case n, ok := <-s.events:
		if ok {
			t.Fatalf("%s: unexpected event %d", what, n)
		}
		t.Fatalf("%s: the stream ended", what)
	case <-time.After(wait):
	}
}

// TestCompressionLeavesEventStreamsAlone: through withCompression, with a
// client that accepts gzip, a text page is compressed but an event stream
// is not, and its first event arrives while the handler still holds the
// stream open (gzip would keep it in its buffer).
func TestCompressionLeavesEventStreamsAlone(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, strings.Repeat("<p>Jury</p>", 200))
	})
	mux.HandleFunc("/events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: 7\n\n")
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("flush: %v", err)
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ts := httptest.NewServer(withCompression(mux))
	defer ts.Close()
	get := func(path string) *http.Response {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	page := get("/page")
	page.Body.Close()
	if page.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("a text page is not compressed: %v", page.Header)
	}
	res := get("/events")
	defer res.Body.Close()
	if enc := res.Header.Get("Content-Encoding"); enc != "" {
		t.Fatalf("the event stream is encoded %q", enc)
	}
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(res.Body).ReadString('\n')
		line <- l
	}()
	select {
	case l := <-line:
		if l != "data: 7\n" {
			t.Fatalf("first line %q", l)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the event did not arrive while the stream was open")
	}
}

// TestMeetingHubWakesOnlyItsEdition: a waiting stream is woken by a change
// of its own edition's meeting, not by another's, and waits again after.
func TestMeetingHubWakesOnlyItsEdition(t *testing.T) {
	var h meetingHub
	ch := h.changes(2026)
	if h.changes(2026) != ch {
		t.Fatal("two streams of one edition wait on different channels")
	}
	h.notify(2025)
	select {
	case <-ch:
		t.Fatal("another edition's change woke the stream")
	default:
	}
	h.notify(2026)
	select {
	case <-ch:
	default:
		t.Fatal("the change did not wake the stream")
	}
	select {
	case <-h.changes(2026):
		t.Fatal("the next wait is already over")
	default:
	}
	if h.safetyPoll() != meetingSafetyPoll {
		t.Fatalf("default safety poll %s", h.safetyPoll())
	}
}

// TestMeetingEventsSignalledAndPolled: a change made through the site
// reaches an open stream at once, far sooner than the safety poll; a change
// made behind the site's back (another process: here the store directly)
// arrives with the safety poll; an idle stream sends nothing.
func TestMeetingEventsSignalledAndPolled(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newMeetingFixture(t, a)
		a.srv.meetings.setSafetyPoll(time.Hour) // only the signal can wake the first stream
		s := openEvents(t, f.juror2, a.ts.URL)
		first := s.next(t, 2*time.Second, "first event")
		if m, err := a.db.MeetingState(ctx, 2026); err != nil || first != m.Revision {
			t.Fatalf("first event %d, meeting %+v %v", first, m, err)
		}
		s.none(t, 300*time.Millisecond, "idle stream")
		f.show(t, f.president, "Échirolles")
		if got := s.next(t, time.Second, "after the chair moved"); got <= first {
			t.Fatalf("revision %d, then %d", first, got)
		}
		wantStatus(t, "vote", vote(f.juror2, f.apps["Échirolles"], 1), http.StatusSeeOther)
		s.next(t, time.Second, "after a vote")

		a.srv.meetings.setSafetyPoll(100 * time.Millisecond)
		polled := openEvents(t, f.juror3, a.ts.URL)
		rev := polled.next(t, 2*time.Second, "first event")
		grenoble := f.itemOf(t, "Grenoble")
		if err := a.db.SetCurrentItem(ctx, 2026, grenoble.ID, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		if got := polled.next(t, 2*time.Second, "after a change behind the site's back"); got <= rev {
			t.Fatalf("revision %d, then %d", rev, got)
		}

		// Outside the deliberation, nothing to follow: 204 stops EventSource.
		f.toPhase(t, domain.PhaseSealed)
		wantStatus(t, "stream after sealing", f.juror2.get("/jury/2026/seance/evenements"), http.StatusNoContent)
	})
}

// TestMeetingEventsEndAtShutdown: an open stream does not hold the
// server's shutdown: it ends at once and Shutdown returns well within its
// grace period.
func TestMeetingEventsEndAtShutdown(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newMeetingFixture(t, a)
		ln, err := net.Listen("tcp", "127.0.0.1:0") // cookies do not depend on the port
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: a.srv.Handler()}
		go srv.Serve(ln)
		s := openEvents(t, f.juror2, "http://"+ln.Addr().String())
		s.next(t, 2*time.Second, "first event")
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		start := time.Now()
		if err := srv.Shutdown(c); err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("shutdown took %s", d)
		}
		if _, ok := <-s.events; ok {
			t.Fatal("an event after the shutdown")
		}
	})
}
