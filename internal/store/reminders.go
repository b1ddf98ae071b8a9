package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"tnl/internal/domain"
)

// Reminders go to the bodies whose application is still a draft, a chosen
// number of days before an edition's deadline. A row in
// reminder_deliveries, written in the same transaction as the reminder's
// mails, makes each reminder go once per application whatever happens.

// Reminder is one reminder day of an edition with what it sent.
type Reminder struct {
	DaysBefore int
	SentAt     *time.Time // the first delivery; nil until then
	Deliveries int        // applications reminded
}

// SetReminderDays replaces the days before the deadline at which an
// edition's drafts are reminded. A day that stays keeps its deliveries; a
// day removed loses them, so adding it back would remind again.
func (db *DB) SetReminderDays(ctx context.Context, year int, days []int, by domain.Actor) error {
	days = slices.Clone(days)
	slices.Sort(days)
	days = slices.Compact(days)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		before, err := reminderDays(ctx, tx, year)
		if err != nil {
			return err
		}
		for _, d := range before {
			if slices.Contains(days, d) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM reminders WHERE year = $1 AND days_before = $2`, year, d); err != nil {
				return err
			}
		}
		for _, d := range days {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reminders (year, days_before) VALUES ($1, $2)
				ON CONFLICT (year, days_before) DO NOTHING`, year, d); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "edition.reminders",
			ObjectType: "edition", ObjectID: fmt.Sprint(year),
			Before: snapshot(map[string]any{"days": before}), After: snapshot(map[string]any{"days": days})})
	})
}

// ReminderDays returns an edition's reminder days, the earliest reminder
// (the most days before the deadline) first.
func (db *DB) ReminderDays(ctx context.Context, year int) ([]int, error) {
	return reminderDays(ctx, db.sql, year)
}

func reminderDays(ctx context.Context, q queryer, year int) ([]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT days_before FROM reminders WHERE year = $1 ORDER BY days_before DESC`, year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	days := []int{}
	for rows.Next() {
		var d int
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		days = append(days, d)
	}
	return days, rows.Err()
}

// Reminders returns an edition's reminders with what each has sent, the
// earliest first.
func (db *DB) Reminders(ctx context.Context, year int) ([]Reminder, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT r.days_before, r.sent_at,
		(SELECT COUNT(*) FROM reminder_deliveries d WHERE d.reminder_id = r.id)
		FROM reminders r WHERE r.year = $1 ORDER BY r.days_before DESC`, year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []Reminder
	for rows.Next() {
		var r Reminder
		var sent sql.NullTime
		if err := rows.Scan(&r.DaysBefore, &sent, &r.Deliveries); err != nil {
			return nil, err
		}
		r.SentAt = nullTime(sent)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReminderDue is the first instant a reminder days before a deadline may
// go: midnight in Paris that many calendar days before the first refused
// instant, so that "7" leaves seven whole days whatever the daylight-saving
// offset.
func ReminderDue(closesAt time.Time, days int) time.Time {
	return closesAt.In(domain.Paris).AddDate(0, 0, -days).UTC()
}

// dueReminder is a reminder whose time has come.
type dueReminder struct {
	id         int64
	year, days int
}

// dueReminders lists the reminders to send at now. Each reminder is due
// from its own time until the next, later one's time (or the deadline):
// if the reminders of 30 and 7 days were both missed — set late, or the
// server was down — only the latest one goes, rather than two at once.
func (db *DB) dueReminders(ctx context.Context, now time.Time) ([]dueReminder, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT r.id, r.year, r.days_before, e.closes_at
		FROM reminders r JOIN editions e ON e.year = r.year
		WHERE e.closes_at IS NOT NULL AND e.closes_at > $1
		ORDER BY r.year, r.days_before`, now)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var due []dueReminder
	until := map[int]time.Time{} // per edition, when the window of the reminder just read ends
	for rows.Next() {
		var d dueReminder
		var closes time.Time
		if err := rows.Scan(&d.id, &d.year, &d.days, &closes); err != nil {
			return nil, err
		}
		end, ok := until[d.year]
		if !ok {
			end = closes
		}
		from := ReminderDue(closes, d.days)
		if !now.Before(from) && now.Before(end) {
			due = append(due, d)
		}
		until[d.year] = from
	}
	return due, rows.Err()
}

// SendDueReminders sends every reminder whose time has come to each
// application of its edition still in draft that it has not reached yet,
// with the mails build makes for it, and returns how many applications
// were reminded. Each application is reminded in its own transaction,
// which writes the delivery row and queues the mails together: a crash
// never sends twice nor skips one, and a second call sends nothing.
//
// build runs outside any transaction, so it may read the database. It
// returns nil when it could not build the mails (the application is tried
// again at the next call) and an empty list when there is nobody to tell
// (the reminder counts as delivered).
func (db *DB) SendDueReminders(ctx context.Context, now time.Time,
	build func(app *domain.Application, daysBefore int) []*domain.OutboxMail) (int, error) {
	due, err := db.dueReminders(ctx, now)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range due {
		apps, err := db.queryApplications(ctx, applicationSelect+` WHERE a.year = $1 AND a.status = 'draft'
			AND NOT EXISTS (SELECT 1 FROM reminder_deliveries d WHERE d.reminder_id = $2 AND d.application_id = a.id)
			ORDER BY a.id`, r.year, r.id)
		if err != nil {
			return sent, err
		}
		for _, app := range apps {
			mails := build(app, r.days)
			if mails == nil {
				continue
			}
			done, err := db.deliverReminder(ctx, r.id, app.ID, now, mails)
			if err != nil {
				return sent, err
			}
			if done {
				sent++
			}
		}
	}
	return sent, nil
}

// deliverReminder records that a reminder reached an application and
// queues its mails, unless another sender got there first or the
// application was submitted meanwhile.
func (db *DB) deliverReminder(ctx context.Context, reminderID, applicationID int64, now time.Time, mails []*domain.OutboxMail) (bool, error) {
	done := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO reminder_deliveries (reminder_id, application_id)
			SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT) WHERE EXISTS (SELECT 1 FROM applications WHERE id = $2 AND status = 'draft')
			ON CONFLICT (reminder_id, application_id) DO NOTHING`, reminderID, applicationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reminders SET sent_at = $1 WHERE id = $2 AND sent_at IS NULL`,
			now.UTC().Truncate(time.Microsecond), reminderID); err != nil {
			return err
		}
		done = true
		return db.enqueueAll(ctx, tx, mails)
	})
	if err != nil {
		done = false
	}
	return done, err
}
