package store

// Reopening sealed decisions: one party (the president, or an admin) asks
// for one precise change with a reason; the other confirms it, which
// applies the change and seals again (seals.go). The pending request is
// read from the audit log.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tnl/internal/domain"
)

// The two parties of a reopening.
type ReopenSide string

const (
	ReopenPresident ReopenSide = "president"
	ReopenAdmin     ReopenSide = "admin"
)

// ReopenRequest is the change one party asks for on one sealed decision.
type ReopenRequest struct {
	ApplicationID int64    `json:"application_id"`
	Level         *int     `json:"level"` // nil: no level (postponed)
	Mentions      []string `json:"mentions"`
	Reason        string   `json:"reason"`
}

// MaxReopenReason bounds the written reason of a reopening, in characters.
const MaxReopenReason = 2000

// Reopening is a pending request, waiting for the other party.
type Reopening struct {
	ReopenRequest
	Side ReopenSide   `json:"side"`
	By   domain.Actor `json:"-"`
	At   time.Time    `json:"-"`
}

// The audit actions of the procedure; the last one on an edition says
// whether a request is pending.
const (
	auditReopenRequest = "jury.reopen.request"
	auditReopenConfirm = "jury.reopen.confirm"
	auditReopenCancel  = "jury.reopen.cancel"
)

// PendingReopening returns the request waiting for confirmation, or nil.
func (db *DB) PendingReopening(ctx context.Context, year int) (*Reopening, error) {
	return pendingReopening(ctx, db.sql, year)
}

func pendingReopening(ctx context.Context, q queryer, year int) (*Reopening, error) {
	var action, after, label string
	var actorID sql.NullInt64
	var at time.Time
	err := q.QueryRowContext(ctx, `SELECT action, after_json, actor_id, actor, at FROM audit_log
		WHERE object_type = 'seal' AND object_id = $1 AND action IN ($2, $3, $4) ORDER BY id DESC LIMIT 1`,
		fmt.Sprint(year), auditReopenRequest, auditReopenConfirm, auditReopenCancel).Scan(&action, &after, &actorID, &label, &at)
	if err == sql.ErrNoRows || (err == nil && action != auditReopenRequest) {
		return nil, nil
	} else if err != nil {
		return nil, translate(err)
	}
	r := &Reopening{By: domain.Actor{ID: actorID.Int64, Label: label}, At: at.UTC()}
	if err := json.Unmarshal([]byte(after), r); err != nil {
		return nil, fmt.Errorf("reopening of %d: %w", year, err)
	}
	return r, nil
}

// checkSide refuses a party who is not what they claim: the edition's
// president — or the vice-president for a file the president is recused
// from, as in the meeting —, or an active admin account.
func checkSide(ctx context.Context, q queryer, year int, side ReopenSide, userID, applicationID int64) error {
	var n int
	switch side {
	case ReopenPresident:
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM jury_members m WHERE m.year = $1 AND m.user_id = $2
			AND (m.role = 'president' OR (m.role = 'vice_president' AND EXISTS (SELECT 1 FROM conflicts c
				JOIN jury_members p ON p.user_id = c.user_id AND p.year = m.year AND p.role = 'president'
				WHERE c.application_id = $3 AND c.status <> 'dismissed' AND c.severity = 'recuse')))`,
			year, userID, applicationID).Scan(&n); err != nil {
			return err
		}
	case ReopenAdmin:
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1 AND role = 'admin'
			AND deactivated_at IS NULL`, userID).Scan(&n); err != nil {
			return err
		}
	}
	if n == 0 {
		return domain.Errorf(domain.EFORBIDDEN, "Seuls le président du jury et un administrateur peuvent rouvrir des décisions scellées.")
	}
	return nil
}

// checkReopenable refuses the procedure before the first seal and once
// the edition is archived.
func checkReopenable(ctx context.Context, tx *sql.Tx, year int, phase domain.Phase) error {
	if phase != domain.PhaseSealed && phase != domain.PhasePublished {
		return domain.Errorf(domain.ECONFLICT, "La réouverture ne concerne que des décisions scellées, avant l'archivage de l'édition.")
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM seals WHERE year = $1`, year).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return domain.Errorf(domain.ECONFLICT, "Les décisions n'ont pas encore été scellées.")
	}
	return nil
}

// validate checks a request against the decision it changes and the
// edition's levels and mentions.
func (r *ReopenRequest) validate(e *domain.Edition, track string, current *domain.Decision) error {
	r.Reason = strings.TrimSpace(r.Reason)
	if r.Reason == "" || utf8.RuneCountInString(r.Reason) > MaxReopenReason {
		return domain.Errorf(domain.EINVALID, "Donnez le motif de la réouverture (%d caractères au plus).", MaxReopenReason)
	}
	t, ok := e.Track(track)
	if !ok || (r.Level != nil && (*r.Level < 0 || *r.Level >= len(t.Levels))) {
		return domain.Errorf(domain.EINVALID, "Ce niveau n'existe pas pour ce dossier.")
	}
	for i, m := range r.Mentions {
		if !slices.Contains(e.Mentions, m) || slices.Index(r.Mentions, m) != i {
			return domain.Errorf(domain.EINVALID, "Mention inconnue : « %s ».", m)
		}
	}
	slices.Sort(r.Mentions)
	same := slices.Equal(r.Mentions, slices.Sorted(slices.Values(current.Mentions))) &&
		((r.Level == nil && current.Level == nil) || (r.Level != nil && current.Level != nil && *r.Level == *current.Level))
	if same {
		return domain.Errorf(domain.EINVALID, "La demande ne change rien à la décision.")
	}
	return nil
}

// RequestReopening records one party's request to change a sealed
// decision. Nothing changes until the other party confirms it.
func (db *DB) RequestReopening(ctx context.Context, year int, req ReopenRequest, side ReopenSide, by domain.Actor) error {
	e, err := db.FindEdition(ctx, year)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		phase, err := lockEdition(ctx, tx, year)
		if err != nil {
			return err
		}
		if err := checkReopenable(ctx, tx, year, phase); err != nil {
			return err
		}
		if err := checkSide(ctx, tx, year, side, by.ID, req.ApplicationID); err != nil {
			return err
		}
		if p, err := pendingReopening(ctx, tx, year); err != nil {
			return err
		} else if p != nil {
			return domain.Errorf(domain.ECONFLICT, "Une demande de réouverture attend déjà sa confirmation : confirmez-la ou annulez-la d'abord.")
		}
		d, track, err := decisionOf(ctx, db, tx, year, req.ApplicationID)
		if err != nil {
			return err
		}
		if err := req.validate(e, track, d); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: auditReopenRequest, ObjectType: "seal",
			ObjectID: fmt.Sprint(year), Before: snapshot(d), After: snapshot(Reopening{ReopenRequest: req, Side: side})})
	})
}

// decisionOf reads one decision of the edition and the file's track.
func decisionOf(ctx context.Context, db *DB, tx *sql.Tx, year int, applicationID int64) (*domain.Decision, string, error) {
	ds, err := db.queryDecisions(ctx, tx, `year = $1 AND application_id = $2`, year, applicationID)
	if err != nil {
		return nil, "", err
	}
	if len(ds) == 0 {
		return nil, "", domain.Errorf(domain.ENOTFOUND, "Aucune décision sur ce dossier.")
	}
	var track string
	if err := tx.QueryRowContext(ctx, `SELECT track FROM applications WHERE id = $1`, applicationID).Scan(&track); err != nil {
		return nil, "", err
	}
	return &ds[0], track, nil
}

// ConfirmReopening is the other party's agreement: another person, on the
// other side. In one transaction it applies the requested change, seals
// the decision set again (the reason, the president and the admin on the
// new seal; earlier seals stay) and logs both steps.
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
		before, _, err := decisionOf(ctx, db, tx, year, p.ApplicationID)
		if err != nil {
			return err
		}
		president, admin := p.By.ID, by.ID
		if side == ReopenPresident {
			president, admin = by.ID, p.By.ID
		}
		after := db.amended(before, p, president)
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET level = $1, mentions = $2, override_reason = $3,
			decided_by = $4, decided_at = $5 WHERE application_id = $6`, nullLevel(after.Level),
			strings.Join(after.Mentions, "\n"), after.OverrideReason, president, after.DecidedAt, after.ApplicationID); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: auditReopenConfirm, ObjectType: "seal",
			ObjectID: fmt.Sprint(year), Before: snapshot(before), After: snapshot(after)}); err != nil {
			return err
		}
		if rec, err = db.reseal(ctx, tx, year, p.Reason, president, admin); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.seal", ObjectType: "seal",
			ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{"digest": rec.Digest, "reason": p.Reason})})
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

// CancelReopening withdraws a pending request; either party may.
func (db *DB) CancelReopening(ctx context.Context, year int, side ReopenSide, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := lockEdition(ctx, tx, year); err != nil {
			return err
		}
		p, err := pendingReopening(ctx, tx, year)
		if err != nil {
			return err
		}
		if p == nil {
			return domain.Errorf(domain.ECONFLICT, "Aucune demande de réouverture n'est en attente.")
		}
		if err := checkSide(ctx, tx, year, side, by.ID, p.ApplicationID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: auditReopenCancel, ObjectType: "seal",
			ObjectID: fmt.Sprint(year), Before: snapshot(p.ReopenRequest)})
	})
}
