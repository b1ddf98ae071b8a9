package mail

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// Defaults of the Worker's knobs.
const (
	defaultPoll  = 5 * time.Second
	defaultLease = 2 * time.Minute
	// markTimeout bounds the database update after a send. It runs even when
	// the worker is being stopped: a mail accepted by the server but not
	// marked sent would be sent again.
	markTimeout = 10 * time.Second
)

// Worker delivers the outbox: it claims due mails from the store with a
// lease, sends them, marks them sent, or schedules a retry with backoff
// (store.DB.MarkMailRetry does the arithmetic). The store never hands out a
// mail marked sent, and the lease keeps two workers from sending the same
// mail; Lease must exceed the time one send can take (30 s for SMTP).
//
// The zero value needs DB and Sender; the other fields have defaults.
type Worker struct {
	DB     *store.DB
	Sender Sender
	Log    *slog.Logger  // slog.Default() when nil
	Poll   time.Duration // how often to look for due mail when idle; 5 s when zero
	Lease  time.Duration // claim lease; 2 minutes when zero

	wakeOnce sync.Once
	wake     chan struct{}
}

// Run delivers due mail until ctx is done, looking every Poll and whenever
// Wake is called. It returns when ctx is cancelled, after finishing the mail
// in hand, so that a mail is not cut between the SMTP acceptance and the
// database update.
func (w *Worker) Run(ctx context.Context) {
	ticker := time.NewTicker(w.poll())
	defer ticker.Stop()
	for {
		if _, err := w.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			w.logger().ErrorContext(ctx, "delivering the outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-w.wakeChan():
		}
	}
}

// Wake asks the worker to look for mail now, typically after a request has
// enqueued one, so that a sign-in link does not wait for the next poll. It
// never blocks, and it may be called before Run and concurrently.
func (w *Worker) Wake() {
	select {
	case w.wakeChan() <- struct{}{}:
	default: // a nudge is already pending; one is enough
	}
}

// wakeChan creates the wake channel on first use, so that the zero Worker
// works. Its buffer of one remembers a nudge given while the worker is busy.
func (w *Worker) wakeChan() chan struct{} {
	w.wakeOnce.Do(func() { w.wake = make(chan struct{}, 1) })
	return w.wake
}

// DeliverDue sends every mail due now and returns how many were sent. A
// failed send is not an error of DeliverDue: it is recorded on the mail,
// which is retried later; the error reports a store failure or a cancelled
// ctx, after which no new mail is claimed.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		m, err := w.DB.ClaimMail(ctx, w.lease())
		if domain.IsNotFound(err) {
			return sent, nil
		}
		if err != nil {
			return sent, err
		}
		ok, err := w.deliver(ctx, m)
		if ok {
			sent++
		}
		if err != nil {
			return sent, err
		}
	}
	return sent, ctx.Err()
}

// deliver sends one claimed mail and records the outcome. Both steps ignore
// the cancellation of ctx (each has its own time limit): stopping halfway
// would leave a sent mail unmarked, and it would go out twice.
func (w *Worker) deliver(ctx context.Context, m *domain.OutboxMail) (sent bool, err error) {
	ctx = context.WithoutCancel(ctx)
	sendErr := w.Sender.Send(ctx, m)
	ctx, cancel := context.WithTimeout(ctx, markTimeout)
	defer cancel()
	if sendErr != nil {
		w.logger().WarnContext(ctx, "mail not delivered, will retry",
			"id", m.ID, "template", m.Template, "attempts", m.Attempts, "err", sendErr)
		return false, w.DB.MarkMailRetry(ctx, m.ID, m.Attempts, sendErr.Error())
	}
	if err := w.DB.MarkMailSent(ctx, m.ID); err != nil {
		// The lease will expire and the mail go out again, with the same
		// Message-ID so that receivers can drop the copy.
		w.logger().ErrorContext(ctx, "mail sent but not marked sent", "id", m.ID, "err", err)
		return true, err
	}
	w.logger().InfoContext(ctx, "mail sent", "id", m.ID, "template", m.Template)
	return true, nil
}

func (w *Worker) poll() time.Duration {
	if w.Poll > 0 {
		return w.Poll
	}
	return defaultPoll
}

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return defaultLease
}

func (w *Worker) logger() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}
