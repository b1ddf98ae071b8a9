package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"
)

// The read-only JSON API. Its data is public (the official directory and
// the bodies an admin approved), so any site may call it from a browser.

// apiBody is one body in the API's answers. Every field is always present
// (empty strings, 0 population when unknown) so that clients need no
// special cases.
type apiBody struct {
	Name        string `json:"name"`
	Label       string `json:"label"` // the name with the département, for homonyms
	Kind        string `json:"kind"`
	KindLabel   string `json:"kind_label"`
	INSEE       string `json:"insee"`
	SIREN       string `json:"siren"`
	Departement string `json:"departement"`
	Population  int    `json:"population"`
	URL         string `json:"url"` // absolute address of the body's public page
}

type apiBodies struct {
	Query   string    `json:"query"`
	Results []apiBody `json:"results"`
}

type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// bodySearchAPI answers GET /api/v1/bodies?q=…: the search of the page, as
// JSON, for the combobox and for anyone reusing the data.
func (s *Server) bodySearchAPI(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > maxQueryLength {
		writeAPIJSON(w, http.StatusBadRequest, apiError{Error: "query_too_long", Message: s.tr.T(requestLang(r), "bodies.search.too_long")})
		return
	}
	out := apiBodies{Query: q, Results: []apiBody{}}
	if q != "" {
		hits, err := s.searchBodies(r.Context(), q)
		if err != nil {
			s.log.Error("body search", "error", err, "id", requestID(r))
			writeAPIJSON(w, http.StatusInternalServerError, apiError{Error: "internal", Message: s.tr.T(requestLang(r), "error.500.title")})
			return
		}
		base := strings.TrimRight(s.cfg.BaseURL, "/") + "/organismes/"
		lang := requestLang(r)
		for _, h := range hits {
			out.Results = append(out.Results, apiBody{Name: h.Name, Label: h.Label, Kind: h.Kind,
				KindLabel: s.tr.T(lang, "kind."+h.Kind), INSEE: h.INSEE, SIREN: h.SIREN, Departement: h.Departement,
				Population: h.Population, URL: base + h.Key})
		}
	}
	// Browsers may keep an answer a few minutes (the combobox asks again as
	// people correct their typing); kind_label depends on the language.
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Add("Vary", "Accept-Language") // the session layer already varies on Cookie
	writeAPIJSON(w, http.StatusOK, out)
}

// writeAPIJSON sends v as JSON that any origin may read.
func writeAPIJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
