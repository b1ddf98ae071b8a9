package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"tnl/internal/domain"
)

// SubmitPlan is what the caller makes of the answers read inside the
// submission's transaction: the frozen copy and its digest, the software
// names that grow the catalogue, and the receipts to mail.
type SubmitPlan struct {
	Answers  []byte
	Digest   string
	Software []string
	Mails    []*domain.OutboxMail
}

// testHookSubmit, when set by a test, runs between the steps of a
// submission; an error it returns aborts the transaction there.
var testHookSubmit func(step string) error

func submitStep(step string) error {
	if testHookSubmit == nil {
		return nil
	}
	return testHookSubmit(step)
}

// Submit validates an application: inside one transaction it checks the
// deadline, reads the answers, lets plan check completeness and build the
// receipt, stores the submission and marks the application submitted. A
// failure at any step leaves the application as it was.
func (db *DB) Submit(ctx context.Context, applicationID int64, by domain.Actor,
	plan func(answers map[string]string, number int, at domain.Submission) (*SubmitPlan, error)) (*domain.Submission, error) {
	var sub *domain.Submission
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if err := db.checkWritable(ctx, tx, applicationID, now); err != nil {
			return err
		}
		answers, number, err := db.submissionInput(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		s := domain.Submission{ApplicationID: applicationID, Number: number, SubmittedBy: by.ID, SubmittedAt: now}
		p, err := plan(answers, number, s)
		if err != nil {
			return err
		}
		s.Digest, s.Answers = p.Digest, p.Answers
		if err := db.storeSubmission(ctx, tx, &s, p, by); err != nil {
			return err
		}
		sub = &s
		return nil
	})
	return sub, err
}

// submissionInput reads the answers to submit and the next submission
// number, locking the application's row on PostgreSQL.
func (db *DB) submissionInput(ctx context.Context, tx *sql.Tx, id int64) (map[string]string, int, error) {
	var count int
	lock := ""
	if db.dialect.name == "postgres" {
		lock = " FOR UPDATE"
	}
	if err := tx.QueryRowContext(ctx, `SELECT submissions FROM applications WHERE id = $1`+lock, id).Scan(&count); err != nil {
		return nil, 0, notFound(err, "Candidature introuvable.")
	}
	rows, err := tx.QueryContext(ctx, `SELECT question, value FROM answers WHERE application_id = $1 AND value <> ''`, id)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	answers := map[string]string{}
	for rows.Next() {
		var q, v string
		if err := rows.Scan(&q, &v); err != nil {
			return nil, 0, err
		}
		answers[q] = v
	}
	return answers, count + 1, rows.Err()
}

func (db *DB) storeSubmission(ctx context.Context, tx *sql.Tx, s *domain.Submission, p *SubmitPlan, by domain.Actor) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO submissions (application_id, number, submitted_by, submitted_at, digest, answers)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		s.ApplicationID, s.Number, s.SubmittedBy, s.SubmittedAt, s.Digest, string(s.Answers)).Scan(&s.ID)
	if err != nil {
		return err
	}
	if err := submitStep("submission"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET status = 'submitted', submissions = $1,
		submitted_at = $2, updated_at = $2, correction = '' WHERE id = $3`, s.Number, s.SubmittedAt, s.ApplicationID); err != nil {
		return err
	}
	if err := submitStep("status"); err != nil {
		return err
	}
	if err := db.noteSoftware(ctx, tx, p.Software); err != nil {
		return err
	}
	if err := db.enqueueAll(ctx, tx, p.Mails); err != nil {
		return err
	}
	if err := submitStep("mails"); err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "application.submit",
		ObjectType: "application", ObjectID: fmt.Sprint(s.ApplicationID),
		After: snapshot(map[string]any{"number": s.Number, "digest": s.Digest})})
}

// Submissions returns every submission of an application, the latest first.
func (db *DB) Submissions(ctx context.Context, applicationID int64) ([]*domain.Submission, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, application_id, number, submitted_by, submitted_at, digest, answers
		FROM submissions WHERE application_id = $1 ORDER BY number DESC`, applicationID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.Submission
	for rows.Next() {
		var s domain.Submission
		var answers string
		if err := rows.Scan(&s.ID, &s.ApplicationID, &s.Number, &s.SubmittedBy, &s.SubmittedAt, &s.Digest, &answers); err != nil {
			return nil, err
		}
		s.Answers = []byte(answers)
		out = append(out, &s)
	}
	return out, rows.Err()
}

// RequestCorrection reopens a submitted application with the
// secretariat's reason; its submissions are kept and it can be submitted
// again until the deadline.
func (db *DB) RequestCorrection(ctx context.Context, applicationID int64, reason string, by domain.Actor, mails []*domain.OutboxMail) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE applications SET status = 'draft', correction = $1, updated_at = $2
			WHERE id = $3 AND status = 'submitted'`, reason, db.now(), applicationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.ECONFLICT, "Seule une candidature soumise peut être rouverte.")
		}
		if err := db.enqueueAll(ctx, tx, mails); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "application.correction",
			ObjectType: "application", ObjectID: fmt.Sprint(applicationID),
			Before: snapshot(map[string]any{"status": "submitted"}),
			After:  snapshot(map[string]any{"status": "draft", "reason": reason})})
	})
}

// noteSoftware grows the catalogue offered in software lists with the
// names of a submitted application.
func (db *DB) noteSoftware(ctx context.Context, tx *sql.Tx, names []string) error {
	for _, n := range names {
		key := strings.ToLower(strings.Join(strings.Fields(n), " "))
		if key == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO software (search_name, name, uses) VALUES ($1, $2, 1)
			ON CONFLICT (search_name) DO UPDATE SET uses = software.uses + 1`, key, n); err != nil {
			return err
		}
	}
	return nil
}

// AddSoftware adds names to the catalogue (the demo seeds it).
func (db *DB) AddSoftware(ctx context.Context, names ...string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.noteSoftware(ctx, tx, names) })
}

// SoftwareCatalogue returns the known software names, most used first.
func (db *DB) SoftwareCatalogue(ctx context.Context, limit int) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT name FROM software ORDER BY uses DESC, search_name LIMIT $1`, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
