package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"tnl/bench/harness"
	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/store"
)

const (
	benchYear     = 2026
	adminEmail    = "admin-bench@example.org"
	adminPassword = "phrase de passe du banc d'essai"
)

// setup writes the edition, the questionnaire and an admin through the
// store, then n applications of as many bodies (the official directory's,
// then synthetic ones if it has fewer) with an answer to every question.
// Applications and answers are bulk-inserted with plain SQL (COPY on
// PostgreSQL): going through the store one save at a time would take hours
// and measure nothing the export does.
func setup(ctx context.Context, e *harness.Engine, n, questions int, seed uint64) (answers int, err error) {
	qn, raw, err := encodedQuestionnaire(questions)
	if err != nil {
		return 0, err
	}
	db, err := e.Open(ctx)
	if err != nil {
		return 0, err
	}
	qid, err := setupEdition(ctx, db, raw)
	db.Close()
	if err != nil {
		return 0, err
	}
	conn, err := bulkConn(e)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	now := time.Now().UTC()
	bodies, err := bodyIDs(ctx, conn, n, now)
	if err != nil {
		return 0, err
	}
	apps, err := insertApplications(ctx, conn, e.Name, bodies, qid, now, seed)
	if err != nil {
		return 0, err
	}
	if answers, err = insertAnswers(ctx, conn, e.Name, qn, apps, now, seed); err != nil {
		return 0, err
	}
	if e.Name == "postgres" {
		// What autovacuum does soon after a load of this size: without
		// statistics the planner takes the tables for empty.
		_, err = conn.ExecContext(ctx, "ANALYZE")
	}
	return answers, err
}

func encodedQuestionnaire(questions int) (*form.Questionnaire, []byte, error) {
	qn, err := benchQuestionnaire(questions)
	if err != nil {
		return nil, nil, err
	}
	raw, err := form.Encode(qn)
	if err != nil {
		return nil, nil, err
	}
	if _, problems, err := form.Decode(raw); err != nil || len(problems) > 0 {
		return nil, nil, fmt.Errorf("the benchmark questionnaire is invalid: %v %v", err, problems)
	}
	return qn, raw, nil
}

// setupEdition writes an edition open now, its Label questionnaire and the
// admin who downloads the exports, and returns the questionnaire's id.
func setupEdition(ctx context.Context, db *store.DB, raw []byte) (int64, error) {
	now := time.Now().UTC()
	opens, closes := now.AddDate(0, -1, 0), now.AddDate(0, 1, 0)
	e := &domain.Edition{Year: benchYear, Title: "Édition du banc d'essai", OpensAt: &opens, ClosesAt: &closes,
		Tracks: []domain.Track{{Key: "label", Name: "Label", Levels: []domain.Level{{Key: "or", Name: "Or", Threshold: 80}}}}}
	if err := db.SaveEdition(ctx, e); err != nil {
		return 0, err
	}
	q, err := db.SaveQuestionnaire(ctx, benchYear, "label", raw, domain.CLIActor)
	if err != nil {
		return 0, err
	}
	u := &domain.User{Email: adminEmail, PasswordHash: domain.HashPassword(adminPassword), Role: domain.RoleAdmin, EmailVerifiedAt: &now}
	return q.ID, db.CreateUser(ctx, u, domain.CLIActor)
}

// bulkConn opens the database for bulk loading. SQLite skips its journal
// (the file is thrown away if the load fails) and keeps the store's time
// encoding, integer microseconds, so that tnl reads the times it wrote.
func bulkConn(e *harness.Engine) (*sql.DB, error) {
	if e.Name != "sqlite" {
		return sql.Open("pgx", e.URL)
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(OFF)")
	q.Add("_pragma", "synchronous(OFF)")
	q.Add("_pragma", "cache_size(-262144)")
	q.Set("_time_integer_format", "unix_micro")
	conn, err := sql.Open("sqlite", "file:"+e.URL+"?"+q.Encode())
	if err == nil {
		conn.SetMaxOpenConns(1)
	}
	return conn, err
}

// bodyIDs returns n bodies' ids, adding synthetic communes if the
// directory holds fewer.
func bodyIDs(ctx context.Context, conn *sql.DB, n int, now time.Time) ([]int64, error) {
	var have int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM bodies`).Scan(&have); err != nil {
		return nil, err
	}
	for i := have; i < n; i++ {
		key := fmt.Sprintf("bench-%d", i)
		if _, err := conn.ExecContext(ctx, `INSERT INTO bodies (body_key, name, kind, departement, population, status, search_name, created_at)
			VALUES ($1, $2, 'commune', '38', $3, 'official', $4, $5)`, key, "Commune "+key, 100+i, key, now); err != nil {
			return nil, err
		}
	}
	rows, err := conn.QueryContext(ctx, `SELECT id FROM bodies ORDER BY id LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// benchApp is an inserted application: its id and a key for its texts.
type benchApp struct {
	id  int64
	key string
}

// insertApplications writes one application per body: a third submitted
// (some twice), the rest drafts.
func insertApplications(ctx context.Context, conn *sql.DB, engine string, bodies []int64, questionnaire int64, now time.Time, seed uint64) ([]benchApp, error) {
	r := rand.New(rand.NewPCG(seed, 1))
	cols := []string{"year", "track", "body_id", "questionnaire_id", "status", "submissions", "created_at", "updated_at", "submitted_at"}
	err := bulkInsert(ctx, conn, engine, "applications", cols, len(bodies), func(i int) []any {
		status, subs, submitted := "draft", 0, any(nil)
		if r.IntN(3) == 0 {
			status, subs, submitted = "submitted", 1+r.IntN(2), now.Add(-time.Duration(r.IntN(72))*time.Hour)
		}
		return []any{benchYear, "label", bodies[i], questionnaire, status, subs, now, now, submitted}
	})
	if err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, `SELECT a.id, b.body_key FROM applications a JOIN bodies b ON b.id = a.body_id
		WHERE a.year = $1 ORDER BY a.id`, benchYear)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var apps []benchApp
	for rows.Next() {
		var a benchApp
		if err := rows.Scan(&a.id, &a.key); err != nil {
			return nil, err
		}
		apps = append(apps, a)
	}
	return apps, rows.Err()
}

// insertAnswers writes an answer to every question of every application.
func insertAnswers(ctx context.Context, conn *sql.DB, engine string, qn *form.Questionnaire, apps []benchApp, now time.Time, seed uint64) (int, error) {
	var qs []*form.Question
	for i := range qn.Sections {
		for j := range qn.Sections[i].Questions {
			qs = append(qs, &qn.Sections[i].Questions[j])
		}
	}
	r := rand.New(rand.NewPCG(seed, 2))
	cols := []string{"application_id", "question", "value", "version", "saved_at"}
	total := len(apps) * len(qs)
	err := bulkInsert(ctx, conn, engine, "answers", cols, total, func(i int) []any {
		app, q := apps[i/len(qs)], qs[i%len(qs)]
		return []any{app.id, q.ID, answer(r, q, app.key), 1 + r.IntN(20), now}
	})
	return total, err
}

// bulkInsert writes n rows in one transaction: with COPY on PostgreSQL,
// with one prepared single-row INSERT on SQLite. (Multi-row INSERTs with
// hundreds of $n parameters were twenty times slower with the pure-Go
// SQLite driver: binding each numbered parameter looks it up by name.)
func bulkInsert(ctx context.Context, conn *sql.DB, engine, table string, cols []string, n int, row func(i int) []any) error {
	if engine == "postgres" {
		return copyRows(ctx, conn, table, cols, n, row)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	marks := make([]string, len(cols))
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	st, err := tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table,
		strings.Join(cols, ", "), strings.Join(marks, ", ")))
	if err != nil {
		return err
	}
	defer st.Close()
	for i := range n {
		if _, err := st.ExecContext(ctx, row(i)...); err != nil {
			return fmt.Errorf("inserting into %s: %w", table, err)
		}
	}
	return tx.Commit()
}

// copyRows loads rows with PostgreSQL's COPY, through pgx's own connection.
func copyRows(ctx context.Context, conn *sql.DB, table string, cols []string, n int, row func(i int) []any) error {
	c, err := conn.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(driverConn any) error {
		pc := driverConn.(*stdlib.Conn).Conn()
		i := 0
		_, err := pc.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			return row(i - 1), nil
		}))
		if err != nil {
			return fmt.Errorf("copying into %s: %w", table, err)
		}
		return nil
	})
}
