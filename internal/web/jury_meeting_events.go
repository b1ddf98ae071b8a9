package web

// The meeting's event stream (jury.md §7, "live tracker"): GET
// /jury/{year}/seance/evenements answers text/event-stream and sends the
// meeting's revision (meetings.revision) each time it changes; meeting.js
// then fetches the page again. The event carries nothing but that number,
// so the stream needs no per-file rights: the page it triggers applies
// them.
//
// The stream reads the revision when a handler of this process signals a
// change (meetingHub, jury_meeting_hub.go) and, for changes made by another
// process, every meetingSafetyPoll; a change made here shows on every
// screen within one page load.
//
// The stream must not be buffered on the way: withCompression leaves
// text/event-stream alone (compressible), and each event is flushed. It
// ends when the client goes away, when the server shuts down
// (RegisterOnShutdown on the request's *http.Server), and after
// meetingStreamLife, so that a browser reconnects (EventSource does, after
// the retry delay) and is checked again: a member removed from the jury
// meanwhile then gets 404.

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"tnl/internal/domain"
)

const (
	meetingKeepAlive  = 20 * time.Second // a comment line, so that proxies keep the connection
	meetingStreamLife = 5 * time.Minute
	meetingRetry      = 1000 // ms, told to EventSource for its reconnections
	meetingWriteLimit = 10 * time.Second
)

func (s *Server) meetingEvents(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryCan(w, r, domain.ActSeeDecisions)
	if !ok {
		return
	}
	if j.Edition.Phase != domain.PhaseDeliberation {
		// 204 tells EventSource to stop reconnecting: no meeting to follow.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if es, ok := startEvents(w); ok {
		s.followMeeting(r, es, j.Edition.Year)
	}
}

// eventStream writes server-sent events, each flushed at once.
type eventStream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// startEvents answers 200 with an event stream and tells EventSource how
// long to wait before it reconnects; false if the client is gone.
func startEvents(w http.ResponseWriter) (*eventStream, bool) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer either
	w.WriteHeader(http.StatusOK)
	es := &eventStream{w: w, rc: http.NewResponseController(w)}
	return es, es.send("retry: %d\n\n", meetingRetry)
}

// send writes one event or comment; false once the client is gone.
func (es *eventStream) send(format string, args ...any) bool {
	es.rc.SetWriteDeadline(time.Now().Add(meetingWriteLimit)) // the server's WriteTimeout would cut the stream
	if _, err := fmt.Fprintf(es.w, format, args...); err != nil {
		return false
	}
	return es.rc.Flush() == nil
}

// followMeeting sends the meeting's revision whenever it moves, until the
// client goes away, the server shuts down or the stream has lived long
// enough.
func (s *Server) followMeeting(r *http.Request, es *eventStream, year int) {
	ctx := r.Context()
	stop := s.shutdownSignal(r)
	safety := time.NewTicker(s.meetings.safetyPoll())
	defer safety.Stop()
	ping := time.NewTicker(meetingKeepAlive)
	defer ping.Stop()
	end := time.NewTimer(meetingStreamLife)
	defer end.Stop()
	last := int64(-1)
	if id, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil {
		last = id // a reconnection: send only what is new
	}
	for {
		changed := s.meetings.changes(year) // before the read: a change during it still wakes us
		rev, err := s.db.MeetingRevision(ctx, year)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("meeting events", "id", requestID(r), "error", err)
			}
			return
		}
		if rev != last && !es.send("id: %d\ndata: %d\n\n", rev, rev) {
			return
		}
		last = rev
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case <-end.C:
			return
		case <-ping.C:
			if !es.send(": ping\n\n") {
				return
			}
		case <-changed:
		case <-safety.C:
		}
	}
}

// shutdownSignal returns a channel closed when the *http.Server serving r
// shuts down; nil (never closed) when r carries none, as in handler tests.
// http.Server.Shutdown waits for requests to end but does not cancel them:
// an open stream would hold the shutdown until its grace period runs out.
// s.shutdowns is keyed by *http.Server, since one handler may be served by
// several.
func (s *Server) shutdownSignal(r *http.Request) <-chan struct{} {
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if srv == nil {
		return nil
	}
	ch := make(chan struct{})
	got, loaded := s.shutdowns.LoadOrStore(srv, ch)
	if !loaded {
		srv.RegisterOnShutdown(func() {
			s.shutdowns.Delete(srv)
			close(ch)
		})
	}
	return got.(chan struct{})
}
