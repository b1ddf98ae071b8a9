package store

import (
	"context"
	"database/sql"
	"fmt"

	"tnl/internal/domain"
)

const memberColumns = `m.id, m.body_id, m.user_id, u.email, m.role, m.sections, m.status, m.message, m.reason,
	m.created_at, m.decided_at, m.decided_by`

func scanMember(row interface{ Scan(...any) error }) (*domain.Member, error) {
	var m domain.Member
	var sections string
	var decided sql.NullTime
	if err := row.Scan(&m.ID, &m.BodyID, &m.UserID, &m.Email, &m.Role, &sections, &m.Status, &m.Message, &m.Reason,
		&m.CreatedAt, &decided, &m.DecidedBy); err != nil {
		return nil, err
	}
	m.Sections, m.DecidedAt, m.CreatedAt = splitList(sections), nullTime(decided), m.CreatedAt.UTC()
	return &m, nil
}

func (db *DB) queryMembers(ctx context.Context, q queryer, where string, args ...any) ([]*domain.Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+memberColumns+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE `+where+` ORDER BY m.status, m.role, u.email`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// queryer is what *sql.DB and *sql.Tx share for reading.
type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// Team returns every membership of a body, approved first, then pending,
// then past ones.
func (db *DB) Team(ctx context.Context, bodyID int64) ([]*domain.Member, error) {
	return db.queryMembers(ctx, db.sql, `m.body_id = $1`, bodyID)
}

// Membership returns a person's membership of a body, whatever its status,
// or a not-found error.
func (db *DB) Membership(ctx context.Context, bodyID, userID int64) (*domain.Member, error) {
	return db.membership(ctx, db.sql, bodyID, userID)
}

func (db *DB) membership(ctx context.Context, q queryer, bodyID, userID int64) (*domain.Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.body_id = $1 AND m.user_id = $2`, bodyID, userID))
	return m, notFound(err, "Vous n'êtes pas membre de cet organisme.")
}

// FindMember returns a membership by id.
func (db *DB) FindMember(ctx context.Context, id int64) (*domain.Member, error) {
	m, err := scanMember(db.sql.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.id = $1`, id))
	return m, notFound(err, "Demande introuvable.")
}

// MembershipsOf returns what a person has asked or holds, with the bodies.
func (db *DB) MembershipsOf(ctx context.Context, userID int64) ([]*domain.Member, error) {
	return db.queryMembers(ctx, db.sql, `m.user_id = $1`, userID)
}

// PendingClaims returns every claim waiting for a decision, oldest first
// being the most urgent is left to the page; here by status and role.
func (db *DB) PendingClaims(ctx context.Context) ([]*domain.Member, error) {
	return db.queryMembers(ctx, db.sql, `m.status = $1`, domain.MemberPending)
}

// publicMember is what the audit log keeps of a membership.
func publicMember(m *domain.Member) map[string]any {
	return map[string]any{"id": m.ID, "body_id": m.BodyID, "user": m.Email, "role": m.Role,
		"sections": m.Sections, "status": m.Status, "reason": m.Reason}
}

// Claim records a person's request to act for a body. A person already
// waiting or approved cannot claim again; after a refusal or a removal they
// may.
func (db *DB) Claim(ctx context.Context, m *domain.Member, by domain.Actor, mails []*domain.OutboxMail) error {
	m.Status, m.CreatedAt = domain.MemberPending, db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := db.membership(ctx, tx, m.BodyID, m.UserID)
		switch {
		case err == nil && (old.Status == domain.MemberPending || old.Status == domain.MemberApproved):
			return domain.Errorf(domain.ECONFLICT, "Vous avez déjà demandé à agir pour cet organisme.")
		case err == nil:
			m.ID = old.ID
			_, err = tx.ExecContext(ctx, `UPDATE memberships SET role = $2, sections = '', status = $3, message = $4,
				reason = '', created_at = $5, decided_at = NULL, decided_by = '' WHERE id = $1`,
				m.ID, m.Role, m.Status, m.Message, m.CreatedAt)
		case domain.IsNotFound(err):
			err = tx.QueryRowContext(ctx, `INSERT INTO memberships (body_id, user_id, role, status, message, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				m.BodyID, m.UserID, m.Role, m.Status, m.Message, m.CreatedAt).Scan(&m.ID)
		}
		if err != nil {
			return err
		}
		return db.logMember(ctx, tx, by, "member.claim", nil, m, mails)
	})
}

// logMember queues the mails of a team change and writes its audit entry.
func (db *DB) logMember(ctx context.Context, tx *sql.Tx, by domain.Actor, action string, before, after *domain.Member, mails []*domain.OutboxMail) error {
	if err := db.enqueueAll(ctx, tx, mails); err != nil {
		return err
	}
	e := &domain.AuditEntry{Actor: by, Action: action, ObjectType: "membership", ObjectID: fmt.Sprint(after.ID),
		After: snapshot(publicMember(after))}
	if before != nil {
		e.Before = snapshot(publicMember(before))
	}
	return db.appendAudit(ctx, tx, e)
}

// DecideClaim approves or refuses a pending claim; a refusal keeps its
// reason, shown to the claimant.
func (db *DB) DecideClaim(ctx context.Context, id int64, approve bool, reason string, by domain.Actor, mails []*domain.OutboxMail) (*domain.Member, error) {
	status, action := domain.MemberApproved, "member.approve"
	if !approve {
		status, action = domain.MemberRefused, "member.refuse"
	}
	return db.changeMember(ctx, id, by, action, mails, func(tx *sql.Tx, m *domain.Member) error {
		if m.Status != domain.MemberPending {
			return domain.Errorf(domain.ECONFLICT, "Cette demande a déjà été traitée.")
		}
		m.Status, m.Reason = status, reason
		if approve && m.Role == domain.RoleResponsable {
			return db.demoteResponsable(ctx, tx, m, by)
		}
		return nil
	})
}

// RemoveMember ends an approved membership, with a reason.
func (db *DB) RemoveMember(ctx context.Context, id int64, reason string, by domain.Actor, mails []*domain.OutboxMail) (*domain.Member, error) {
	return db.changeMember(ctx, id, by, "member.remove", mails, func(_ *sql.Tx, m *domain.Member) error {
		if m.Status != domain.MemberApproved {
			return domain.Errorf(domain.ECONFLICT, "Cette personne ne fait pas partie de l'équipe.")
		}
		m.Status, m.Reason = domain.MemberRemoved, reason
		return nil
	})
}

// SetMemberRole changes an approved member's role and sections. Making
// someone responsable transfers the role: the previous responsable becomes
// a contributor.
func (db *DB) SetMemberRole(ctx context.Context, id int64, role domain.MemberRole, sections []string, by domain.Actor, mails []*domain.OutboxMail) (*domain.Member, error) {
	if !role.Valid() {
		return nil, domain.Errorf(domain.EINVALID, "Rôle inconnu.")
	}
	return db.changeMember(ctx, id, by, "member.set_role", mails, func(tx *sql.Tx, m *domain.Member) error {
		if m.Status != domain.MemberApproved {
			return domain.Errorf(domain.ECONFLICT, "Cette personne ne fait pas partie de l'équipe.")
		}
		m.Role, m.Sections = role, nil
		if role == domain.RoleContributor {
			m.Sections = sections
		}
		if role == domain.RoleResponsable {
			return db.demoteResponsable(ctx, tx, m, by)
		}
		return nil
	})
}

// changeMember loads a membership, applies change, writes it and logs it.
func (db *DB) changeMember(ctx context.Context, id int64, by domain.Actor, action string, mails []*domain.OutboxMail,
	change func(tx *sql.Tx, m *domain.Member) error) (*domain.Member, error) {
	var out *domain.Member
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		m, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.id = $1`, id))
		if err != nil {
			return notFound(err, "Demande introuvable.")
		}
		before := *m
		if err := change(tx, m); err != nil {
			return err
		}
		if err := db.writeMember(ctx, tx, m, by); err != nil {
			return err
		}
		out = m
		return db.logMember(ctx, tx, by, action, &before, m, mails)
	})
	return out, err
}

func (db *DB) writeMember(ctx context.Context, tx *sql.Tx, m *domain.Member, by domain.Actor) error {
	now := db.now()
	m.DecidedAt, m.DecidedBy = &now, by.Label
	_, err := tx.ExecContext(ctx, `UPDATE memberships SET role = $2, sections = $3, status = $4, reason = $5,
		decided_at = $6, decided_by = $7 WHERE id = $1`,
		m.ID, m.Role, joinList(m.Sections), m.Status, m.Reason, now, by.Label)
	return err
}

// demoteResponsable makes the body's current responsable, other than m, a
// contributor: a body has one responsable de candidature.
func (db *DB) demoteResponsable(ctx context.Context, tx *sql.Tx, m *domain.Member, by domain.Actor) error {
	others, err := db.queryMembers(ctx, tx, `m.body_id = $1 AND m.role = $2 AND m.status = $3 AND m.id <> $4`,
		m.BodyID, domain.RoleResponsable, domain.MemberApproved, m.ID)
	if err != nil {
		return err
	}
	for _, o := range others {
		before := *o
		o.Role = domain.RoleContributor
		if err := db.writeMember(ctx, tx, o, by); err != nil {
			return err
		}
		if err := db.logMember(ctx, tx, by, "member.set_role", &before, o, nil); err != nil {
			return err
		}
	}
	return nil
}
