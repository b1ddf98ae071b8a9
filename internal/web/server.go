// Package web serves tnl's site: public pages, accounts and the
// administration, as server-rendered HTML that needs no JavaScript.
package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"tnl/internal/config"
	"tnl/internal/mail"
	"tnl/internal/render"
	"tnl/internal/store"
)

// Waker is told when a request queued an email, so that it leaves at once
// instead of at the next poll.
type Waker interface{ Wake() }

// Options are what the composition root gives the web server.
type Options struct {
	Config config.Config
	DB     *store.DB
	Log    *slog.Logger
	Mail   *mail.Templates
	Outbox Waker
	// Now is the clock; tests replace it. Defaults to time.Now.
	Now func() time.Time
	// AuthFloor is the least time every sign-in, sign-up and link request
	// takes, so that answers for known and unknown emails cannot be told
	// apart by timing. Defaults to 400 ms; tests lower it.
	AuthFloor time.Duration
	// PageCacheTTL is how long anonymous visitors may be served a copy of a
	// public page (see pageCache). Defaults to one second; negative turns
	// the cache off, as tests that change data between requests need.
	PageCacheTTL time.Duration
	// AutosaveOneCommitPerSave makes the autosave endpoint write each save
	// in its own transaction instead of through the group committer:
	// benchmarks compare group commit with one commit per save.
	AutosaveOneCommitPerSave bool
}

// Server holds what handlers share. It has no mutable global state: two
// servers can run side by side in one process, as tests do.
type Server struct {
	cfg       config.Config
	db        *store.DB
	log       *slog.Logger
	mail      *mail.Templates
	outbox    Waker
	now       func() time.Time
	authFloor time.Duration
	tr        *translator
	assets    *assets
	templates map[string]*template.Template
	sessions  *scs.SessionManager
	// loginFailures limits wrong passwords per account and per address;
	// mailQuota limits emails a stranger can make us send to one address.
	loginFailures *limiter
	mailQuota     *limiter
	pages         *pageCache
	// autosaveOneCommit: see Options.AutosaveOneCommitPerSave.
	autosaveOneCommit bool
	idle              idleRule    // when an unused session ends (withUser)
	shutdowns         sync.Map    // *http.Server → chan struct{} closed at its shutdown (event streams)
	meetings          meetingHub  // wakes the meeting's event streams (jury_meeting_hub.go)
	pdf               *pdfService // PDF documents (jury_minutes_pdf.go): Chromium, or the fallback without it
}

// New builds the server; it fails if a template or message file is broken.
func New(o Options) (*Server, error) {
	s := &Server{cfg: o.Config, db: o.DB, log: o.Log, mail: o.Mail, outbox: o.Outbox, now: o.Now, authFloor: o.AuthFloor,
		autosaveOneCommit: o.AutosaveOneCommitPerSave}
	if s.now == nil {
		s.now = time.Now
	}
	if s.authFloor == 0 {
		s.authFloor = 400 * time.Millisecond
	}
	if o.PageCacheTTL == 0 {
		o.PageCacheTTL = pageCacheTTL
	}
	var err error
	if s.tr, err = newTranslator(); err != nil {
		return nil, err
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.templates, err = parseTemplates(s.assets); err != nil {
		return nil, err
	}
	s.sessions = newSessionManager(o.DB, o.Config.HTTPS())
	s.loginFailures = newLimiter(6, time.Minute, s.now)
	s.mailQuota = newLimiter(3, 15*time.Minute, s.now)
	s.pages = newPageCache(o.PageCacheTTL, s.now)
	s.idle = idleRule{limit: sessionIdle, noteEvery: sessionSeenEvery}
	s.pdf = newPDFService(render.NewPDF(os.Getenv), o.Log)
	return s, nil
}

// newSessionManager keeps sessions server-side, in the database, behind a
// cookie that scripts cannot read. Over HTTPS the cookie takes the __Host-
// prefix, which binds it to this exact host and to secure connections.
func newSessionManager(db *store.DB, https bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = db.Sessions()
	sm.Lifetime = 24 * time.Hour
	// No sm.IdleTimeout: scs would then rewrite the session row on every
	// request, one more durable commit per autosave. withUser enforces the
	// idle limit instead, writing the session at most every few minutes.
	sm.Cookie.Name = "tnl_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	if https {
		sm.Cookie.Name = "__Host-tnl_session"
		sm.Cookie.Secure = true
	}
	return sm
}

// Handler returns the whole site with its middleware, outermost first.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.pattern, s.guard(rt))
	}
	mux.HandleFunc("/", s.notFound)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusForbidden)
	}))
	var h http.Handler = mux
	h = s.withUser(h)
	h = cop.Handler(h)
	h = s.withRecovery(h)
	h = s.sessions.LoadAndSave(h)
	h = withCompression(h)
	h = s.withPageCache(mux, h)
	h = s.withSecurityHeaders(h)
	h = s.withLogging(h)
	return withRequestID(h)
}
