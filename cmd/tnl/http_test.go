package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

func newJar() http.CookieJar { j, _ := cookiejar.New(nil); return j }

func postForm(t *testing.T, jar http.CookieJar, target string, form url.Values) *http.Response {
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(target, form)
	if err != nil {
		t.Error(err)
		return &http.Response{}
	}
	res.Body.Close()
	return res
}

func expect(t *testing.T, target string, status int, parts ...string) {
	t.Helper()
	res, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("GET %s: %d", target, res.StatusCode)
	}
	for _, p := range parts {
		if !strings.Contains(string(body), p) {
			t.Fatalf("GET %s lacks %q", target, p)
		}
	}
}
