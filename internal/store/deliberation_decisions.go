package store

// The decisions of the deliberation: how they are kept (the tally with
// who voted and who was recused), read, and recorded from the level vote
// of the file on screen.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// decisionTally is the JSON kept in decisions.tally: the grade counts and,
// because the schema has no columns for them, who voted and who was
// recused when the decision was taken, so that the minutes record the
// meeting as it was, not as the conflicts register reads later.
type decisionTally struct {
	Grades  map[int]int `json:"grades"`
	Voters  []int64     `json:"voters,omitempty"`
	Recused []int64     `json:"recused,omitempty"`
}

const decisionColumns = `application_id, year, level, median, tally, override_reason, mentions, status,
	decided_by, decided_at`

func scanDecision(row interface{ Scan(...any) error }) (*domain.Decision, error) {
	var d domain.Decision
	var level, median, by sql.NullInt64
	var tally, mentions string
	if err := row.Scan(&d.ApplicationID, &d.Year, &level, &median, &tally, &d.OverrideReason, &mentions,
		&d.Status, &by, &d.DecidedAt); err != nil {
		return nil, err
	}
	d.Level, d.Median = nullInt(level), nullInt(median)
	var t decisionTally
	if err := json.Unmarshal([]byte(tally), &t); err != nil {
		return nil, fmt.Errorf("decision %d: tally: %w", d.ApplicationID, err)
	}
	d.Tally, d.Voters, d.Recused = t.Grades, t.Voters, t.Recused
	if d.Tally == nil {
		d.Tally = map[int]int{}
	}
	if mentions != "" {
		d.Mentions = strings.Split(mentions, "\n") // one mention name a line, as in reviews
	}
	d.DecidedBy = by.Int64
	d.DecidedAt = d.DecidedAt.UTC()
	return &d, nil
}

func nullInt(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	i := int(v.Int64)
	return &i
}

// Decisions lists an edition's decisions, by file: the drafts of the
// meeting (a nil Level is a file postponed for want of quorum), then
// sealed and published ones. Who may read them is domain.Can's
// (ActSeeDecisions), asked by the caller, which also leaves out the files
// a reader is recused from.
func (db *DB) Decisions(ctx context.Context, year int) ([]domain.Decision, error) {
	return db.queryDecisions(ctx, db.sql, `year = $1`, year)
}

// queryDecisions reads the decisions matching where, by file, with q (a
// transaction when the caller needs a consistent read).
func (db *DB) queryDecisions(ctx context.Context, q queryer, where string, args ...any) ([]domain.Decision, error) {
	return queryRows(ctx, q, func(rows *sql.Rows, d *domain.Decision) error {
		read, err := scanDecision(rows)
		if err == nil {
			*d = *read
		}
		return err
	}, `SELECT `+decisionColumns+` FROM decisions WHERE `+where+`
		ORDER BY application_id`, args...)
}

// Decision returns the decision on one file, or a not-found error.
func (db *DB) Decision(ctx context.Context, applicationID int64) (*domain.Decision, error) {
	d, err := scanDecision(db.sql.QueryRowContext(ctx, `SELECT `+decisionColumns+` FROM decisions
		WHERE application_id = $1`, applicationID))
	if err != nil {
		return nil, notFound(err, "Décision introuvable.")
	}
	return d, nil
}

// SaveDecision records the jury's decision on the file on screen from its
// level vote, as a draft. Without quorum no level is decided: the decision
// is stored with a nil Level and the item is postponed. Otherwise level
// must be the vote's median, or another level with a written reason and
// an adopted confirmation vote (jury.DecideLevel's refusals, EINVALID for
// the reason). The item must be pending: to decide again, ReopenItem
// first; the file's mentions are kept. It returns the decision stored.
func (db *DB) SaveDecision(ctx context.Context, year int, applicationID int64, level int, reason string, by domain.Actor) (*domain.Decision, error) {
	var out *domain.Decision
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := db.loadVote(ctx, tx, applicationID, 0)
		if err != nil {
			return err
		}
		if v.d.edition.Year != year {
			return domain.Errorf(domain.ENOTFOUND, "Dossier introuvable.")
		}
		if v.item.status != ItemPending {
			return ErrItemDone
		}
		vote, err := countLevelVote(ctx, tx, v.d, v.file)
		if err != nil {
			return err
		}
		dec := &domain.Decision{ApplicationID: applicationID, Year: year, Tally: map[int]int{},
			Recused: v.recused, Status: domain.DecisionDraft, DecidedBy: by.ID, DecidedAt: db.now()}
		for l, n := range vote.Tally {
			if n > 0 {
				dec.Tally[l] = n
			}
		}
		ballots, err := levelBallots(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		valid, err := validBallots(ctx, tx, v.d, applicationID, ballots, func(b jury.LevelBallot) int64 { return b.JurorID })
		if err != nil {
			return err
		}
		for _, b := range valid {
			dec.Voters = append(dec.Voters, b.JurorID)
		}
		status, action := ItemPostponed, "jury.decision.postpone"
		if vote.Outcome == jury.VoteDecided {
			var confirmation *jury.ConfirmationVote
			if level != vote.Median {
				c, err := countConfirmation(ctx, tx, v.d, applicationID, level)
				if err != nil {
					return err
				}
				confirmation = &c
			}
			ld, err := jury.DecideLevel(vote, level, reason, confirmation)
			if err != nil {
				return err
			}
			dec.Level, dec.Median = &ld.Level, &ld.Median
			if ld.Overridden {
				dec.OverrideReason = ld.Reason
			}
			status, action = ItemDecided, "jury.decision"
		}
		if dec.Mentions, err = keptMentions(ctx, tx, applicationID); err != nil {
			return err
		}
		if err := db.putDecision(ctx, tx, dec); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET status = $1 WHERE id = $2`, status, v.item.id); err != nil {
			return err
		}
		if v.d.edition.Jury.SecretBallot && status == ItemDecided {
			if _, err := tx.ExecContext(ctx, `DELETE FROM votes WHERE application_id = $1 AND kind IN ('level', 'override')`,
				applicationID); err != nil {
				return err
			}
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		out = dec
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: action, ObjectType: "application",
			ObjectID: fmt.Sprint(applicationID), After: snapshot(map[string]any{"level": dec.Level, "median": dec.Median,
				"tally": dec.Tally, "voters": len(dec.Voters), "quorum": vote.Quorum, "reason": dec.OverrideReason})})
	})
	return out, err
}

func keptMentions(ctx context.Context, tx *sql.Tx, applicationID int64) ([]string, error) {
	var mentions string
	err := tx.QueryRowContext(ctx, `SELECT mentions FROM decisions WHERE application_id = $1`, applicationID).Scan(&mentions)
	if err == sql.ErrNoRows || mentions == "" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return strings.Split(mentions, "\n"), nil
}

func (db *DB) putDecision(ctx context.Context, tx *sql.Tx, d *domain.Decision) error {
	tally, err := json.Marshal(decisionTally{Grades: d.Tally, Voters: d.Voters, Recused: d.Recused})
	if err != nil {
		return err
	}
	var level, median any
	if d.Level != nil {
		level = *d.Level
	}
	if d.Median != nil {
		median = *d.Median
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO decisions (application_id, year, level, median, tally, override_reason,
			mentions, status, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (application_id) DO UPDATE SET level = excluded.level, median = excluded.median,
			tally = excluded.tally, override_reason = excluded.override_reason, mentions = excluded.mentions,
			status = excluded.status, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
		d.ApplicationID, d.Year, level, median, string(tally), d.OverrideReason, strings.Join(d.Mentions, "\n"),
		d.Status, nullID(d.DecidedBy), d.DecidedAt)
	return translate(err)
}
