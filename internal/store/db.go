// Package store keeps tnl's data in SQLite (embedded, the default) or
// PostgreSQL, through database/sql and the same hand-written SQL.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/pressly/goose/v3"

	"tnl/internal/config"
)

//go:embed migrations
var migrations embed.FS

// dialect holds the few differences between the two engines; everything else
// is the same SQL with $1…$n placeholders.
type dialect struct {
	name  string
	goose goose.Dialect
	// skipLocked lets several workers claim different rows at once.
	skipLocked string
	// lockAudit serialises appends to the hash chain of the audit log.
	lockAudit string
	// bulkRows is how many rows one bulk INSERT statement writes.
	bulkRows int
	// saveChunk is how many autosaves one statement of a group-commit
	// batch writes (answers_batch.go).
	saveChunk int
	// commitWorkers is how many group-commit transactions may be in
	// flight at once: SQLite has one writer, PostgreSQL overlaps commits.
	commitWorkers int
}

var (
	sqliteDialect = dialect{name: "sqlite", goose: goose.DialectSQLite3, bulkRows: 1, saveChunk: 32, commitWorkers: 1}
	pgDialect     = dialect{
		name: "postgres", goose: goose.DialectPostgres,
		skipLocked:    " FOR UPDATE SKIP LOCKED",
		lockAudit:     "LOCK TABLE audit_log IN EXCLUSIVE MODE",
		bulkRows:      400,
		saveChunk:     400,
		commitWorkers: 4,
	}
)

// DB is the store: one *sql.DB and the dialect of its engine.
type DB struct {
	sql     *sql.DB
	dialect dialect
	// Now is the clock used for timestamps written by the store; tests
	// replace it.
	Now func() time.Time
	// group batches autosaves into shared transactions.
	group groupCommitter
}

// Open connects to the database named by url (a postgres:// URL or a SQLite
// file path), checks its settings and returns the store. It does not migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	var db *DB
	if config.IsPostgresURL(url) {
		conn, err := sql.Open("pgx", url)
		if err != nil {
			return nil, err
		}
		keepConnections(conn, 20)
		db = &DB{sql: conn, dialect: pgDialect, group: groupCommitter{stop: make(chan struct{})}}
	} else {
		conn, err := openSQLite(url)
		if err != nil {
			return nil, err
		}
		keepConnections(conn, 8)
		db = &DB{sql: conn, dialect: sqliteDialect, group: groupCommitter{stop: make(chan struct{})}}
	}
	db.Now = func() time.Time { return time.Now().UTC() }
	if err := db.sql.PingContext(ctx); err != nil {
		db.sql.Close()
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	if db.dialect == sqliteDialect {
		if err := checkSQLitePragmas(ctx, db.sql); err != nil {
			db.sql.Close()
			return nil, err
		}
	}
	return db, nil
}

// keepConnections bounds the pool and keeps its connections open. Left to
// database/sql's defaults (no bound, two idle), a burst of requests opens
// hundreds of connections and closes all but two afterwards: each new
// SQLite connection reads the schema and runs its pragmas, each new
// PostgreSQL one is a login, and under load that churn costs more than the
// queries. SQLite has one writer anyway; its readers need few connections.
func keepConnections(conn *sql.DB, n int) {
	conn.SetMaxOpenConns(n)
	conn.SetMaxIdleConns(n)
}

// openSQLite opens a SQLite file with the settings that make an
// acknowledged write durable. The busy timeout is set before the journal mode
// so that switching to WAL waits for other connections instead of failing.
// Times are stored as integer microseconds so that comparisons in SQL are
// exact; immediate transactions avoid upgrade deadlocks between writers.
func openSQLite(path string) (*sql.DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("creating the database folder: %w", err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	q.Set("_time_integer_format", "unix_micro")
	q.Set("_inttotime", "1")
	return sql.Open(cachingSQLiteDriver(), "file:"+path+"?"+q.Encode())
}

// checkSQLitePragmas refuses to run on a connection whose settings would
// lose acknowledged writes or break referential integrity.
func checkSQLitePragmas(ctx context.Context, db *sql.DB) error {
	want := []struct{ pragma, value string }{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
	}
	for _, w := range want {
		var got string
		if err := db.QueryRowContext(ctx, "PRAGMA "+w.pragma).Scan(&got); err != nil {
			return fmt.Errorf("reading PRAGMA %s: %w", w.pragma, err)
		}
		if got != w.value {
			return fmt.Errorf("SQLite PRAGMA %s is %q, want %q", w.pragma, got, w.value)
		}
	}
	return nil
}

// Engine names the database engine: "sqlite" or "postgres".
func (db *DB) Engine() string { return db.dialect.name }

// Close closes the connection pool.
func (db *DB) Close() error {
	db.stopGroupCommit()
	return db.sql.Close()
}

// Ping answers nil when the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Migrate brings the schema to the latest version.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrationProvider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	return nil
}

func (db *DB) migrationProvider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+db.dialect.name)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(db.dialect.goose, db.sql, sub)
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return translate(err)
	}
	return translate(tx.Commit())
}

// now returns the store's clock, in UTC and at the microsecond precision both
// engines keep, so that a value read back equals the value written.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// nullTime turns a nullable column into a pointer.
func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}
