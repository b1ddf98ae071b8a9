package store

import (
	"context"
	"database/sql"

	"tnl/internal/domain"
)

var errBadLink = &domain.Error{Code: domain.EINVALID, Message: "Ce lien n'est plus valable : il a expiré ou a déjà servi. Demandez-en un nouveau."}

func (db *DB) insertToken(ctx context.Context, tx *sql.Tx, t *domain.Token) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO auth_tokens (hash, user_id, purpose, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.Hash, t.UserID, t.Purpose, t.ExpiresAt.UTC(), db.now())
	return err
}

// IssueToken stores an emailed link and queues the email that carries it,
// together: a link is never valid without its email, nor the reverse.
func (db *DB) IssueToken(ctx context.Context, t *domain.Token, m *domain.OutboxMail) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.insertToken(ctx, tx, t); err != nil {
			return err
		}
		return db.enqueue(ctx, tx, m)
	})
}

// CheckToken tells whether a link is still usable, without using it, and
// returns its owner. Pages show a confirmation button on GET so that mail
// scanners that follow links do not spend them.
func (db *DB) CheckToken(ctx context.Context, hash string, purpose domain.TokenPurpose) (*domain.User, error) {
	var id int64
	err := db.sql.QueryRowContext(ctx, `
		SELECT user_id FROM auth_tokens
		WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`,
		hash, purpose, db.now()).Scan(&id)
	if err != nil {
		return nil, notFoundAs(err, errBadLink)
	}
	return db.activeUser(ctx, db.sql.QueryRowContext, id)
}

// consumeToken marks a link used, once: of two concurrent uses, one wins.
func (db *DB) consumeToken(ctx context.Context, tx *sql.Tx, hash string, purpose domain.TokenPurpose) (*domain.User, error) {
	var id int64
	now := db.now()
	err := tx.QueryRowContext(ctx, `
		UPDATE auth_tokens SET used_at = $3
		WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
		RETURNING user_id`, hash, purpose, now).Scan(&id)
	if err != nil {
		return nil, notFoundAs(err, errBadLink)
	}
	u, err := db.activeUser(ctx, tx.QueryRowContext, id)
	if err != nil {
		return nil, err
	}
	if !u.Verified() {
		// Using any emailed link proves the address is read.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET email_verified_at = $2 WHERE id = $1`, id, now); err != nil {
			return nil, err
		}
		u.EmailVerifiedAt = &now
	}
	return u, nil
}

type queryRower func(ctx context.Context, q string, args ...any) *sql.Row

func (db *DB) activeUser(ctx context.Context, query queryRower, id int64) (*domain.User, error) {
	u, err := scanUser(query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, notFoundAs(err, errBadLink)
	}
	if !u.Active() {
		return nil, errBadLink
	}
	return u, nil
}

// UseToken spends a verification or login link and returns its owner, whose
// address is now verified.
func (db *DB) UseToken(ctx context.Context, hash string, purpose domain.TokenPurpose) (*domain.User, error) {
	var u *domain.User
	err := db.inTx(ctx, func(tx *sql.Tx) (err error) {
		u, err = db.consumeToken(ctx, tx, hash, purpose)
		return err
	})
	return u, err
}

// ResetPassword spends a reset link, sets the new password hash and
// cancels every other unused reset link of the account.
func (db *DB) ResetPassword(ctx context.Context, hash, passwordHash string) (*domain.User, error) {
	var u *domain.User
	err := db.inTx(ctx, func(tx *sql.Tx) (err error) {
		if u, err = db.consumeToken(ctx, tx, hash, domain.TokenReset); err != nil {
			return err
		}
		now := db.now()
		if _, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, u.ID, passwordHash); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE auth_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
			u.ID, domain.TokenReset, now)
		return err
	})
	return u, err
}

func notFoundAs(err error, as *domain.Error) error {
	if err == sql.ErrNoRows {
		return as
	}
	return translate(err)
}
