package store

import (
	"context"
	"database/sql"
	"time"
)

// Sessions is the server-side session store used by scs, on either engine.
// Sessions are revoked by deleting their row.
type Sessions struct{ db *DB }

// Sessions returns the session store over this database.
func (db *DB) Sessions() *Sessions { return &Sessions{db: db} }

// FindCtx returns the data of a live session.
func (s *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.db.sql.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`, token, s.db.now()).Scan(&b)
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	return b, err == nil, translate(err)
}

// CommitCtx saves a session.
func (s *Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.sql.ExecContext(ctx, `
		INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, b, expiry.UTC().Truncate(time.Microsecond))
	return translate(err)
}

// DeleteCtx revokes a session.
func (s *Sessions) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.sql.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	return translate(err)
}

// Find, Commit and Delete satisfy scs.Store; scs prefers the Ctx versions.
func (s *Sessions) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit saves a session.
func (s *Sessions) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete revokes a session.
func (s *Sessions) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteExpired removes sessions past their expiry; the outbox worker calls
// it from time to time.
func (s *Sessions) DeleteExpired(ctx context.Context) error {
	_, err := s.db.sql.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, s.db.now())
	return translate(err)
}
