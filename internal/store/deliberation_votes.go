package store

// The votes of the meeting: the level vote by majority judgment and the
// confirmation vote on an override.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// The grades of a confirmation ballot (votes of kind 'override' or
// 'mention').
const (
	gradeAgainst = 0
	gradeFor     = 1
	gradeAbstain = 2
)

var choiceGrade = map[jury.ConfirmationChoice]int{
	jury.ConfirmAgainst: gradeAgainst, jury.ConfirmFor: gradeFor, jury.ConfirmAbstain: gradeAbstain,
}

// voteContext is what a ballot on a file is checked against.
type voteContext struct {
	d       *deliberation
	file    MeetingFile
	meeting *Meeting
	item    storedItem
	recused []int64
}

// loadVote checks that the file is the item on screen of a running
// meeting, and, for a voter (0: none), that they vote: a voting member,
// present, not recused.
func (db *DB) loadVote(ctx context.Context, tx *sql.Tx, applicationID, voter int64) (*voteContext, error) {
	var year int
	if err := tx.QueryRowContext(ctx, `SELECT year FROM applications WHERE id = $1`, applicationID).Scan(&year); err != nil {
		return nil, notFound(err, "Dossier introuvable.")
	}
	m, err := startedMeeting(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	d, err := db.loadDeliberation(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	v := &voteContext{d: d, meeting: m, recused: d.recused(applicationID)}
	var ok bool
	if v.file, ok = d.byID[applicationID]; !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "Dossier introuvable.")
	}
	var app sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT id, kind, application_id, status FROM agenda_items WHERE id = $1`,
		m.CurrentItem).Scan(&v.item.id, &v.item.kind, &app, &v.item.status)
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	if err == sql.ErrNoRows || app.Int64 != applicationID {
		return nil, ErrNotCurrentItem
	}
	v.item.app = app.Int64
	if voter == 0 {
		return v, nil
	}
	if !slices.Contains(d.voters, voter) {
		return nil, ErrNotVoter
	}
	if slices.Contains(v.recused, voter) {
		return nil, &jury.DeliberationError{Code: jury.DelibRecusedVoter, ApplicationID: applicationID, JurorID: voter}
	}
	var present bool
	err = tx.QueryRowContext(ctx, `SELECT present FROM attendance WHERE year = $1 AND user_id = $2`, year, voter).Scan(&present)
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	if !present {
		return nil, ErrAbsent
	}
	return v, nil
}

// loadBallot is loadVote for a voter's ballot, which goes only to an item
// still pending.
func (db *DB) loadBallot(ctx context.Context, tx *sql.Tx, applicationID, voter int64) (*voteContext, error) {
	v, err := db.loadVote(ctx, tx, applicationID, voter)
	if err != nil {
		return nil, err
	}
	if v.item.status != ItemPending {
		return nil, ErrItemDone
	}
	return v, nil
}

// CastVote records (or changes) a juror's grade in the level vote of the
// file on screen, while its item is pending. The grade is a level index
// of the file's track. Recused jurors, assessors, observers and absent
// members are refused; the ballot is checked by jury.CountLevelVote with
// the others, so that its refusals are the vote's own.
func (db *DB) CastVote(ctx context.Context, applicationID, userID int64, grade int) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := db.loadBallot(ctx, tx, applicationID, userID)
		if err != nil {
			return err
		}
		ballots, err := levelBallots(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		ballots = slices.DeleteFunc(ballots, func(b jury.LevelBallot) bool { return b.JurorID == userID })
		ballots = append(ballots, jury.LevelBallot{JurorID: userID, Level: grade})
		if _, err := jury.CountLevelVote(applicationID, ballots, jury.VoteRules{Levels: v.file.Levels, Quorum: 1}, v.recused); err != nil {
			return err
		}
		if err := putVote(ctx, tx, applicationID, "level", "", userID, grade, db.now()); err != nil {
			return err
		}
		if err := bumpRevision(ctx, tx, v.d.edition.Year); err != nil {
			return err
		}
		// The grade stays out of the log: under a secret ballot it must
		// not outlive the tally.
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: domain.Actor{ID: userID}, Action: "jury.vote",
			ObjectType: "application", ObjectID: fmt.Sprint(applicationID)})
	})
}

func putVote(ctx context.Context, tx *sql.Tx, applicationID int64, kind, mention string, userID int64, grade int, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO votes (application_id, kind, mention, user_id, grade, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (application_id, kind, mention, user_id)
		DO UPDATE SET grade = excluded.grade, created_at = excluded.created_at`,
		applicationID, kind, mention, userID, grade, now)
	return translate(err)
}

func levelBallots(ctx context.Context, q queryer, applicationID int64) ([]jury.LevelBallot, error) {
	return queryRows(ctx, q, func(rows *sql.Rows, b *jury.LevelBallot) error {
		return rows.Scan(&b.JurorID, &b.Level)
	}, `SELECT user_id, grade FROM votes WHERE application_id = $1 AND kind = 'level'
		ORDER BY user_id`, applicationID)
}

// LevelBallots lists the ballots of a file's level vote, by juror: the
// chair's screen shows who voted (and, under an open ballot, what); a
// juror's screen shows their own grade.
func (db *DB) LevelBallots(ctx context.Context, applicationID int64) ([]jury.LevelBallot, error) {
	return levelBallots(ctx, db.sql, applicationID)
}

// CountVote counts the level vote of a file as it stands, with the
// edition's quorum, leaving out the ballots of members recused or marked
// absent since they voted (they do not count, and jury.CountLevelVote
// would refuse them).
func (db *DB) CountVote(ctx context.Context, year int, applicationID int64) (jury.LevelVote, error) {
	var v jury.LevelVote
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.loadDeliberation(ctx, tx, year)
		if err != nil {
			return err
		}
		f, ok := d.byID[applicationID]
		if !ok {
			return domain.Errorf(domain.ENOTFOUND, "Dossier introuvable.")
		}
		v, err = countLevelVote(ctx, tx, d, f)
		return err
	})
	return v, err
}

func countLevelVote(ctx context.Context, tx *sql.Tx, d *deliberation, f MeetingFile) (jury.LevelVote, error) {
	ballots, err := levelBallots(ctx, tx, f.ID)
	if err != nil {
		return jury.LevelVote{}, err
	}
	valid, err := validBallots(ctx, tx, d, f.ID, ballots, func(b jury.LevelBallot) int64 { return b.JurorID })
	if err != nil {
		return jury.LevelVote{}, err
	}
	return jury.CountLevelVote(f.ID, valid, jury.VoteRules{Levels: max(f.Levels, 1), Quorum: d.quorum()}, d.recused(f.ID))
}

// validBallots keeps the ballots of voting members present and not
// recused from the file.
func validBallots[B any](ctx context.Context, tx *sql.Tx, d *deliberation, applicationID int64, ballots []B, juror func(B) int64) ([]B, error) {
	absent := map[int64]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT user_id FROM attendance WHERE year = $1 AND NOT present`, d.edition.Year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		absent[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	recused := d.recused(applicationID)
	return slices.DeleteFunc(ballots, func(b B) bool {
		id := juror(b)
		return absent[id] || slices.Contains(recused, id) || !slices.Contains(d.voters, id)
	}), nil
}

// ProposeOverride opens the confirmation vote on retaining another level
// than the median for the file on screen: the chair's own ballot "for"
// that level is the proposal (see the file comment).
func (db *DB) ProposeOverride(ctx context.Context, applicationID int64, level int, by domain.Actor) error {
	return db.castConfirmation(ctx, applicationID, by.ID, level, jury.ConfirmFor, "jury.override.propose")
}

// CastConfirmation records a juror's ballot in the confirmation vote on a
// proposed override of the file on screen.
func (db *DB) CastConfirmation(ctx context.Context, applicationID, userID int64, level int, choice jury.ConfirmationChoice) error {
	return db.castConfirmation(ctx, applicationID, userID, level, choice, "jury.override.vote")
}

func (db *DB) castConfirmation(ctx context.Context, applicationID, userID int64, level int, choice jury.ConfirmationChoice, action string) error {
	grade, ok := choiceGrade[choice]
	if !ok {
		return &jury.DeliberationError{Code: jury.DelibInvalidBallot, ApplicationID: applicationID, JurorID: userID, Detail: string(choice)}
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := db.loadBallot(ctx, tx, applicationID, userID)
		if err != nil {
			return err
		}
		if level < 0 || level >= v.file.Levels {
			return &jury.DeliberationError{Code: jury.DelibLevelOutOfRange, ApplicationID: applicationID, Level: level}
		}
		if action == "jury.override.vote" {
			proposed, err := proposedOverrides(ctx, tx, applicationID)
			if err != nil {
				return err
			}
			if !slices.Contains(proposed, level) {
				return ErrNoOverride
			}
		}
		if err := putVote(ctx, tx, applicationID, "override", strconv.Itoa(level), userID, grade, db.now()); err != nil {
			return err
		}
		if err := bumpRevision(ctx, tx, v.d.edition.Year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: domain.Actor{ID: userID}, Action: action,
			ObjectType: "application", ObjectID: fmt.Sprint(applicationID), After: fmt.Sprint(level)})
	})
}

// proposedOverrides lists the levels proposed for confirmation on a file.
func proposedOverrides(ctx context.Context, q queryer, applicationID int64) ([]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT mention FROM votes WHERE application_id = $1 AND kind = 'override'`,
		applicationID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if l, err := strconv.Atoi(s); err == nil {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out, rows.Err()
}

// Override is a proposed override of a file's level and its ballots.
type Override struct {
	Level   int
	Ballots map[int64]jury.ConfirmationChoice // by juror
}

// Overrides lists the overrides proposed on a file, by level.
func (db *DB) Overrides(ctx context.Context, applicationID int64) ([]Override, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT mention, user_id, grade FROM votes
		WHERE application_id = $1 AND kind = 'override' ORDER BY mention, user_id`, applicationID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		var s string
		var user int64
		var grade int
		if err := rows.Scan(&s, &user, &grade); err != nil {
			return nil, err
		}
		l, err := strconv.Atoi(s)
		if err != nil {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Level != l {
			out = append(out, Override{Level: l, Ballots: map[int64]jury.ConfirmationChoice{}})
		}
		for c, g := range choiceGrade {
			if g == grade {
				out[len(out)-1].Ballots[user] = c
			}
		}
	}
	return out, rows.Err()
}

func countConfirmation(ctx context.Context, tx *sql.Tx, d *deliberation, applicationID int64, level int) (jury.ConfirmationVote, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id, grade FROM votes WHERE application_id = $1
		AND kind = 'override' AND mention = $2 ORDER BY user_id`, applicationID, strconv.Itoa(level))
	if err != nil {
		return jury.ConfirmationVote{}, err
	}
	var ballots []jury.ConfirmationBallot
	for rows.Next() {
		var b jury.ConfirmationBallot
		var grade int
		if err := rows.Scan(&b.JurorID, &grade); err != nil {
			rows.Close()
			return jury.ConfirmationVote{}, err
		}
		for c, g := range choiceGrade {
			if g == grade {
				b.Choice = c
			}
		}
		ballots = append(ballots, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return jury.ConfirmationVote{}, err
	}
	valid, err := validBallots(ctx, tx, d, applicationID, ballots, func(b jury.ConfirmationBallot) int64 { return b.JurorID })
	if err != nil {
		return jury.ConfirmationVote{}, err
	}
	return jury.CountConfirmation(applicationID, 0, valid, d.quorum(), d.recused(applicationID))
}
