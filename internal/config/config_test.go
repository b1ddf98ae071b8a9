package config

import (
	"io"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load("serve", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DatabaseURL != "data/tnl.db" || c.DataDir != "data" || c.BaseURL != "http://127.0.0.1:8080" {
		t.Fatalf("defaults: %+v", c)
	}
	if c.Postgres() || c.HTTPS() {
		t.Fatal("defaults must be SQLite over HTTP")
	}
}

func TestLoadEnvAndFlags(t *testing.T) {
	c, err := Load("serve", []string{"-addr", ":9000"}, env(map[string]string{
		"TNL_ADDR":         "127.0.0.1:1",
		"TNL_DATABASE_URL": "postgresql://u@h/db",
		"TNL_BASE_URL":     "https://label.example.org/",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" || !c.Postgres() || !c.HTTPS() || c.BaseURL != "https://label.example.org" {
		t.Fatalf("got %+v", c)
	}
}

func TestValidateRejects(t *testing.T) {
	for name, m := range map[string]map[string]string{
		"base url": {"TNL_BASE_URL": "label.example.org"},
		"smtp url": {"TNL_SMTP_URL": "mail.example.org:25"},
	} {
		if _, err := Load("serve", nil, env(m), io.Discard); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
