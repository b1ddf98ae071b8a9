package store

import (
	"context"

	"tnl/internal/domain"
)

// ApplicationAccess is what every page of an application reads before it
// decides who may see what: the application with its body, the person's
// membership of that body, the edition and the answers.
type ApplicationAccess struct {
	App     *domain.Application
	Member  *domain.Member // nil when the person is no member of the body, whatever the status
	Edition *domain.Edition
	Answers map[string]domain.Answer
}

// LoadApplicationAccess reads an application, userID's membership of its
// body, its edition and its answers on one connection of the pool. Taken
// one by one from the pool, they made each signed-in page wait for a
// connection six times, and under load the waits, not the queries, made
// the slowest pages. A missing application is a not-found error; the
// caller authorises.
func (db *DB) LoadApplicationAccess(ctx context.Context, appID, userID int64) (*ApplicationAccess, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, translate(err)
	}
	defer conn.Close()
	var acc ApplicationAccess
	if acc.App, err = scanApplication(conn.QueryRowContext(ctx, applicationSelect+` WHERE a.id = $1`, appID)); err != nil {
		return nil, err
	}
	switch acc.Member, err = db.membership(ctx, conn, acc.App.Body.ID, userID); {
	case domain.IsNotFound(err):
		acc.Member = nil
	case err != nil:
		return nil, err
	}
	acc.Edition, err = db.scanEdition(ctx, conn, `SELECT `+editionRead+` FROM editions WHERE year = $1`, acc.App.Year)
	if err != nil {
		return nil, err
	}
	if acc.Answers, err = answersOn(ctx, conn, appID); err != nil {
		return nil, err
	}
	return &acc, nil
}
