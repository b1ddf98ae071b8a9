package store

import (
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"tnl/internal/domain"
)

// translate maps driver errors to domain errors, in this one place, so that
// no caller needs to know which engine answered.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &domain.Error{Code: domain.ECONFLICT, Message: "Cet élément existe déjà."}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &domain.Error{Code: domain.EINVALID, Message: "Cet élément fait référence à un élément inconnu."}
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &domain.Error{Code: domain.ECONFLICT, Message: "Cet élément existe déjà."}
		case "23503":
			return &domain.Error{Code: domain.EINVALID, Message: "Cet élément fait référence à un élément inconnu."}
		case "22021", "22P05": // a NUL byte or an invalid character in text
			return &domain.Error{Code: domain.EINVALID, Message: "Ce texte contient un caractère invalide."}
		}
	}
	return err
}

// notFound maps an empty result to a not-found error whose message names
// what was looked for.
func notFound(err error, message string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &domain.Error{Code: domain.ENOTFOUND, Message: message}
	}
	return translate(err)
}
