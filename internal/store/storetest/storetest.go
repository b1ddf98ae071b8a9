// Package storetest opens fresh, migrated databases for tests: a SQLite file
// per test, and a PostgreSQL schema per test when TNL_TEST_POSTGRES holds
// the URL of a server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"tnl/internal/store"
)

// Engines lists the engines available to this test run.
func Engines() []string {
	if os.Getenv("TNL_TEST_POSTGRES") != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Run calls fn once per available engine, each time with a fresh, migrated
// database, as subtests named after the engine.
func Run(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) { fn(t, Open(t, engine)) })
	}
}

// Open returns a fresh migrated database of the given engine, closed and
// removed when the test ends.
func Open(t testing.TB, engine string) *store.DB {
	t.Helper()
	u := URL(t, engine)
	db, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// URL returns the address of a fresh empty database of the given engine,
// for tests that open it themselves (for example through tnl's run).
func URL(t testing.TB, engine string) string {
	t.Helper()
	if engine == "sqlite" {
		return filepath.Join(t.TempDir(), "tnl.db")
	}
	base := os.Getenv("TNL_TEST_POSTGRES")
	if base == "" {
		t.Skip("TNL_TEST_POSTGRES is not set")
	}
	schema := "test_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			admin.Close()
		}
	})
	parsed, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	q.Set("search_path", schema)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// SQL exposes the raw connection so that tests can play an attacker or
// inspect the schema.
func SQL(db *store.DB) *sql.DB { return store.RawSQL(db) }
