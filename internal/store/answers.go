package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"tnl/internal/domain"
)

// Answers returns the current answers of an application by question id.
func (db *DB) Answers(ctx context.Context, applicationID int64) (map[string]domain.Answer, error) {
	return answersOn(ctx, db.sql, applicationID)
}

func answersOn(ctx context.Context, q queryer, applicationID int64) (map[string]domain.Answer, error) {
	rows, err := q.QueryContext(ctx, `SELECT question, value, version, saved_by, saved_at
		FROM answers WHERE application_id = $1`, applicationID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[string]domain.Answer{}
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return nil, err
		}
		out[a.Question] = *a
	}
	return out, rows.Err()
}

func scanAnswer(row interface{ Scan(...any) error }) (*domain.Answer, error) {
	var a domain.Answer
	var by sql.NullInt64
	if err := row.Scan(&a.Question, &a.Value, &a.Version, &by, &a.SavedAt); err != nil {
		return nil, err
	}
	a.SavedBy = by.Int64
	return &a, nil
}

// AnswerHistory returns every save of one answer, accepted or refused,
// oldest first.
func (db *DB) AnswerHistory(ctx context.Context, applicationID int64, question string) ([]domain.AnswerRevision, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT version, value, saved_by, saved_at, accepted FROM answer_history
		WHERE application_id = $1 AND question = $2 ORDER BY id`, applicationID, question)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []domain.AnswerRevision
	for rows.Next() {
		var r domain.AnswerRevision
		var by sql.NullInt64
		if err := rows.Scan(&r.Version, &r.Value, &by, &r.SavedAt, &r.Accepted); err != nil {
			return nil, err
		}
		r.SavedBy = by.Int64
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveAnswers saves several answers of a form page in one transaction, each
// checked against the version its editor started from. A stale save is not
// an error: its result carries the newer answer, and the refused value is
// kept in the history.
func (db *DB) SaveAnswers(ctx context.Context, saves []domain.AnswerSave) ([]domain.SaveResult, error) {
	var out []domain.SaveResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = db.applySaves(ctx, tx, saves)
		return err
	})
	return out, err
}

// applySaves writes saves in one transaction; the first error (a deadline
// passed, an unknown application) stops them all.
func (db *DB) applySaves(ctx context.Context, tx *sql.Tx, saves []domain.AnswerSave) ([]domain.SaveResult, error) {
	now := db.now()
	out := make([]domain.SaveResult, len(saves))
	open := map[int64]bool{}
	for i, s := range saves {
		if !open[s.ApplicationID] {
			if err := db.checkWritable(ctx, tx, s.ApplicationID, now); err != nil {
				return nil, err
			}
			open[s.ApplicationID] = true
		}
		r, err := db.applySave(ctx, tx, s, now)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// checkWritable refuses a write to an application whose edition's deadline
// has passed at now, the time of the transaction that would write it — so
// a save already in flight at the deadline is refused too.
func (db *DB) checkWritable(ctx context.Context, tx *sql.Tx, applicationID int64, now time.Time) error {
	var closes sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT e.closes_at FROM applications a JOIN editions e ON e.year = a.year
		WHERE a.id = $1`, applicationID).Scan(&closes)
	if err != nil {
		return notFound(err, "Candidature introuvable.")
	}
	if closes.Valid && !now.Before(closes.Time) {
		return domain.ErrDeadlinePassed
	}
	return nil
}

// applySave compares and sets one answer: the new value is written only if
// the stored version is still the one the editor started from.
func (db *DB) applySave(ctx context.Context, tx *sql.Tx, s domain.AnswerSave, now time.Time) (domain.SaveResult, error) {
	var by any
	if s.UserID != 0 {
		by = s.UserID
	}
	var version int
	err := tx.QueryRowContext(ctx, `
		INSERT INTO answers (application_id, question, value, version, saved_by, saved_at)
		VALUES ($1, $2, $3, 1, $4, $5)
		ON CONFLICT (application_id, question) DO UPDATE
			SET value = excluded.value, version = answers.version + 1,
				saved_by = excluded.saved_by, saved_at = excluded.saved_at
			WHERE answers.version = $6 AND answers.value <> excluded.value
		RETURNING version`, s.ApplicationID, s.Question, s.Value, by, now, s.BaseVersion).Scan(&version)
	if err == nil {
		err = db.addRevision(ctx, tx, s, version, by, now, true)
		if err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE applications SET updated_at = $1 WHERE id = $2`, now, s.ApplicationID)
		}
		return domain.SaveResult{Version: version}, err
	}
	if err != sql.ErrNoRows {
		return domain.SaveResult{}, err
	}
	// Nothing written: either the same value again (a repeated save), or a
	// stale one.
	cur, err := scanAnswer(tx.QueryRowContext(ctx, `SELECT question, value, version, saved_by, saved_at
		FROM answers WHERE application_id = $1 AND question = $2`, s.ApplicationID, s.Question))
	if err != nil {
		return domain.SaveResult{}, err
	}
	if cur.Value == s.Value {
		return domain.SaveResult{Version: cur.Version}, nil
	}
	return domain.SaveResult{Version: cur.Version, Conflict: cur},
		db.addRevision(ctx, tx, s, s.BaseVersion, by, now, false)
}

func (db *DB) addRevision(ctx context.Context, tx *sql.Tx, s domain.AnswerSave, version int, by any, now time.Time, accepted bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO answer_history (application_id, question, version, value, saved_by, saved_at, accepted)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.ApplicationID, s.Question, version, s.Value, by, now, accepted)
	return err
}

// sortSaves orders a batch so that concurrent transactions take row locks
// in the same order.
func sortSaves(batch []*pendingSave) {
	slices.SortStableFunc(batch, func(a, b *pendingSave) int {
		if a.save.ApplicationID != b.save.ApplicationID {
			if a.save.ApplicationID < b.save.ApplicationID {
				return -1
			}
			return 1
		}
		switch {
		case a.save.Question < b.save.Question:
			return -1
		case a.save.Question > b.save.Question:
			return 1
		}
		return 0
	})
}
