package domain

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what an account may do on the platform as a whole. Finer rights
// (jury president, body member…) come from per-edition and per-body roles.
type Role string

// The platform-wide roles.
const (
	RoleAdmin     Role = "admin"
	RoleJury      Role = "jury"
	RoleApplicant Role = "applicant"
)

// Roles lists every role, in the order shown to admins.
var Roles = []Role{RoleApplicant, RoleJury, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if r == v {
			return true
		}
	}
	return false
}

// User is an account: one person, identified by their email.
type User struct {
	ID              int64
	Email           string
	Name            string
	PasswordHash    string
	Role            Role
	Lang            string
	EmailVerifiedAt *time.Time
	DeactivatedAt   *time.Time
	CreatedAt       time.Time
}

// Active reports whether the account may sign in.
func (u *User) Active() bool { return u.DeactivatedAt == nil }

// Verified reports whether the owner proved they read the email address.
func (u *User) Verified() bool { return u.EmailVerifiedAt != nil }

// Limits on account fields. Passwords are long because passphrases are the
// advice we give; 128 bounds the hashing work an attacker can ask for.
const (
	MaxEmailLength    = 254
	MinPasswordLength = 10
	MaxPasswordLength = 128
	MaxNameLength     = 120
)

// NormalizeEmail trims and lower-cases an address so that the same person
// cannot hold two accounts by changing case.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// EmailProblem returns a message key describing what is wrong with an email
// address, or "" when it is acceptable.
func EmailProblem(email string) string {
	switch {
	case email == "":
		return "error.email.required"
	case len(email) > MaxEmailLength:
		return "error.email.too_long"
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		return "error.email.invalid"
	}
	return ""
}

// PasswordProblem returns a message key describing what is wrong with a new
// password, or "" when it is acceptable.
func PasswordProblem(password string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		return "error.password.required"
	case n < MinPasswordLength:
		return "error.password.too_short"
	case n > MaxPasswordLength:
		return "error.password.too_long"
	}
	return ""
}
