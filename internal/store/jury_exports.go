package store

// The jury's exports (jury.md §10): every review of an edition, and every
// file with its submitted reviews for the aggregates. Each is one ordered
// query read row by row and handed to the caller as it comes, so that an
// export never holds an edition's reviews in memory. What a reader may see
// of them is domain.Can's, asked by the web layer on each row; the conflict
// register and the assignment matrix reuse Conflicts and Assignments.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"tnl/internal/domain"
)

// JuryExportFile is a file of an edition as the exports name it.
type JuryExportFile struct {
	ApplicationID int64
	Body          string // the applicant body's name
	BodyKey       string
	Kind          string // the body's kind (commune, epci…)
	Track         string
}

// JuryExportReview is one review with its file and its author.
type JuryExportReview struct {
	File       JuryExportFile
	JurorName  string
	JurorEmail string
	Review     domain.Review
}

// JurorLabel is the author's name, or email when the name is unknown.
func (r *JuryExportReview) JurorLabel() string {
	if r.JurorName != "" {
		return r.JurorName
	}
	return r.JurorEmail
}

// juryFileReached is the condition on applications (a) that reached the
// jury: submitted at least once, as in ConflictApplicants. Drafts never do.
const juryFileReached = `(a.status = 'submitted' OR a.submissions > 0)`

// prefixedReviewColumns are reviewColumns qualified by the reviews table's
// alias r, for queries that join other tables with an id of their own.
var prefixedReviewColumns = func() string {
	cols := strings.Split(reviewColumns, ",")
	for i, c := range cols {
		cols[i] = "r." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}()

// scanWith lets scanReview read a row that carries more columns after the
// review's: Scan receives the review's destinations, then extra.
type scanWith struct {
	rows  *sql.Rows
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra...)...) }

// ExportJuryReviews calls fn once per review of an edition, drafts
// included (their status says so), by body name, then juror, then stage
// (pre before post). fn must not keep the value it is given, which is
// reused; an error from fn stops the export and is returned.
func (db *DB) ExportJuryReviews(ctx context.Context, year int, fn func(*JuryExportReview) error) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+prefixedReviewColumns+`,
			b.name, b.body_key, b.kind, a.track, u.name, u.email
		FROM reviews r JOIN applications a ON a.id = r.application_id JOIN bodies b ON b.id = a.body_id
		JOIN users u ON u.id = r.user_id
		WHERE a.year = $1
		ORDER BY b.search_name, b.name, a.id, u.name, u.email, r.user_id, r.stage DESC`, year)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	var x JuryExportReview
	f := &x.File
	for rows.Next() {
		r, err := scanReview(scanWith{rows, []any{&f.Body, &f.BodyKey, &f.Kind, &f.Track, &x.JurorName, &x.JurorEmail}})
		if err != nil {
			return translate(err)
		}
		x.Review, f.ApplicationID = *r, r.ApplicationID
		if err := fn(&x); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}

// ExportJuryFiles calls fn once per file of an edition that reached the
// jury, by body name, with its submitted reviews of both stages (by juror,
// pre before post): what the aggregates count. A file without any comes
// with none. Only what the aggregates read is filled in each review (its
// juror, stage, status, level, abstention and criteria). fn must not keep
// the slice, which is reused; an error from fn stops the export.
func (db *DB) ExportJuryFiles(ctx context.Context, year int, fn func(*JuryExportFile, []domain.Review) error) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT a.id, b.name, b.body_key, b.kind, a.track,
			r.user_id, r.stage, r.level, r.abstain_reason, r.criteria
		FROM applications a JOIN bodies b ON b.id = a.body_id
		LEFT JOIN reviews r ON r.application_id = a.id AND r.status = 'submitted'
		WHERE a.year = $1 AND `+juryFileReached+`
		ORDER BY b.search_name, b.name, a.id, r.user_id, r.stage DESC`, year)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	var cur JuryExportFile
	var reviews []domain.Review
	flush := func() error {
		if cur.ApplicationID == 0 {
			return nil
		}
		return fn(&cur, reviews)
	}
	for rows.Next() {
		var f JuryExportFile
		var user, level sql.NullInt64
		var stage, abstain, criteria sql.NullString
		if err := rows.Scan(&f.ApplicationID, &f.Body, &f.BodyKey, &f.Kind, &f.Track,
			&user, &stage, &level, &abstain, &criteria); err != nil {
			return translate(err)
		}
		if f.ApplicationID != cur.ApplicationID {
			if err := flush(); err != nil {
				return err
			}
			cur, reviews = f, reviews[:0]
		}
		if !user.Valid { // the LEFT JOIN's empty side: no submitted review
			continue
		}
		r := domain.Review{ApplicationID: f.ApplicationID, UserID: user.Int64, Stage: domain.ReviewStage(stage.String),
			Status: domain.ReviewSubmitted, AbstainReason: abstain.String}
		if level.Valid {
			l := int(level.Int64)
			r.Level = &l
		}
		if err := json.Unmarshal([]byte(criteria.String), &r.Criteria); err != nil {
			return fmt.Errorf("review of %d by %d: criteria: %w", f.ApplicationID, user.Int64, err)
		}
		reviews = append(reviews, r)
	}
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	return flush()
}

// JuryExportTracks lists the tracks of an edition's files that reached the
// jury: the exports name the sections of these tracks' questionnaires only.
func (db *DB) JuryExportTracks(ctx context.Context, year int) ([]string, error) {
	return queryRows(ctx, db.sql, func(rows *sql.Rows, t *string) error {
		return rows.Scan(t)
	}, `SELECT DISTINCT a.track FROM applications a
		WHERE a.year = $1 AND `+juryFileReached+` ORDER BY a.track`, year)
}
