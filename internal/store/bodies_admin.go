package store

import (
	"context"
	"database/sql"
	"fmt"

	"tnl/internal/domain"
)

// publicBody is what the audit log keeps of a body.
func publicBody(b *domain.Body) map[string]any {
	return map[string]any{"id": b.ID, "key": b.Key, "name": b.Name, "kind": b.Kind, "departement": b.Departement,
		"siren": b.SIREN, "status": b.Status, "reason": b.Reason}
}

// RequestBody records an applicant's request for a body the directory does
// not hold, with its member bodies, and queues the emails that tell the
// admins.
func (db *DB) RequestBody(ctx context.Context, b *domain.Body, memberIDs []int64, by domain.Actor, mails []*domain.OutboxMail) error {
	b.Status, b.RequestedBy, b.Key = domain.BodyRequested, by.ID, ""
	if b.SIREN != "" {
		b.Key = b.SIREN
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.insertBody(ctx, tx, b, "o-"); err != nil {
			return err
		}
		for _, m := range memberIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO body_links (group_id, member_id) VALUES ($1, $2)
				ON CONFLICT DO NOTHING`, b.ID, m); err != nil {
				return err
			}
		}
		if err := db.enqueueAll(ctx, tx, mails); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "body.request", ObjectType: "body",
			ObjectID: fmt.Sprint(b.ID), After: snapshot(publicBody(b))})
	})
}

// enqueueAll queues several mails in the caller's transaction.
func (db *DB) enqueueAll(ctx context.Context, tx *sql.Tx, mails []*domain.OutboxMail) error {
	for _, m := range mails {
		if err := db.enqueue(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}

// DecideBody approves or refuses a requested body; a refusal needs a reason.
func (db *DB) DecideBody(ctx context.Context, id int64, approve bool, reason string, by domain.Actor, mails []*domain.OutboxMail) (*domain.Body, error) {
	status, action := domain.BodyApproved, "body.approve"
	if !approve {
		status, action = domain.BodyRefused, "body.refuse"
	}
	return db.changeBody(ctx, id, by, action, mails, func(b *domain.Body) error {
		if b.Status != domain.BodyRequested {
			return domain.Errorf(domain.ECONFLICT, "Cette demande a déjà été traitée.")
		}
		b.Status, b.Reason = status, reason
		return nil
	})
}

// UpdateBody lets an admin correct the name, kind, département or SIREN of a
// body outside the directory.
func (db *DB) UpdateBody(ctx context.Context, id int64, edit domain.Body, by domain.Actor) (*domain.Body, error) {
	return db.changeBody(ctx, id, by, "body.update", nil, func(b *domain.Body) error {
		if b.Status == domain.BodyOfficial {
			return domain.Errorf(domain.EINVALID, "Les organismes du répertoire officiel ne se modifient pas à la main.")
		}
		b.Name, b.Kind, b.Departement, b.SIREN, b.SearchName = edit.Name, edit.Kind, edit.Departement, edit.SIREN, edit.SearchName
		return nil
	})
}

// changeBody loads a body, applies change, writes it back and logs it.
func (db *DB) changeBody(ctx context.Context, id int64, by domain.Actor, action string, mails []*domain.OutboxMail,
	change func(b *domain.Body) error) (*domain.Body, error) {
	var out *domain.Body
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		b, err := scanBody(tx.QueryRowContext(ctx, `SELECT `+bodyColumns+` FROM bodies WHERE id = $1`, id))
		if err != nil {
			return notFound(err, "Organisme introuvable.")
		}
		before := snapshot(publicBody(b))
		if err := change(b); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bodies SET name = $2, kind = $3, departement = $4, siren = $5,
			search_name = $6, status = $7, status_reason = $8 WHERE id = $1`,
			b.ID, b.Name, b.Kind, b.Departement, b.SIREN, b.SearchName, b.Status, b.Reason); err != nil {
			return err
		}
		if err := db.enqueueAll(ctx, tx, mails); err != nil {
			return err
		}
		out = b
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: action, ObjectType: "body",
			ObjectID: fmt.Sprint(id), Before: before, After: snapshot(publicBody(b))})
	})
	return out, err
}

// MergeBody moves everything attached to body from (awards, team, links)
// onto body into, then deletes from: how an admin links a historical
// laureate to its directory body, or merges a duplicate request.
func (db *DB) MergeBody(ctx context.Context, fromID, intoID int64, by domain.Actor) error {
	if fromID == intoID {
		return domain.Errorf(domain.EINVALID, "Un organisme ne peut pas être fusionné avec lui-même.")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		from, err := scanBody(tx.QueryRowContext(ctx, `SELECT `+bodyColumns+` FROM bodies WHERE id = $1`, fromID))
		if err != nil {
			return notFound(err, "Organisme introuvable.")
		}
		into, err := scanBody(tx.QueryRowContext(ctx, `SELECT `+bodyColumns+` FROM bodies WHERE id = $1`, intoID))
		if err != nil {
			return notFound(err, "Organisme introuvable.")
		}
		if from.Status == domain.BodyOfficial {
			return domain.Errorf(domain.EINVALID, "Un organisme du répertoire officiel ne peut pas être absorbé.")
		}
		if err := moveAttachments(ctx, tx, fromID, intoID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "body.merge", ObjectType: "body",
			ObjectID: fmt.Sprint(intoID), Before: snapshot(publicBody(from)), After: snapshot(publicBody(into))})
	})
}

// moveAttachments re-points rows from one body to another. Rows that would
// be duplicates on the target (the same person, the same award) are
// dropped with the absorbed body.
func moveAttachments(ctx context.Context, tx *sql.Tx, fromID, intoID int64) error {
	for _, q := range []string{
		`UPDATE awards SET body_id = $2 WHERE body_id = $1 AND NOT EXISTS
			(SELECT 1 FROM awards a WHERE a.body_id = $2 AND a.year = awards.year AND a.track = awards.track)`,
		`UPDATE memberships SET body_id = $2 WHERE body_id = $1 AND NOT EXISTS
			(SELECT 1 FROM memberships m WHERE m.body_id = $2 AND m.user_id = memberships.user_id)`,
		`UPDATE invitations SET body_id = $2 WHERE body_id = $1`,
		`INSERT INTO body_links (group_id, member_id) SELECT CAST($2 AS BIGINT), member_id FROM body_links
			WHERE group_id = $1 AND member_id <> $2 ON CONFLICT DO NOTHING`,
	} {
		if _, err := tx.ExecContext(ctx, q, fromID, intoID); err != nil {
			return err
		}
	}
	// What could not move (duplicates) goes with the absorbed body.
	if _, err := tx.ExecContext(ctx, `DELETE FROM awards WHERE body_id = $1`, fromID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM bodies WHERE id = $1`, fromID)
	return err
}
