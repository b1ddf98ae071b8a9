package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"tnl/internal/config"
	"tnl/internal/demo"
	"tnl/internal/directory"
	"tnl/internal/domain"
	"tnl/internal/mail"
	"tnl/internal/store"
	"tnl/internal/web"
)

// shutdownGrace is how long in-flight requests may take to finish after
// SIGTERM.
const shutdownGrace = 10 * time.Second

// openConfigured loads the configuration of a command and opens its
// database, migrated and holding the embedded directory: every command works
// on an up-to-date schema and the current list of bodies.
func openConfigured(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer) (config.Config, *store.DB, error) {
	cfg, err := config.Load(name, args, getenv, stderr)
	if err != nil {
		return cfg, nil, err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return cfg, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return cfg, nil, err
	}
	if err := directory.Ensure(ctx, db); err != nil {
		db.Close()
		return cfg, nil, fmt.Errorf("loading the official directory: %w", err)
	}
	return cfg, db, nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	_, db, err := openConfigured(ctx, "migrate", args, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "tnl: %s database is up to date\n", db.Engine())
	return nil
}

// serve runs the site until ctx is cancelled; withDemo first loads the demo
// data into an empty database.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, withDemo bool) error {
	cfg, db, err := openConfigured(ctx, "serve", args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	defer db.Close()
	tuneRuntime(getenv)
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("creating the data folder: %w", err)
	}
	if withDemo {
		if err := loadDemo(ctx, db, getenv, stdout); err != nil {
			return err
		}
	}
	return listenAndServe(ctx, cfg, db, log, stdout)
}

func listenAndServe(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger, stdout io.Writer) error {
	sender, err := newSender(cfg, log)
	if err != nil {
		return err
	}
	templates, err := mail.LoadTemplates()
	if err != nil {
		return err
	}
	worker := &mail.Worker{DB: db, Sender: sender, Log: log}
	site, err := web.New(web.Options{Config: cfg, DB: db, Log: log, Mail: templates, Outbox: worker,
		AutosaveOneCommitPerSave: cfg.AutosaveOneCommit})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: site.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	var background sync.WaitGroup
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	background.Go(func() { worker.Run(bgCtx) })
	background.Go(func() { sweepSessions(bgCtx, db, log) })
	background.Go(func() { sendReminders(bgCtx, site, log) })
	fmt.Fprintf(stdout, "tnl: serving %s (%s database) on http://%s\n", cfg.BaseURL, db.Engine(), ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		// In-flight requests finish; new connections are refused.
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		err = srv.Shutdown(shutdownCtx)
		cancel()
	}
	stopBackground()
	background.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	fmt.Fprintln(stdout, "tnl: stopped")
	return err
}

// newSender sends through SMTP when configured; otherwise mails are logged
// and stay readable in the admin outbox page.
func newSender(cfg config.Config, log *slog.Logger) (mail.Sender, error) {
	if cfg.SMTPURL == "" {
		return mail.NewLogSender(log), nil
	}
	return mail.NewSMTPSender(cfg.SMTPURL, cfg.MailFrom)
}

// sweepSessions deletes expired sessions every hour.
func sweepSessions(ctx context.Context, db *store.DB, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := db.Sessions().DeleteExpired(ctx); err != nil && ctx.Err() == nil {
			log.Warn("deleting expired sessions", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sendReminders sends, every minute, the reminders to unsubmitted drafts
// that have fallen due; SendReminders wakes the mail worker when it queued
// some. A reminder cut by the shutdown is rolled back whole and goes at the
// next start, never twice.
func sendReminders(ctx context.Context, site *web.Server, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if n, err := site.SendReminders(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sending reminders", "error", err)
		} else if n > 0 {
			log.Info("reminders sent", "applications", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// loadDemo fills an empty database and prints the accounts. A database that
// already holds accounts is served as it is.
func loadDemo(ctx context.Context, db *store.DB, getenv func(string) string, stdout io.Writer) error {
	n, err := db.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintln(stdout, "tnl: the database already holds data; the demo data is not loaded again.")
		return nil
	}
	password := getenv("TNL_DEMO_PASSWORD")
	if password == "" {
		password = domain.RandomToken()[:16]
	}
	if err := demo.Load(ctx, db, password, time.Now()); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "tnl: demo data loaded. Accounts (all with the password below):")
	for _, a := range demo.Accounts() {
		fmt.Fprintf(stdout, "  %-24s %s\n", a.Email, a.Role)
	}
	fmt.Fprintf(stdout, "  password: %s\n", password)
	return nil
}
