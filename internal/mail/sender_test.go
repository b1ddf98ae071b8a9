package mail_test

import (
	"strings"
	"testing"

	"tnl/internal/mail"
)

const from = "Territoire Numérique Libre <no-reply@example.org>"

func TestNewSMTPSenderAcceptsWellFormedURLs(t *testing.T) {
	for _, u := range []string{
		"smtp://mail.example.org",
		"smtp://user:secret@mail.example.org:587?tls=starttls",
		"smtp://127.0.0.1:1025?tls=none",
		"smtp://mail.example.org?tls=tls",
		"smtps://user:secret@mail.example.org",
		"smtps://mail.example.org:465?tls=tls",
	} {
		if _, err := mail.NewSMTPSender(u, from); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestNewSMTPSenderRejectsMalformedURLs(t *testing.T) {
	for _, u := range []string{
		"",
		"smtp://",
		"smtp://:25",
		"smtp:mail.example.org",
		"mail.example.org:25",
		"http://mail.example.org",
		"smtp://mail.example.org?tls=maybe",
		"smtp://mail.example.org?tls=none&tsl=starttls",
		"smtps://mail.example.org?tls=none",
		"smtps://mail.example.org?tls=starttls",
		"smtp://mail.example.org:0",
		"smtp://mail.example.org:70000",
		"smtp://user:secret@mail.example.org:port",
		"smtp://mail.example.org/path",
		"smtp://[::1]:25",
	} {
		_, err := mail.NewSMTPSender(u, from)
		if err == nil {
			t.Errorf("%q: accepted", u)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: the error reveals the password: %v", u, err)
		}
	}
	if _, err := mail.NewSMTPSender("smtp://mail.example.org", "not an address"); err == nil {
		t.Error("a malformed From address must be rejected")
	}
}
