package store

// The live meeting: its start, the item on screen, attendance, and the
// revision every screen in the room watches.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"tnl/internal/domain"
)

// Meeting is the live state of an edition's deliberation meeting.
type Meeting struct {
	Year        int
	CurrentItem int64 // 0: none on screen
	Revision    int64 // bumped by every change a screen shows
	StartedAt   *time.Time
	EndedAt     *time.Time
	Present     map[int64]bool // voting members by user id: true present, false absent
}

func meetingIn(ctx context.Context, q queryer, year int) (*Meeting, error) {
	m := &Meeting{Year: year, Present: map[int64]bool{}}
	var current sql.NullInt64
	var started, ended sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT current_item, revision, started_at, ended_at FROM meetings
		WHERE year = $1`, year).Scan(&current, &m.Revision, &started, &ended)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	m.CurrentItem, m.StartedAt, m.EndedAt = current.Int64, nullTime(started), nullTime(ended)
	return m, nil
}

// MeetingState returns the meeting of an edition with its attendance, or
// ErrNoMeeting before it starts.
func (db *DB) MeetingState(ctx context.Context, year int) (*Meeting, error) {
	m, err := meetingIn(ctx, db.sql, year)
	if err != nil {
		return nil, err
	}
	if m == nil || m.StartedAt == nil {
		return nil, ErrNoMeeting
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT user_id, present FROM attendance WHERE year = $1`, year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var present bool
		if err := rows.Scan(&id, &present); err != nil {
			return nil, err
		}
		m.Present[id] = present
	}
	return m, rows.Err()
}

// MeetingRevision is the meeting's revision, 0 before it starts: the one
// cheap read that the screens' event streams repeat.
func (db *DB) MeetingRevision(ctx context.Context, year int) (int64, error) {
	var rev int64
	err := db.sql.QueryRowContext(ctx, `SELECT revision FROM meetings WHERE year = $1`, year).Scan(&rev)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return rev, translate(err)
}

func bumpRevision(ctx context.Context, tx *sql.Tx, year int) error {
	_, err := tx.ExecContext(ctx, `UPDATE meetings SET revision = revision + 1 WHERE year = $1`, year)
	return err
}

// StartMeeting opens the meeting of an edition in deliberation: the first
// pending item goes on screen and every voting member is marked present
// (the chair then marks the absent).
func (db *DB) StartMeeting(ctx context.Context, year int, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		// The start locks settings (SaveJurySettings): the edition's row
		// orders it with a change to them made at the same moment.
		var locked int
		if err := tx.QueryRowContext(ctx, `SELECT year FROM editions WHERE year = $1`+db.lockRow(), year).Scan(&locked); err != nil {
			return notFound(err, "Édition introuvable.")
		}
		if err := checkUnsealed(ctx, tx, year); err != nil {
			return err
		}
		d, err := db.loadDeliberation(ctx, tx, year)
		if err != nil {
			return err
		}
		if d.edition.Phase != domain.PhaseDeliberation {
			return ErrNotDeliberating
		}
		m, err := meetingIn(ctx, tx, year)
		if err != nil {
			return err
		}
		if m != nil && m.StartedAt != nil {
			return domain.Errorf(domain.ECONFLICT, "La séance est déjà ouverte.")
		}
		var first sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT id FROM agenda_items WHERE year = $1 AND status = 'pending'
			ORDER BY position, id LIMIT 1`, year).Scan(&first)
		if err == sql.ErrNoRows {
			return ErrEmptyAgenda
		} else if err != nil {
			return err
		}
		now := db.now()
		if m == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO meetings (year, current_item, revision, started_at)
				VALUES ($1, $2, 1, $3)`, year, first, now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE meetings SET current_item = $1, revision = revision + 1,
				started_at = $2 WHERE year = $3`, first, now, year)
		}
		if err != nil {
			return translate(err)
		}
		for _, id := range d.voters {
			if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (year, user_id, present, updated_at)
				VALUES ($1, $2, TRUE, $3) ON CONFLICT (year, user_id) DO NOTHING`, year, id, now); err != nil {
				return translate(err)
			}
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.meeting.start", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{"item": first.Int64, "present": d.voters})})
	})
}

// SetCurrentItem puts an agenda item on every screen. A decided or
// postponed item may be called back, to read it or, with ReopenItem, to
// vote again.
func (db *DB) SetCurrentItem(ctx context.Context, year int, itemID int64, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		m, err := startedMeeting(ctx, tx, year)
		if err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM agenda_items WHERE id = $1 AND year = $2)`,
			itemID, year).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.ENOTFOUND, "Point de l'ordre du jour introuvable.")
		}
		if m.CurrentItem == itemID {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meetings SET current_item = $1, revision = revision + 1
			WHERE year = $2`, itemID, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.meeting.item", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), Before: fmt.Sprint(m.CurrentItem), After: fmt.Sprint(itemID)})
	})
}

// ReopenItem puts the item on screen, decided or postponed, back to the
// vote: ballots are accepted again and the next decision replaces the
// recorded one, which stays until then.
func (db *DB) ReopenItem(ctx context.Context, year int, itemID int64, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		m, err := startedMeeting(ctx, tx, year)
		if err != nil {
			return err
		}
		if m.CurrentItem != itemID {
			return ErrNotCurrentItem
		}
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM agenda_items WHERE id = $1`, itemID).Scan(&status); err != nil {
			return notFound(err, "Point de l'ordre du jour introuvable.")
		}
		if status == ItemPending {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET status = 'pending' WHERE id = $1`, itemID); err != nil {
			return err
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.meeting.reopen", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), Before: status, After: fmt.Sprint(itemID)})
	})
}

// startedMeeting reads the meeting in tx and checks that it is running in
// an edition in deliberation, not sealed. Every change made during the
// meeting — the item on screen, attendance, votes, decisions, mentions —
// starts here, so none gets past the seal.
func startedMeeting(ctx context.Context, tx *sql.Tx, year int) (*Meeting, error) {
	if err := checkUnsealed(ctx, tx, year); err != nil {
		return nil, err
	}
	var phase domain.Phase
	if err := tx.QueryRowContext(ctx, `SELECT phase FROM editions WHERE year = $1`, year).Scan(&phase); err != nil {
		return nil, notFound(err, "Édition introuvable.")
	}
	if phase != domain.PhaseDeliberation {
		return nil, ErrNotDeliberating
	}
	m, err := meetingIn(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	if m == nil || m.StartedAt == nil {
		return nil, ErrNoMeeting
	}
	return m, nil
}

// SetAttendance marks a voting member present or absent. An absent member
// cannot vote and does not count towards the quorum.
func (db *DB) SetAttendance(ctx context.Context, year int, userID int64, present bool, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := startedMeeting(ctx, tx, year); err != nil {
			return err
		}
		voters, err := votingMembers(ctx, tx, year)
		if err != nil {
			return err
		}
		if !slices.Contains(voters, userID) {
			return ErrNotVoter
		}
		var before sql.NullBool
		err = tx.QueryRowContext(ctx, `SELECT present FROM attendance WHERE year = $1 AND user_id = $2`, year, userID).Scan(&before)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if before.Valid && before.Bool == present {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (year, user_id, present, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (year, user_id) DO UPDATE SET present = excluded.present, updated_at = excluded.updated_at`,
			year, userID, present, db.now()); err != nil {
			return translate(err)
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.meeting.attendance", ObjectType: "user",
			ObjectID: fmt.Sprint(userID), Before: fmt.Sprint(before.Bool), After: fmt.Sprint(present)})
	})
}
