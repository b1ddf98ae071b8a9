package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"tnl/internal/domain"
)

const applicationColumns = `a.id, a.year, a.track, a.questionnaire_id, q.version, q.created_at, a.status, a.submissions, a.correction,
	a.created_at, a.updated_at, a.submitted_at,
	(SELECT COUNT(*) FROM answers n WHERE n.application_id = a.id AND n.value <> '')`

const applicationFrom = ` FROM applications a JOIN questionnaires q ON q.id = a.questionnaire_id
	JOIN bodies b ON b.id = a.body_id`

func scanApplication(row interface{ Scan(...any) error }) (*domain.Application, error) {
	var a domain.Application
	var submitted sql.NullTime
	var requestedBy sql.NullInt64
	var postal string
	b := &a.Body
	err := row.Scan(&a.ID, &a.Year, &a.Track, &a.QuestionnaireID, &a.Version, &a.QuestionnaireAt, &a.Status, &a.Submissions, &a.Correction,
		&a.CreatedAt, &a.UpdatedAt, &submitted, &a.Answered,
		&b.ID, &b.Key, &b.Name, &b.Kind, &b.Departement, &b.Region, &b.INSEE, &b.SIREN, &b.Population,
		&postal, &b.EPCI, &b.Status, &requestedBy, &b.Reason, &b.SearchName)
	if err != nil {
		return nil, notFound(err, "Candidature introuvable.")
	}
	a.SubmittedAt = nullTime(submitted)
	b.PostalCodes, b.RequestedBy = splitList(postal), requestedBy.Int64
	return &a, nil
}

var applicationSelect = `SELECT ` + applicationColumns + `, ` + prefixed("b.", bodyColumns) + applicationFrom

// CreateApplication opens a body's application in an edition and track,
// on the track's current questionnaire, which is frozen from then on.
func (db *DB) CreateApplication(ctx context.Context, year int, track string, bodyID int64, by domain.Actor) (*domain.Application, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		e, err := db.scanEdition(ctx, tx, `SELECT `+editionRead+` FROM editions WHERE year = $1`, year)
		if err != nil {
			return err
		}
		if !e.OpenAt(now) {
			return domain.Errorf(domain.ECLOSED, "Les candidatures de l'édition %d ne sont pas ouvertes.", year)
		}
		var qid int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM questionnaires WHERE year = $1 AND track = $2
			ORDER BY version DESC LIMIT 1`, year, track).Scan(&qid)
		if err != nil {
			return notFound(err, "Ce parcours n'a pas encore de questionnaire.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE questionnaires SET frozen = TRUE WHERE id = $1`, qid); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO applications (year, track, body_id, questionnaire_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, year, track, bodyID, qid, now).Scan(&id)
		if err != nil {
			if domain.ErrorCode(translate(err)) == domain.ECONFLICT {
				return domain.Errorf(domain.ECONFLICT, "Cet organisme a déjà une candidature pour ce parcours.")
			}
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "application.create",
			ObjectType: "application", ObjectID: fmt.Sprint(id),
			After: snapshot(map[string]any{"year": year, "track": track, "body": bodyID, "questionnaire": qid})})
	})
	if err != nil {
		return nil, err
	}
	return db.FindApplication(ctx, id)
}

// FindApplication returns one application with its body.
func (db *DB) FindApplication(ctx context.Context, id int64) (*domain.Application, error) {
	return scanApplication(db.sql.QueryRowContext(ctx, applicationSelect+` WHERE a.id = $1`, id))
}

// BodyApplication returns a body's application in an edition and track.
func (db *DB) BodyApplication(ctx context.Context, year int, track string, bodyID int64) (*domain.Application, error) {
	return scanApplication(db.sql.QueryRowContext(ctx, applicationSelect+`
		WHERE a.year = $1 AND a.track = $2 AND a.body_id = $3`, year, track, bodyID))
}

// BodyApplications returns every application of a body, newest first.
func (db *DB) BodyApplications(ctx context.Context, bodyID int64) ([]*domain.Application, error) {
	return db.queryApplications(ctx, applicationSelect+` WHERE a.body_id = $1 ORDER BY a.year DESC, a.track`, bodyID)
}

// ApplicationFilter narrows the secretariat's list of applications; zero
// fields do not filter.
type ApplicationFilter struct {
	Year          int
	Track         string
	Status        domain.ApplicationStatus
	Kind          string
	Departement   string
	MinPopulation int
	MaxPopulation int // 0: no upper bound
	Limit, Offset int
}

func (f ApplicationFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Year != 0 {
		add("a.year = ?", f.Year)
	}
	if f.Track != "" {
		add("a.track = ?", f.Track)
	}
	if f.Status != "" {
		add("a.status = ?", string(f.Status))
	}
	if f.Kind != "" {
		add("b.kind = ?", f.Kind)
	}
	if f.Departement != "" {
		add("b.departement = ?", f.Departement)
	}
	if f.MinPopulation > 0 {
		add("b.population >= ?", f.MinPopulation)
	}
	if f.MaxPopulation > 0 {
		add("b.population < ?", f.MaxPopulation)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListApplications returns the applications matching f, by body name.
func (db *DB) ListApplications(ctx context.Context, f ApplicationFilter) ([]*domain.Application, error) {
	where, args := f.where()
	q := applicationSelect + where + ` ORDER BY b.name, a.track`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	return db.queryApplications(ctx, q, args...)
}

// CountApplications counts the applications matching f.
func (db *DB) CountApplications(ctx context.Context, f ApplicationFilter) (int, error) {
	where, args := f.where()
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*)`+applicationFrom+where, args...).Scan(&n)
	return n, translate(err)
}

// Groupings of CountApplicationsBy.
const (
	ByStatus = "a.status"
	ByKind   = "b.kind"
)

// CountApplicationsBy counts the applications matching f in one query,
// grouped by status (ByStatus) or kind of body (ByKind).
func (db *DB) CountApplicationsBy(ctx context.Context, f ApplicationFilter, by string) (map[string]int, error) {
	if by != ByStatus && by != ByKind {
		return nil, fmt.Errorf("CountApplicationsBy: unknown grouping %q", by)
	}
	where, args := f.where()
	rows, err := db.sql.QueryContext(ctx, `SELECT `+by+`, COUNT(*)`+applicationFrom+where+` GROUP BY `+by, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return nil, err
		}
		out[key] = n
	}
	return out, rows.Err()
}

func (db *DB) queryApplications(ctx context.Context, q string, args ...any) ([]*domain.Application, error) {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// MoveApplication puts an application on another version of its track's
// questionnaire. Answers are keyed by question id and never deleted, so an
// answer to a question the new version dropped stays in the database and
// comes back if a later version restores the question.
func (db *DB) MoveApplication(ctx context.Context, id, questionnaireID int64, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE applications SET questionnaire_id = $1
			WHERE id = $2 AND EXISTS (SELECT 1 FROM questionnaires q WHERE q.id = $1
				AND q.year = applications.year AND q.track = applications.track)`, questionnaireID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EINVALID, "Cette version n'appartient pas au parcours de la candidature.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE questionnaires SET frozen = TRUE WHERE id = $1`, questionnaireID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "application.move",
			ObjectType: "application", ObjectID: fmt.Sprint(id),
			After: snapshot(map[string]any{"questionnaire": questionnaireID})})
	})
}
