package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"tnl/internal/domain"
)

// authPage is the data of every account form.
type authPage struct {
	page
	Email string
	Next  string
	Token string
	Sent  bool // the "check your inbox" state
}

// equalTime makes the calling handler last at least the auth floor, so that
// its duration tells nothing about whether an email is known.
func (s *Server) equalTime() func() {
	start := time.Now()
	return func() {
		if d := s.authFloor - time.Since(start); d > 0 {
			time.Sleep(d)
		}
	}
}

func (s *Server) signupShow(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signup", &authPage{page: page{Title: "signup.title"}})
}

// signupCreate answers the same for a new and a known address: the owner of
// a known address gets an email saying an account already exists.
func (s *Server) signupCreate(w http.ResponseWriter, r *http.Request) {
	defer s.equalTime()()
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := signupForm{Email: domain.NormalizeEmail(field(r, "email")), Password: r.PostFormValue("password"), Confirm: r.PostFormValue("confirm")}
	if errs := f.Validate(); len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "signup", &authPage{page: page{Title: "signup.title", Errors: errs}, Email: f.Email})
		return
	}
	if wait := s.mailQuota.retryAfter("signup:" + clientIP(r)); wait > 0 {
		s.tooMany(w, r, "signup", wait, f.Email)
		return
	}
	s.mailQuota.hit("signup:" + clientIP(r))
	lang := requestLang(r)
	secret := domain.RandomToken()
	u := &domain.User{Email: f.Email, PasswordHash: domain.HashPassword(f.Password), Role: domain.RoleApplicant, Lang: lang}
	tok := &domain.Token{Hash: domain.HashToken(secret), Purpose: domain.TokenVerify, ExpiresAt: s.now().Add(domain.TokenVerify.Lifetime())}
	m, err := s.mail.Render(f.Email, "verify", lang, s.mailData(f.Email, "/inscription/confirmer?jeton="+secret))
	if err == nil {
		err = s.db.SignUp(r.Context(), u, tok, m)
	}
	if domain.IsConflict(err) {
		err = s.enqueueMail(r.Context(), f.Email, "signup_exists", lang, "/mot-de-passe/oubli")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.outbox.Wake()
	s.render(w, r, http.StatusOK, "signup", &authPage{page: page{Title: "signup.title"}, Email: f.Email, Sent: true})
}

// enqueueMail queues a mail that carries no new link.
func (s *Server) enqueueMail(ctx context.Context, to, name, lang, path string) error {
	m, err := s.mail.Render(to, name, lang, s.mailData(to, path))
	if err != nil {
		return err
	}
	return s.db.Enqueue(ctx, m)
}

// tooMany re-shows a form with the throttling message and Retry-After.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, tmpl string, wait time.Duration, email string) {
	setRetryAfter(w, wait)
	p := &authPage{page: page{Title: tmpl + ".title", Errors: map[string]string{"form": "error.too_many"}}, Email: email}
	s.render(w, r, http.StatusTooManyRequests, tmpl, p)
}

func (s *Server) verifyShow(w http.ResponseWriter, r *http.Request) {
	s.tokenPage(w, r, "verify", domain.TokenVerify)
}

func (s *Server) verifyUpdate(w http.ResponseWriter, r *http.Request) {
	s.useLink(w, r, "verify", domain.TokenVerify, "flash.email_verified")
}

// tokenPage shows a button that spends an emailed link. Links are spent by
// POST only, so that mail scanners that follow links leave them intact.
func (s *Server) tokenPage(w http.ResponseWriter, r *http.Request, tmpl string, purpose domain.TokenPurpose) {
	secret := r.URL.Query().Get("jeton")
	p := &authPage{page: page{Title: tmpl + ".title"}, Token: secret}
	if _, err := s.db.CheckToken(r.Context(), domain.HashToken(secret), purpose); err != nil {
		if domain.ErrorCode(err) != domain.EINVALID {
			s.fail(w, r, err)
			return
		}
		p.Errors, p.Token = map[string]string{"form": "error.link_invalid"}, ""
		s.render(w, r, http.StatusGone, tmpl, p)
		return
	}
	s.render(w, r, http.StatusOK, tmpl, p)
}

// useLink spends a verification or sign-in link and signs its owner in.
func (s *Server) useLink(w http.ResponseWriter, r *http.Request, tmpl string, purpose domain.TokenPurpose, flash string) {
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	u, err := s.db.UseToken(r.Context(), domain.HashToken(r.PostFormValue("jeton")), purpose)
	if domain.ErrorCode(err) == domain.EINVALID {
		p := &authPage{page: page{Title: tmpl + ".title", Errors: map[string]string{"form": "error.link_invalid"}}}
		s.render(w, r, http.StatusGone, tmpl, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.signIn(r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/compte", flash)
}

// signIn starts a session with a new token, so that a token planted before
// sign-in (session fixation) is worthless.
func (s *Server) signIn(r *http.Request, u *domain.User) error {
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), "user_id", u.ID)
	return nil
}

func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", &authPage{page: page{Title: "login.title"}, Next: localPath(r.URL.Query().Get("suite"))})
}

// loginCreate checks a password. Failures are limited per account and per
// address; the message never says whether the email is known.
func (s *Server) loginCreate(w http.ResponseWriter, r *http.Request) {
	defer s.equalTime()()
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := loginForm{Email: domain.NormalizeEmail(field(r, "email")), Password: r.PostFormValue("password"), Next: localPath(field(r, "suite"))}
	again := func(status int, errs map[string]string) {
		s.render(w, r, status, "login", &authPage{page: page{Title: "login.title", Errors: errs}, Email: f.Email, Next: f.Next})
	}
	if errs := f.Validate(); len(errs) > 0 {
		again(http.StatusUnprocessableEntity, errs)
		return
	}
	keys := []string{"account:" + f.Email, "ip:" + clientIP(r)}
	if wait := max(s.loginFailures.retryAfter(keys[0]), s.loginFailures.retryAfter(keys[1])); wait > 0 {
		s.tooMany(w, r, "login", wait, f.Email)
		return
	}
	u, err := s.db.FindUserByEmail(r.Context(), f.Email)
	if err != nil && !domain.IsNotFound(err) {
		s.fail(w, r, err)
		return
	}
	hash := domain.NoPassword
	if u != nil {
		hash = u.PasswordHash
	}
	if !domain.CheckPassword(hash, f.Password) {
		for _, k := range keys {
			s.loginFailures.hit(k)
		}
		again(http.StatusUnprocessableEntity, map[string]string{"form": "error.login_failed"})
		return
	}
	s.finishLogin(w, r, u, f, again)
}

// finishLogin signs in an account whose password matched, unless it is
// deactivated or its email is unconfirmed; these are said only to someone
// who knows the password.
func (s *Server) finishLogin(w http.ResponseWriter, r *http.Request, u *domain.User, f loginForm, again func(int, map[string]string)) {
	switch {
	case !u.Active():
		again(http.StatusForbidden, map[string]string{"form": "error.account_deactivated"})
		return
	case !u.Verified():
		if err := s.issueLink(r, u, domain.TokenVerify, "verify", "/inscription/confirmer"); err != nil {
			s.fail(w, r, err)
			return
		}
		again(http.StatusForbidden, map[string]string{"form": "error.email_unverified"})
		return
	}
	if err := s.signIn(r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	to := f.Next
	if to == "" {
		to = "/compte"
	}
	s.redirect(w, r, to, "flash.signed_in")
}

// issueLink creates an emailed single-use link for u and queues its mail.
func (s *Server) issueLink(r *http.Request, u *domain.User, purpose domain.TokenPurpose, tmpl, path string) error {
	secret := domain.RandomToken()
	tok := &domain.Token{Hash: domain.HashToken(secret), UserID: u.ID, Purpose: purpose, ExpiresAt: s.now().Add(purpose.Lifetime())}
	m, err := s.mail.Render(u.Email, tmpl, u.Lang, s.mailData(u.Email, path+"?jeton="+secret))
	if err != nil {
		return err
	}
	if err := s.db.IssueToken(r.Context(), tok, m); err != nil {
		return err
	}
	s.outbox.Wake()
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/", "")
}

func (s *Server) resetRequestShow(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "reset_request", &authPage{page: page{Title: "reset_request.title"}})
}

func (s *Server) resetRequestCreate(w http.ResponseWriter, r *http.Request) {
	s.emailLinkRequest(w, r, "reset_request", domain.TokenReset, "reset", "/mot-de-passe/nouveau")
}

func (s *Server) magicLinkShow(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "magic_request", &authPage{page: page{Title: "magic_request.title"}})
}

func (s *Server) magicLinkCreate(w http.ResponseWriter, r *http.Request) {
	s.emailLinkRequest(w, r, "magic_request", domain.TokenLogin, "login", "/connexion/lien/utiliser")
}

// emailLinkRequest sends a reset or sign-in link if the address belongs to
// an active account, and answers the same in every case.
func (s *Server) emailLinkRequest(w http.ResponseWriter, r *http.Request, tmpl string, purpose domain.TokenPurpose, mailName, path string) {
	defer s.equalTime()()
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := emailForm{Email: domain.NormalizeEmail(field(r, "email"))}
	if errs := f.Validate(); len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, tmpl, &authPage{page: page{Title: tmpl + ".title", Errors: errs}, Email: f.Email})
		return
	}
	key := string(purpose) + ":" + f.Email
	if s.mailQuota.retryAfter(key) == 0 && s.mailQuota.retryAfter("ip:"+clientIP(r)) == 0 {
		s.mailQuota.hit(key)
		u, err := s.db.FindUserByEmail(r.Context(), f.Email)
		if err == nil && u.Active() {
			err = s.issueLink(r, u, purpose, mailName, path)
		}
		if err != nil && !domain.IsNotFound(err) {
			s.fail(w, r, err)
			return
		}
	}
	// Past the quota nothing is sent, and the answer still does not change:
	// a different answer would tell that the address has an account.
	s.render(w, r, http.StatusOK, tmpl, &authPage{page: page{Title: tmpl + ".title"}, Email: f.Email, Sent: true})
}

func (s *Server) magicLoginShow(w http.ResponseWriter, r *http.Request) {
	s.tokenPage(w, r, "magic_login", domain.TokenLogin)
}

func (s *Server) magicLoginCreate(w http.ResponseWriter, r *http.Request) {
	s.useLink(w, r, "magic_login", domain.TokenLogin, "flash.signed_in")
}

func (s *Server) resetShow(w http.ResponseWriter, r *http.Request) {
	s.tokenPage(w, r, "reset", domain.TokenReset)
}

// resetUpdate spends a reset link, sets the new password and signs in.
func (s *Server) resetUpdate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := newPasswordForm{Token: r.PostFormValue("jeton"), Password: r.PostFormValue("password"), Confirm: r.PostFormValue("confirm")}
	if errs := f.Validate(); len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "reset", &authPage{page: page{Title: "reset.title", Errors: errs}, Token: f.Token})
		return
	}
	u, err := s.db.ResetPassword(r.Context(), domain.HashToken(f.Token), domain.HashPassword(f.Password))
	var de *domain.Error
	if errors.As(err, &de) && de.Code == domain.EINVALID {
		s.render(w, r, http.StatusGone, "reset", &authPage{page: page{Title: "reset.title", Errors: map[string]string{"form": "error.link_invalid"}}})
		return
	}
	if err == nil {
		err = s.signIn(r, u)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/compte", "flash.password_changed")
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account", &page{Title: "account.title"})
}
