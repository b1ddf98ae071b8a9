package store

// Reopening sealed decisions: one party (the president — or the
// vice-president for a file the president is recused from — or an admin)
// asks for one precise change with a reason; the other party confirms it,
// which applies the change and seals again (seals_reopen_confirm.go). Each
// request is a row of seal_reopenings, from the request to its
// confirmation or withdrawal and the seal that closed it, so that the page
// shows who asked, why and who confirmed; each step is also audited.

import (
	"context"
	"database/sql"
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

// Reopening is one request and what became of it.
type Reopening struct {
	ID int64 `json:"id"`
	ReopenRequest
	Side        ReopenSide   `json:"side"`
	By          domain.Actor `json:"-"` // who asked
	At          time.Time    `json:"-"`
	ConfirmedBy domain.Actor `json:"-"` // zero until confirmed
	ConfirmedAt *time.Time   `json:"-"`
	CancelledBy domain.Actor `json:"-"` // zero unless withdrawn
	CancelledAt *time.Time   `json:"-"`
	SealID      int64        `json:"-"` // the seal that applied the change; 0 before
}

// Pending reports whether the request still waits for the other party.
func (r *Reopening) Pending() bool { return r.ConfirmedAt == nil && r.CancelledAt == nil }

// The audit actions of the procedure.
const (
	auditReopenRequest = "jury.reopen.request"
	auditReopenConfirm = "jury.reopen.confirm"
	auditReopenCancel  = "jury.reopen.cancel"
)

const reopeningColumns = `r.id, r.application_id, r.level, r.mentions, r.reason, r.side,
	r.requested_by, COALESCE(NULLIF(q.name, ''), q.email), r.requested_at,
	COALESCE(r.confirmed_by, 0), COALESCE(NULLIF(c.name, ''), c.email, ''), r.confirmed_at,
	COALESCE(r.cancelled_by, 0), COALESCE(NULLIF(x.name, ''), x.email, ''), r.cancelled_at,
	COALESCE(r.closed_by_seal, 0)`

const reopeningFrom = ` FROM seal_reopenings r JOIN users q ON q.id = r.requested_by
	LEFT JOIN users c ON c.id = r.confirmed_by LEFT JOIN users x ON x.id = r.cancelled_by`

// pendingWhere selects an edition's request waiting for confirmation;
// the schema allows one at a time.
const pendingWhere = ` WHERE r.year = $1 AND r.confirmed_at IS NULL AND r.cancelled_at IS NULL`

func scanReopening(row interface{ Scan(...any) error }) (*Reopening, error) {
	var r Reopening
	var level sql.NullInt64
	var mentions string
	var confirmed, cancelled sql.NullTime
	if err := row.Scan(&r.ID, &r.ApplicationID, &level, &mentions, &r.Reason, &r.Side,
		&r.By.ID, &r.By.Label, &r.At, &r.ConfirmedBy.ID, &r.ConfirmedBy.Label, &confirmed,
		&r.CancelledBy.ID, &r.CancelledBy.Label, &cancelled, &r.SealID); err != nil {
		return nil, err
	}
	r.Level, r.At = nullInt(level), r.At.UTC()
	r.ConfirmedAt, r.CancelledAt = nullTime(confirmed), nullTime(cancelled)
	if mentions != "" {
		r.Mentions = strings.Split(mentions, "\n")
	}
	return &r, nil
}

// PendingReopening returns the request waiting for confirmation, or nil.
func (db *DB) PendingReopening(ctx context.Context, year int) (*Reopening, error) {
	return pendingReopening(ctx, db.sql, year)
}

func pendingReopening(ctx context.Context, q queryer, year int) (*Reopening, error) {
	r, err := scanReopening(q.QueryRowContext(ctx, `SELECT `+reopeningColumns+reopeningFrom+pendingWhere, year))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return r, translate(err)
}

// Reopenings lists every request of an edition, oldest first: pending,
// withdrawn, or confirmed with the seal that applied it.
func (db *DB) Reopenings(ctx context.Context, year int) ([]Reopening, error) {
	return queryRows(ctx, db.sql, func(rows *sql.Rows, r *Reopening) error {
		read, err := scanReopening(rows)
		if err == nil {
			*r = *read
		}
		return err
	}, `SELECT `+reopeningColumns+reopeningFrom+` WHERE r.year = $1 ORDER BY r.id`, year)
}

// checkSide refuses a party who is not what they claim: the edition's
// president — or the vice-president for a file the president is recused
// from, as in the meeting —, or an active admin account. The web layer
// asks domain.Can first; this is the store's own check, whatever the
// caller.
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
		r := Reopening{ReopenRequest: req, Side: side}
		if err := tx.QueryRowContext(ctx, `INSERT INTO seal_reopenings (year, application_id, level, mentions, reason,
			side, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			year, req.ApplicationID, nullLevel(req.Level), strings.Join(req.Mentions, "\n"), req.Reason, side,
			by.ID, db.now()).Scan(&r.ID); err != nil {
			return translate(err)
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: auditReopenRequest, ObjectType: "seal",
			ObjectID: fmt.Sprint(year), Before: snapshot(d), After: snapshot(r)})
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
		if _, err := tx.ExecContext(ctx, `UPDATE seal_reopenings SET cancelled_by = $1, cancelled_at = $2 WHERE id = $3`,
			by.ID, db.now(), p.ID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: auditReopenCancel, ObjectType: "seal",
			ObjectID: fmt.Sprint(year), Before: snapshot(p)})
	})
}
