package store

// What the jury dashboard reads (jury.md §4 and §6): the files of an
// edition, every review of it in one query for the aggregates, each
// juror's workload, and the reminders to jurors late with their reviews.
// The aggregates themselves are internal/jury's (tally.go); who may see
// which file's figures is domain.Can's, asked by the web layer, which
// leaves out the files the reader is recused from.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// DashboardFile is one file the jury examines, as the dashboard lists it.
type DashboardFile struct {
	ApplicationID int64
	Body          string
	Kind          string // the body's kind (commune, epci…)
	Track         string // the track's key
}

// DashboardFiles lists the files of an edition the jury examines — those
// submitted at least once, including one reopened for a correction — by
// body name (its search form, so that accents do not move a name to the
// end).
func (db *DB) DashboardFiles(ctx context.Context, year int) ([]DashboardFile, error) {
	return queryRows(ctx, db.sql, func(rows *sql.Rows, f *DashboardFile) error {
		return rows.Scan(&f.ApplicationID, &f.Body, &f.Kind, &f.Track)
	}, `SELECT a.id, b.name, b.kind, a.track
		FROM applications a JOIN bodies b ON b.id = a.body_id
		WHERE a.year = $1 AND (a.submissions > 0 OR a.status = 'submitted')
		ORDER BY b.search_name, b.name, a.id`, year)
}

// YearReviews lists every review of an edition, drafts included, in one
// query, by file, juror and stage (pre before post): the input of the
// aggregates, which keep the submitted ones (ReviewScores).
func (db *DB) YearReviews(ctx context.Context, year int) ([]domain.Review, error) {
	return db.queryReviews(ctx, db.sql, `application_id IN (SELECT id FROM applications WHERE year = $1)`, year)
}

// ReviewScores turns the submitted reviews among reviews into what the
// aggregates read: a level or an abstention, and the level proposed per
// section. Drafts are left out: they are their author's alone.
func ReviewScores(reviews []domain.Review) []jury.ReviewScore {
	out := make([]jury.ReviewScore, 0, len(reviews))
	for _, r := range reviews {
		if r.Status != domain.ReviewSubmitted || !r.Proposes() {
			continue
		}
		s := jury.ReviewScore{ApplicationID: r.ApplicationID, JurorID: r.UserID, Abstained: r.Abstains(),
			Stage: jury.PreDiscussion}
		if r.Stage == domain.ReviewPost {
			s.Stage = jury.PostDiscussion
		}
		if !s.Abstained {
			s.Level = *r.Level
			for section, sr := range r.Criteria {
				if sr.Level != nil {
					if s.Sections == nil {
						s.Sections = map[string]int{}
					}
					s.Sections[section] = *sr.Level
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// JurorWork is where one juror stands on one file they must review: an
// assignment they are not recused from, and their reviews of it.
type JurorWork struct {
	UserID        int64
	ApplicationID int64
	Submitted     bool // a review of the file is submitted, at either stage
	Draft         bool // a draft exists (and nothing is submitted)
	Abstained     bool // the submitted review that stands abstains
}

// workQuery reads the assignments of an edition that count as work: a
// recusal (not dismissed: suggested ones count until decided, as in
// FileFacts) takes the file off the juror's list. The review that stands is
// the post-discussion one when it is submitted, else the pre one ('post'
// sorts before 'pre').
const workQuery = `SELECT s.user_id, s.application_id,
		EXISTS (SELECT 1 FROM reviews r WHERE r.application_id = s.application_id AND r.user_id = s.user_id
			AND r.status = 'submitted'),
		EXISTS (SELECT 1 FROM reviews r WHERE r.application_id = s.application_id AND r.user_id = s.user_id
			AND r.status = 'draft'),
		COALESCE((SELECT r.abstain_reason <> '' FROM reviews r WHERE r.application_id = s.application_id
			AND r.user_id = s.user_id AND r.status = 'submitted' ORDER BY r.stage LIMIT 1), FALSE)
	FROM assignments s JOIN applications a ON a.id = s.application_id
	WHERE a.year = $1 AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.user_id = s.user_id
		AND c.application_id = s.application_id AND c.status <> 'dismissed' AND c.severity = 'recuse')`

func queryWork(ctx context.Context, q queryer, year int) ([]JurorWork, error) {
	rows, err := q.QueryContext(ctx, workQuery+` ORDER BY s.user_id, s.application_id`, year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []JurorWork
	for rows.Next() {
		var w JurorWork
		if err := rows.Scan(&w.UserID, &w.ApplicationID, &w.Submitted, &w.Draft, &w.Abstained); err != nil {
			return nil, err
		}
		w.Draft = w.Draft && !w.Submitted
		w.Abstained = w.Abstained && w.Submitted
		out = append(out, w)
	}
	return out, rows.Err()
}

// JuryWork lists, for every juror of an edition, the files they must
// review and where they stand on each, by juror then file.
func (db *DB) JuryWork(ctx context.Context, year int) ([]JurorWork, error) {
	return queryWork(ctx, db.sql, year)
}

// SumProgress counts each juror's workload from their work, leaving out
// the files hide names (those the reader may not see, so that no count
// gives them away; nil hides nothing). The counts are disjoint: Submitted
// proposes a level, Abstained abstains, Drafts are started and not
// submitted, and Remaining (Assigned − Submitted − Abstained) is what is
// left to do.
func SumProgress(work []JurorWork, hide func(applicationID int64) bool) map[int64]jury.JurorProgress {
	out := map[int64]jury.JurorProgress{}
	for _, w := range work {
		if hide != nil && hide(w.ApplicationID) {
			continue
		}
		p := out[w.UserID]
		p.Assigned++
		switch {
		case w.Abstained:
			p.Abstained++
		case w.Submitted:
			p.Submitted++
		case w.Draft:
			p.Drafts++
		}
		out[w.UserID] = p
	}
	return out
}

// Remaining is how many of a juror's files still wait for a submitted
// review.
func Remaining(p jury.JurorProgress) int { return p.Assigned - p.Submitted - p.Abstained }

// LateJuror is a juror with reviews left to submit, as a reminder
// addresses them.
type LateJuror struct {
	UserID    int64
	Email     string
	Name      string
	Lang      string
	Remaining int // files without a submitted review
}

// ErrNobodyLate refuses a reminder none of whose jurors has a review left
// to submit (the list was stale, or nobody was chosen).
var ErrNobodyLate = domain.Errorf(domain.EINVALID, "Aucun des jurés choisis n'a d'évaluation en attente.")

// RemindLateJurors queues one reminder to each juror among userIDs who
// still has reviews to submit in the edition, built by build with their
// count of files left, and returns how many were queued. Jurors with
// nothing left, unknown or deactivated are skipped; a juror named twice is
// reminded once. The mails and one audit entry are written in one
// transaction, and only in the review and discussion phases, when reviews
// can still be written. build must not touch the database: it runs inside
// the transaction.
func (db *DB) RemindLateJurors(ctx context.Context, year int, userIDs []int64, by domain.Actor,
	build func(LateJuror) (*domain.OutboxMail, error)) (int, error) {
	sent := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := reviewsOpen(ctx, tx, year); err != nil {
			return err
		}
		late, err := lateJurors(ctx, tx, year, userIDs)
		if err != nil {
			return err
		}
		if len(late) == 0 {
			return ErrNobodyLate
		}
		mails := make([]*domain.OutboxMail, 0, len(late))
		counts := map[string]int{}
		for _, j := range late {
			m, err := build(j)
			if err != nil {
				return err
			}
			mails = append(mails, m)
			counts[fmt.Sprint(j.UserID)] = j.Remaining
		}
		if err := db.enqueueAll(ctx, tx, mails); err != nil {
			return err
		}
		sent = len(mails)
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.reminders.send",
			ObjectType: "edition", ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{"remaining": counts})})
	})
	if err != nil {
		return 0, err
	}
	return sent, nil
}

// reviewsOpen refuses outside the review and discussion phases.
func reviewsOpen(ctx context.Context, tx *sql.Tx, year int) error {
	var phase domain.Phase
	if err := tx.QueryRowContext(ctx, `SELECT phase FROM editions WHERE year = $1`, year).Scan(&phase); err != nil {
		return notFound(err, "Édition introuvable.")
	}
	if phase != domain.PhaseReview && phase != domain.PhaseDiscussion {
		return domain.Errorf(domain.ECLOSED, "Les évaluations ne sont pas ouvertes : il n'y a personne à relancer.")
	}
	return nil
}

// lateJurors reads, among userIDs, the active members of the edition's
// jury with files left to review, by user id.
func lateJurors(ctx context.Context, tx *sql.Tx, year int, userIDs []int64) ([]LateJuror, error) {
	work, err := queryWork(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	progress := SumProgress(work, nil)
	ids := slices.Clone(userIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []LateJuror
	for _, id := range ids {
		left := Remaining(progress[id])
		if left <= 0 {
			continue
		}
		j := LateJuror{UserID: id, Remaining: left}
		err := tx.QueryRowContext(ctx, `SELECT u.email, u.name, u.lang FROM users u
			JOIN jury_members m ON m.user_id = u.id AND m.year = $1
			WHERE u.id = $2 AND u.deactivated_at IS NULL`, year, id).Scan(&j.Email, &j.Name, &j.Lang)
		if err == sql.ErrNoRows {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}
