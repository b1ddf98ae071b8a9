package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"tnl/internal/domain"
)

// Each HTML form has a struct and a Validate method returning field →
// message id. On error the page is shown again, status 422, with what the
// person typed (passwords excepted) and the messages beside the fields.

type signupForm struct {
	Email    string
	Password string
	Confirm  string
}

func (f *signupForm) Validate() map[string]string {
	errs := map[string]string{}
	if p := domain.EmailProblem(f.Email); p != "" {
		errs["email"] = p
	}
	if p := domain.PasswordProblem(f.Password); p != "" {
		errs["password"] = p
	} else if f.Confirm != f.Password {
		errs["confirm"] = "error.password.mismatch"
	}
	return errs
}

type loginForm struct {
	Email    string
	Password string
	Next     string
}

func (f *loginForm) Validate() map[string]string {
	errs := map[string]string{}
	if p := domain.EmailProblem(f.Email); p != "" {
		errs["email"] = p
	}
	if f.Password == "" {
		errs["password"] = "error.password.required"
	} else if utf8.RuneCountInString(f.Password) > domain.MaxPasswordLength {
		errs["password"] = "error.password.too_long"
	}
	return errs
}

// emailForm asks only for an address: password reset, sign-in link.
type emailForm struct {
	Email string
}

func (f *emailForm) Validate() map[string]string {
	if p := domain.EmailProblem(f.Email); p != "" {
		return map[string]string{"email": p}
	}
	return map[string]string{}
}

type newPasswordForm struct {
	Token    string
	Password string
	Confirm  string
}

func (f *newPasswordForm) Validate() map[string]string {
	errs := map[string]string{}
	if p := domain.PasswordProblem(f.Password); p != "" {
		errs["password"] = p
	} else if f.Confirm != f.Password {
		errs["confirm"] = "error.password.mismatch"
	}
	return errs
}

// maxFormBytes bounds every form post; ours are a few hundred bytes.
const maxFormBytes = 64 << 10

// parseForm reads a posted form, refusing oversized bodies.
func parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	return r.ParseForm() == nil
}

// field returns a trimmed form value, cut to a sane length so that a
// megabyte pasted in a field is not echoed back.
func field(r *http.Request, name string) string {
	v := strings.TrimSpace(r.PostFormValue(name))
	if len(v) > 1000 {
		v = v[:1000]
	}
	return v
}
