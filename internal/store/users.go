package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"tnl/internal/domain"
)

const userColumns = `id, email, name, password_hash, role, lang, email_verified_at, deactivated_at, created_at`

func scanUser(row interface{ Scan(...any) error }) (*domain.User, error) {
	var u domain.User
	var verified, deactivated sql.NullTime
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.Lang, &verified, &deactivated, &u.CreatedAt)
	if err != nil {
		return nil, err
	}
	u.EmailVerifiedAt, u.DeactivatedAt, u.CreatedAt = nullTime(verified), nullTime(deactivated), u.CreatedAt.UTC()
	return &u, nil
}

// publicUser is what the audit log keeps of an account: never the hash.
func publicUser(u *domain.User) map[string]any {
	return map[string]any{"id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role, "active": u.Active(), "verified": u.Verified()}
}

func (db *DB) insertUser(ctx context.Context, tx *sql.Tx, u *domain.User) error {
	u.CreatedAt = db.now()
	if u.Lang == "" {
		u.Lang = "fr"
	}
	return tx.QueryRowContext(ctx, `
		INSERT INTO users (email, name, password_hash, role, lang, email_verified_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		u.Email, u.Name, u.PasswordHash, u.Role, u.Lang, u.EmailVerifiedAt, u.CreatedAt,
	).Scan(&u.ID)
}

// CreateUser adds an account on behalf of an administrator or the command
// line, and records it in the audit log. The email must be free.
func (db *DB) CreateUser(ctx context.Context, u *domain.User, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.insertUser(ctx, tx, u); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{
			Actor: by, Action: "user.create", ObjectType: "user", ObjectID: fmt.Sprint(u.ID),
			After: snapshot(publicUser(u)),
		})
	})
}

// SignUp adds a self-registered account together with its verification
// link and the email that carries it, in one transaction.
func (db *DB) SignUp(ctx context.Context, u *domain.User, tok *domain.Token, m *domain.OutboxMail) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.insertUser(ctx, tx, u); err != nil {
			return err
		}
		tok.UserID = u.ID
		if err := db.insertToken(ctx, tx, tok); err != nil {
			return err
		}
		return db.enqueue(ctx, tx, m)
	})
}

// FindUserByID returns an account or a not-found error.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*domain.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, notFound(err, "Compte introuvable.")
}

// FindUserByEmail returns an account or a not-found error. The email is
// normalised first.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*domain.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, domain.NormalizeEmail(email)))
	return u, notFound(err, "Compte introuvable.")
}

// UserFilter narrows the list of accounts. Empty fields match all.
type UserFilter struct {
	Query string // substring of email or name
	Role  domain.Role
}

// ListUsers returns accounts in email order, at most 500.
func (db *DB) ListUsers(ctx context.Context, f UserFilter) ([]*domain.User, error) {
	q := `SELECT ` + userColumns + ` FROM users WHERE 1 = 1`
	var args []any
	if f.Query != "" {
		args = append(args, "%"+escapeLike(strings.ToLower(f.Query))+"%")
		q += fmt.Sprintf(` AND (email LIKE $%d ESCAPE '\' OR LOWER(name) LIKE $%[1]d ESCAPE '\')`, len(args))
	}
	if f.Role != "" {
		args = append(args, f.Role)
		q += fmt.Sprintf(` AND role = $%d`, len(args))
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY email LIMIT 500`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers tells whether the database holds any account (demo loading
// refuses a non-empty database).
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, translate(err)
}

// updateUser applies change to an account and logs before and after.
func (db *DB) updateUser(ctx context.Context, id int64, by domain.Actor, action string,
	change func(u *domain.User), stmt string, args func(u *domain.User) []any) (*domain.User, error) {
	var out *domain.User
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
		if err != nil {
			return notFound(err, "Compte introuvable.")
		}
		before := snapshot(publicUser(u))
		change(u)
		if _, err := tx.ExecContext(ctx, stmt, append([]any{id}, args(u)...)...); err != nil {
			return err
		}
		out = u
		return db.appendAudit(ctx, tx, &domain.AuditEntry{
			Actor: by, Action: action, ObjectType: "user", ObjectID: fmt.Sprint(id),
			Before: before, After: snapshot(publicUser(u)),
		})
	})
	return out, err
}

// SetUserRole changes an account's platform role.
func (db *DB) SetUserRole(ctx context.Context, id int64, role domain.Role, by domain.Actor) (*domain.User, error) {
	if !role.Valid() {
		return nil, domain.Errorf(domain.EINVALID, "Rôle inconnu.")
	}
	return db.updateUser(ctx, id, by, "user.set_role",
		func(u *domain.User) { u.Role = role },
		`UPDATE users SET role = $2 WHERE id = $1`,
		func(u *domain.User) []any { return []any{u.Role} })
}

// SetUserActive deactivates or reactivates an account. A deactivated account
// cannot sign in and its open sessions stop working at their next request.
func (db *DB) SetUserActive(ctx context.Context, id int64, active bool, by domain.Actor) (*domain.User, error) {
	action := "user.deactivate"
	if active {
		action = "user.reactivate"
	}
	now := db.now()
	return db.updateUser(ctx, id, by, action,
		func(u *domain.User) {
			u.DeactivatedAt = nil
			if !active {
				u.DeactivatedAt = &now
			}
		},
		`UPDATE users SET deactivated_at = $2 WHERE id = $1`,
		func(u *domain.User) []any { return []any{u.DeactivatedAt} })
}

// SetUserLang remembers the language a person chose, for their emails.
func (db *DB) SetUserLang(ctx context.Context, id int64, lang string) error {
	_, err := db.sql.ExecContext(ctx, `UPDATE users SET lang = $2 WHERE id = $1`, id, lang)
	return translate(err)
}
