package store

// Jury comments (jury.md §7, "comments and scribing"): the asynchronous
// discussion of a file among the unconflicted members of the jury, from
// the discussion phase to the end of the deliberation. Who may read or
// write them is domain.Can's (ActComment, ActSeeReviews), asked by the web
// layer; the store only refuses a comment outside those phases, so that a
// page left open cannot add one once the decisions are sealed.

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"tnl/internal/domain"
)

// MaxCommentText bounds a comment, in characters: a few paragraphs, not a
// second review.
const MaxCommentText = 5000

// JuryComment is one comment on a file.
type JuryComment struct {
	ID            int64
	ApplicationID int64
	UserID        int64
	Author        string // the author's name, or email when they gave none
	Body          string
	CreatedAt     time.Time
}

// AddComment adds userID's comment to a file and returns its id. The text
// is trimmed; an empty or too long one is refused (EINVALID), and so is a
// comment outside the discussion and deliberation phases (ECLOSED).
func (db *DB) AddComment(ctx context.Context, applicationID, userID int64, body string) (int64, error) {
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return 0, domain.Errorf(domain.EINVALID, "Le commentaire est vide.")
	case utf8.RuneCountInString(body) > MaxCommentText:
		return 0, domain.Errorf(domain.EINVALID, "Le commentaire dépasse %d caractères.", MaxCommentText)
	}
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		phase, err := fileEditionPhase(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		if !phase.AtLeast(domain.PhaseDiscussion) || phase.AtLeast(domain.PhaseSealed) {
			return domain.Errorf(domain.ECLOSED, "Les commentaires du jury sont ouverts de la discussion à la fin de la délibération.")
		}
		return tx.QueryRowContext(ctx, `INSERT INTO jury_comments (application_id, user_id, body, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, applicationID, userID, body, db.now()).Scan(&id)
	})
	return id, translate(err)
}

// Comments lists a file's comments, oldest first: a conversation reads
// down the page.
func (db *DB) Comments(ctx context.Context, applicationID int64) ([]JuryComment, error) {
	return queryRows(ctx, db.sql, func(rows *sql.Rows, c *JuryComment) error {
		if err := rows.Scan(&c.ID, &c.ApplicationID, &c.UserID, &c.Author, &c.Body, &c.CreatedAt); err != nil {
			return err
		}
		c.CreatedAt = c.CreatedAt.UTC()
		return nil
	}, `SELECT c.id, c.application_id, c.user_id,
			CASE WHEN u.name <> '' THEN u.name ELSE u.email END, c.body, c.created_at
		FROM jury_comments c JOIN users u ON u.id = c.user_id
		WHERE c.application_id = $1 ORDER BY c.id`, applicationID)
}
