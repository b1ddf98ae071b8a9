package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"tnl/internal/domain"
)

// The organisers' actions on editions: creating, editing and copying an
// edition, and moving applications between questionnaire versions. Each is
// one transaction with exactly one audit entry.

// CreateEdition adds a new edition; a year that exists already is a
// conflict, so that a typo never overwrites another year's calendar.
func (db *DB) CreateEdition(ctx context.Context, e *domain.Edition, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.refuseExistingYear(ctx, tx, e.Year); err != nil {
			return err
		}
		if err := db.saveEdition(ctx, tx, e); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "edition.create",
			ObjectType: "edition", ObjectID: fmt.Sprint(e.Year), After: snapshot(editionSnapshot(e))})
	})
}

// UpdateEdition replaces an existing edition's calendar, rules, mentions
// and tracks, keeping the former state in the audit entry. A track that has
// applications cannot be removed (ECONFLICT).
func (db *DB) UpdateEdition(ctx context.Context, e *domain.Edition, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		before, err := db.scanEdition(ctx, tx, `SELECT `+editionRead+` FROM editions WHERE year = $1`, e.Year)
		if err != nil {
			return err
		}
		if err := db.saveEdition(ctx, tx, e); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "edition.update",
			ObjectType: "edition", ObjectID: fmt.Sprint(e.Year),
			Before: snapshot(editionSnapshot(before)), After: snapshot(editionSnapshot(e))})
	})
}

// editionSnapshot is what the audit log keeps of an edition.
func editionSnapshot(e *domain.Edition) map[string]any {
	return map[string]any{"year": e.Year, "title": e.Title, "opens": e.OpensAt, "closes": e.ClosesAt,
		"jury": e.JuryAt, "ceremony": e.CeremonyAt, "place": e.CeremonyPlace, "publish": e.PublishAt,
		"mentions": e.Mentions, "responsableMaySubmit": e.ResponsableMaySubmit, "tracks": e.Tracks}
}

func (db *DB) refuseExistingYear(ctx context.Context, tx *sql.Tx, year int) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM editions WHERE year = $1`, year).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return domain.Errorf(domain.ECONFLICT, "L'édition %d existe déjà.", year)
	}
	return nil
}

// CopyEdition starts the edition of year to from the edition of year from:
// the calendar moves by the difference of years at the same Paris
// wall-clock times, rules, mentions, tracks and award scales are kept, and
// each track's current questionnaire becomes version 1 of the new year, not
// frozen. Everything happens in one transaction: a failure leaves no half
// edition behind.
func (db *DB) CopyEdition(ctx context.Context, from, to int, by domain.Actor) (*domain.Edition, error) {
	var out *domain.Edition
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		src, err := db.scanEdition(ctx, tx, `SELECT `+editionRead+` FROM editions WHERE year = $1`, from)
		if err != nil {
			return err
		}
		if err := db.refuseExistingYear(ctx, tx, to); err != nil {
			return err
		}
		e := shiftedEdition(src, to)
		if err := db.saveEdition(ctx, tx, e); err != nil {
			return err
		}
		copied, err := db.copyQuestionnaires(ctx, tx, from, to, e.Tracks)
		if err != nil {
			return err
		}
		out = e
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "edition.copy",
			ObjectType: "edition", ObjectID: fmt.Sprint(to),
			After: snapshot(map[string]any{"from": from, "to": to, "questionnaires": copied})})
	})
	return out, err
}

// shiftedEdition copies src into year, its dates moved by whole years.
func shiftedEdition(src *domain.Edition, year int) *domain.Edition {
	e := *src
	e.Year = year
	years := year - src.Year
	e.OpensAt, e.ClosesAt, e.JuryAt = shiftYears(src.OpensAt, years), shiftYears(src.ClosesAt, years), shiftYears(src.JuryAt, years)
	e.CeremonyAt, e.PublishAt = shiftYears(src.CeremonyAt, years), shiftYears(src.PublishAt, years)
	e.Mentions = append([]string(nil), src.Mentions...)
	e.Tracks = make([]domain.Track, len(src.Tracks))
	for i, t := range src.Tracks {
		t.Levels = append([]domain.Level(nil), t.Levels...)
		e.Tracks[i] = t
	}
	return &e
}

// shiftYears moves t by years at the same date and time in Paris, so that
// "10 November at midnight" stays so whatever the daylight-saving offset.
func shiftYears(t *time.Time, years int) *time.Time {
	if t == nil {
		return nil
	}
	p := t.In(domain.Paris)
	moved := time.Date(p.Year()+years, p.Month(), p.Day(), p.Hour(), p.Minute(), p.Second(), p.Nanosecond(), domain.Paris).UTC()
	return &moved
}

// copyQuestionnaires stores each track's latest definition of year from as
// version 1 of year to, and returns how many it copied.
func (db *DB) copyQuestionnaires(ctx context.Context, tx *sql.Tx, from, to int, tracks []domain.Track) (int, error) {
	n := 0
	for _, t := range tracks {
		var def string
		err := tx.QueryRowContext(ctx, `SELECT definition FROM questionnaires WHERE year = $1 AND track = $2
			ORDER BY version DESC LIMIT 1`, from, t.Key).Scan(&def)
		if err == sql.ErrNoRows {
			continue // a track without a questionnaire yet
		}
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO questionnaires (year, track, version, definition, created_at)
			VALUES ($1, $2, 1, $3, $4)`, to, t.Key, def, db.now()); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// MoveApplications puts every application of a track that answers a
// version older than the one of questionnaireID on that version, in one
// transaction with one audit entry, and returns how many moved. Answers
// are keyed by question id and never deleted, so none is lost.
func (db *DB) MoveApplications(ctx context.Context, year int, track string, questionnaireID int64, by domain.Actor) (int, error) {
	var moved int
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var version int
		err := tx.QueryRowContext(ctx, `SELECT version FROM questionnaires WHERE id = $1 AND year = $2 AND track = $3`,
			questionnaireID, year, track).Scan(&version)
		if err != nil {
			return notFound(err, "Cette version du questionnaire n'existe pas.")
		}
		res, err := tx.ExecContext(ctx, `UPDATE applications SET questionnaire_id = $1
			WHERE year = $2 AND track = $3 AND questionnaire_id IN (
				SELECT id FROM questionnaires WHERE year = $2 AND track = $3 AND version < $4)`,
			questionnaireID, year, track, version)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		moved = int(n)
		if moved > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE questionnaires SET frozen = TRUE WHERE id = $1`, questionnaireID); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "questionnaire.move_applications",
			ObjectType: "questionnaire", ObjectID: fmt.Sprint(questionnaireID),
			After: snapshot(map[string]any{"year": year, "track": track, "version": version, "moved": moved})})
	})
	return moved, err
}

// QuestionnaireUse counts the applications on each version of a track's
// questionnaire, by questionnaire id; unused versions are absent.
func (db *DB) QuestionnaireUse(ctx context.Context, year int, track string) (map[int64]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT questionnaire_id, COUNT(*) FROM applications
		WHERE year = $1 AND track = $2 GROUP BY questionnaire_id`, year, track)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// ApplicationCounts counts the applications of an edition by track.
func (db *DB) ApplicationCounts(ctx context.Context, year int) (map[string]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT track, COUNT(*) FROM applications WHERE year = $1 GROUP BY track`, year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var track string
		var n int
		if err := rows.Scan(&track, &n); err != nil {
			return nil, err
		}
		out[track] = n
	}
	return out, rows.Err()
}
