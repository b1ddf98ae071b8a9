package store

import "database/sql"

// RawSQL returns the underlying connection pool. Only tests and the
// backup command should need it.
func RawSQL(db *DB) *sql.DB { return db.sql }
