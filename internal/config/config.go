// Package config reads tnl's settings from the environment and flags.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Config holds every setting of a tnl process. It is built once by Load and
// passed down; nothing reads the environment after start-up.
type Config struct {
	Addr        string // TNL_ADDR: address to listen on
	DatabaseURL string // TNL_DATABASE_URL: postgres:// URL or SQLite file path
	BaseURL     string // TNL_BASE_URL: public URL used in links and emails
	DataDir     string // TNL_DATA_DIR: uploads and generated files
	SMTPURL     string // TNL_SMTP_URL: empty means mails are logged, not sent
	MailFrom    string // TNL_MAIL_FROM: sender address of every email
	// AutosaveOneCommit (TNL_AUTOSAVE_ONE_COMMIT=1) makes each autosave
	// its own transaction instead of a group commit: benchmarks compare
	// the two on the same database.
	AutosaveOneCommit bool
}

// Postgres reports whether DatabaseURL selects PostgreSQL.
func (c Config) Postgres() bool { return IsPostgresURL(c.DatabaseURL) }

// HTTPS reports whether the site is served to users over HTTPS, which turns
// on HSTS and the __Host- cookie prefix.
func (c Config) HTTPS() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// IsPostgresURL reports whether a database URL names a PostgreSQL server.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Load builds a Config from the environment, then lets flags in args
// override it. It returns flag.ErrHelp when -h was asked.
func Load(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	c := Config{
		Addr:        or(getenv("TNL_ADDR"), "127.0.0.1:8080"),
		DatabaseURL: or(getenv("TNL_DATABASE_URL"), "data/tnl.db"),
		BaseURL:     getenv("TNL_BASE_URL"),
		DataDir:     or(getenv("TNL_DATA_DIR"), "data"),
		SMTPURL:     getenv("TNL_SMTP_URL"),
		MailFrom:    or(getenv("TNL_MAIL_FROM"), "Territoire Numérique Libre <no-reply@localhost>"),

		AutosaveOneCommit: getenv("TNL_AUTOSAVE_ONE_COMMIT") == "1",
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on (TNL_ADDR)")
	fs.StringVar(&c.DatabaseURL, "database", c.DatabaseURL, "postgres:// URL or SQLite file (TNL_DATABASE_URL)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public URL of the site (TNL_BASE_URL)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "folder for uploads and generated files (TNL_DATA_DIR)")
	fs.StringVar(&c.SMTPURL, "smtp", c.SMTPURL, "smtp://user:pass@host:port?tls=none|starttls|tls (TNL_SMTP_URL)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c, c.Validate()
}

// Validate checks that the settings can work together.
func (c Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("TNL_ADDR is empty"))
	}
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("TNL_DATABASE_URL is empty"))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("TNL_BASE_URL %q is not an http(s) URL", c.BaseURL))
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			errs = append(errs, errors.New("TNL_SMTP_URL is not an smtp:// or smtps:// URL with a host"))
		}
	}
	return errors.Join(errs...)
}

func or(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}
