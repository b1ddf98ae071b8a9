package store

// Feedback letters (jury.md §8, issue 6 §8): the rapporteur of a file
// drafts one letter to the applicant from the applicant-visible texts of
// the reviews, so that the jury speaks with one voice and no juror is
// named; the president approves it; it is published with the results.
// Every save is audited with its text, so earlier versions can be found.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"tnl/internal/domain"
)

// FeedbackLetter is the letter to the applicant of one file.
type FeedbackLetter struct {
	ApplicationID int64
	Body          string
	Version       int // 1 for the first save
	DraftedBy     int64
	DraftedByName string
	DraftedAt     time.Time
	ApprovedBy    int64
	ApprovedName  string
	ApprovedAt    *time.Time
}

// Approved reports whether the president approved this version.
func (l *FeedbackLetter) Approved() bool { return l.ApprovedAt != nil }

// MaxLetterText bounds a letter, in characters.
const MaxLetterText = 20000

// ErrStaleLetter is a save or an approval made from an older version than
// the one stored: someone saved in between, and nothing is overwritten.
var ErrStaleLetter = &domain.Error{Code: domain.ECONFLICT,
	Message: "La lettre a été modifiée entre-temps : relisez la version actuelle avant de continuer."}

const letterColumns = `l.application_id, l.body, l.version, l.drafted_by, COALESCE(NULLIF(d.name, ''), d.email),
	l.drafted_at, COALESCE(l.approved_by, 0), COALESCE(NULLIF(a.name, ''), a.email, ''), l.approved_at`

const letterFrom = ` FROM feedback_letters l JOIN users d ON d.id = l.drafted_by LEFT JOIN users a ON a.id = l.approved_by`

func scanLetter(row interface{ Scan(...any) error }) (*FeedbackLetter, error) {
	var l FeedbackLetter
	var approved sql.NullTime
	if err := row.Scan(&l.ApplicationID, &l.Body, &l.Version, &l.DraftedBy, &l.DraftedByName, &l.DraftedAt,
		&l.ApprovedBy, &l.ApprovedName, &approved); err != nil {
		return nil, err
	}
	l.DraftedAt, l.ApprovedAt = l.DraftedAt.UTC(), nullTime(approved)
	return &l, nil
}

// FeedbackLetter returns the letter of a file, or a not-found error when
// none was drafted.
func (db *DB) FeedbackLetter(ctx context.Context, applicationID int64) (*FeedbackLetter, error) {
	l, err := scanLetter(db.sql.QueryRowContext(ctx, `SELECT `+letterColumns+letterFrom+` WHERE l.application_id = $1`, applicationID))
	if err != nil {
		return nil, notFound(err, "Aucune lettre n'a encore été rédigée pour ce dossier.")
	}
	return l, nil
}

// LetterLine is one file of an edition with its rapporteur and letter, for
// the list of letters to write and approve.
type LetterLine struct {
	ApplicationID int64
	Body          string
	Rapporteur    int64 // 0 when the file has none
	RapporteurOf  string
	Version       int // 0: no letter yet
	Approved      bool
}

// LetterLines lists the submitted files of an edition, by body name, with
// their rapporteur and the state of their letter. Callers leave out the
// files a reader may not see.
func (db *DB) LetterLines(ctx context.Context, year int) ([]LetterLine, error) {
	return queryRows(ctx, db.sql, func(rows *sql.Rows, l *LetterLine) error {
		return rows.Scan(&l.ApplicationID, &l.Body, &l.Rapporteur, &l.RapporteurOf, &l.Version, &l.Approved)
	}, `SELECT a.id, b.name, COALESCE(s.user_id, 0),
			COALESCE(NULLIF(u.name, ''), u.email, ''), COALESCE(l.version, 0), l.approved_at IS NOT NULL
		FROM applications a JOIN bodies b ON b.id = a.body_id
		LEFT JOIN assignments s ON s.application_id = a.id AND s.rapporteur
		LEFT JOIN users u ON u.id = s.user_id
		LEFT JOIN feedback_letters l ON l.application_id = a.id
		WHERE a.year = $1 AND a.status = 'submitted'
		ORDER BY b.name, a.id`, year)
}

// Rapporteur returns the rapporteur of a file once assignments are
// released, or 0.
func (db *DB) Rapporteur(ctx context.Context, applicationID int64) (int64, error) {
	return rapporteurOf(ctx, db.sql, applicationID)
}

func rapporteurOf(ctx context.Context, q queryer, applicationID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT s.user_id FROM assignments s
		JOIN applications a ON a.id = s.application_id
		JOIN editions e ON e.year = a.year AND e.assignments_released_at IS NOT NULL
		WHERE s.application_id = $1 AND s.rapporteur`, applicationID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, translate(err)
}

// fileEditionPhase returns the phase of a file's edition, or a not-found
// error for an unknown file.
func fileEditionPhase(ctx context.Context, q queryer, applicationID int64) (domain.Phase, error) {
	var p domain.Phase
	err := q.QueryRowContext(ctx, `SELECT e.phase FROM applications a JOIN editions e ON e.year = a.year
		WHERE a.id = $1`, applicationID).Scan(&p)
	if err != nil {
		return "", notFound(err, "Dossier introuvable.")
	}
	return p, nil
}

// letterPhase refuses changes to letters once the results are published:
// the letter goes out with them (the next issue publishes it).
func letterPhase(ctx context.Context, q queryer, applicationID int64) error {
	p, err := fileEditionPhase(ctx, q, applicationID)
	if err != nil {
		return err
	}
	if !p.AtLeast(domain.PhaseDiscussion) || p.AtLeast(domain.PhasePublished) {
		return domain.Errorf(domain.ECONFLICT, "Les lettres se rédigent et s'approuvent de la discussion jusqu'à la publication des résultats.")
	}
	return nil
}

// SaveFeedbackLetter saves the rapporteur's letter, from the version they
// read (0 for the first draft): a save from an older version is refused
// with ErrStaleLetter. Any change withdraws the president's approval.
func (db *DB) SaveFeedbackLetter(ctx context.Context, applicationID int64, body string, baseVersion int, by domain.Actor) (*FeedbackLetter, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if body == "" || utf8.RuneCountInString(body) > MaxLetterText {
		return nil, domain.Errorf(domain.EINVALID, "La lettre est vide ou dépasse %d caractères.", MaxLetterText)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := letterPhase(ctx, tx, applicationID); err != nil {
			return err
		}
		if r, err := rapporteurOf(ctx, tx, applicationID); err != nil {
			return err
		} else if r == 0 || r != by.ID {
			return domain.Errorf(domain.EFORBIDDEN, "Seul le rapporteur du dossier rédige sa lettre.")
		}
		var current int
		err := tx.QueryRowContext(ctx, `SELECT version FROM feedback_letters WHERE application_id = $1`, applicationID).Scan(&current)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if current != baseVersion {
			return ErrStaleLetter
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_letters (application_id, body, version, drafted_by, drafted_at)
			VALUES ($1, $2, 1, $3, $4)
			ON CONFLICT (application_id) DO UPDATE SET body = excluded.body, version = feedback_letters.version + 1,
				drafted_by = excluded.drafted_by, drafted_at = excluded.drafted_at, approved_by = NULL, approved_at = NULL`,
			applicationID, body, by.ID, now); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.letter.save", ObjectType: "application",
			ObjectID: fmt.Sprint(applicationID), After: snapshot(map[string]any{"version": current + 1, "body": body})})
	})
	if err != nil {
		return nil, err
	}
	return db.FeedbackLetter(ctx, applicationID)
}

// ApproveFeedbackLetter records the approval of the version the approver
// read. The web layer decides who approves (the president, or the
// vice-president for a file the president is recused from); the store
// checks that they chair the jury at all.
func (db *DB) ApproveFeedbackLetter(ctx context.Context, applicationID int64, version int, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := letterPhase(ctx, tx, applicationID); err != nil {
			return err
		}
		var chairs int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM jury_members j JOIN applications a ON a.year = j.year
			WHERE a.id = $1 AND j.user_id = $2 AND j.role IN ('president', 'vice_president')`,
			applicationID, by.ID).Scan(&chairs); err != nil {
			return err
		}
		if chairs == 0 {
			return domain.Errorf(domain.EFORBIDDEN, "Seul le président du jury approuve les lettres.")
		}
		var current int
		var approved sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT version, approved_at FROM feedback_letters WHERE application_id = $1`,
			applicationID).Scan(&current, &approved)
		if err != nil {
			return notFound(err, "Aucune lettre n'a encore été rédigée pour ce dossier.")
		}
		if current != version {
			return ErrStaleLetter
		}
		if approved.Valid {
			return domain.Errorf(domain.ECONFLICT, "Cette version de la lettre est déjà approuvée.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE feedback_letters SET approved_by = $1, approved_at = $2
			WHERE application_id = $3`, by.ID, db.now(), applicationID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.letter.approve", ObjectType: "application",
			ObjectID: fmt.Sprint(applicationID), After: snapshot(map[string]any{"version": version})})
	})
}
