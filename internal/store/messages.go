package store

import (
	"context"
	"database/sql"
	"fmt"

	"tnl/internal/domain"
)

// AddMessage records a message between the secretariat and an applicant
// inside an application, and queues its notifications in the same
// transaction. A message from the staff is a privileged action and goes to
// the audit log; an applicant's message does not need to.
func (db *DB) AddMessage(ctx context.Context, m *domain.ApplicationMessage, mails []*domain.OutboxMail, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		m.CreatedAt = db.now()
		err := tx.QueryRowContext(ctx, `INSERT INTO application_messages (application_id, author_id, from_staff, body, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			m.ApplicationID, m.AuthorID, m.FromStaff, m.Body, m.CreatedAt).Scan(&m.ID)
		if err != nil {
			return err
		}
		if err := db.enqueueAll(ctx, tx, mails); err != nil {
			return err
		}
		if !m.FromStaff {
			return nil
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "application.message",
			ObjectType: "application", ObjectID: fmt.Sprint(m.ApplicationID),
			After: snapshot(map[string]any{"message": m.ID, "body": m.Body})})
	})
}

// Messages returns an application's messages, oldest first, with their
// authors' addresses.
func (db *DB) Messages(ctx context.Context, applicationID int64) ([]*domain.ApplicationMessage, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT m.id, m.application_id, m.author_id, u.email, m.from_staff, m.body, m.created_at
		FROM application_messages m JOIN users u ON u.id = m.author_id
		WHERE m.application_id = $1 ORDER BY m.created_at, m.id`, applicationID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.ApplicationMessage
	for rows.Next() {
		var m domain.ApplicationMessage
		if err := rows.Scan(&m.ID, &m.ApplicationID, &m.AuthorID, &m.AuthorEmail, &m.FromStaff, &m.Body, &m.CreatedAt); err != nil {
			return nil, err
		}
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, &m)
	}
	return out, rows.Err()
}
