package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"tnl/internal/domain"
)

// snapshot renders an object as the JSON kept in the audit log.
func snapshot(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// auditHash chains an entry to the previous one: changing or removing any
// row breaks every hash after it.
func auditHash(e *domain.AuditEntry) string {
	h := sha256.New()
	for _, f := range []string{
		e.PrevHash, e.At.UTC().Format("2006-01-02T15:04:05.000000Z"),
		strconv.FormatInt(e.Actor.ID, 10), e.Actor.Label, e.Action,
		e.ObjectType, e.ObjectID, e.Before, e.After,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendAudit writes one entry inside the caller's transaction, so that an
// action and its trace commit together or not at all.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, e *domain.AuditEntry) error {
	if db.dialect.lockAudit != "" {
		if _, err := tx.ExecContext(ctx, db.dialect.lockAudit); err != nil {
			return err
		}
	}
	err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&e.PrevHash)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	e.At = db.now()
	e.Hash = auditHash(e)
	var actorID sql.NullInt64
	if e.Actor.ID != 0 {
		actorID = sql.NullInt64{Int64: e.Actor.ID, Valid: true}
	}
	return tx.QueryRowContext(ctx, `
		INSERT INTO audit_log (at, actor_id, actor, action, object_type, object_id, before_json, after_json, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		e.At, actorID, e.Actor.Label, e.Action, e.ObjectType, e.ObjectID, e.Before, e.After, e.PrevHash, e.Hash,
	).Scan(&e.ID)
}

// RecordAudit writes an entry for an action that changes nothing else in
// the database (for example, viewing a confidential export).
func (db *DB) RecordAudit(ctx context.Context, e *domain.AuditEntry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.appendAudit(ctx, tx, e) })
}

// AuditFilter narrows a reading of the audit log. Empty fields match all.
type AuditFilter struct {
	Action string // prefix, e.g. "user." for every user action
	Actor  string // substring of the actor's label
	Object string // object type
	Before int64  // entries with an id below this one (paging); 0 for the newest
	Limit  int
}

// ListAudit returns entries, newest first.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]domain.AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Action != "" {
		add(`action LIKE $%d ESCAPE '\'`, escapeLike(f.Action)+"%")
	}
	if f.Actor != "" {
		add(`LOWER(actor) LIKE $%d ESCAPE '\'`, "%"+escapeLike(strings.ToLower(f.Actor))+"%")
	}
	if f.Object != "" {
		add("object_type = $%d", f.Object)
	}
	if f.Before > 0 {
		add("id < $%d", f.Before)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT id, at, actor_id, actor, action, object_type, object_id, before_json, after_json, prev_hash, hash FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", f.Limit)
	return db.scanAudit(ctx, q, args...)
}

func (db *DB) scanAudit(ctx context.Context, q string, args ...any) ([]domain.AuditEntry, error) {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []domain.AuditEntry
	for rows.Next() {
		var e domain.AuditEntry
		var actorID sql.NullInt64
		if err := rows.Scan(&e.ID, &e.At, &actorID, &e.Actor.Label, &e.Action, &e.ObjectType, &e.ObjectID,
			&e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		e.Actor.ID = actorID.Int64
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// VerifyAudit walks the whole chain and returns the id of the first entry
// whose hash does not match its content or its predecessor, or 0 when the
// log is intact.
func (db *DB) VerifyAudit(ctx context.Context) (int64, error) {
	entries, err := db.scanAudit(ctx, `SELECT id, at, actor_id, actor, action, object_type, object_id, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return 0, err
	}
	prev := ""
	for i := range entries {
		e := &entries[i]
		if e.PrevHash != prev || auditHash(e) != e.Hash {
			return e.ID, nil
		}
		prev = e.Hash
	}
	return 0, nil
}

// escapeLike makes a user's text match literally in a LIKE pattern whose
// escape character is a backslash (the same on both engines).
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
