package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"tnl/internal/domain"
)

var errBadInvitation = &domain.Error{Code: domain.EINVALID,
	Message: "Cette invitation n'est plus valable : elle a expiré ou a déjà servi. Demandez-en une nouvelle."}

// Invite stores an invitation to a body's team and queues its email.
func (db *DB) Invite(ctx context.Context, inv *domain.Invitation, by domain.Actor, mail *domain.OutboxMail) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO invitations (hash, body_id, email, role, sections, invited_by, expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, inv.Hash, inv.BodyID, inv.Email, inv.Role, joinList(inv.Sections),
			inv.InvitedBy, inv.ExpiresAt.UTC().Truncate(time.Microsecond), db.now()); err != nil {
			return err
		}
		if err := db.enqueue(ctx, tx, mail); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "member.invite", ObjectType: "body",
			ObjectID: fmt.Sprint(inv.BodyID), After: snapshot(map[string]any{"email": inv.Email, "role": inv.Role, "sections": inv.Sections})})
	})
}

// CheckInvitation returns a usable invitation, without using it.
func (db *DB) CheckInvitation(ctx context.Context, hash string) (*domain.Invitation, error) {
	return db.usableInvitation(ctx, db.sql, hash)
}

func (db *DB) usableInvitation(ctx context.Context, q queryer, hash string) (*domain.Invitation, error) {
	var inv domain.Invitation
	var sections string
	err := q.QueryRowContext(ctx, `SELECT hash, body_id, email, role, sections, invited_by, expires_at FROM invitations
		WHERE hash = $1 AND used_at IS NULL AND expires_at > $2`, hash, db.now()).
		Scan(&inv.Hash, &inv.BodyID, &inv.Email, &inv.Role, &sections, &inv.InvitedBy, &inv.ExpiresAt)
	if err != nil {
		return nil, notFoundAs(err, errBadInvitation)
	}
	inv.Sections = splitList(sections)
	return &inv, nil
}

// AcceptInvitation spends an invitation: the signed-in person joins the
// body's team with the offered role, whatever the address the invitation
// was sent to (they proved they read it).
func (db *DB) AcceptInvitation(ctx context.Context, hash string, user domain.Actor, mails []*domain.OutboxMail) (*domain.Member, error) {
	var m *domain.Member
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		inv, err := db.usableInvitation(ctx, tx, hash)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET used_at = $2 WHERE hash = $1 AND used_at IS NULL`, hash, db.now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errBadInvitation
		}
		m, err = db.joinTeam(ctx, tx, inv, user)
		if err != nil {
			return err
		}
		if m.Role == domain.RoleResponsable {
			if err := db.demoteResponsable(ctx, tx, m, user); err != nil {
				return err
			}
		}
		return db.logMember(ctx, tx, user, "member.accept_invitation", nil, m, mails)
	})
	return m, err
}

// joinTeam makes user an approved member with the invitation's role,
// reusing a previous membership row if there is one.
func (db *DB) joinTeam(ctx context.Context, tx *sql.Tx, inv *domain.Invitation, user domain.Actor) (*domain.Member, error) {
	now := db.now()
	_, err := tx.ExecContext(ctx, `INSERT INTO memberships (body_id, user_id, role, sections, status, created_at, decided_at, decided_by)
		VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
		ON CONFLICT (body_id, user_id) DO UPDATE SET role = excluded.role, sections = excluded.sections,
			status = excluded.status, reason = '', decided_at = excluded.decided_at, decided_by = excluded.decided_by`,
		inv.BodyID, user.ID, inv.Role, joinList(inv.Sections), domain.MemberApproved, now, "invitation")
	if err != nil {
		return nil, err
	}
	return db.membership(ctx, tx, inv.BodyID, user.ID)
}
