package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
)

var requestIDPattern = regexp.MustCompile(`[0-9a-f]{12}`)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func mustRequest(method, target string) *http.Request {
	return httptest.NewRequest(method, target, nil)
}
