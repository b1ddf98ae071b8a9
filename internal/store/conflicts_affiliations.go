package store

// Affiliations: a person's links with bodies of the directory or with
// other organisations, kept across editions, from which the conflict
// suggestions are computed (conflicts_suggest.go).

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// maxOrganisationLength bounds the free name of an organisation.
const maxOrganisationLength = 200

// Affiliation is one link of a person with a body or an organisation.
type Affiliation struct {
	ID           int64
	UserID       int64
	BodyID       int64 // 0 for an organisation outside the bodies table
	BodyKey      string
	BodyName     string
	BodyKind     string
	Organisation string
	Role         jury.AffiliationRole
	StartsAt     *time.Time
	EndsAt       *time.Time
	CreatedAt    time.Time
}

// Label names the body or the organisation.
func (a Affiliation) Label() string {
	if a.BodyName != "" {
		return a.BodyName
	}
	return a.Organisation
}

// Jury is the affiliation as the conflict rules read it.
func (a Affiliation) Jury() jury.Affiliation {
	out := jury.Affiliation{Juror: a.UserID, BodyKey: a.BodyKey, Organisation: a.Organisation, Role: a.Role}
	if a.StartsAt != nil {
		out.From = *a.StartsAt
	}
	if a.EndsAt != nil {
		out.Until = *a.EndsAt
	}
	return out
}

// validate checks what the table's constraints do not.
func (a *Affiliation) validate() error {
	a.Organisation = strings.TrimSpace(a.Organisation)
	switch {
	case !a.Role.Valid():
		return domain.Errorf(domain.EINVALID, "Rôle inconnu.")
	case a.BodyID == 0 && a.BodyKey == "" && a.Organisation == "":
		return domain.Errorf(domain.EINVALID, "Choisissez un organisme de l'annuaire ou indiquez le nom de l'organisation.")
	case utf8.RuneCountInString(a.Organisation) > maxOrganisationLength:
		return domain.Errorf(domain.EINVALID, "Le nom de l'organisation est trop long.")
	case a.StartsAt != nil && a.EndsAt != nil && a.EndsAt.Before(*a.StartsAt):
		return domain.Errorf(domain.EINVALID, "La date de fin précède la date de début.")
	}
	return nil
}

const affiliationSelect = `SELECT f.id, f.user_id, COALESCE(f.body_id, 0), COALESCE(b.body_key, ''), COALESCE(b.name, ''),
	COALESCE(b.kind, ''), f.organisation, f.role, f.starts_at, f.ends_at, f.created_at
	FROM affiliations f LEFT JOIN bodies b ON b.id = f.body_id`

func scanAffiliation(row interface{ Scan(...any) error }) (Affiliation, error) {
	var a Affiliation
	var starts, ends sql.NullTime
	err := row.Scan(&a.ID, &a.UserID, &a.BodyID, &a.BodyKey, &a.BodyName, &a.BodyKind, &a.Organisation, &a.Role,
		&starts, &ends, &a.CreatedAt)
	a.StartsAt, a.EndsAt = nullTime(starts), nullTime(ends)
	return a, err
}

func (db *DB) queryAffiliations(ctx context.Context, q string, args ...any) ([]Affiliation, error) {
	return queryRows(ctx, db.sql, func(rows *sql.Rows, a *Affiliation) (err error) {
		*a, err = scanAffiliation(rows)
		return err
	}, q, args...)
}

// Affiliations lists a person's affiliations, ongoing first, then by name.
func (db *DB) Affiliations(ctx context.Context, userID int64) ([]Affiliation, error) {
	return db.queryAffiliations(ctx, affiliationSelect+` WHERE f.user_id = $1
		ORDER BY CASE WHEN f.ends_at IS NULL THEN 0 ELSE 1 END, COALESCE(b.name, f.organisation), f.id`, userID)
}

// juryAffiliations lists the affiliations of every member of an edition's
// jury, for the suggestions.
func (db *DB) juryAffiliations(ctx context.Context, year int) ([]Affiliation, error) {
	return db.queryAffiliations(ctx, affiliationSelect+` JOIN jury_members m ON m.user_id = f.user_id
		WHERE m.year = $1 ORDER BY f.user_id, f.id`, year)
}

// AddAffiliation records an affiliation and sets its ID. The body is named
// by BodyID or, failing that, by BodyKey; or else Organisation names an
// organisation outside the bodies table. It is audited when someone
// records it for another person (an admin for a juror).
func (db *DB) AddAffiliation(ctx context.Context, a *Affiliation, by domain.Actor) error {
	if err := a.validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if a.BodyID == 0 && a.BodyKey != "" {
			err := tx.QueryRowContext(ctx, `SELECT id FROM bodies WHERE body_key = $1`, a.BodyKey).Scan(&a.BodyID)
			if err != nil {
				return notFound(err, "Organisme introuvable.")
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO affiliations (user_id, body_id, organisation, role, starts_at,
			ends_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			a.UserID, nullID(a.BodyID), a.Organisation, a.Role, a.StartsAt, a.EndsAt, db.now()).Scan(&a.ID)
		if err != nil || by.ID == a.UserID {
			return translate(err)
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.affiliation.add", ObjectType: "user",
			ObjectID: fmt.Sprint(a.UserID), After: snapshot(map[string]any{"id": a.ID, "body": a.BodyID,
				"organisation": a.Organisation, "role": a.Role, "starts": a.StartsAt, "ends": a.EndsAt})})
	})
}

// RemoveAffiliation deletes one of a person's affiliations; the conflicts
// already suggested from it stay in the register for the secretariat to
// decide. Audited when done for another person.
func (db *DB) RemoveAffiliation(ctx context.Context, userID, id int64, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		a, err := scanAffiliation(tx.QueryRowContext(ctx, affiliationSelect+` WHERE f.id = $1 AND f.user_id = $2`, id, userID))
		if err != nil {
			return notFound(err, "Affiliation introuvable.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM affiliations WHERE id = $1`, id); err != nil {
			return translate(err)
		}
		if by.ID == userID {
			return nil
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.affiliation.remove", ObjectType: "user",
			ObjectID: fmt.Sprint(userID), Before: snapshot(map[string]any{"id": a.ID, "body": a.BodyKey,
				"organisation": a.Organisation, "role": a.Role, "starts": a.StartsAt, "ends": a.EndsAt})})
	})
}
