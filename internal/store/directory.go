package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"tnl/internal/domain"
)

// directoryBatch is how many bodies one INSERT writes: few statements, and
// far below both engines' limits on parameters (14 per row).
const directoryBatch = 100

// DirectoryVersion returns the vintage of the directory the database holds,
// or "" before the first load.
func (db *DB) DirectoryVersion(ctx context.Context) (string, error) {
	var v string
	err := db.sql.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = 'directory_version'`).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, translate(err)
}

// SyncDirectory writes the official directory into the database, inserting
// new bodies and updating known ones by key, in one transaction, and
// records its version. Bodies that left the directory (merged communes)
// are kept: their history must stay.
func (db *DB) SyncDirectory(ctx context.Context, bodies []domain.Body, version string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.upsertBodies(ctx, tx, bodies); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ('directory_version', $1)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, version)
		return err
	})
}

// upsertBodies writes bodies in batches of the dialect's size through one
// prepared statement: SQLite binds many parameters slowly, so it takes one
// row at a time; PostgreSQL saves round trips with a few hundred rows.
func (db *DB) upsertBodies(ctx context.Context, tx *sql.Tx, bodies []domain.Body) error {
	n := db.dialect.bulkRows
	stmt, err := tx.PrepareContext(ctx, upsertBodiesSQL(n))
	if err != nil {
		return err
	}
	defer stmt.Close()
	now := db.now()
	for start := 0; start < len(bodies); start += n {
		batch := bodies[start:min(start+n, len(bodies))]
		if len(batch) < n { // the last, shorter batch needs its own statement
			_, err = tx.ExecContext(ctx, upsertBodiesSQL(len(batch)), bodyArgs(batch, now)...)
		} else {
			_, err = stmt.ExecContext(ctx, bodyArgs(batch, now)...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// bodyColumnsPerRow is how many parameters one body takes in upsertBodiesSQL.
const bodyColumnsPerRow = 14

func upsertBodiesSQL(rows int) string {
	values := make([]string, rows)
	for r := range values {
		params := make([]string, bodyColumnsPerRow)
		for c := range params {
			params[c] = fmt.Sprintf("$%d", r*bodyColumnsPerRow+c+1)
		}
		values[r] = "(" + strings.Join(params, ",") + ")"
	}
	return `INSERT INTO bodies (body_key, name, kind, departement, region, insee, siren, population, postal_codes,
			epci_siren, status, status_reason, search_name, created_at)
		VALUES ` + strings.Join(values, ",") + `
		ON CONFLICT (body_key) DO UPDATE SET name = excluded.name, kind = excluded.kind,
			departement = excluded.departement, region = excluded.region, insee = excluded.insee,
			siren = excluded.siren, population = excluded.population, postal_codes = excluded.postal_codes,
			epci_siren = excluded.epci_siren, search_name = excluded.search_name`
}

func bodyArgs(bodies []domain.Body, now time.Time) []any {
	args := make([]any, 0, len(bodies)*bodyColumnsPerRow)
	for _, b := range bodies {
		args = append(args, b.Key, b.Name, b.Kind, b.Departement, b.Region, b.INSEE, b.SIREN, b.Population,
			joinList(b.PostalCodes), b.EPCI, domain.BodyOfficial, "", b.SearchName, now)
	}
	return args
}
