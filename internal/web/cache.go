package web

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"time"
)

// pageCache keeps, for a short time, the public pages served to anonymous
// visitors: under a rush (results day, a deadline) the same few pages are
// asked for thousands of times a second, and rendering them once a second
// is enough. It can only serve a page older than the TTL, never a page from
// the future: an embargoed result cannot leak through it, and appears at
// most one TTL after its publication time.
type pageCache struct {
	ttl     time.Duration
	now     func() time.Time
	mu      sync.RWMutex
	entries map[string]*cachedPage
}

type cachedPage struct {
	expires time.Time
	status  int
	header  http.Header
	body    []byte
}

// pageCacheTTL bounds how stale a public page may be.
const pageCacheTTL = time.Second

// maxCachedPages bounds memory: past it, the cache is emptied and refilled
// (crawlers walking every page must not grow it without limit).
const maxCachedPages = 2000

func newPageCache(ttl time.Duration, now func() time.Time) *pageCache {
	return &pageCache{ttl: ttl, now: now, entries: map[string]*cachedPage{}}
}

// cacheKey names a response by everything it depends on for an anonymous
// visitor: the address, the language and the compression.
func cacheKey(r *http.Request) string {
	enc := ""
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		enc = "gzip"
	}
	return r.URL.RequestURI() + "|" + requestLang(r) + "|" + enc
}

// withPageCache answers anonymous GETs of cacheable routes from the cache.
// It sits outside compression, so that a page is compressed once, not once
// per visitor; the key tells compressed and plain answers apart.
func (s *Server) withPageCache(mux *http.ServeMux, next http.Handler) http.Handler {
	cacheable := map[string]bool{}
	for _, rt := range s.routes() {
		if rt.access == cachedPublic {
			cacheable[rt.method+" "+rt.pattern] = true
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.pages.ttl < 0 || r.Method != http.MethodGet || s.hasSession(r) {
			next.ServeHTTP(w, r)
			return
		}
		if _, pattern := mux.Handler(r); !cacheable[pattern] {
			next.ServeHTTP(w, r)
			return
		}
		key := cacheKey(r)
		if p := s.pages.get(key); p != nil {
			p.write(w)
			return
		}
		rec := &recordingWriter{header: http.Header{}}
		next.ServeHTTP(rec, r)
		p := rec.page(s.pages.now().Add(s.pages.ttl))
		if p.status == http.StatusOK && p.header.Get("Set-Cookie") == "" {
			s.pages.put(key, p)
		}
		p.write(w)
	})
}

// hasSession reports whether the visitor carries a session cookie: their
// pages may hold personal data or a one-time notice, and are never cached.
func (s *Server) hasSession(r *http.Request) bool {
	_, err := r.Cookie(s.sessions.Cookie.Name)
	return err == nil
}

func (c *pageCache) get(key string) *cachedPage {
	c.mu.RLock()
	p := c.entries[key]
	c.mu.RUnlock()
	if p == nil || !c.now().Before(p.expires) {
		return nil
	}
	return p
}

func (c *pageCache) put(key string, p *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedPages {
		clear(c.entries)
	}
	c.entries[key] = p
}

func (p *cachedPage) write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	w.WriteHeader(p.status)
	w.Write(p.body)
}

// recordingWriter captures a handler's answer so that it can be cached.
type recordingWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recordingWriter) Header() http.Header { return r.header }

func (r *recordingWriter) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recordingWriter) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (r *recordingWriter) page(expires time.Time) *cachedPage {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return &cachedPage{expires: expires, status: r.status, header: r.header, body: r.body.Bytes()}
}
