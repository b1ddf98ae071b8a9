package web

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"tnl/internal/domain"
)

type ctxKey int

const (
	ctxRequestID ctxKey = iota
	ctxUser
)

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(ctxRequestID).(string)
	return id
}

func currentUser(r *http.Request) *domain.User {
	u, _ := r.Context().Value(ctxUser).(*domain.User)
	return u
}

// withRequestID gives each request a correlation id, shown on error pages
// and written in every log line about the request.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 6)
		rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxRequestID, id)))
	})
}

// statusRecorder remembers the status and size of a response for the logs.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// withLogging writes one structured line per request.
func (s *Server) withLogging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("id", requestID(r)), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Int("bytes", rec.bytes), slog.Duration("duration", time.Since(start)))
	})
}

// withRecovery turns a panic into the 500 page, with the correlation id,
// instead of a dropped connection.
func (s *Server) withRecovery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serverError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows nothing from elsewhere and no inline script or
// style: every script and style is a file of ours.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"

// withSecurityHeaders sets the headers every response carries.
func (s *Server) withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.cfg.HTTPS() {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// gzipWriter compresses text responses; it decides on the first write, once
// the handler has set the content type.
type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}

// compressible tells which responses withCompression gzips: text, JSON,
// XML, SVG and scripts. Never an event stream: gzip holds bytes until a
// block fills, so an event would wait there instead of reaching the
// screens that follow the meeting (jury_meeting_events.go).
func compressible(contentType string) bool {
	if strings.HasPrefix(contentType, "text/event-stream") {
		return false
	}
	for _, p := range []string{"text/", "application/json", "application/xml", "application/atom+xml",
		"application/rss+xml", "image/svg+xml", "application/javascript"} {
		if strings.HasPrefix(contentType, p) {
			return true
		}
	}
	return false
}

func (g *gzipWriter) decide() {
	if g.decided {
		return
	}
	g.decided = true
	h := g.Header()
	if h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) {
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
}

func (g *gzipWriter) WriteHeader(code int) {
	if code != http.StatusNoContent && code != http.StatusNotModified {
		g.decide()
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	g.decide()
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipWriter) close() {
	if g.gz != nil {
		g.gz.Close()
		gzipPool.Put(g.gz)
	}
}

// withCompression gzips text for clients that accept it.
func withCompression(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		g := &gzipWriter{ResponseWriter: w}
		defer g.close()
		next.ServeHTTP(g, r)
	})
}

// withUser loads the signed-in account. A deactivated account is signed out
// at its next request.
func (s *Server) withUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := s.sessions.GetInt64(r.Context(), "user_id")
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		if !s.stillActive(r) {
			s.sessions.Destroy(r.Context())
			next.ServeHTTP(w, r)
			return
		}
		u, err := s.db.FindUserByID(r.Context(), id)
		if err != nil || !u.Active() {
			if err != nil && !domain.IsNotFound(err) {
				s.serverError(w, r, err)
				return
			}
			s.sessions.Destroy(r.Context())
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxUser, u)))
	})
}

// A session unused for sessionIdle ends; its last use is noted at most
// every sessionSeenEvery, so that a busy session (an autosaving form) is
// not rewritten on every request. Tests shorten both (Server.idle).
const (
	sessionIdle      = 4 * time.Hour
	sessionSeenEvery = 5 * time.Minute
)

type idleRule struct{ limit, noteEvery time.Duration }

// stillActive reports whether the session was used recently enough, and
// notes this use when the last note is old. Wall-clock time, like the
// session store's own expiry, not the server's (fakeable) business clock.
func (s *Server) stillActive(r *http.Request) bool {
	now := time.Now()
	seen := time.UnixMilli(s.sessions.GetInt64(r.Context(), "seen"))
	if seen.UnixMilli() != 0 && now.Sub(seen) > s.idle.limit {
		return false
	}
	if now.Sub(seen) > s.idle.noteEvery {
		s.sessions.Put(r.Context(), "seen", now.UnixMilli())
	}
	return true
}

// clientIP is the address rate limits apply to. Behind a reverse proxy on
// the same machine, the proxy's X-Forwarded-For (last hop) is trusted;
// from anywhere else it is ignored, since a client could forge it.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	return host
}
