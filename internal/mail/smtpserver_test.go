package mail_test

import (
	"bytes"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// smtpServer is a real SMTP server in the test process: it records every
// message it accepts, and can answer a temporary error to the next RCPT.
type smtpServer struct {
	URL string // for NewSMTPSender, without TLS

	mu       sync.Mutex
	received []received
	failRcpt int // how many RCPT commands still to refuse with 451
}

// received is one accepted message.
type received struct {
	From string
	To   []string
	Data []byte
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{URL: "smtp://" + ln.Addr().String() + "?tls=none"}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{server: s}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// failNextRcpt makes the server refuse the next n recipients with 451.
func (s *smtpServer) failNextRcpt(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failRcpt = n
}

// messages returns a copy of what the server has accepted so far.
func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.received...)
}

// waitFor polls until the server holds n messages, failing after a deadline.
func (s *smtpServer) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for len(s.messages()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the SMTP server received %d messages, want %d", len(s.messages()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type smtpSession struct {
	server *smtpServer
	msg    received
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.msg = received{From: from}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	if s.server.failRcpt > 0 {
		s.server.failRcpt--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = data
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	s.server.received = append(s.server.received, s.msg)
	return nil
}

func (s *smtpSession) Reset()        { s.msg = received{} }
func (s *smtpSession) Logout() error { return nil }

// parsed is a received message taken apart for assertions.
type parsed struct {
	Header netmail.Header
	Parts  map[string]string // media type → decoded body
}

// parse reads a received multipart message, decoding quoted-printable parts.
func parse(t *testing.T, r received) parsed {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		t.Fatal(err)
	}
	media, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || media != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	p := parsed{Header: msg.Header, Parts: map[string]string{}}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return p
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(part)
		if err != nil {
			t.Fatal(err)
		}
		media, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		p.Parts[media] = strings.ReplaceAll(string(body), "\r\n", "\n")
	}
}

// subject decodes the RFC 2047 Subject header.
func (p parsed) subject(t *testing.T) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
