package store

// Conflicts of interest (jury.md §3): the register of an edition's
// conflicts, the automatic suggestions computed from the jury's
// affiliations, the declarations of jurors and applicants, and the
// decisions of the secretariat. The rules themselves are internal/jury's;
// this file keeps the register; conflicts_suggest.go runs the automatic
// rules and conflicts_affiliations.go keeps the affiliations they read.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// EffectiveConflicts reduces the register of an edition to one answer per
// (juror, application), as the visibility policy and the assignment solver
// read it (jury.EffectiveConflicts: dismissed ignored, recuse wins).
func (db *DB) EffectiveConflicts(ctx context.Context, year int) (jury.ConflictMap, error) {
	all, err := db.registerOf(ctx, db.sql, year)
	if err != nil {
		return nil, err
	}
	return jury.EffectiveConflicts(all), nil
}

// registerOf reads the bare register of an edition, whatever the status.
func (db *DB) registerOf(ctx context.Context, q queryer, year int) ([]jury.Conflict, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id, application_id, type, source, status, severity
		FROM conflicts WHERE year = $1`, year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var all []jury.Conflict
	for rows.Next() {
		var c jury.Conflict
		if err := rows.Scan(&c.Juror, &c.Application, &c.Type, &c.Source, &c.Status, &c.Severity); err != nil {
			return nil, err
		}
		all = append(all, c)
	}
	return all, rows.Err()
}

// ConflictEntry is one line of the register as the pages show it: the
// conflict, who and what it concerns, and who decided it.
type ConflictEntry struct {
	ID   int64
	Year int
	jury.Conflict
	JurorName, JurorEmail string
	BodyName              string // the applicant body
	DecidedBy             string // email of the admin who decided; "" while undecided
	DecidedAt             *time.Time
	CreatedAt             time.Time
}

// JurorLabel is the juror's name, or email when the name is unknown.
func (c ConflictEntry) JurorLabel() string {
	if c.JurorName != "" {
		return c.JurorName
	}
	return c.JurorEmail
}

// ConflictFilter narrows the register; zero fields do not filter.
type ConflictFilter struct {
	Status      jury.ConflictStatus
	Source      jury.ConflictSource
	Juror       int64
	Application int64
}

func (f ConflictFilter) where(year int) (string, []any) {
	conds, args := []string{"c.year = $1"}, []any{year}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.Status != "" {
		add("c.status = $%d", string(f.Status))
	}
	if f.Source != "" {
		add("c.source = $%d", string(f.Source))
	}
	if f.Juror != 0 {
		add("c.user_id = $%d", f.Juror)
	}
	if f.Application != 0 {
		add("c.application_id = $%d", f.Application)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const conflictSelect = `SELECT c.id, c.year, c.user_id, c.application_id, c.type, c.source, c.status, c.severity,
	c.reason, c.decision, u.name, u.email, b.name, COALESCE(d.email, ''), c.decided_at, c.created_at
	FROM conflicts c JOIN users u ON u.id = c.user_id
	JOIN applications a ON a.id = c.application_id JOIN bodies b ON b.id = a.body_id
	LEFT JOIN users d ON d.id = c.decided_by`

func scanConflict(row interface{ Scan(...any) error }) (ConflictEntry, error) {
	var c ConflictEntry
	var decided sql.NullTime
	err := row.Scan(&c.ID, &c.Year, &c.Juror, &c.Application, &c.Type, &c.Source, &c.Status, &c.Severity,
		&c.Reason, &c.Decision, &c.JurorName, &c.JurorEmail, &c.BodyName, &c.DecidedBy, &decided, &c.CreatedAt)
	c.DecidedAt = nullTime(decided)
	return c, err
}

// Conflicts lists an edition's register by juror, applicant and type.
func (db *DB) Conflicts(ctx context.Context, year int, f ConflictFilter) ([]ConflictEntry, error) {
	where, args := f.where(year)
	return queryRows(ctx, db.sql, func(rows *sql.Rows, c *ConflictEntry) (err error) {
		*c, err = scanConflict(rows)
		return err
	}, conflictSelect+where+` ORDER BY u.name, u.email, b.search_name, b.name, c.type`, args...)
}

// FindConflict returns one conflict of the register.
func (db *DB) FindConflict(ctx context.Context, id int64) (ConflictEntry, error) {
	c, err := scanConflict(db.sql.QueryRowContext(ctx, conflictSelect+` WHERE c.id = $1`, id))
	if err != nil {
		return c, notFound(err, "Conflit d'intérêts introuvable.")
	}
	return c, nil
}

// DecideConflict records the secretariat's decision on a conflict:
// confirmed, or dismissed as a false positive, which needs a reason and is
// never suggested again (the row stays, and SuggestConflicts skips it).
func (db *DB) DecideConflict(ctx context.Context, id int64, confirm bool, reason string, by domain.Actor) error {
	status := jury.ConflictConfirmed
	if !confirm {
		status = jury.ConflictDismissed
	}
	return db.decideConflict(ctx, id, status, "", reason, by)
}

// PinConflict fixes a conflict at a severity the secretariat chose: neither
// the juror nor a new run of the suggestions changes it afterwards.
func (db *DB) PinConflict(ctx context.Context, id int64, severity jury.ConflictSeverity, reason string, by domain.Actor) error {
	if !severity.Valid() {
		return domain.Errorf(domain.EINVALID, "Choisissez la récusation ou la simple déclaration du lien.")
	}
	return db.decideConflict(ctx, id, jury.ConflictPinned, severity, reason, by)
}

// decideConflict sets a conflict's status (and severity, unless empty) with
// the decision's reason, in one transaction with its audit entry.
func (db *DB) decideConflict(ctx context.Context, id int64, status jury.ConflictStatus, severity jury.ConflictSeverity,
	reason string, by domain.Actor) error {
	reason = strings.TrimSpace(reason)
	if status == jury.ConflictDismissed && reason == "" {
		return domain.Errorf(domain.EINVALID, "Indiquez pourquoi ce conflit est écarté : la raison reste au registre.")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var before jury.Conflict
		var year int
		err := tx.QueryRowContext(ctx, `SELECT year, status, severity FROM conflicts WHERE id = $1`, id).
			Scan(&year, &before.Status, &before.Severity)
		if err != nil {
			return notFound(err, "Conflit d'intérêts introuvable.")
		}
		if severity == "" {
			severity = before.Severity
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conflicts SET status = $1, severity = $2, decision = $3,
			decided_by = $4, decided_at = $5 WHERE id = $6`,
			status, severity, reason, nullID(by.ID), db.now(), id); err != nil {
			return translate(err)
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.conflict.decide", ObjectType: "conflict",
			ObjectID: fmt.Sprint(id),
			Before:   snapshot(map[string]any{"year": year, "status": before.Status, "severity": before.Severity}),
			After:    snapshot(map[string]any{"status": status, "severity": severity, "decision": reason})})
	})
}

// nullID stores an actor's id, or NULL for the command line and the system.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// ConflictDeclaration is a conflict declared by a juror about themselves
// or by an applicant about a juror.
type ConflictDeclaration struct {
	Year        int
	Juror       int64
	Application int64
	Type        jury.ConflictType
	Severity    jury.ConflictSeverity
	Text        string // what the link is, in the declarer's words
	Source      jury.ConflictSource
}

func (d ConflictDeclaration) validate() error {
	switch {
	case !d.Type.Valid():
		return domain.Errorf(domain.EINVALID, "Type de lien inconnu.")
	case !d.Severity.Valid():
		return domain.Errorf(domain.EINVALID, "Choisissez la récusation ou la simple déclaration du lien.")
	case d.Source != jury.ConflictSourceJuror && d.Source != jury.ConflictSourceApplicant && d.Source != jury.ConflictSourceAdmin:
		return domain.Errorf(domain.EINVALID, "Origine de la déclaration inconnue.")
	case d.Type == jury.ConflictOther && strings.TrimSpace(d.Text) == "":
		return domain.Errorf(domain.EINVALID, "Décrivez le lien en quelques mots.")
	}
	return nil
}

// DeclareConflict records a declared conflict as a suggestion for the
// secretariat to confirm; it counts at its severity at once
// (jury.EffectiveConflicts). Declaring again a link already in the
// register replaces its severity and text and puts it back to review,
// unless the secretariat pinned it. The juror must be a member of the
// edition's jury and the application one of its applications.
func (db *DB) DeclareConflict(ctx context.Context, d ConflictDeclaration, by domain.Actor) (int64, error) {
	if err := d.validate(); err != nil {
		return 0, err
	}
	d.Text = strings.TrimSpace(d.Text)
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkDeclarable(ctx, tx, d); err != nil {
			return err
		}
		var status jury.ConflictStatus
		err := tx.QueryRowContext(ctx, `SELECT id, status FROM conflicts
			WHERE user_id = $1 AND application_id = $2 AND type = $3`, d.Juror, d.Application, d.Type).Scan(&id, &status)
		switch {
		case err == sql.ErrNoRows:
			err = tx.QueryRowContext(ctx, `INSERT INTO conflicts (year, user_id, application_id, type, source, status,
				severity, reason, created_at) VALUES ($1, $2, $3, $4, $5, 'suggested', $6, $7, $8) RETURNING id`,
				d.Year, d.Juror, d.Application, d.Type, d.Source, d.Severity, d.Text, db.now()).Scan(&id)
		case err != nil:
		case status == jury.ConflictPinned:
			return domain.Errorf(domain.ECONFLICT, "Le secrétariat a déjà arrêté ce lien : écrivez-lui pour le modifier.")
		default:
			_, err = tx.ExecContext(ctx, `UPDATE conflicts SET source = $1, status = 'suggested', severity = $2,
				reason = $3 WHERE id = $4`, d.Source, d.Severity, d.Text, id)
		}
		if err != nil {
			return translate(err)
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.conflict.declare", ObjectType: "conflict",
			ObjectID: fmt.Sprint(id), After: snapshot(map[string]any{"year": d.Year, "juror": d.Juror,
				"application": d.Application, "type": d.Type, "severity": d.Severity, "source": d.Source, "text": d.Text})})
	})
	return id, err
}

// checkDeclarable refuses a declaration about someone outside the
// edition's jury or an application of another edition.
func checkDeclarable(ctx context.Context, tx *sql.Tx, d ConflictDeclaration) error {
	var member, app bool
	err := tx.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM jury_members WHERE year = $1 AND user_id = $2),
		EXISTS (SELECT 1 FROM applications WHERE year = $1 AND id = $3)`, d.Year, d.Juror, d.Application).Scan(&member, &app)
	switch {
	case err != nil:
		return err
	case !member:
		return domain.Errorf(domain.EINVALID, "Cette personne ne fait pas partie du jury de cette édition.")
	case !app:
		return domain.Errorf(domain.EINVALID, "Cette candidature n'appartient pas à cette édition.")
	}
	return nil
}

// ConflictApplicant is an application as the conflict pages name it.
type ConflictApplicant struct {
	ID       int64
	BodyKey  string
	BodyName string
	BodyKind string
}

// ConflictApplicants lists the applications of an edition that were
// submitted at least once, by body name: the names jurors check their
// conflicts against (drafts never reach the jury).
func (db *DB) ConflictApplicants(ctx context.Context, year int) ([]ConflictApplicant, error) {
	return queryRows(ctx, db.sql, func(rows *sql.Rows, a *ConflictApplicant) error {
		return rows.Scan(&a.ID, &a.BodyKey, &a.BodyName, &a.BodyKind)
	}, `SELECT a.id, b.body_key, b.name, b.kind FROM applications a
		JOIN bodies b ON b.id = a.body_id WHERE a.year = $1 AND (a.status = 'submitted' OR a.submissions > 0)
		ORDER BY b.search_name, b.name, a.id`, year)
}
