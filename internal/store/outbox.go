package store

import (
	"context"
	"database/sql"
	"time"

	"tnl/internal/domain"
)

// maxMailAttempts bounds retries: after that the mail is marked failed and
// shown as such to admins, who can see why in last_error.
const maxMailAttempts = 10

func (db *DB) enqueue(ctx context.Context, tx *sql.Tx, m *domain.OutboxMail) error {
	now := db.now()
	m.CreatedAt, m.NextAttemptAt = now, now
	return tx.QueryRowContext(ctx, `
		INSERT INTO outbox (to_addr, subject, text_body, html_body, template, created_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
		m.To, m.Subject, m.Text, m.HTML, m.Template, now).Scan(&m.ID)
}

// Enqueue queues one email on its own. Prefer the store methods that queue
// an email in the same transaction as the action that causes it.
func (db *DB) Enqueue(ctx context.Context, m *domain.OutboxMail) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.enqueue(ctx, tx, m) })
}

// ClaimMail takes the oldest due email for lease: no other worker takes it
// meanwhile. It returns a not-found error when nothing is due.
func (db *DB) ClaimMail(ctx context.Context, lease time.Duration) (*domain.OutboxMail, error) {
	now := db.now()
	var m domain.OutboxMail
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			UPDATE outbox SET claimed_until = $2, attempts = attempts + 1
			WHERE id = (
				SELECT id FROM outbox
				WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
				  AND (claimed_until IS NULL OR claimed_until < $1)
				ORDER BY next_attempt_at, id LIMIT 1`+db.dialect.skipLocked+`)
			RETURNING id, to_addr, subject, text_body, html_body, template, created_at, attempts`,
			now, now.Add(lease)).Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, &m.Template, &m.CreatedAt, &m.Attempts)
	})
	if err != nil {
		return nil, notFound(err, "Aucun courriel en attente.")
	}
	return &m, nil
}

// MarkMailSent records a delivery; a sent mail is never claimed again.
func (db *DB) MarkMailSent(ctx context.Context, id int64) error {
	_, err := db.sql.ExecContext(ctx, `UPDATE outbox SET sent_at = $2, claimed_until = NULL, last_error = '' WHERE id = $1`, id, db.now())
	return translate(err)
}

// MarkMailRetry records a failed attempt and schedules the next one with an
// exponential backoff (1 min, 2, 4… up to 6 h); after maxMailAttempts the
// mail is marked failed.
func (db *DB) MarkMailRetry(ctx context.Context, id int64, attempts int, cause string) error {
	now := db.now()
	if attempts >= maxMailAttempts {
		_, err := db.sql.ExecContext(ctx, `UPDATE outbox SET failed_at = $2, claimed_until = NULL, last_error = $3 WHERE id = $1`, id, now, cause)
		return translate(err)
	}
	backoff := min(time.Minute<<(attempts-1), 6*time.Hour)
	_, err := db.sql.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $2, claimed_until = NULL, last_error = $3 WHERE id = $1`,
		id, now.Add(backoff), cause)
	return translate(err)
}

const outboxColumns = `id, to_addr, subject, text_body, html_body, template, created_at, next_attempt_at, attempts, last_error, sent_at, failed_at`

func scanMail(row interface{ Scan(...any) error }) (*domain.OutboxMail, error) {
	var m domain.OutboxMail
	var sent, failed sql.NullTime
	if err := row.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, &m.Template, &m.CreatedAt, &m.NextAttemptAt,
		&m.Attempts, &m.LastError, &sent, &failed); err != nil {
		return nil, err
	}
	m.SentAt, m.FailedAt = nullTime(sent), nullTime(failed)
	m.CreatedAt, m.NextAttemptAt = m.CreatedAt.UTC(), m.NextAttemptAt.UTC()
	return &m, nil
}

// ListMail returns the newest emails first; pendingOnly keeps those not yet
// sent nor failed.
func (db *DB) ListMail(ctx context.Context, pendingOnly bool, limit int) ([]*domain.OutboxMail, error) {
	q := `SELECT ` + outboxColumns + ` FROM outbox`
	if pendingOnly {
		q += ` WHERE sent_at IS NULL AND failed_at IS NULL`
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.OutboxMail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FindMail returns one email of the outbox.
func (db *DB) FindMail(ctx context.Context, id int64) (*domain.OutboxMail, error) {
	m, err := scanMail(db.sql.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = $1`, id))
	return m, notFound(err, "Courriel introuvable.")
}
