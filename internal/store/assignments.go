package store

// Assignments (jury.md §4): who reviews which file of an edition, and who
// leads it. The solver (internal/jury.Assign) proposes; an admin edits and
// saves the whole set here, then releases it. Before the release nobody but
// the secretariat and the president sees them (FileFacts.Assigned stays
// false).

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"tnl/internal/domain"
)

// assignmentsOfYear reads an edition's assignments, by file then juror.
const assignmentsOfYear = `SELECT s.application_id, s.user_id, s.rapporteur, s.source
	FROM assignments s JOIN applications a ON a.id = s.application_id
	WHERE a.year = $1`

func scanAssignments(rows *sql.Rows, err error) ([]domain.Assignment, error) {
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []domain.Assignment
	for rows.Next() {
		var s domain.Assignment
		if err := rows.Scan(&s.ApplicationID, &s.UserID, &s.Rapporteur, &s.Source); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Assignments lists every assignment of an edition, released or not, by
// file then juror. Only the secretariat and the president may see them all
// (domain.ActSeeAssignmentsAll): callers check.
func (db *DB) Assignments(ctx context.Context, year int) ([]domain.Assignment, error) {
	return scanAssignments(db.sql.QueryContext(ctx, assignmentsOfYear+` ORDER BY s.application_id, s.user_id`, year))
}

// AssignmentsOf lists one juror's assignments in an edition, released or
// not: callers show them to the juror only once released.
func (db *DB) AssignmentsOf(ctx context.Context, year int, userID int64) ([]domain.Assignment, error) {
	return scanAssignments(db.sql.QueryContext(ctx, assignmentsOfYear+` AND s.user_id = $2
		ORDER BY s.application_id`, year, userID))
}

// SaveAssignments replaces the whole assignment set of an edition in one
// transaction, with one audit entry counting the rows before and after. It
// refuses a row whose juror is recused from the file (a recusal not
// dismissed: suggested ones count until decided, as in FileFacts), a file
// of another edition, a person outside the reviewing jury, a pair given
// twice and a file with two rapporteurs. Rows already present keep their
// creation date.
func (db *DB) SaveAssignments(ctx context.Context, year int, rows []domain.Assignment, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.checkAssignments(ctx, tx, year, rows); err != nil {
			return err
		}
		created, err := assignmentDates(ctx, tx, year)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM assignments WHERE application_id IN
			(SELECT id FROM applications WHERE year = $1)`, year); err != nil {
			return err
		}
		now, added := db.now(), 0
		for _, r := range rows {
			at, ok := created[[2]int64{r.ApplicationID, r.UserID}]
			if !ok {
				at, added = now, added+1
			}
			source := r.Source
			if source != domain.AssignManual {
				source = domain.AssignSolver
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO assignments (application_id, user_id, rapporteur, source, created_at)
				VALUES ($1, $2, $3, $4, $5)`, r.ApplicationID, r.UserID, r.Rapporteur, source, at); err != nil {
				return translate(err)
			}
		}
		removed := len(created) - (len(rows) - added)
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.assignments.save",
			ObjectType: "edition", ObjectID: fmt.Sprint(year),
			Before: snapshot(map[string]int{"count": len(created)}),
			After:  snapshot(map[string]int{"count": len(rows), "added": added, "removed": removed})})
	})
}

// assignmentDates maps each existing (file, juror) pair of an edition to
// its creation date.
func assignmentDates(ctx context.Context, tx *sql.Tx, year int) (map[[2]int64]time.Time, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.application_id, s.user_id, s.created_at FROM assignments s
		JOIN applications a ON a.id = s.application_id WHERE a.year = $1`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]int64]time.Time{}
	for rows.Next() {
		var k [2]int64
		var at time.Time
		if err := rows.Scan(&k[0], &k[1], &at); err != nil {
			return nil, err
		}
		out[k] = at
	}
	return out, rows.Err()
}

// assignmentContext is what checkAssignments needs to know about an
// edition: its files, its reviewing jury and its recusals.
type assignmentContext struct {
	files   map[int64]string // application → body name
	members map[int64]domain.JuryMember
	recused map[[2]int64]bool // (application, user)
}

func (db *DB) loadAssignmentContext(ctx context.Context, tx *sql.Tx, year int) (assignmentContext, error) {
	c := assignmentContext{files: map[int64]string{}, members: map[int64]domain.JuryMember{}, recused: map[[2]int64]bool{}}
	rows, err := tx.QueryContext(ctx, `SELECT a.id, b.name FROM applications a JOIN bodies b ON b.id = a.body_id
		WHERE a.year = $1`, year)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return c, err
		}
		c.files[id] = name
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT `+juryMemberColumns+` FROM jury_members m
		JOIN users u ON u.id = m.user_id WHERE m.year = $1`, year)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		m, err := scanJuryMember(rows)
		if err != nil {
			rows.Close()
			return c, err
		}
		c.members[m.UserID] = m
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT application_id, user_id FROM conflicts
		WHERE year = $1 AND status <> 'dismissed' AND severity = 'recuse'`, year)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var k [2]int64
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return c, err
		}
		c.recused[k] = true
	}
	return c, rows.Err()
}

// checkAssignments refuses a set that breaks a hard rule, naming the first
// row at fault in French.
func (db *DB) checkAssignments(ctx context.Context, tx *sql.Tx, year int, rows []domain.Assignment) error {
	c, err := db.loadAssignmentContext(ctx, tx, year)
	if err != nil {
		return err
	}
	seen := map[[2]int64]bool{}
	leads := map[int64]bool{}
	for _, r := range rows {
		body, ok := c.files[r.ApplicationID]
		if !ok {
			return domain.Errorf(domain.EINVALID, "Le dossier n° %d n'appartient pas à l'édition %d.", r.ApplicationID, year)
		}
		m, ok := c.members[r.UserID]
		if !ok || m.Role == domain.JuryObserver {
			return domain.Errorf(domain.EINVALID, "La personne n° %d ne peut pas évaluer de dossier dans le jury %d.", r.UserID, year)
		}
		k := [2]int64{r.ApplicationID, r.UserID}
		if c.recused[k] {
			return domain.Errorf(domain.ECONFLICT, "%s est récusé(e) pour le dossier de %s : impossible de lui attribuer ce dossier.", m.Label(), body)
		}
		if seen[k] {
			return domain.Errorf(domain.EINVALID, "%s figure deux fois parmi les évaluateurs du dossier de %s.", m.Label(), body)
		}
		seen[k] = true
		if r.Rapporteur {
			if m.Role == domain.JuryAssessor {
				return domain.Errorf(domain.EINVALID, "%s est expert(e) extérieur(e) : un rapporteur doit être membre votant du jury.", m.Label())
			}
			if leads[r.ApplicationID] {
				return domain.Errorf(domain.EINVALID, "Le dossier de %s a deux rapporteurs : un seul par dossier.", body)
			}
			leads[r.ApplicationID] = true
		}
	}
	return nil
}

// ReleaseAssignments makes an edition's assignments visible to the jurors
// (editions.assignments_released_at), audited. Releasing twice is refused,
// and so is releasing an empty set: a mistake either way.
func (db *DB) ReleaseAssignments(ctx context.Context, year int, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var released sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT assignments_released_at FROM editions WHERE year = $1`, year).Scan(&released)
		if err != nil {
			return notFound(err, "Édition introuvable.")
		}
		if released.Valid {
			return domain.Errorf(domain.ECONFLICT, "L'attribution de cette édition est déjà publiée.")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM assignments s JOIN applications a ON a.id = s.application_id
			WHERE a.year = $1`, year).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return domain.Errorf(domain.ECONFLICT, "Aucun dossier n'est attribué : proposez et enregistrez d'abord une attribution.")
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE editions SET assignments_released_at = $1 WHERE year = $2`, now, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.assignments.release",
			ObjectType: "edition", ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{"count": n, "released_at": now})})
	})
}

// JurorFile is one line of a juror's list of files: the file, whether they
// lead it, and where their review of it stands.
type JurorFile struct {
	ApplicationID int64
	Body          string
	Kind          string // the body's kind (commune, epci…)
	Assigned      bool   // an assignment row exists (always, except for full-panel files)
	Rapporteur    bool
	Review        string // the status of their latest review stage: "", "draft" or "submitted"
}

// JurorFiles lists the files of an edition a juror reviews, by body name:
// their assignments, or with fullPanel every submitted file. Files they are
// recused from (a recusal not dismissed) are left out even when an
// assignment made before the conflict remains: a recused juror sees nothing
// of the file, not even in a count. Callers check the release and the
// policy (domain.ActSeeAssignmentsOwn).
func (db *DB) JurorFiles(ctx context.Context, year int, userID int64, fullPanel bool) ([]JurorFile, error) {
	return queryRows(ctx, db.sql, func(rows *sql.Rows, f *JurorFile) error {
		return rows.Scan(&f.ApplicationID, &f.Body, &f.Kind, &f.Assigned, &f.Rapporteur, &f.Review)
	}, `SELECT a.id, b.name, b.kind, s.user_id IS NOT NULL,
			COALESCE(s.rapporteur, FALSE),
			COALESCE((SELECT r.status FROM reviews r WHERE r.application_id = a.id AND r.user_id = $2
				ORDER BY r.stage DESC LIMIT 1), '')
		FROM applications a JOIN bodies b ON b.id = a.body_id
		LEFT JOIN assignments s ON s.application_id = a.id AND s.user_id = $2
		WHERE a.year = $1 AND (s.user_id IS NOT NULL OR ($3 AND a.status = 'submitted'))
			AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.user_id = $2 AND c.application_id = a.id
				AND c.status <> 'dismissed' AND c.severity = 'recuse')
		ORDER BY b.search_name, b.name, a.id`, year, userID, fullPanel)
}
