package store

import "context"

// MigrateTo brings a database to one migration version, for the tests of
// a migration that carries data over.
func MigrateTo(ctx context.Context, db *DB, version int64) error {
	p, err := db.migrationProvider()
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}
