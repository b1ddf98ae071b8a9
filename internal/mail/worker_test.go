package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/mail"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

var ctx = context.Background()

// clock is a settable fake time for the store, safe for a running worker.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func withClock(db *store.DB) *clock {
	c := &clock{t: time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)}
	db.Now = c.now
	return c
}

// quietLog keeps the worker's log out of the test output.
func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

func smtpSender(t *testing.T, s *smtpServer) mail.Sender {
	t.Helper()
	sender, err := mail.NewSMTPSender(s.URL, from)
	if err != nil {
		t.Fatal(err)
	}
	return sender
}

// enqueue renders a sign-in mail and queues it, as a request would.
func enqueue(t *testing.T, db *store.DB, to string) *domain.OutboxMail {
	t.Helper()
	m, err := loadTemplates(t).Render(to, "login", "fr",
		mail.Data{SiteURL: "http://127.0.0.1:8080", Link: "http://127.0.0.1:8080/login/secret-token"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, m); err != nil {
		t.Fatal(err)
	}
	return m
}

func deliverDue(t *testing.T, w *mail.Worker, want int) {
	t.Helper()
	n, err := w.DeliverDue(ctx)
	if err != nil || n != want {
		t.Fatalf("DeliverDue: sent %d (%v), want %d", n, err, want)
	}
}

func findMail(t *testing.T, db *store.DB, id int64) *domain.OutboxMail {
	t.Helper()
	m, err := db.FindMail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDeliverOverSMTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		server := startSMTP(t)
		m := enqueue(t, db, "maire@example.org")
		w := &mail.Worker{DB: db, Sender: smtpSender(t, server), Log: quietLog()}
		deliverDue(t, w, 1)
		got := server.messages()
		if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "maire@example.org" || got[0].From != "no-reply@example.org" {
			t.Fatalf("received %+v", got)
		}
		p := parse(t, got[0])
		if to := p.Header.Get("To"); to != "<maire@example.org>" {
			t.Errorf("To %q", to)
		}
		if s := p.subject(t); s != m.Subject {
			t.Errorf("Subject %q, want %q", s, m.Subject)
		}
		if id := p.Header.Get("Message-ID"); id != fmt.Sprintf("<outbox-%d@example.org>", m.ID) {
			t.Errorf("Message-ID %q", id)
		}
		if p.Header.Get("Auto-Submitted") != "auto-generated" {
			t.Errorf("Auto-Submitted %q", p.Header.Get("Auto-Submitted"))
		}
		if p.Parts["text/plain"] != m.Text || p.Parts["text/html"] != m.HTML {
			t.Errorf("parts differ from the outbox row: %q", p.Parts)
		}
		if stored := findMail(t, db, m.ID); stored.Status() != "sent" || stored.Attempts != 1 {
			t.Fatalf("stored: %+v", stored)
		}
		deliverDue(t, w, 0)
	})
}

// run starts w.Run in a goroutine and returns a function that stops it and
// waits for it to return.
func run(w *mail.Worker) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

func TestExactlyOnceAcrossRestart(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		server := startSMTP(t)
		sender := smtpSender(t, server)
		enqueue(t, db, "a@example.org")
		stopA := run(&mail.Worker{DB: db, Sender: sender, Log: quietLog(), Poll: 10 * time.Millisecond})
		server.waitFor(t, 1)
		stopA()

		// The restart: a new worker on the same database.
		b := &mail.Worker{DB: db, Sender: sender, Log: quietLog(), Poll: 10 * time.Millisecond}
		stopB := run(b)
		time.Sleep(50 * time.Millisecond) // a few polls
		stopB()
		deliverDue(t, b, 0)
		if n := len(server.messages()); n != 1 {
			t.Fatalf("the server received %d messages, want 1", n)
		}

		// A mail queued while no worker runs goes out once when one starts.
		late := enqueue(t, db, "b@example.org")
		stopC := run(&mail.Worker{DB: db, Sender: sender, Log: quietLog(), Poll: 10 * time.Millisecond})
		server.waitFor(t, 2)
		time.Sleep(30 * time.Millisecond)
		stopC()
		got := server.messages()
		if len(got) != 2 || got[1].To[0] != "b@example.org" {
			t.Fatalf("received %+v", got)
		}
		if stored := findMail(t, db, late.ID); stored.Status() != "sent" {
			t.Fatalf("stored: %+v", stored)
		}
	})
}

func TestWakeDeliversWithoutWaitingForThePoll(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		server := startSMTP(t)
		w := &mail.Worker{DB: db, Sender: smtpSender(t, server), Log: quietLog(), Poll: time.Hour}
		w.Wake() // before Run: must neither block nor panic
		w.Wake()
		stop := run(w)
		defer stop()
		time.Sleep(20 * time.Millisecond) // let the first, empty look pass
		enqueue(t, db, "c@example.org")
		w.Wake()
		server.waitFor(t, 1)
	})
}

func TestRetryWithBackoff(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := withClock(db)
		server := startSMTP(t)
		server.failNextRcpt(1)
		m := enqueue(t, db, "d@example.org")
		w := &mail.Worker{DB: db, Sender: smtpSender(t, server), Log: quietLog()}
		deliverDue(t, w, 0)
		stored := findMail(t, db, m.ID)
		if stored.Attempts != 1 || !strings.Contains(stored.LastError, "451") || stored.SentAt != nil || stored.Status() != "retrying" {
			t.Fatalf("after a temporary failure: %+v", stored)
		}
		c.add(time.Minute - time.Millisecond)
		deliverDue(t, w, 0)
		if n := len(server.messages()); n != 0 || findMail(t, db, m.ID).Attempts != 1 {
			t.Fatalf("retried before the backoff: %d messages", n)
		}
		c.add(2 * time.Millisecond)
		deliverDue(t, w, 1)
		if n := len(server.messages()); n != 1 {
			t.Fatalf("the server received %d messages, want 1", n)
		}
		stored = findMail(t, db, m.ID)
		if stored.Status() != "sent" || stored.Attempts != 2 || stored.LastError != "" {
			t.Fatalf("after the retry: %+v", stored)
		}
	})
}

func TestLogSender(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var buf bytes.Buffer
		log := slog.New(slog.NewTextHandler(&buf, nil))
		m := enqueue(t, db, "e@example.org")
		w := &mail.Worker{DB: db, Sender: mail.NewLogSender(log), Log: quietLog()}
		deliverDue(t, w, 1)
		if stored := findMail(t, db, m.ID); stored.Status() != "sent" {
			t.Fatalf("stored: %+v", stored)
		}
		out := buf.String()
		if !strings.Contains(out, "e@example.org") || !strings.Contains(out, "http://127.0.0.1:8080/login/secret-token") {
			t.Fatalf("the log lacks the recipient or the link:\n%s", out)
		}
	})
}
