package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"tnl/internal/domain"
)

// smtpTimeout bounds one SMTP conversation, so that a server that stops
// answering cannot hold the outbox worker (and its lease) forever.
const smtpTimeout = 30 * time.Second

// Sender delivers one email. The outbox worker is its only caller; the SMTP
// sender is used in production, the log sender when no server is configured.
type Sender interface {
	Send(ctx context.Context, m *domain.OutboxMail) error
}

// smtpSender sends through one SMTP server, one connection per mail: the
// outbox sends few mails, and a fresh connection never trips over a stale one.
type smtpSender struct {
	client *gomail.Client
	from   *netmail.Address
	domain string // of the From address, for the Message-ID
}

// NewSMTPSender parses rawURL, "smtp://user:pass@host:port?tls=none|starttls|tls"
// or "smtps://user:pass@host:port", and returns a Sender through that server.
//
// TLS: smtp:// uses STARTTLS when the server offers it (opportunistic);
// tls=none never uses it (a local relay); tls=starttls requires it; smtps://
// or tls=tls uses implicit TLS. The port defaults to 465 for implicit TLS and
// to 587 (submission) otherwise. With user and password, the strongest
// mechanism the server offers is chosen, and PLAIN or LOGIN only over TLS, so
// that the password never travels in clear.
//
// from is the From header, e.g. "Territoire Numérique Libre <no-reply@example.org>".
// Errors never quote rawURL, which holds the password.
func NewSMTPSender(rawURL, from string) (Sender, error) {
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail sender address %q: %w", from, err)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, password included
		}
		return nil, fmt.Errorf("SMTP URL: %w", err)
	}
	opts, err := clientOptions(u)
	if err != nil {
		return nil, fmt.Errorf("SMTP URL: %w", err)
	}
	client, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP URL: %w", err)
	}
	return &smtpSender{client: client, from: addr, domain: addr.Address[strings.LastIndex(addr.Address, "@")+1:]}, nil
}

// clientOptions turns the URL into go-mail options, refusing anything it does
// not understand rather than guessing.
func clientOptions(u *url.URL) ([]gomail.Option, error) {
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, fmt.Errorf("scheme %q, want smtp or smtps", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("no host")
	}
	if strings.Contains(u.Hostname(), ":") {
		// go-mail joins host and port without brackets.
		return nil, errors.New("IPv6 literal hosts are not supported, use a host name")
	}
	if u.Path != "" && u.Path != "/" || u.Fragment != "" {
		return nil, errors.New("unexpected path or fragment")
	}
	q := u.Query()
	for key := range q {
		if key != "tls" {
			return nil, fmt.Errorf("unknown parameter %q", key)
		}
	}
	opts, implicit, err := tlsOptions(u.Scheme, q.Get("tls"))
	if err != nil {
		return nil, err
	}
	port, err := smtpPort(u.Port(), implicit)
	if err != nil {
		return nil, err
	}
	opts = append(opts, gomail.WithPort(port), gomail.WithTimeout(smtpTimeout))
	return append(opts, authOptions(u.User)...), nil
}

// tlsOptions maps the scheme and the tls parameter to a TLS policy, and says
// whether TLS is implicit (which changes the default port).
func tlsOptions(scheme, mode string) (opts []gomail.Option, implicit bool, err error) {
	switch {
	case scheme == "smtps" && (mode == "" || mode == "tls"), scheme == "smtp" && mode == "tls":
		return []gomail.Option{gomail.WithSSL()}, true, nil
	case scheme == "smtps":
		return nil, false, fmt.Errorf("smtps:// always uses TLS, tls=%q contradicts it", mode)
	case mode == "":
		return []gomail.Option{gomail.WithTLSPolicy(gomail.TLSOpportunistic)}, false, nil
	case mode == "none":
		return []gomail.Option{gomail.WithTLSPolicy(gomail.NoTLS)}, false, nil
	case mode == "starttls":
		return []gomail.Option{gomail.WithTLSPolicy(gomail.TLSMandatory)}, false, nil
	}
	return nil, false, fmt.Errorf("tls=%q, want none, starttls or tls", mode)
}

// smtpPort parses the port, or picks the standard one for submission.
func smtpPort(port string, implicit bool) (int, error) {
	switch {
	case port == "" && implicit:
		return 465, nil
	case port == "":
		return 587, nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("port %q is not a number between 1 and 65535", port)
	}
	return n, nil
}

// authOptions authenticates only when the URL names a user. Autodiscovery
// picks the strongest mechanism offered and, by go-mail's rule, refuses
// PLAIN and LOGIN on a connection that is not encrypted.
func authOptions(user *url.Userinfo) []gomail.Option {
	if user == nil || user.Username() == "" {
		return nil
	}
	pass, _ := user.Password()
	return []gomail.Option{
		gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
		gomail.WithUsername(user.Username()),
		gomail.WithPassword(pass),
	}
}

// Send delivers m in one SMTP conversation bounded by smtpTimeout. go-mail
// applies ctx to the dial and the client's timeout to each later exchange.
func (s *smtpSender) Send(ctx context.Context, m *domain.OutboxMail) error {
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, smtpTimeout)
	defer cancel()
	return s.client.DialAndSendWithContext(ctx, msg)
}

// message builds the MIME message: multipart/alternative with the text and
// the HTML body.
func (s *smtpSender) message(m *domain.OutboxMail) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	// The Message-ID is derived from the outbox row, not random: if the
	// process dies after the server accepted the mail but before the row is
	// marked sent, the mail is sent again with the same Message-ID, and
	// receivers that deduplicate on it show it once.
	msg.SetMessageIDWithValue(messageID(m.ID, s.domain))
	// Auto-Submitted (RFC 3834) keeps vacation responders from replying.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// messageID is the Message-ID of an outbox row, without angle brackets.
func messageID(id int64, domain string) string {
	return fmt.Sprintf("outbox-%d@%s", id, domain)
}

// logSender stands in for an SMTP server in development and demos.
type logSender struct{ log *slog.Logger }

// NewLogSender returns a Sender that only logs each email and reports
// success. It is used when TNL_SMTP_URL is unset: the mail stays visible in
// the admin outbox page, and the log shows its text, links included, so that
// a developer can follow a sign-up or reset link without a mail server.
func NewLogSender(log *slog.Logger) Sender {
	if log == nil {
		log = slog.Default()
	}
	return &logSender{log: log}
}

// Send logs m at Info level. The text holds single-use secrets: this sender
// is for development and demos, never for a production site.
func (s *logSender) Send(ctx context.Context, m *domain.OutboxMail) error {
	s.log.InfoContext(ctx, "mail not sent (no SMTP server configured)",
		"id", m.ID, "to", m.To, "subject", m.Subject, "template", m.Template, "text", m.Text)
	return nil
}
