package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync"

	"modernc.org/sqlite"
)

// Through database/sql, modernc's SQLite driver parses and plans every
// statement again at each call: about a tenth of a signed-in page's time,
// and more of an autosave batch's, which runs the same four statements
// for every save. The driver registered here wraps it so that each
// connection keeps its statements prepared, as PostgreSQL's driver does by
// default. Only single statements are kept (scripts such as migrations go
// straight through), a statement still reading rows is never reused (a
// second call prepares a fresh one), and the cache of a connection is
// bounded. SQLite itself re-prepares a kept statement when the schema
// changes.

// sqliteCachingDriver is the name the wrapped driver is registered under.
const sqliteCachingDriver = "sqlite-kept-statements"

// maxKeptStatements bounds one connection's cache: statements built with a
// variable number of placeholders must not grow it without end; once it is
// full, new statements go straight through.
const maxKeptStatements = 256

var registerCachingDriver sync.Once

func cachingSQLiteDriver() string {
	registerCachingDriver.Do(func() { sql.Register(sqliteCachingDriver, cachingDriver{&sqlite.Driver{}}) })
	return sqliteCachingDriver
}

type cachingDriver struct{ driver.Driver }

func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.Driver.Open(name)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: c, kept: map[string]*keptStmt{}}, nil
}

// keptStmt is a prepared statement and whether rows of it are still open.
type keptStmt struct {
	driver.Stmt
	busy bool
}

// cachingConn is one SQLite connection with its kept statements. The
// database/sql package never uses a connection from two goroutines at
// once, so the map needs no lock.
type cachingConn struct {
	driver.Conn
	kept map[string]*keptStmt
}

// The optional interfaces modernc's connection implements, forwarded.
var (
	_ driver.ConnBeginTx        = (*cachingConn)(nil)
	_ driver.ConnPrepareContext = (*cachingConn)(nil)
	_ driver.ExecerContext      = (*cachingConn)(nil)
	_ driver.QueryerContext     = (*cachingConn)(nil)
	_ driver.Pinger             = (*cachingConn)(nil)
	_ driver.SessionResetter    = (*cachingConn)(nil)
	_ driver.Validator          = (*cachingConn)(nil)
)

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *cachingConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *cachingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *cachingConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

func (c *cachingConn) Close() error {
	c.forget()
	return c.Conn.Close()
}

// forget closes every kept statement.
func (c *cachingConn) forget() {
	for q, s := range c.kept {
		s.Close()
		delete(c.kept, q)
	}
}

// statement returns the kept statement of query, preparing it the first
// time, or nil when query must go straight through: a script, a statement
// whose rows are still open, or one that does not prepare.
func (c *cachingConn) statement(ctx context.Context, query string) *keptStmt {
	if strings.Contains(strings.TrimRight(query, " \t\r\n;"), ";") {
		return nil
	}
	if s, ok := c.kept[query]; ok {
		if s.busy {
			return nil
		}
		return s
	}
	if len(c.kept) >= maxKeptStatements {
		return nil
	}
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil // the direct call reports the error
	}
	s := &keptStmt{Stmt: st}
	c.kept[query] = s
	return s
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s := c.statement(ctx, query)
	if s == nil {
		return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.statement(ctx, query)
	if s == nil {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	rows, err := s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &keptRows{Rows: rows, s: s}, nil
}

// keptRows frees its statement for the next call when closed.
type keptRows struct {
	driver.Rows
	s *keptStmt
}

func (r *keptRows) Close() error {
	err := r.Rows.Close()
	r.s.busy = false
	return err
}
