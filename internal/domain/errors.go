// Package domain holds the vocabulary and rules of tnl, without I/O.
package domain

import (
	"errors"
	"fmt"
)

// Error codes: one small set shared by every layer. The web layer maps each
// code to an HTTP status in one place.
const (
	EINTERNAL     = "internal"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EINVALID      = "invalid"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "too_many"
	ECLOSED       = "closed" // a deadline has passed
)

// Error is the one error shape of the application: a code for programs and a
// message that is safe to show to the user.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not ours
// and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err; errors that are not
// ours get a generic message so that internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Erreur interne."
}

// IsNotFound reports whether err means "no such object".
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }

// IsConflict reports whether err means "already exists" or "stale".
func IsConflict(err error) bool { return ErrorCode(err) == ECONFLICT }
