package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"tnl/internal/domain"
)

// The jury's core: an edition's phase and settings, and its members. The
// rights that follow from them are domain.Can's; conflicts, assignments,
// reviews and the deliberation have files of their own.

// SwitchPhase moves an edition to another phase if domain.CanSwitch allows
// it, in one transaction with its audit entry.
func (db *DB) SwitchPhase(ctx context.Context, year int, to domain.Phase, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var from domain.Phase
		err := tx.QueryRowContext(ctx, `SELECT phase FROM editions WHERE year = $1`, year).Scan(&from)
		if err != nil {
			return notFound(err, "Édition introuvable.")
		}
		if err := domain.CanSwitch(from, to); err != nil {
			return err
		}
		// The president's seal (Seal) moves the edition to "sealed" with the
		// digest of its decisions; a switch without it would leave a sealed
		// edition with nothing sealed and no way back.
		if to == domain.PhaseSealed {
			return domain.Errorf(domain.ECONFLICT, "Le scellement se fait par la présidence du jury, depuis la page « Scellement des décisions » : la phase change alors d'elle-même.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE editions SET phase = $1 WHERE year = $2`, to, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.phase", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), Before: string(from), After: string(to)})
	})
}

// SaveJurySettings replaces an edition's jury settings after checking them.
// A change to a locked setting (JurySettingsLocks) is refused with a
// *LockedSettingsError, whoever asks: the rule lives here so that no caller
// can go round it.
func (db *DB) SaveJurySettings(ctx context.Context, year int, s domain.JurySettings, by domain.Actor) error {
	if p := s.Validate(); len(p) > 0 {
		return domain.Errorf(domain.EINVALID, "Réglages du jury invalides.")
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		before, locks, err := db.jurySettingsState(ctx, tx, year)
		if err != nil {
			return err
		}
		var was domain.JurySettings
		if err := json.Unmarshal([]byte(before), &was); err != nil {
			return fmt.Errorf("edition %d: jury settings: %w", year, err)
		}
		if refused := lockedChanges(was, s, locks); len(refused) > 0 {
			return &LockedSettingsError{Fields: refused}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE editions SET jury_settings = $1 WHERE year = $2`, string(raw), year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.settings", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), Before: before, After: string(raw)})
	})
}

const juryMemberColumns = `m.year, m.user_id, u.email, u.name, m.role, m.tags, m.min_load, m.max_load, m.attested_at, m.created_at`

func scanJuryMember(row interface{ Scan(...any) error }) (domain.JuryMember, error) {
	var m domain.JuryMember
	var tags string
	var attested sql.NullTime
	err := row.Scan(&m.Year, &m.UserID, &m.Email, &m.Name, &m.Role, &tags, &m.MinLoad, &m.MaxLoad, &attested, &m.CreatedAt)
	m.Tags = splitTags(tags)
	m.AttestedAt = nullTime(attested)
	return m, err
}

func splitTags(s string) []string {
	var out []string
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// JuryMembers lists an edition's jury, president first, then by role and
// name.
func (db *DB) JuryMembers(ctx context.Context, year int) ([]domain.JuryMember, error) {
	return db.queryJuryMembers(ctx, `m.year = $1 ORDER BY CASE m.role WHEN 'president' THEN 0
		WHEN 'vice_president' THEN 1 WHEN 'juror' THEN 2 WHEN 'assessor' THEN 3 ELSE 4 END, u.name, u.email`, year)
}

// queryJuryMembers lists the jury places that where (with its order)
// selects.
func (db *DB) queryJuryMembers(ctx context.Context, where string, args ...any) ([]domain.JuryMember, error) {
	return queryRows(ctx, db.sql, func(rows *sql.Rows, m *domain.JuryMember) (err error) {
		*m, err = scanJuryMember(rows)
		return err
	}, `SELECT `+juryMemberColumns+` FROM jury_members m JOIN users u ON u.id = m.user_id WHERE `+where, args...)
}

// FindJuryMember returns a user's place in an edition's jury, or a
// not-found error when they have none.
func (db *DB) FindJuryMember(ctx context.Context, year int, userID int64) (domain.JuryMember, error) {
	m, err := scanJuryMember(db.sql.QueryRowContext(ctx, `SELECT `+juryMemberColumns+` FROM jury_members m
		JOIN users u ON u.id = m.user_id WHERE m.year = $1 AND m.user_id = $2`, year, userID))
	if err != nil {
		return m, notFound(err, "Cette personne ne fait pas partie du jury de cette édition.")
	}
	return m, nil
}

// JuryYears lists the editions whose jury a user belongs to, newest first.
func (db *DB) JuryYears(ctx context.Context, userID int64) ([]domain.JuryMember, error) {
	return db.queryJuryMembers(ctx, `m.user_id = $1 ORDER BY m.year DESC`, userID)
}

// SaveJuryMember adds a user to an edition's jury or changes their role,
// tags and loads. An edition has one president at most.
func (db *DB) SaveJuryMember(ctx context.Context, m domain.JuryMember, by domain.Actor) error {
	if !m.Role.Assignable() || m.Role == domain.JurySecretariat {
		return domain.Errorf(domain.EINVALID, "Rôle de jury inconnu.")
	}
	if m.MinLoad < 0 || m.MaxLoad < 0 || (m.MaxLoad > 0 && m.MinLoad > m.MaxLoad) {
		return domain.Errorf(domain.EINVALID, "La charge minimale doit être inférieure ou égale à la charge maximale.")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if m.Role == domain.JuryPresident {
			var other int64
			err := tx.QueryRowContext(ctx, `SELECT user_id FROM jury_members WHERE year = $1 AND role = 'president'
				AND user_id <> $2`, m.Year, m.UserID).Scan(&other)
			if err == nil {
				return domain.Errorf(domain.ECONFLICT, "Ce jury a déjà un président : changez d'abord son rôle.")
			} else if err != sql.ErrNoRows {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO jury_members (year, user_id, role, tags, min_load, max_load, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (year, user_id) DO UPDATE SET role = excluded.role, tags = excluded.tags,
				min_load = excluded.min_load, max_load = excluded.max_load`,
			m.Year, m.UserID, m.Role, strings.Join(m.Tags, ","), m.MinLoad, m.MaxLoad, db.now())
		if err != nil {
			return translate(err)
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.member.save", ObjectType: "user",
			ObjectID: fmt.Sprint(m.UserID), After: snapshot(map[string]any{"year": m.Year, "role": m.Role,
				"tags": m.Tags, "min_load": m.MinLoad, "max_load": m.MaxLoad})})
	})
}

// RemoveJuryMember takes a user off an edition's jury, as long as they have
// written no review: a review once written stays attributed.
func (db *DB) RemoveJuryMember(ctx context.Context, year int, userID int64, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var reviews int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reviews r JOIN applications a ON a.id = r.application_id
			WHERE a.year = $1 AND r.user_id = $2`, year, userID).Scan(&reviews); err != nil {
			return err
		}
		if reviews > 0 {
			return domain.Errorf(domain.ECONFLICT, "Ce juré a déjà rédigé des évaluations : il ne peut plus être retiré du jury.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM assignments WHERE user_id = $1 AND application_id IN
			(SELECT id FROM applications WHERE year = $2)`, userID, year); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM jury_members WHERE year = $1 AND user_id = $2`, year, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.Errorf(domain.ENOTFOUND, "Cette personne ne fait pas partie du jury de cette édition.")
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.member.remove", ObjectType: "user",
			ObjectID: fmt.Sprint(userID), Before: fmt.Sprint(year)})
	})
}

// AttestConflicts records that a member has reviewed their conflicts for
// the edition: from then on the files they are not recused from open to
// them (domain.Can, "attested").
func (db *DB) AttestConflicts(ctx context.Context, year int, userID int64, by domain.Actor) (time.Time, error) {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jury_members SET attested_at = $1 WHERE year = $2 AND user_id = $3`,
			now, year, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.Errorf(domain.ENOTFOUND, "Cette personne ne fait pas partie du jury de cette édition.")
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.attest", ObjectType: "user",
			ObjectID: fmt.Sprint(userID), After: fmt.Sprint(year)})
	})
	return now, err
}

// JuryFileFacts are what the visibility policy needs to know about one
// person and one file (domain.Viewer's per-file facts).
type JuryFileFacts struct {
	Recused          bool // a recusal not dismissed: suggested ones count until decided
	Disclosed        bool // a disclosed link, not dismissed
	Assigned         bool // assigned to the file, assignments released
	OwnProposal      bool // has submitted a review proposing a level or abstaining
	PresidentRecused bool // the edition's president is recused from the file
	Rapporteur       bool // the file's rapporteur, assignments released
}

// FileFacts reads the per-file facts of userID about an application of
// year in one query.
func (db *DB) FileFacts(ctx context.Context, year int, userID, applicationID int64) (JuryFileFacts, error) {
	var f JuryFileFacts
	err := db.sql.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM conflicts WHERE user_id = $1 AND application_id = $2
			AND status <> 'dismissed' AND severity = 'recuse'),
		EXISTS (SELECT 1 FROM conflicts WHERE user_id = $1 AND application_id = $2
			AND status <> 'dismissed' AND severity = 'disclose'),
		EXISTS (SELECT 1 FROM assignments a JOIN editions e ON e.year = $3
			WHERE a.user_id = $1 AND a.application_id = $2 AND e.assignments_released_at IS NOT NULL),
		EXISTS (SELECT 1 FROM reviews WHERE user_id = $1 AND application_id = $2 AND status = 'submitted'
			AND (level IS NOT NULL OR abstain_reason <> '')),
		EXISTS (SELECT 1 FROM conflicts c JOIN jury_members m ON m.user_id = c.user_id AND m.year = $3
			AND m.role = 'president' WHERE c.application_id = $2 AND c.status <> 'dismissed' AND c.severity = 'recuse'),
		EXISTS (SELECT 1 FROM assignments a JOIN editions e ON e.year = $3
			WHERE a.user_id = $1 AND a.application_id = $2 AND a.rapporteur AND e.assignments_released_at IS NOT NULL)`,
		userID, applicationID, year).Scan(&f.Recused, &f.Disclosed, &f.Assigned, &f.OwnProposal, &f.PresidentRecused,
		&f.Rapporteur)
	return f, translate(err)
}

// JuryLock names what locks a jury setting (issue 6 §3): something the jury
// relies on has been done with it.
type JuryLock string

const (
	// LockAssignment: the assignment is released, and each juror's list of
	// files comes from the mode and the number of reviewers per file.
	LockAssignment JuryLock = "assignment"
	// LockMeeting: the deliberation meeting has started, and its votes,
	// its agenda and its shortlists rest on the quorum, the secret ballot,
	// the disagreement threshold and the mention allotment.
	LockMeeting JuryLock = "meeting"
)

// LockedSettingsError refuses a change to locked jury settings; Fields
// holds each refused setting (by its JSON name, which the admin form also
// uses) with what locks it. It carries a conflict code and a French
// message for the callers that only know domain errors.
type LockedSettingsError struct {
	Fields map[string]JuryLock
}

func (e *LockedSettingsError) Error() string { return e.Unwrap().Error() }

func (e *LockedSettingsError) Unwrap() error {
	for _, lock := range e.Fields {
		if lock == LockAssignment {
			return domain.Errorf(domain.ECONFLICT, "Le mode de répartition et le nombre d'évaluateurs par dossier ne peuvent plus changer : l'attribution des dossiers a été publiée aux jurés.")
		}
	}
	return domain.Errorf(domain.ECONFLICT, "Le quorum, le vote à bulletin secret, le seuil de désaccord et le nombre de propositions par mention ne peuvent plus changer : la séance de délibération a commencé.")
}

// JurySettingsLocks returns the locked settings of an edition, by JSON
// name, for the page that shows them beside the fields.
func (db *DB) JurySettingsLocks(ctx context.Context, year int) (map[string]JuryLock, error) {
	var locks map[string]JuryLock
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		_, locks, err = db.jurySettingsState(ctx, tx, year)
		return err
	})
	return locks, err
}

// jurySettingsState reads an edition's settings as stored and what locks
// them. On PostgreSQL the edition's row stays locked until the transaction
// ends, so that a release or a meeting start (which lock it too) cannot
// slip in between the check and the write; SQLite has one writer.
func (db *DB) jurySettingsState(ctx context.Context, tx *sql.Tx, year int) (string, map[string]JuryLock, error) {
	var settings string
	var released, started bool
	err := tx.QueryRowContext(ctx, `SELECT e.jury_settings, e.assignments_released_at IS NOT NULL,
			EXISTS (SELECT 1 FROM meetings m WHERE m.year = e.year AND m.started_at IS NOT NULL)
		FROM editions e WHERE e.year = $1`+db.lockRow(), year).Scan(&settings, &released, &started)
	if err != nil {
		return "", nil, notFound(err, "Édition introuvable.")
	}
	locks := map[string]JuryLock{}
	for lock, on := range map[JuryLock]bool{LockAssignment: released, LockMeeting: started} {
		if on {
			for _, f := range juryLockedFields[lock] {
				locks[f] = lock
			}
		}
	}
	return settings, locks, nil
}

// lockRow is the clause that locks the rows a PostgreSQL query reads until
// the transaction ends; SQLite needs none, its writers taking turns.
func (db *DB) lockRow() string {
	if db.dialect.name == "postgres" {
		return " FOR UPDATE"
	}
	return ""
}

// juryLockedFields are the settings each lock holds, by JSON name.
var juryLockedFields = map[JuryLock][]string{
	LockAssignment: {"mode", "reviewers"},
	LockMeeting:    {"quorum", "secret_ballot", "std_dev_threshold", "mention_allotment"},
}

// lockedChanges returns the locked settings that now changes from was.
// Values compare as they apply, defaults filled in, so that a setting left
// empty for its default is no change.
func lockedChanges(was, now domain.JurySettings, locks map[string]JuryLock) map[string]JuryLock {
	was, now = was.WithDefaults(), now.WithDefaults()
	changed := map[string]bool{
		"mode":              was.Mode != now.Mode,
		"reviewers":         was.Reviewers != now.Reviewers,
		"quorum":            was.Quorum != now.Quorum,
		"secret_ballot":     was.SecretBallot != now.SecretBallot,
		"std_dev_threshold": was.StdDevThreshold != now.StdDevThreshold,
		"mention_allotment": was.MentionAllotment != now.MentionAllotment,
	}
	refused := map[string]JuryLock{}
	for field, lock := range locks {
		if changed[field] {
			refused[field] = lock
		}
	}
	return refused
}

// queryRows runs a query and reads each of its rows with scan, in order:
// the loop of the jury's lists, written once.
func queryRows[T any](ctx context.Context, q queryer, scan func(*sql.Rows, *T) error, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
