package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// keptCount is how many statements the pool's one connection keeps.
func keptCount(t *testing.T, db *sql.DB) int {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	n := -1
	conn.Raw(func(c any) error {
		n = len(c.(*cachingConn).kept)
		return nil
	})
	return n
}

func TestSQLiteKeptStatements(t *testing.T) {
	ctx := context.Background()
	db, err := openSQLite(filepath.Join(t.TempDir(), "kept.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// A script goes straight through and is not kept.
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);`); err != nil {
		t.Fatal(err)
	}
	if n := keptCount(t, db); n != 0 {
		t.Fatalf("after a script: %d statements kept, want 0", n)
	}
	// The same query again while its rows are open, in one transaction:
	// the second call must not reuse (and reset) the statement in use.
	const q = `SELECT n FROM t WHERE n >= $1 ORDER BY n`
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tx.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	for rows.Next() {
		var n, inner int
		rows.Scan(&n)
		if err := tx.QueryRowContext(ctx, q, n).Scan(&inner); err != nil || inner != n {
			t.Fatalf("nested query for %d: %d, %v", n, inner, err)
		}
		seen = append(seen, n)
	}
	rows.Close()
	if fmt.Sprint(seen) != "[1 2 3]" {
		t.Fatalf("outer rows %v, want [1 2 3]: the nested query disturbed them", seen)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO t VALUES ($1)`, 4); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := keptCount(t, db); n != 2 {
		t.Fatalf("%d statements kept, want 2 (the select and the insert)", n)
	}
	// A kept statement sees a schema change.
	if _, err := db.ExecContext(ctx, `ALTER TABLE t ADD COLUMN label TEXT DEFAULT 'x'`); err != nil {
		t.Fatal(err)
	}
	var count int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE n >= $1`, 2).Scan(&count); err != nil || count != 3 {
		t.Fatalf("count %d, %v; want 3", count, err)
	}
	// Past the bound, new statements still run, unkept.
	for i := range maxKeptStatements + 10 {
		var v int
		if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d`, i)).Scan(&v); err != nil || v != i {
			t.Fatalf("statement %d: %d, %v", i, v, err)
		}
	}
	if n := keptCount(t, db); n != maxKeptStatements {
		t.Fatalf("%d statements kept, want the bound %d", n, maxKeptStatements)
	}
	// An error is reported as without the cache.
	if _, err := db.ExecContext(ctx, `INSERT INTO missing VALUES (1)`); err == nil {
		t.Fatal("insert into a missing table: no error")
	}
}
