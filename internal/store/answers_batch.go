package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"tnl/internal/domain"
)

// A group-commit batch is written a chunk of saves at a time, each chunk
// in four statements at most (deadline check, compare-and-set upsert,
// history, applications touched) whatever its size: the dialect's
// saveChunk saves. On PostgreSQL that saves the round trips that would
// otherwise cost more than the commit; on SQLite, where a statement is a
// function call, it saves the per-statement work, and chunks of a few
// dozen keep the number of distinct statements, which the connection keeps
// prepared, small.

// saveKey names one answer.
type saveKey struct {
	app      int64
	question string
}

func keyOf(s domain.AnswerSave) saveKey { return saveKey{s.ApplicationID, s.Question} }

// applyBatch applies each save of the batch, in order. A refusal that
// concerns one save (a deadline passed, an unknown application) is that
// save's answer, while a database error fails the whole transaction.
func (db *DB) applyBatch(ctx context.Context, tx *sql.Tx, batch []*pendingSave) error {
	now := db.now()
	for todo := batch; len(todo) > 0; {
		chunk, rest := nextChunk(todo, db.dialect.saveChunk)
		if err := db.applyChunk(ctx, tx, chunk, now); err != nil {
			return err
		}
		todo = rest
	}
	return nil
}

// nextChunk takes up to n saves from the front of todo, stopping before a
// second save of the same answer: one upsert statement may touch a row
// only once, and the second save must see the first one's version.
func nextChunk(todo []*pendingSave, n int) (chunk, rest []*pendingSave) {
	seen := map[saveKey]bool{}
	i := 0
	for i < len(todo) && i < n && !seen[keyOf(todo[i].save)] {
		seen[keyOf(todo[i].save)] = true
		i++
	}
	return todo[:i], todo[i:]
}

func (db *DB) applyChunk(ctx context.Context, tx *sql.Tx, chunk []*pendingSave, now time.Time) error {
	open, err := db.writable(ctx, tx, chunk, now)
	if err != nil || len(open) == 0 {
		return err
	}
	written, err := upsertAnswers(ctx, tx, open, now)
	if err != nil {
		return err
	}
	current, err := currentAnswers(ctx, tx, open, written)
	if err != nil {
		return err
	}
	var history []*pendingSave
	var touched []int64
	for _, p := range open {
		if v, ok := written[keyOf(p.save)]; ok {
			p.result = domain.SaveResult{Version: v}
			history, touched = append(history, p), append(touched, p.save.ApplicationID)
			continue
		}
		// Nothing written: the same value again (a repeated save), or a
		// stale one, refused and kept in the history.
		cur := current[keyOf(p.save)]
		if cur == nil {
			return fmt.Errorf("answer %d/%s neither written nor found", p.save.ApplicationID, p.save.Question)
		}
		p.result = domain.SaveResult{Version: cur.Version}
		if cur.Value != p.save.Value {
			p.result.Conflict = cur
			history = append(history, p)
		}
	}
	if err := addRevisions(ctx, tx, history, now); err != nil {
		return err
	}
	return touchApplications(ctx, tx, touched, now)
}

// writable sets each save's refusal when its application is unknown or its
// edition's deadline has passed at now, the time of the transaction that
// would write it (so that a save in flight at the deadline is refused),
// and returns the saves that may go on.
func (db *DB) writable(ctx context.Context, tx *sql.Tx, chunk []*pendingSave, now time.Time) ([]*pendingSave, error) {
	ids := distinctApps(chunk)
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id, e.closes_at FROM applications a JOIN editions e ON e.year = a.year
		WHERE a.id IN (`+params(1, len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	closes := map[int64]sql.NullTime{}
	for rows.Next() {
		var id int64
		var c sql.NullTime
		if err := rows.Scan(&id, &c); err != nil {
			return nil, err
		}
		closes[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var open []*pendingSave
	for _, p := range chunk {
		c, known := closes[p.save.ApplicationID]
		switch {
		case !known:
			p.err = notFound(sql.ErrNoRows, "Candidature introuvable.")
		case c.Valid && !now.Before(c.Time):
			p.err = domain.ErrDeadlinePassed
		default:
			open = append(open, p)
		}
	}
	return open, nil
}

// upsertAnswers compares and sets the chunk's answers in one statement: a
// value is written only if the stored version is still the one its editor
// started from (the new version is that one plus one, hence the first
// version of a new answer is 1) and the value changed. It returns the new
// version of each answer written.
func upsertAnswers(ctx context.Context, tx *sql.Tx, saves []*pendingSave, now time.Time) (map[saveKey]int, error) {
	const cols = 6
	args := make([]any, 0, cols*len(saves))
	for _, p := range saves {
		s := p.save
		args = append(args, s.ApplicationID, s.Question, s.Value, s.BaseVersion+1, savedBy(s), now)
	}
	rows, err := tx.QueryContext(ctx, `
		INSERT INTO answers (application_id, question, value, version, saved_by, saved_at)
		VALUES `+valueRows(len(saves), cols)+`
		ON CONFLICT (application_id, question) DO UPDATE
			SET value = excluded.value, version = answers.version + 1,
				saved_by = excluded.saved_by, saved_at = excluded.saved_at
			WHERE answers.version = excluded.version - 1 AND answers.value <> excluded.value
		RETURNING application_id, question, version`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	written := map[saveKey]int{}
	for rows.Next() {
		var k saveKey
		var v int
		if err := rows.Scan(&k.app, &k.question, &v); err != nil {
			return nil, err
		}
		written[k] = v
	}
	return written, rows.Err()
}

// currentAnswers reads the stored answers of the saves that wrote nothing.
func currentAnswers(ctx context.Context, tx *sql.Tx, saves []*pendingSave, written map[saveKey]int) (map[saveKey]*domain.Answer, error) {
	var args []any
	for _, p := range saves {
		if _, ok := written[keyOf(p.save)]; !ok {
			args = append(args, p.save.ApplicationID, p.save.Question)
		}
	}
	out := map[saveKey]*domain.Answer{}
	if len(args) == 0 {
		return out, nil
	}
	keys := make([]string, len(args)/2)
	for i := range keys {
		// The cast types the parameter where PostgreSQL cannot infer it.
		keys[i] = fmt.Sprintf("(CAST($%d AS BIGINT), $%d)", 2*i+1, 2*i+2)
	}
	rows, err := tx.QueryContext(ctx, `SELECT application_id, question, value, version, saved_by, saved_at
		FROM answers WHERE (application_id, question) IN (VALUES `+strings.Join(keys, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a domain.Answer
		var app int64
		var by sql.NullInt64
		if err := rows.Scan(&app, &a.Question, &a.Value, &a.Version, &by, &a.SavedAt); err != nil {
			return nil, err
		}
		a.SavedBy = by.Int64
		out[saveKey{app, a.Question}] = &a
	}
	return out, rows.Err()
}

// addRevisions writes the history rows of saves: accepted ones with their
// new version, refused ones with the version they started from.
func addRevisions(ctx context.Context, tx *sql.Tx, saves []*pendingSave, now time.Time) error {
	if len(saves) == 0 {
		return nil
	}
	const cols = 7
	args := make([]any, 0, cols*len(saves))
	for _, p := range saves {
		s, version, accepted := p.save, p.result.Version, p.result.Conflict == nil
		if !accepted {
			version = s.BaseVersion
		}
		args = append(args, s.ApplicationID, s.Question, version, s.Value, savedBy(s), now, accepted)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO answer_history (application_id, question, version, value, saved_by, saved_at, accepted)
		VALUES `+valueRows(len(saves), cols), args...)
	return err
}

// touchApplications marks the applications as changed at now.
func touchApplications(ctx context.Context, tx *sql.Tx, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	ids = distinctIDs(ids)
	args := []any{now}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := tx.ExecContext(ctx, `UPDATE applications SET updated_at = $1 WHERE id IN (`+params(2, len(ids))+`)`, args...)
	return err
}

// savedBy is the saver's user id, or NULL for a save made by no user.
func savedBy(s domain.AnswerSave) any {
	if s.UserID == 0 {
		return nil
	}
	return s.UserID
}

func distinctApps(saves []*pendingSave) []int64 {
	ids := make([]int64, len(saves))
	for i, p := range saves {
		ids[i] = p.save.ApplicationID
	}
	return distinctIDs(ids)
}

func distinctIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// params is "$from, …" for n parameters.
func params(from, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(p, ", ")
}

// valueRows is "($1, $2), ($3, $4)" for rows of cols parameters.
func valueRows(rows, cols int) string {
	r := make([]string, rows)
	for i := range r {
		r[i] = "(" + params(1+i*cols, cols) + ")"
	}
	return strings.Join(r, ", ")
}
