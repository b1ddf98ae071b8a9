package store

import (
	"context"
	"database/sql"
	"fmt"

	"tnl/internal/domain"
)

const questionnaireColumns = `id, year, track, version, frozen, definition, created_at`

func scanQuestionnaire(row interface{ Scan(...any) error }) (*domain.Questionnaire, error) {
	var q domain.Questionnaire
	var def string
	if err := row.Scan(&q.ID, &q.Year, &q.Track, &q.Version, &q.Frozen, &def, &q.CreatedAt); err != nil {
		return nil, notFound(err, "Questionnaire introuvable.")
	}
	q.Definition = []byte(def)
	return &q, nil
}

// SaveQuestionnaire stores a track's definition. The latest version is
// edited in place while no application uses it; once frozen, the edit
// becomes a new version and applications keep the one they answer.
func (db *DB) SaveQuestionnaire(ctx context.Context, year int, track string, definition []byte, by domain.Actor) (*domain.Questionnaire, error) {
	var out *domain.Questionnaire
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanQuestionnaire(tx.QueryRowContext(ctx, `SELECT `+questionnaireColumns+`
			FROM questionnaires WHERE year = $1 AND track = $2 ORDER BY version DESC LIMIT 1`, year, track))
		if err != nil && !domain.IsNotFound(err) {
			return err
		}
		q := &domain.Questionnaire{Year: year, Track: track, Version: 1, Definition: definition, CreatedAt: db.now()}
		if cur != nil && !cur.Frozen {
			q.ID, q.Version = cur.ID, cur.Version
			_, err = tx.ExecContext(ctx, `UPDATE questionnaires SET definition = $1, created_at = $2 WHERE id = $3`,
				string(definition), q.CreatedAt, q.ID)
		} else {
			if cur != nil {
				q.Version = cur.Version + 1
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO questionnaires (year, track, version, definition, created_at)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`, year, track, q.Version, string(definition), q.CreatedAt).Scan(&q.ID)
		}
		if err != nil {
			return err
		}
		out = q
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "questionnaire.save",
			ObjectType: "questionnaire", ObjectID: fmt.Sprint(q.ID),
			After: snapshot(map[string]any{"year": year, "track": track, "version": q.Version})})
	})
	return out, err
}

// CurrentQuestionnaire returns the latest version of a track's definition,
// the one new applications answer.
func (db *DB) CurrentQuestionnaire(ctx context.Context, year int, track string) (*domain.Questionnaire, error) {
	return scanQuestionnaire(db.sql.QueryRowContext(ctx, `SELECT `+questionnaireColumns+`
		FROM questionnaires WHERE year = $1 AND track = $2 ORDER BY version DESC LIMIT 1`, year, track))
}

// FindQuestionnaire returns one stored version.
func (db *DB) FindQuestionnaire(ctx context.Context, id int64) (*domain.Questionnaire, error) {
	return scanQuestionnaire(db.sql.QueryRowContext(ctx, `SELECT `+questionnaireColumns+`
		FROM questionnaires WHERE id = $1`, id))
}

// QuestionnaireVersions lists the versions of a track's definition, newest
// first.
func (db *DB) QuestionnaireVersions(ctx context.Context, year int, track string) ([]*domain.Questionnaire, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+questionnaireColumns+`
		FROM questionnaires WHERE year = $1 AND track = $2 ORDER BY version DESC`, year, track)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.Questionnaire
	for rows.Next() {
		q, err := scanQuestionnaire(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}
