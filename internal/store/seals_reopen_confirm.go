package store

// The confirmation of a reopening: the other party agrees, the change is
// applied to the sealed decision and the decision set is sealed again.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"tnl/internal/domain"
)

// ConfirmReopening is the other party's agreement: another person, on the
// other side. In one transaction it marks the request confirmed — the one
// moment a sealed decision may change (checkUnsealed) —, applies the
// change, seals the decision set again (the reason, the president and the
// admin on the new seal; earlier seals stay), closes the request with that
// seal and logs both steps.
func (db *DB) ConfirmReopening(ctx context.Context, year int, side ReopenSide, by domain.Actor) (*SealRecord, error) {
	var rec *SealRecord
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		phase, err := lockEdition(ctx, tx, year)
		if err != nil {
			return err
		}
		if err := checkReopenable(ctx, tx, year, phase); err != nil {
			return err
		}
		p, err := pendingReopening(ctx, tx, year)
		if err != nil {
			return err
		}
		if err := checkConfirmer(ctx, tx, year, p, side, by); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE seal_reopenings SET confirmed_by = $1, confirmed_at = $2 WHERE id = $3`,
			by.ID, db.now(), p.ID); err != nil {
			return translate(err)
		}
		president, admin := p.By.ID, by.ID
		if side == ReopenPresident {
			president, admin = by.ID, p.By.ID
		}
		if err := db.applyReopening(ctx, tx, year, p, president, by); err != nil {
			return err
		}
		if rec, err = db.reseal(ctx, tx, year, p.Reason, president, admin); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE seal_reopenings SET closed_by_seal = $1 WHERE id = $2`, rec.ID, p.ID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.seal", ObjectType: "seal",
			ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{"digest": rec.Digest, "reason": p.Reason, "reopening": p.ID})})
	})
	return rec, err
}

// checkConfirmer refuses a confirmation without a pending request, from
// the same side, or from the person who asked.
func checkConfirmer(ctx context.Context, tx *sql.Tx, year int, p *Reopening, side ReopenSide, by domain.Actor) error {
	switch {
	case p == nil:
		return domain.Errorf(domain.ECONFLICT, "Aucune demande de réouverture n'attend de confirmation.")
	case p.By.ID == by.ID:
		return domain.Errorf(domain.EFORBIDDEN, "La confirmation doit venir d'une autre personne que celle qui a fait la demande.")
	case p.Side == side:
		return domain.Errorf(domain.EFORBIDDEN, "La demande vient de ce côté-ci : elle doit être confirmée par l'autre partie (le président du jury ou un administrateur).")
	}
	return checkSide(ctx, tx, year, side, by.ID, p.ApplicationID)
}

// applyReopening writes the confirmed change to the decision, through the
// same guard as every other write to a sealed edition's record.
func (db *DB) applyReopening(ctx context.Context, tx *sql.Tx, year int, p *Reopening, president int64, by domain.Actor) error {
	if err := checkUnsealed(ctx, tx, year); err != nil {
		return err
	}
	before, _, err := decisionOf(ctx, db, tx, year, p.ApplicationID)
	if err != nil {
		return err
	}
	after := db.amended(before, p, president)
	if _, err := tx.ExecContext(ctx, `UPDATE decisions SET level = $1, mentions = $2, override_reason = $3,
		decided_by = $4, decided_at = $5 WHERE application_id = $6`, nullLevel(after.Level),
		strings.Join(after.Mentions, "\n"), after.OverrideReason, president, after.DecidedAt, after.ApplicationID); err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: auditReopenConfirm, ObjectType: "seal",
		ObjectID: fmt.Sprint(year), Before: snapshot(before), After: snapshot(after)})
}

// amended is the decision after the change: a level away from the
// vote's median carries the reopening's reason as its override reason.
func (db *DB) amended(d *domain.Decision, p *Reopening, president int64) *domain.Decision {
	after := *d
	after.Level, after.Mentions = p.Level, slices.Clone(p.Mentions)
	levelChanged := (d.Level == nil) != (p.Level == nil) || (d.Level != nil && *d.Level != *p.Level)
	if levelChanged {
		after.OverrideReason = ""
		if after.Overridden() {
			after.OverrideReason = p.Reason
		}
	}
	after.DecidedBy, after.DecidedAt = president, db.now()
	return &after
}

func nullLevel(l *int) sql.NullInt64 {
	if l == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*l), Valid: true}
}

// reseal stores a new seal of the decision set as it now stands.
func (db *DB) reseal(ctx context.Context, tx *sql.Tx, year int, reason string, president, admin int64) (*SealRecord, error) {
	ds, err := db.queryDecisions(ctx, tx, `year = $1`, year)
	if err != nil {
		return nil, err
	}
	content, digest, err := sealContent(year, ds)
	if err != nil {
		return nil, err
	}
	return db.insertSeal(ctx, tx, year, content, digest, reason, president, admin)
}
