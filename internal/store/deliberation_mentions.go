package store

// The special mentions in the meeting: the confirmation vote on each
// nominee of the mention on screen, and the award.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// mentionContext checks that itemID is the mention item on screen of a
// running meeting, and loads its shortlist and who is out of the room.
type mentionContext struct {
	d        *deliberation
	item     storedItem
	mention  string
	id       int64 // the mention's number in the edition's list, from 1
	nominees []int64
	recused  []int64 // recused from any nominee: out of the room for the item
}

func (db *DB) loadMention(ctx context.Context, tx *sql.Tx, year int, itemID int64) (*mentionContext, error) {
	m, err := startedMeeting(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	if m.CurrentItem != itemID {
		return nil, ErrNotCurrentItem
	}
	c := &mentionContext{item: storedItem{id: itemID}}
	err = tx.QueryRowContext(ctx, `SELECT kind, mention, status FROM agenda_items WHERE id = $1 AND year = $2`,
		itemID, year).Scan(&c.item.kind, &c.mention, &c.item.status)
	if err != nil {
		return nil, notFound(err, "Point de l'ordre du jour introuvable.")
	}
	if c.item.kind != AgendaMention {
		return nil, ErrNotCurrentItem
	}
	if c.d, err = db.loadDeliberation(ctx, tx, year); err != nil {
		return nil, err
	}
	c.id = int64(slices.Index(c.d.edition.Mentions, c.mention) + 1)
	_, reviews, err := db.scores(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	lists, err := c.d.shortlists(reviews)
	if err != nil {
		return nil, err
	}
	c.nominees = lists[c.mention]
	for _, id := range c.nominees {
		c.recused = append(c.recused, c.d.recused(id)...)
	}
	slices.Sort(c.recused)
	c.recused = slices.Compact(c.recused)
	return c, nil
}

// CastMentionVote records a juror's ballot on awarding the mention of the
// item on screen to one of its nominees. A juror recused from any nominee
// is out of the room for the whole mention and cannot vote on it.
func (db *DB) CastMentionVote(ctx context.Context, year int, itemID, applicationID, userID int64, choice jury.ConfirmationChoice) error {
	grade, ok := choiceGrade[choice]
	if !ok {
		return &jury.DeliberationError{Code: jury.DelibInvalidBallot, ApplicationID: applicationID, JurorID: userID, Detail: string(choice)}
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		c, err := db.loadMention(ctx, tx, year, itemID)
		if err != nil {
			return err
		}
		if c.item.status != ItemPending {
			return ErrItemDone
		}
		if !slices.Contains(c.nominees, applicationID) {
			return &jury.DeliberationError{Code: jury.DelibUnknownFile, MentionID: c.id, ApplicationID: applicationID}
		}
		if !slices.Contains(c.d.voters, userID) {
			return ErrNotVoter
		}
		if slices.Contains(c.recused, userID) {
			return &jury.DeliberationError{Code: jury.DelibRecusedVoter, ApplicationID: applicationID, JurorID: userID, MentionID: c.id}
		}
		var present bool
		err = tx.QueryRowContext(ctx, `SELECT present FROM attendance WHERE year = $1 AND user_id = $2`, year, userID).Scan(&present)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if !present {
			return ErrAbsent
		}
		if err := putVote(ctx, tx, applicationID, "mention", c.mention, userID, grade, db.now()); err != nil {
			return err
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: domain.Actor{ID: userID}, Action: "jury.mention.vote",
			ObjectType: "application", ObjectID: fmt.Sprint(applicationID), After: c.mention})
	})
}

// MentionBallots returns the ballots on a mention, by nominee then juror.
func (db *DB) MentionBallots(ctx context.Context, mention string, nominees []int64) (map[int64]map[int64]jury.ConfirmationChoice, error) {
	out := map[int64]map[int64]jury.ConfirmationChoice{}
	for _, app := range nominees {
		rows, err := db.sql.QueryContext(ctx, `SELECT user_id, grade FROM votes WHERE application_id = $1
			AND kind = 'mention' AND mention = $2`, app, mention)
		if err != nil {
			return nil, translate(err)
		}
		out[app] = map[int64]jury.ConfirmationChoice{}
		for rows.Next() {
			var user int64
			var grade int
			if err := rows.Scan(&user, &grade); err != nil {
				rows.Close()
				return nil, err
			}
			for c, g := range choiceGrade {
				if g == grade {
					out[app][user] = c
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AwardMention closes the vote on the mention of the item on screen: each
// nominee whose confirmation vote is adopted (jury.CountConfirmation, with
// the edition's quorum) gets the mention in its decision. If any nominee's
// vote lacks the quorum nothing is awarded and the item is postponed.
// Closing again (after ReopenItem) replaces the previous award. A nominee needs a decision on its level first. It returns the
// files awarded.
func (db *DB) AwardMention(ctx context.Context, year int, itemID int64, by domain.Actor) ([]int64, error) {
	var awarded []int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		c, err := db.loadMention(ctx, tx, year, itemID)
		if err != nil {
			return err
		}
		if c.item.status != ItemPending {
			return ErrItemDone
		}
		status := ItemDecided
		for _, app := range c.nominees {
			ballots, err := mentionBallots(ctx, tx, app, c.mention)
			if err != nil {
				return err
			}
			valid, err := validBallots(ctx, tx, c.d, app, ballots, func(b jury.ConfirmationBallot) int64 { return b.JurorID })
			if err != nil {
				return err
			}
			valid = slices.DeleteFunc(valid, func(b jury.ConfirmationBallot) bool { return slices.Contains(c.recused, b.JurorID) })
			v, err := jury.CountConfirmation(app, c.id, valid, c.d.quorum(), c.recused)
			if err != nil {
				return err
			}
			switch v.Outcome {
			case jury.VoteNoQuorum:
				status = ItemPostponed
			case jury.VoteAdopted:
				awarded = append(awarded, app)
			}
		}
		if status == ItemPostponed {
			awarded = nil
		}
		decisions, err := db.queryDecisions(ctx, tx, `year = $1`, year)
		if err != nil {
			return err
		}
		for _, app := range awarded {
			if !slices.ContainsFunc(decisions, func(d domain.Decision) bool { return d.ApplicationID == app }) {
				return domain.Errorf(domain.ECONFLICT, "Le niveau de « %s » n'est pas encore décidé : traitez ce dossier avant la mention.", c.d.byID[app].Body)
			}
		}
		for _, d := range decisions {
			has, gets := slices.Contains(d.Mentions, c.mention), slices.Contains(awarded, d.ApplicationID)
			if has == gets {
				continue
			}
			if gets {
				d.Mentions = append(d.Mentions, c.mention)
			} else {
				d.Mentions = slices.DeleteFunc(d.Mentions, func(m string) bool { return m == c.mention })
			}
			if _, err := tx.ExecContext(ctx, `UPDATE decisions SET mentions = $1 WHERE application_id = $2`,
				strings.Join(d.Mentions, "\n"), d.ApplicationID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET status = $1 WHERE id = $2`, status, itemID); err != nil {
			return err
		}
		if c.d.edition.Jury.SecretBallot && status == ItemDecided {
			if _, err := tx.ExecContext(ctx, `DELETE FROM votes WHERE kind = 'mention' AND mention = $1 AND application_id IN
				(SELECT id FROM applications WHERE year = $2)`, c.mention, year); err != nil {
				return err
			}
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.mention.award", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{"mention": c.mention, "awarded": awarded, "status": status})})
	})
	return awarded, err
}

func mentionBallots(ctx context.Context, tx *sql.Tx, applicationID int64, mention string) ([]jury.ConfirmationBallot, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id, grade FROM votes WHERE application_id = $1 AND kind = 'mention'
		AND mention = $2 ORDER BY user_id`, applicationID, mention)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []jury.ConfirmationBallot
	for rows.Next() {
		var b jury.ConfirmationBallot
		var grade int
		if err := rows.Scan(&b.JurorID, &grade); err != nil {
			return nil, err
		}
		for c, g := range choiceGrade {
			if g == grade {
				b.Choice = c
			}
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
