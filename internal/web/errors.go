package web

import (
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"tnl/internal/domain"
)

// errorPage is the data of the error template.
type errorPage struct {
	page
	Status int
}

// statusOf maps an error code to an HTTP status, in this one place.
func statusOf(err error) int {
	switch domain.ErrorCode(err) {
	case domain.ENOTFOUND:
		return http.StatusNotFound
	case domain.EFORBIDDEN:
		return http.StatusForbidden
	case domain.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case domain.EINVALID:
		return http.StatusUnprocessableEntity
	case domain.ECONFLICT:
		return http.StatusConflict
	case domain.ETOOMANY:
		return http.StatusTooManyRequests
	case domain.ECLOSED:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// fail answers a request that could not be served, and logs what only a
// developer should see.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.serverError(w, r, err)
		return
	}
	s.errorPage(w, r, status)
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	s.render(w, r, status, "error", &errorPage{page: page{Title: fmt.Sprintf("error.%d.title", status)}, Status: status})
}

// serverError logs err with the request's correlation id and shows the 500
// page, which gives that id to quote to the organisers.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.LogAttrs(r.Context(), slog.LevelError, "server error",
		slog.String("id", requestID(r)), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	p := &errorPage{page: page{Title: "error.500.title"}, Status: http.StatusInternalServerError}
	s.fillPage(r, &p.page)
	t := s.templates["error"]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	if t == nil || t.Execute(w, p) != nil {
		fmt.Fprintf(w, "Erreur interne (%s).", requestID(r))
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound)
}

// setRetryAfter tells a throttled client when to come back, in whole seconds.
func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
}
