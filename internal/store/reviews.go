package store

// Reviews (jury.md §5–6): one per juror, file and stage. A review is
// written in the independent review phase ("pre"); from the discussion
// phase on, a save writes the "post" review, which starts as a copy of the
// pre one, and the pre one stays frozen so that the aggregates can compare
// them. Every saved version is kept in review_history. Who may write which
// review is domain.Can's (ActWriteReview), asked by the web layer; the
// store refuses any write outside the review and discussion phases, so a
// form left open in a tab cannot change a review once the meeting starts.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/jury"
)

const reviewColumns = `id, application_id, user_id, stage, status, level, abstain_reason, criteria, mentions,
	strengths, suggestions, jury_note, secretariat_note, version, updated_at, submitted_at`

func scanReview(row interface{ Scan(...any) error }) (*domain.Review, error) {
	var r domain.Review
	var level sql.NullInt64
	var criteria, mentions string
	var submitted sql.NullTime
	if err := row.Scan(&r.ID, &r.ApplicationID, &r.UserID, &r.Stage, &r.Status, &level, &r.AbstainReason,
		&criteria, &mentions, &r.Strengths, &r.Suggestions, &r.JuryNote, &r.SecretariatNote, &r.Version,
		&r.UpdatedAt, &submitted); err != nil {
		return nil, err
	}
	if level.Valid {
		l := int(level.Int64)
		r.Level = &l
	}
	if err := json.Unmarshal([]byte(criteria), &r.Criteria); err != nil {
		return nil, fmt.Errorf("review %d: criteria: %w", r.ID, err)
	}
	if mentions != "" {
		r.Mentions = strings.Split(mentions, "\n") // as the edition's own list: names are one line each
	}
	r.UpdatedAt = r.UpdatedAt.UTC()
	r.SubmittedAt = nullTime(submitted)
	return &r, nil
}

func (db *DB) queryReviews(ctx context.Context, q queryer, where string, args ...any) ([]domain.Review, error) {
	return queryRows(ctx, q, func(rows *sql.Rows, r *domain.Review) error {
		read, err := scanReview(rows)
		if err == nil {
			*r = *read
		}
		return err
	}, `SELECT `+reviewColumns+` FROM reviews WHERE `+where+`
		ORDER BY application_id, user_id, stage DESC`, args...) // 'pre' before 'post'
}

// FindReview returns a juror's review of a file at one stage, or a
// not-found error when they have not saved one.
func (db *DB) FindReview(ctx context.Context, applicationID, userID int64, stage domain.ReviewStage) (*domain.Review, error) {
	r, err := scanReview(db.sql.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM reviews
		WHERE application_id = $1 AND user_id = $2 AND stage = $3`, applicationID, userID, stage))
	if err != nil {
		return nil, notFound(err, "Évaluation introuvable.")
	}
	return r, nil
}

// Reviews lists every review of a file, drafts included, by juror then
// stage (pre before post): for the aggregates and the discussion, whose
// callers filter by status and by what the reader may see.
func (db *DB) Reviews(ctx context.Context, applicationID int64) ([]domain.Review, error) {
	return db.queryReviews(ctx, db.sql, `application_id = $1`, applicationID)
}

// ReviewsOf lists a juror's reviews in an edition, by file then stage.
func (db *DB) ReviewsOf(ctx context.Context, year int, userID int64) ([]domain.Review, error) {
	return db.queryReviews(ctx, db.sql, `user_id = $1 AND application_id IN
		(SELECT id FROM applications WHERE year = $2)`, userID, year)
}

// ReviewHistory lists every saved version of a review, oldest first.
func (db *DB) ReviewHistory(ctx context.Context, reviewID int64) ([]domain.ReviewRevision, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT version, content, saved_at FROM review_history
		WHERE review_id = $1 ORDER BY version`, reviewID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []domain.ReviewRevision
	for rows.Next() {
		var v domain.ReviewRevision
		var content string
		if err := rows.Scan(&v.Version, &content, &v.SavedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(content), &v.Content); err != nil {
			return nil, fmt.Errorf("review %d version %d: %w", reviewID, v.Version, err)
		}
		v.SavedAt = v.SavedAt.UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// ErrStaleReview is the error of a save made from an older version than
// the stored one (another tab, another device): the save is refused and
// SaveReview returns the newer review with it.
var ErrStaleReview = domain.Errorf(domain.ECONFLICT,
	"Votre évaluation a été modifiée entre-temps, par exemple dans un autre onglet : rien n'a été enregistré.")

// SaveReview saves r as the review of r.UserID on r.ApplicationID, at the
// stage of the edition's phase, from the version the juror started from:
// r.Stage and baseVersion name the review their form showed (baseVersion 0:
// none). When the stored review has moved on since, nothing is written and
// the newer review comes back with ErrStaleReview, as for answers. From the
// discussion phase on, the post review starts from the pre one: a form
// showing pre version n saves the first post version. A review keeps its
// status: a draft stays a draft, a submitted review stays submitted and
// must keep a proposal (SubmitReview submits). A review that Validate
// refuses comes back as domain.ReviewProblems. It returns the review saved.
func (db *DB) SaveReview(ctx context.Context, r *domain.Review, baseVersion int, by domain.Actor) (*domain.Review, error) {
	return db.writeReview(ctx, r, baseVersion, by, false)
}

// SubmitReview saves r as SaveReview does and submits it: the review then
// needs a level or an abstention with its reason, and enters the
// aggregates. The first submission is audited.
func (db *DB) SubmitReview(ctx context.Context, r *domain.Review, baseVersion int, by domain.Actor) (*domain.Review, error) {
	return db.writeReview(ctx, r, baseVersion, by, true)
}

func (db *DB) writeReview(ctx context.Context, r *domain.Review, baseVersion int, by domain.Actor, submit bool) (*domain.Review, error) {
	var out *domain.Review
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		rc, err := db.loadReviewContext(ctx, tx, r.ApplicationID, r.UserID)
		if err != nil {
			return err
		}
		if head := rc.head(); head == nil && baseVersion != 0 ||
			head != nil && (r.Stage != head.Stage || baseVersion != head.Version) {
			out = head
			return ErrStaleReview
		}
		w := *r
		w.Stage, w.Status, w.SubmittedAt = rc.stage, domain.ReviewDraft, nil
		if cur := rc.current(); cur != nil {
			w.ID, w.Status, w.SubmittedAt = cur.ID, cur.Status, cur.SubmittedAt
		}
		first := submit && w.Status != domain.ReviewSubmitted
		if submit {
			w.Status = domain.ReviewSubmitted
		}
		if p := w.Validate(rc.rules); len(p) > 0 {
			return domain.ReviewProblems(p)
		}
		now := db.now()
		if first {
			w.SubmittedAt = &now
		}
		saved, err := db.putReview(ctx, tx, &w, rc.current(), now)
		if err == errReviewRace {
			out, err = db.headReview(ctx, tx, r.ApplicationID, r.UserID, rc.stage)
			if err == nil {
				err = ErrStaleReview
			}
			return err
		} else if err != nil {
			return err
		}
		out = saved
		if !first {
			return nil
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.review.submit", ObjectType: "review",
			ObjectID: fmt.Sprint(saved.ID), After: snapshot(map[string]any{"application": saved.ApplicationID,
				"user": saved.UserID, "stage": saved.Stage, "version": saved.Version})})
	})
	if err != nil && err != ErrStaleReview {
		return nil, err
	}
	return out, err
}

// reviewContext is what a save is checked against, read in its
// transaction.
type reviewContext struct {
	stage     domain.ReviewStage
	pre, post *domain.Review
	rules     domain.ReviewRules
}

// current is the stored review of the stage being written, if any.
func (c *reviewContext) current() *domain.Review {
	if c.stage == domain.ReviewPost {
		return c.post
	}
	return c.pre
}

// head is the review a form should have started from: the review of the
// stage, or in discussion the pre one a new post review copies.
func (c *reviewContext) head() *domain.Review {
	if cur := c.current(); cur != nil {
		return cur
	}
	if c.stage == domain.ReviewPost {
		return c.pre
	}
	return nil
}

// loadReviewContext reads the edition's phase (refusing a write outside
// the review and discussion phases), the juror's reviews of the file and
// the rules their review must follow.
func (db *DB) loadReviewContext(ctx context.Context, tx *sql.Tx, applicationID, userID int64) (*reviewContext, error) {
	var year int
	var track string
	var definition []byte
	err := tx.QueryRowContext(ctx, `SELECT a.year, a.track, q.definition FROM applications a
		JOIN questionnaires q ON q.id = a.questionnaire_id WHERE a.id = $1`, applicationID).Scan(&year, &track, &definition)
	if err != nil {
		return nil, notFound(err, "Candidature introuvable.")
	}
	e, err := db.scanEdition(ctx, tx, `SELECT `+editionRead+` FROM editions WHERE year = $1`, year)
	if err != nil {
		return nil, err
	}
	switch {
	case e.Phase.Before(domain.PhaseReview):
		return nil, domain.Errorf(domain.ECLOSED, "L'évaluation des dossiers n'est pas encore ouverte.")
	case e.Phase != domain.PhaseReview && e.Phase != domain.PhaseDiscussion:
		return nil, domain.Errorf(domain.ECLOSED, "Les évaluations sont closes : la délibération a commencé.")
	}
	t, ok := e.Track(track)
	if !ok {
		return nil, fmt.Errorf("application %d: track %q missing from edition %d", applicationID, track, year)
	}
	var qn form.Questionnaire
	if err := json.Unmarshal(definition, &qn); err != nil {
		return nil, fmt.Errorf("application %d: questionnaire: %w", applicationID, err)
	}
	c := &reviewContext{stage: domain.StageAt(e.Phase), rules: jury.ReviewRules(e, t, &qn)}
	mine, err := db.queryReviews(ctx, tx, `user_id = $1 AND application_id IN
		(SELECT id FROM applications WHERE year = $2)`, userID, year)
	if err != nil {
		return nil, err
	}
	c.rules.Nominated = nominationsElsewhere(mine, applicationID, c.stage)
	for i := range mine {
		if mine[i].ApplicationID == applicationID {
			if mine[i].Stage == domain.ReviewPost {
				c.post = &mine[i]
			} else {
				c.pre = &mine[i]
			}
		}
	}
	return c, nil
}

// nominationsElsewhere counts a juror's nominations per mention on their
// other files, reading on each file the review that stands at stage: in
// discussion the post review when there is one, else the pre one.
func nominationsElsewhere(mine []domain.Review, applicationID int64, stage domain.ReviewStage) map[string]int {
	standing := map[int64]*domain.Review{}
	for i := range mine {
		r := &mine[i]
		if r.ApplicationID == applicationID || r.Stage == domain.ReviewPost && stage == domain.ReviewPre {
			continue
		}
		if prev := standing[r.ApplicationID]; prev == nil || r.Stage == domain.ReviewPost {
			standing[r.ApplicationID] = r
		}
	}
	n := map[string]int{}
	for _, r := range standing {
		for _, m := range r.Mentions {
			n[m]++
		}
	}
	return n
}

// errReviewRace: another transaction wrote the review between our read and
// our write (PostgreSQL's read committed lets that happen).
var errReviewRace = fmt.Errorf("review written concurrently")

// putReview writes w over cur (nil: a new review at w.Stage) with its
// history line, and returns it as stored.
func (db *DB) putReview(ctx context.Context, tx *sql.Tx, w *domain.Review, cur *domain.Review, now time.Time) (*domain.Review, error) {
	criteria, err := json.Marshal(w.Criteria)
	if err != nil {
		return nil, err
	}
	if w.Criteria == nil {
		criteria = []byte("{}")
	}
	var level any
	if w.Level != nil {
		level = *w.Level
	}
	args := []any{w.Status, level, w.AbstainReason, string(criteria), strings.Join(w.Mentions, "\n"),
		w.Strengths, w.Suggestions, w.JuryNote, w.SecretariatNote, now, utcPtr(w.SubmittedAt)}
	var row *sql.Row
	if cur == nil {
		row = tx.QueryRowContext(ctx, `INSERT INTO reviews (status, level, abstain_reason, criteria, mentions,
				strengths, suggestions, jury_note, secretariat_note, updated_at, submitted_at,
				application_id, user_id, stage, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)
			ON CONFLICT (application_id, user_id, stage) DO NOTHING
			RETURNING id, version`, append(args, w.ApplicationID, w.UserID, w.Stage)...)
	} else {
		row = tx.QueryRowContext(ctx, `UPDATE reviews SET status = $1, level = $2, abstain_reason = $3,
				criteria = $4, mentions = $5, strengths = $6, suggestions = $7, jury_note = $8,
				secretariat_note = $9, updated_at = $10, submitted_at = $11, version = version + 1
			WHERE id = $12 AND version = $13
			RETURNING id, version`, append(args, cur.ID, cur.Version)...)
	}
	if err := row.Scan(&w.ID, &w.Version); err == sql.ErrNoRows {
		return nil, errReviewRace
	} else if err != nil {
		return nil, err
	}
	content, err := json.Marshal(w.Content())
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO review_history (review_id, version, content, saved_at)
		VALUES ($1, $2, $3, $4)`, w.ID, w.Version, string(content), now); err != nil {
		return nil, err
	}
	w.UpdatedAt = now
	return w, nil
}

// headReview reads the review a form should now start from, after a
// concurrent write.
func (db *DB) headReview(ctx context.Context, tx *sql.Tx, applicationID, userID int64, stage domain.ReviewStage) (*domain.Review, error) {
	rs, err := db.queryReviews(ctx, tx, `application_id = $1 AND user_id = $2`, applicationID, userID)
	if err != nil {
		return nil, err
	}
	var head *domain.Review
	for i := range rs {
		if rs[i].Stage == stage || stage == domain.ReviewPost && head == nil {
			head = &rs[i]
		}
	}
	return head, nil
}
