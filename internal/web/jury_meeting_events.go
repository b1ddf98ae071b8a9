package web

// The meeting's event stream (jury.md §7, "live tracker"): GET
// /jury/{year}/seance/evenements answers text/event-stream and sends the
// meeting's revision (meetings.revision) each time it changes; meeting.js
// then fetches the page again. The event carries nothing but that number,
// so the stream needs no per-file rights: the page it triggers applies
// them.
//
// The stream polls the database (one primary-key read every
// meetingPoll), so that screens follow changes made by any process
// serving the site, not only this one. A change shows on every screen
// within about meetingPoll plus one page load.
//
// The stream must not be buffered on the way: withCompression would gzip a
// text/* response and hold the bytes, so the stream writes beneath its
// gzip writer (uncompressed); each event is flushed. It ends when the
// client goes away, when the server shuts down (RegisterOnShutdown on the
// request's *http.Server), and after meetingStreamLife, so that a browser
// reconnects (EventSource does, after the retry delay) and is checked
// again: a member removed from the jury meanwhile then gets 404.

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"tnl/internal/domain"
)

const (
	meetingPoll       = 250 * time.Millisecond
	meetingKeepAlive  = 20 * time.Second // a comment line, so that proxies keep the connection
	meetingStreamLife = 5 * time.Minute
	meetingRetry      = 1000 // ms, told to EventSource for its reconnections
	meetingWriteLimit = 10 * time.Second
)

func (s *Server) meetingEvents(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	if !j.Can(domain.ActSeeDecisions) {
		s.notFound(w, r)
		return
	}
	if j.Edition.Phase != domain.PhaseDeliberation {
		// 204 tells EventSource to stop reconnecting: no meeting to follow.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	year := j.Edition.Year
	w = uncompressed(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer either
	rc := http.NewResponseController(w)
	send := func(format string, args ...any) bool {
		rc.SetWriteDeadline(time.Now().Add(meetingWriteLimit)) // the server's WriteTimeout would cut the stream
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	w.WriteHeader(http.StatusOK)
	if !send("retry: %d\n\n", meetingRetry) {
		return
	}
	ctx := r.Context()
	stop := s.shutdownSignal(r)
	poll := time.NewTicker(meetingPoll)
	defer poll.Stop()
	ping := time.NewTicker(meetingKeepAlive)
	defer ping.Stop()
	end := time.NewTimer(meetingStreamLife)
	defer end.Stop()
	last := int64(-1)
	if id, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil {
		last = id // a reconnection: send only what is new
	}
	for {
		rev, err := s.db.MeetingRevision(ctx, year)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("meeting events", "id", requestID(r), "error", err)
			}
			return
		}
		if rev != last {
			if !send("id: %d\ndata: %d\n\n", rev, rev) {
				return
			}
			last = rev
		}
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case <-end.C:
			return
		case <-ping.C:
			if !send(": ping\n\n") {
				return
			}
		case <-poll.C:
		}
	}
}

// uncompressed returns the writer beneath withCompression's gzip writer,
// or w itself when there is none: gzip holds bytes until it has enough,
// and an event must leave at once.
func uncompressed(w http.ResponseWriter) http.ResponseWriter {
	for x := w; ; {
		if g, ok := x.(*gzipWriter); ok {
			return g.ResponseWriter
		}
		u, ok := x.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return w
		}
		x = u.Unwrap()
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
