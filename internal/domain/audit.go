package domain

import "time"

// Actor is who did something: an account, or the command line.
type Actor struct {
	ID    int64  // 0 for the command line or the system
	Label string // email, or "cli" / "system"
}

// CLIActor stands for actions started from the command line.
var CLIActor = Actor{Label: "cli"}

// AuditEntry is one line of the append-only audit log. Before and After
// hold JSON snapshots of the object ("" when there is none).
type AuditEntry struct {
	ID         int64
	At         time.Time
	Actor      Actor
	Action     string
	ObjectType string
	ObjectID   string
	Before     string
	After      string
	PrevHash   string
	Hash       string
}

// OutboxMail is an email waiting in the outbox, or sent from it.
type OutboxMail struct {
	ID            int64
	To            string
	Subject       string
	Text          string
	HTML          string
	Template      string
	CreatedAt     time.Time
	NextAttemptAt time.Time
	Attempts      int
	LastError     string
	SentAt        *time.Time
	FailedAt      *time.Time
}

// Status names the state of a mail for people reading the outbox.
func (m *OutboxMail) Status() string {
	switch {
	case m.SentAt != nil:
		return "sent"
	case m.FailedAt != nil:
		return "failed"
	case m.Attempts > 0:
		return "retrying"
	}
	return "pending"
}
