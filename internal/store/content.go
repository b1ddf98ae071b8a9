package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"tnl/internal/domain"
)

// utcPtr normalises an optional time for writing.
func utcPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// AddAward records an award of a published edition.
func (db *DB) AddAward(ctx context.Context, a *domain.Award) error {
	var first sql.NullBool
	if a.FirstTime != nil {
		first = sql.NullBool{Bool: *a.FirstTime, Valid: true}
	}
	return translate(db.sql.QueryRowContext(ctx, `
		INSERT INTO awards (year, body_id, track, award, mentions, first_time, source_url)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		a.Year, a.Body.ID, a.Track, a.Award, strings.Join(a.Mentions, ";"), first, a.SourceURL).Scan(&a.ID))
}

// AwardYears lists the years that have published awards, newest first.
// Awards of an edition whose publication time is still ahead are left out.
func (db *DB) AwardYears(ctx context.Context) ([]int, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT DISTINCT a.year FROM awards a JOIN editions e ON e.year = a.year
		WHERE e.publish_at IS NULL OR e.publish_at <= $1 ORDER BY a.year DESC`, db.now())
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// PublishedAwards returns the awards of one year, by name, once the edition's
// publication time has passed; nothing before.
func (db *DB) PublishedAwards(ctx context.Context, year int) ([]domain.Award, error) {
	return db.queryAwards(ctx, `a.year = $1`, year)
}

// BodyAwards returns a body's published awards, newest first: its history
// of levels across editions.
func (db *DB) BodyAwards(ctx context.Context, bodyID int64) ([]domain.Award, error) {
	return db.queryAwards(ctx, `a.body_id = $1`, bodyID)
}

// queryAwards returns published awards matching one condition on $1.
func (db *DB) queryAwards(ctx context.Context, cond string, arg any) ([]domain.Award, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT a.id, a.year, a.track, a.award, a.mentions, a.first_time, a.source_url,
		       b.id, b.body_key, b.name, b.kind, b.departement, b.insee, b.siren
		FROM awards a JOIN bodies b ON b.id = a.body_id JOIN editions e ON e.year = a.year
		WHERE `+cond+` AND (e.publish_at IS NULL OR e.publish_at <= $2)
		ORDER BY a.year DESC, b.name, a.track`, arg, db.now())
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []domain.Award
	for rows.Next() {
		a, err := scanAward(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

func scanAward(row interface{ Scan(...any) error }) (*domain.Award, error) {
	var a domain.Award
	var mentions string
	var first sql.NullBool
	if err := row.Scan(&a.ID, &a.Year, &a.Track, &a.Award, &mentions, &first, &a.SourceURL,
		&a.Body.ID, &a.Body.Key, &a.Body.Name, &a.Body.Kind, &a.Body.Departement, &a.Body.INSEE, &a.Body.SIREN); err != nil {
		return nil, err
	}
	a.Mentions = splitMentions(mentions)
	if first.Valid {
		a.FirstTime = &first.Bool
	}
	return &a, nil
}

func splitMentions(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// CreateNews adds an article.
func (db *DB) CreateNews(ctx context.Context, n *domain.News) error {
	return translate(db.sql.QueryRowContext(ctx, `
		INSERT INTO news (slug, title, summary, body, published_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		n.Slug, n.Title, n.Summary, n.Body, n.PublishedAt.UTC().Truncate(time.Microsecond)).Scan(&n.ID))
}

const newsColumns = `id, slug, title, summary, body, published_at`

func scanNews(row interface{ Scan(...any) error }) (*domain.News, error) {
	var n domain.News
	if err := row.Scan(&n.ID, &n.Slug, &n.Title, &n.Summary, &n.Body, &n.PublishedAt); err != nil {
		return nil, err
	}
	n.PublishedAt = n.PublishedAt.UTC()
	return &n, nil
}

// LatestNews returns the newest published articles.
func (db *DB) LatestNews(ctx context.Context, limit int) ([]*domain.News, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+newsColumns+` FROM news WHERE published_at <= $1
		ORDER BY published_at DESC LIMIT $2`, db.now(), limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.News
	for rows.Next() {
		n, err := scanNews(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// FindNews returns a published article by its slug.
func (db *DB) FindNews(ctx context.Context, slug string) (*domain.News, error) {
	n, err := scanNews(db.sql.QueryRowContext(ctx, `SELECT `+newsColumns+` FROM news WHERE slug = $1 AND published_at <= $2`, slug, db.now()))
	return n, notFound(err, "Article introuvable.")
}

// CreateEvent adds an agenda entry.
func (db *DB) CreateEvent(ctx context.Context, e *domain.Event) error {
	return translate(db.sql.QueryRowContext(ctx, `
		INSERT INTO events (title, starts_at, ends_at, place, online_url, description)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		e.Title, e.StartsAt.UTC().Truncate(time.Microsecond), e.EndsAt.UTC().Truncate(time.Microsecond),
		e.Place, e.OnlineURL, e.Description).Scan(&e.ID))
}

// UpcomingEvents returns the events that have not ended yet, soonest first.
func (db *DB) UpcomingEvents(ctx context.Context, limit int) ([]*domain.Event, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT id, title, starts_at, ends_at, place, online_url, description FROM events
		WHERE ends_at > $1 ORDER BY starts_at LIMIT $2`, db.now(), limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.Event
	for rows.Next() {
		var e domain.Event
		if err := rows.Scan(&e.ID, &e.Title, &e.StartsAt, &e.EndsAt, &e.Place, &e.OnlineURL, &e.Description); err != nil {
			return nil, err
		}
		e.StartsAt, e.EndsAt = e.StartsAt.UTC(), e.EndsAt.UTC()
		out = append(out, &e)
	}
	return out, rows.Err()
}
