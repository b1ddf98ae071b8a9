package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// A questionnaire leaves and enters as a JSON file in the format of
// form.SchemaJSON, published at /schemas/questionnaire.json: organisers
// keep it, share it, edit it in their own tools and import it back.

// questionnaireExport downloads the current version, or the one named by
// ?version=N.
func (s *Server) questionnaireExport(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok {
		return
	}
	q := b.Current
	if v := r.URL.Query().Get("version"); v != "" {
		var found bool
		if q, found = s.questionnaireVersion(w, r, b, v); !found {
			return
		}
	}
	qn, err := questionnaireFor(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	raw, err := form.Encode(qn)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="questionnaire-%d-%s-v%d.json"`,
		b.Edition.Year, b.Track.Key, q.Version))
	w.Write(raw)
}

// questionnaireVersion finds one stored version of the track by number.
func (s *Server) questionnaireVersion(w http.ResponseWriter, r *http.Request, b *builderCtx, v string) (*domain.Questionnaire, bool) {
	n, err := strconv.Atoi(v)
	if err != nil {
		s.notFound(w, r)
		return nil, false
	}
	versions, err := s.db.QuestionnaireVersions(r.Context(), b.Edition.Year, b.Track.Key)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	i := slices.IndexFunc(versions, func(q *domain.Questionnaire) bool { return q.Version == n })
	if i < 0 {
		s.notFound(w, r)
		return nil, false
	}
	return versions[i], true
}

type importPage struct {
	builderBase
	Pasted string // the text pasted instead of a file, shown again
}

func (p *importPage) PageTitle() string {
	return p.T("builder.import.title", "Track", p.B.Track.Name, "Year", p.B.Edition.Year)
}

func (s *Server) questionnaireImportShow(w http.ResponseWriter, r *http.Request) {
	if b, ok := s.builderFor(w, r); ok {
		s.render(w, r, http.StatusOK, "admin_questionnaire_import", &importPage{builderBase: builderBase{B: b}})
	}
}

// maxImportBytes bounds the whole upload: the file (form.MaxSize) and the
// multipart envelope around it.
const maxImportBytes = form.MaxSize + 64<<10

// questionnaireImport reads an uploaded questionnaire file and, when it is
// valid, saves it as the track's questionnaire (a new version if the
// current one is frozen). Every problem is listed with its place.
func (s *Server) questionnaireImport(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderFor(w, r)
	if !ok {
		return
	}
	p := &importPage{builderBase: builderBase{B: b}}
	data, problem := readQuestionnaireUpload(w, r, "fichier")
	p.Pasted = r.PostFormValue("contenu")
	if problem != "" {
		p.Issues = []builderIssue{{Field: "fichier", ID: problem}}
		s.render(w, r, http.StatusUnprocessableEntity, "admin_questionnaire_import", p)
		return
	}
	qn, problems, err := form.Decode(data)
	var syntax *form.SyntaxError
	switch {
	case errors.As(err, &syntax):
		p.Issues = []builderIssue{{Field: "fichier", ID: "builder.import.syntax",
			Args: []any{"Line", syntax.Line, "Column", syntax.Column, "Detail", syntax.Detail}}}
	case err != nil:
		s.fail(w, r, err)
		return
	}
	for _, pr := range problems {
		p.Issues = append(p.Issues, builderIssue{Path: pr.Path, Text: pr.Message})
	}
	if len(p.Issues) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "admin_questionnaire_import", p)
		return
	}
	if err := s.storeDefinition(r, b, qn); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, b.URL(""), "builder.flash.imported")
}

// readUpload reads the file posted in the multipart field name or, when
// no file is sent, the text pasted in the field "contenu" (a plain form
// post works too); it returns the message id of what went wrong.
func readQuestionnaireUpload(w http.ResponseWriter, r *http.Request, name string) ([]byte, string) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes)
	err := r.ParseMultipartForm(maxImportBytes)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, "builder.import.too_big"
	case err != nil && !errors.Is(err, http.ErrNotMultipart):
		return nil, "builder.import.no_file"
	}
	if f, _, err := r.FormFile(name); err == nil {
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, form.MaxSize+1))
		switch {
		case err != nil:
			return nil, "builder.import.no_file"
		case len(data) > form.MaxSize:
			return nil, "builder.import.too_big"
		case len(bytes.TrimSpace(data)) > 0:
			return data, ""
		}
	}
	if text := r.PostFormValue("contenu"); strings.TrimSpace(text) != "" {
		return []byte(text), ""
	}
	return nil, "builder.import.no_file"
}
