package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"tnl/internal/domain"
)

const editionColumns = `year, title, opens_at, closes_at, jury_at, ceremony_at, ceremony_place, publish_at,
	rules, mentions, responsable_may_submit`

// editionRead adds to editionColumns those that SaveEdition never writes:
// the jury's phase, settings and release.
const editionRead = editionColumns + `, phase, jury_settings, assignments_released_at`

// SaveEdition creates or replaces an edition: its calendar, rules, mentions
// and tracks (tracks missing from e are deleted only if nothing uses them).
func (db *DB) SaveEdition(ctx context.Context, e *domain.Edition) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.saveEdition(ctx, tx, e) })
}

func (db *DB) saveEdition(ctx context.Context, tx *sql.Tx, e *domain.Edition) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO editions (`+editionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (year) DO UPDATE SET title = excluded.title, opens_at = excluded.opens_at,
			closes_at = excluded.closes_at, jury_at = excluded.jury_at, ceremony_at = excluded.ceremony_at,
			ceremony_place = excluded.ceremony_place, publish_at = excluded.publish_at,
			rules = excluded.rules, mentions = excluded.mentions,
			responsable_may_submit = excluded.responsable_may_submit`,
		e.Year, e.Title, utcPtr(e.OpensAt), utcPtr(e.ClosesAt), utcPtr(e.JuryAt), utcPtr(e.CeremonyAt),
		e.CeremonyPlace, utcPtr(e.PublishAt), e.Rules, strings.Join(e.Mentions, "\n"), e.ResponsableMaySubmit)
	if err != nil {
		return err
	}
	keep := make([]string, 0, len(e.Tracks))
	for i, t := range e.Tracks {
		levels, err := json.Marshal(t.Levels)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO tracks (year, key, name, levels, position) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (year, key) DO UPDATE SET name = excluded.name, levels = excluded.levels,
				position = excluded.position`, e.Year, t.Key, t.Name, string(levels), i); err != nil {
			return err
		}
		keep = append(keep, t.Key)
	}
	return db.dropUnusedTracks(ctx, tx, e.Year, keep)
}

// dropUnusedTracks deletes the tracks of year not in keep; a track that has
// applications cannot go.
func (db *DB) dropUnusedTracks(ctx context.Context, tx *sql.Tx, year int, keep []string) error {
	rows, err := tx.QueryContext(ctx, `SELECT key FROM tracks WHERE year = $1`, year)
	if err != nil {
		return err
	}
	var drop []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return err
		}
		if !contains(keep, k) {
			drop = append(drop, k)
		}
	}
	rows.Close()
	for _, k := range drop {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE year = $1 AND track = $2`, year, k).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return domain.Errorf(domain.ECONFLICT, "Le parcours « %s » a déjà des candidatures : il ne peut pas être supprimé.", k)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tracks WHERE year = $1 AND key = $2`, year, k); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// FindEdition returns one edition with its tracks.
func (db *DB) FindEdition(ctx context.Context, year int) (*domain.Edition, error) {
	return db.scanEdition(ctx, db.sql, `SELECT `+editionRead+` FROM editions WHERE year = $1`, year)
}

// LatestEdition returns the edition with the highest year, the one the
// public site announces.
func (db *DB) LatestEdition(ctx context.Context) (*domain.Edition, error) {
	return db.scanEdition(ctx, db.sql, `SELECT `+editionRead+` FROM editions ORDER BY year DESC LIMIT 1`)
}

func (db *DB) scanEdition(ctx context.Context, q queryer, query string, args ...any) (*domain.Edition, error) {
	var e domain.Edition
	var opens, closes, jury, ceremony, publish, released sql.NullTime
	var mentions, settings string
	err := q.QueryRowContext(ctx, query, args...).Scan(&e.Year, &e.Title, &opens, &closes, &jury, &ceremony,
		&e.CeremonyPlace, &publish, &e.Rules, &mentions, &e.ResponsableMaySubmit, &e.Phase, &settings, &released)
	if err != nil {
		return nil, notFound(err, "Édition introuvable.")
	}
	if err := json.Unmarshal([]byte(settings), &e.Jury); err != nil {
		return nil, fmt.Errorf("edition %d: jury settings: %w", e.Year, err)
	}
	e.AssignmentsReleasedAt = nullTime(released)
	e.OpensAt, e.ClosesAt, e.JuryAt = nullTime(opens), nullTime(closes), nullTime(jury)
	e.CeremonyAt, e.PublishAt = nullTime(ceremony), nullTime(publish)
	if mentions != "" {
		e.Mentions = strings.Split(mentions, "\n")
	}
	e.Tracks, err = db.tracks(ctx, q, e.Year)
	return &e, err
}

func (db *DB) tracks(ctx context.Context, q queryer, year int) ([]domain.Track, error) {
	rows, err := q.QueryContext(ctx, `SELECT key, name, levels FROM tracks WHERE year = $1 ORDER BY position, key`, year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []domain.Track
	for rows.Next() {
		var t domain.Track
		var levels string
		if err := rows.Scan(&t.Key, &t.Name, &levels); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(levels), &t.Levels); err != nil {
			return nil, fmt.Errorf("track %d/%s levels: %w", year, t.Key, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Editions lists every edition, newest first, without tracks.
func (db *DB) Editions(ctx context.Context) ([]*domain.Edition, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT year FROM editions ORDER BY year DESC`)
	if err != nil {
		return nil, translate(err)
	}
	var years []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			rows.Close()
			return nil, err
		}
		years = append(years, y)
	}
	rows.Close()
	out := make([]*domain.Edition, 0, len(years))
	for _, y := range years {
		e, err := db.FindEdition(ctx, y)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
