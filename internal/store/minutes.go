package store

// The minutes (procès-verbal) of an edition's deliberation (jury.md §7):
// generated from what the meeting recorded — attendance, agenda, recusals,
// tallies, decisions, mentions and override reasons — and validated by the
// president before sealing. Who may read them, and which items are
// redacted for a recused reader, is domain.Can's (ActSeeMinutes), asked by
// the web layer item by item with MinutesItem.RecusedFrom.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"tnl/internal/domain"
)

// Minutes is the procès-verbal. Its JSON (MinutesJSON) is canonical: the
// same meeting always gives the same bytes, so that the validated version
// can be compared with the current one.
type Minutes struct {
	Year         int             `json:"year"`
	Quorum       int             `json:"quorum"`
	SecretBallot bool            `json:"secret_ballot"`
	StartedAt    *time.Time      `json:"meeting_started_at,omitempty"`
	EndedAt      *time.Time      `json:"meeting_ended_at,omitempty"`
	Members      []MinutesMember `json:"members"`
	Items        []MinutesItem   `json:"items"`
	// DecisionsDigest is the SHA-256 of the decision set as a seal would
	// compute it: validating the minutes validates these decisions.
	DecisionsDigest string `json:"decisions_digest"`
}

// MinutesMember is one member of the jury and their attendance.
type MinutesMember struct {
	UserID  int64           `json:"user_id"`
	Name    string          `json:"name"`
	Role    domain.JuryRole `json:"role"`
	Present *bool           `json:"present"` // nil when attendance was not taken
}

// MinutesPerson names a juror in an item.
type MinutesPerson struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
}

// MinutesItem is one point of the agenda, or a decision taken outside it
// (Kind "other"). A redacted item keeps only its position and kind.
type MinutesItem struct {
	Position      int              `json:"position"`
	Kind          string           `json:"kind"`   // consent, discussion, top, mention, other
	Status        string           `json:"status"` // pending, decided, postponed
	Redacted      bool             `json:"redacted,omitempty"`
	ApplicationID int64            `json:"application_id,omitempty"`
	Body          string           `json:"body,omitempty"`
	Mention       string           `json:"mention,omitempty"`
	Recused       []MinutesPerson  `json:"recused,omitempty"`
	Disclosed     []MinutesPerson  `json:"disclosed,omitempty"`
	Decision      *MinutesDecision `json:"decision,omitempty"`
	Awarded       []MinutesAward   `json:"awarded,omitempty"` // a mention's laureates
	// RecusedFrom are the readers for whom the item is about a file they
	// are recused from: recorded at the decision or in today's register.
	RecusedFrom []int64 `json:"-"`
}

// MinutesAward is a file awarded a mention.
type MinutesAward struct {
	ApplicationID int64  `json:"application_id"`
	Body          string `json:"body"`
	// recusedFrom, as for items: a reader recused from this file does not
	// see it in the mention's list.
	recusedFrom []int64
}

// MinutesDecision is the vote and the decision on a file.
type MinutesDecision struct {
	Level          *int           `json:"level"`
	LevelName      string         `json:"level_name,omitempty"`
	Median         *int           `json:"median"`
	MedianName     string         `json:"median_name,omitempty"`
	Tally          []MinutesGrade `json:"tally"`
	Voters         int            `json:"voters"`
	QuorumReached  bool           `json:"quorum_reached"`
	Lowest         string         `json:"lowest,omitempty"`  // the spread of the grades given
	Highest        string         `json:"highest,omitempty"` // (level names)
	OverrideReason string         `json:"override_reason,omitempty"`
	Mentions       []string       `json:"mentions,omitempty"`
	Status         string         `json:"status"`
	DecidedAt      time.Time      `json:"decided_at"`
}

// Overridden reports a level different from the vote's median.
func (d *MinutesDecision) Overridden() bool {
	return d.Level != nil && (d.Median == nil || *d.Level != *d.Median)
}

// MinutesGrade is one level of the scale and its votes.
type MinutesGrade struct {
	Level int    `json:"level"`
	Name  string `json:"name"`
	Votes int    `json:"votes"`
}

// MinutesJSON is the canonical encoding of m: compact, fields in a fixed
// order, lists in a fixed order, accents kept as UTF-8.
func MinutesJSON(m *Minutes) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// MinutesValidation is the president's validation of the minutes.
type MinutesValidation struct {
	Digest      string // SHA-256 of the validated minutes
	GeneratedAt time.Time
	ValidatedBy string // name or email
	ValidatedAt *time.Time
	// DecisionsDigest is the decision set the validation covered.
	DecisionsDigest string
}

// Minutes builds the minutes of an edition from what the meeting recorded.
func (db *DB) Minutes(ctx context.Context, year int) (*Minutes, error) {
	e, err := db.FindEdition(ctx, year)
	if err != nil {
		return nil, err
	}
	return db.buildMinutes(ctx, db.sql, e)
}

// MinutesValidated returns the last validation of the minutes, or nil when
// the president has not validated them.
func (db *DB) MinutesValidated(ctx context.Context, year int) (*MinutesValidation, error) {
	var content string
	var v MinutesValidation
	var by sql.NullString
	var at sql.NullTime
	err := db.sql.QueryRowContext(ctx, `SELECT m.content, m.generated_at, COALESCE(NULLIF(u.name, ''), u.email), m.validated_at
		FROM minutes m LEFT JOIN users u ON u.id = m.validated_by WHERE m.year = $1`, year).
		Scan(&content, &v.GeneratedAt, &by, &at)
	if err == sql.ErrNoRows {
		return nil, nil
	} else if err != nil {
		return nil, translate(err)
	}
	if !at.Valid {
		return nil, nil
	}
	v.ValidatedBy, v.ValidatedAt, v.GeneratedAt = by.String, nullTime(at), v.GeneratedAt.UTC()
	v.Digest = sha256Hex([]byte(content))
	var head struct {
		DecisionsDigest string `json:"decisions_digest"`
	}
	if err := json.Unmarshal([]byte(content), &head); err != nil {
		return nil, fmt.Errorf("minutes of %d: %w", year, err)
	}
	v.DecisionsDigest = head.DecisionsDigest
	return &v, nil
}

// ValidateMinutes records the president's validation of the minutes as
// they stand, during the deliberation: the validated text is kept, and
// sealing checks that the decisions have not changed since.
func (db *DB) ValidateMinutes(ctx context.Context, year int, presidentID int64, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		phase, err := lockEdition(ctx, tx, year)
		if err != nil {
			return err
		}
		if err := checkUnsealed(ctx, tx, year); err != nil {
			return err
		}
		if phase != domain.PhaseDeliberation {
			return domain.Errorf(domain.ECONFLICT, "Le procès-verbal se valide pendant la délibération, avant le scellement.")
		}
		if err := checkPresident(ctx, tx, year, presidentID); err != nil {
			return err
		}
		e, err := db.FindEdition(ctx, year)
		if err != nil {
			return err
		}
		m, err := db.buildMinutes(ctx, tx, e)
		if err != nil {
			return err
		}
		content, err := MinutesJSON(m)
		if err != nil {
			return err
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO minutes (year, content, generated_at, validated_by, validated_at)
			VALUES ($1, $2, $3, $4, $3)
			ON CONFLICT (year) DO UPDATE SET content = excluded.content, generated_at = excluded.generated_at,
				validated_by = excluded.validated_by, validated_at = excluded.validated_at`,
			year, string(content), now, presidentID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.minutes.validate",
			ObjectType: "edition", ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{
				"digest": sha256Hex(content), "decisions_digest": m.DecisionsDigest, "items": len(m.Items)})})
	})
}

// lockEdition takes the edition's row for the rest of the transaction, so
// that two presidents' or admins' clicks on the seal are serialised on
// both engines (a no-op update locks the row in PostgreSQL; SQLite's
// transactions are immediate), and returns its phase.
func lockEdition(ctx context.Context, tx *sql.Tx, year int) (domain.Phase, error) {
	res, err := tx.ExecContext(ctx, `UPDATE editions SET phase = phase WHERE year = $1`, year)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", domain.Errorf(domain.ENOTFOUND, "Édition introuvable.")
	}
	var p domain.Phase
	err = tx.QueryRowContext(ctx, `SELECT phase FROM editions WHERE year = $1`, year).Scan(&p)
	return p, err
}

// checkPresident refuses anyone but the edition's president: the seal
// and the minutes carry the president's name.
func checkPresident(ctx context.Context, q queryer, year int, userID int64) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM jury_members WHERE year = $1 AND user_id = $2
		AND role = 'president'`, year, userID).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.Errorf(domain.EFORBIDDEN, "Seul le président du jury peut valider le procès-verbal et sceller les décisions.")
	}
	return nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
