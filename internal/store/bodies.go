package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"tnl/internal/domain"
)

const bodyColumns = `id, body_key, name, kind, departement, region, insee, siren, population, postal_codes,
	epci_siren, status, requested_by, status_reason, search_name`

func scanBody(row interface{ Scan(...any) error }) (*domain.Body, error) {
	var b domain.Body
	var postal string
	var requestedBy sql.NullInt64
	if err := row.Scan(&b.ID, &b.Key, &b.Name, &b.Kind, &b.Departement, &b.Region, &b.INSEE, &b.SIREN, &b.Population,
		&postal, &b.EPCI, &b.Status, &requestedBy, &b.Reason, &b.SearchName); err != nil {
		return nil, err
	}
	b.PostalCodes = splitList(postal)
	b.RequestedBy = requestedBy.Int64
	return &b, nil
}

func (db *DB) queryBodies(ctx context.Context, q string, args ...any) ([]*domain.Body, error) {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.Body
	for rows.Next() {
		b, err := scanBody(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// splitList reads a comma-separated column; joinList writes one.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func joinList(l []string) string { return strings.Join(l, ",") }

// FindBodyByKey returns a body by the key used in its URL.
func (db *DB) FindBodyByKey(ctx context.Context, key string) (*domain.Body, error) {
	b, err := scanBody(db.sql.QueryRowContext(ctx, `SELECT `+bodyColumns+` FROM bodies WHERE body_key = $1`, key))
	return b, notFound(err, "Organisme introuvable.")
}

// FindBodyByID returns a body by its id.
func (db *DB) FindBodyByID(ctx context.Context, id int64) (*domain.Body, error) {
	b, err := scanBody(db.sql.QueryRowContext(ctx, `SELECT `+bodyColumns+` FROM bodies WHERE id = $1`, id))
	return b, notFound(err, "Organisme introuvable.")
}

// CommunesOfEPCI returns the communes whose EPCI has this SIREN, by name.
func (db *DB) CommunesOfEPCI(ctx context.Context, siren string) ([]*domain.Body, error) {
	if siren == "" {
		return nil, nil
	}
	return db.queryBodies(ctx, `SELECT `+bodyColumns+` FROM bodies WHERE epci_siren = $1 ORDER BY name`, siren)
}

// LinkedMembers returns the member bodies of a body outside the directory
// (the communes of a syndicat), by name.
func (db *DB) LinkedMembers(ctx context.Context, groupID int64) ([]*domain.Body, error) {
	return db.queryBodies(ctx, `SELECT `+prefixed("b.", bodyColumns)+` FROM bodies b
		JOIN body_links l ON l.member_id = b.id WHERE l.group_id = $1 ORDER BY b.name`, groupID)
}

// ListBodies returns the bodies of a status (requested, historical…), by name.
func (db *DB) ListBodies(ctx context.Context, status domain.BodyStatus) ([]*domain.Body, error) {
	return db.queryBodies(ctx, `SELECT `+bodyColumns+` FROM bodies WHERE status = $1 ORDER BY name`, status)
}

// SearchOtherBodies finds approved bodies outside the directory whose
// normalised name contains q (itself normalised by the caller).
func (db *DB) SearchOtherBodies(ctx context.Context, q string, limit int) ([]*domain.Body, error) {
	if q == "" {
		return nil, nil
	}
	return db.queryBodies(ctx, `SELECT `+bodyColumns+` FROM bodies WHERE status = $1 AND search_name LIKE $2 ESCAPE '\'
		ORDER BY CASE WHEN search_name LIKE $3 ESCAPE '\' THEN 0 ELSE 1 END, name LIMIT $4`,
		domain.BodyApproved, "%"+escapeLike(q)+"%", escapeLike(q)+"%", limit)
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// insertBody writes a new body; a body without a key gets one from its id.
func (db *DB) insertBody(ctx context.Context, tx *sql.Tx, b *domain.Body, keyPrefix string) error {
	var requestedBy sql.NullInt64
	if b.RequestedBy != 0 {
		requestedBy = sql.NullInt64{Int64: b.RequestedBy, Valid: true}
	}
	key := b.Key
	if key == "" {
		key = "tmp-" + domain.RandomToken()
	}
	err := tx.QueryRowContext(ctx, `
		INSERT INTO bodies (body_key, name, kind, departement, region, insee, siren, population, postal_codes,
			epci_siren, status, requested_by, status_reason, search_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		key, b.Name, b.Kind, b.Departement, b.Region, b.INSEE, b.SIREN, b.Population, joinList(b.PostalCodes),
		b.EPCI, b.Status, requestedBy, b.Reason, b.SearchName, db.now()).Scan(&b.ID)
	if err != nil || b.Key != "" {
		return err
	}
	b.Key = fmt.Sprintf("%s%d", keyPrefix, b.ID)
	_, err = tx.ExecContext(ctx, `UPDATE bodies SET body_key = $2 WHERE id = $1`, b.ID, b.Key)
	return err
}

// AddHistoricalBody records a past laureate that no directory body matches
// without doubt; an admin links it later.
func (db *DB) AddHistoricalBody(ctx context.Context, b *domain.Body) error {
	b.Status, b.Key = domain.BodyHistorical, ""
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, body_key FROM bodies WHERE status = $1 AND name = $2 AND kind = $3 AND departement = $4`,
			domain.BodyHistorical, b.Name, b.Kind, b.Departement).Scan(&b.ID, &b.Key)
		if err != sql.ErrNoRows {
			return err
		}
		return db.insertBody(ctx, tx, b, "h-")
	})
}
