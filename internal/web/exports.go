package web

// Exports of applications with all their answers, for the secretariat and
// the jury's preparation: one row per application, one column per question
// of the track's current questionnaire. Rows go to the client as they are
// read from the database, so an edition of any size is never held in
// memory (only the XLSX writer keeps its rows in a temporary file until the
// end, since a ZIP's sheet is complete only then).

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/render"
	"tnl/internal/store"
)

// exportFormat is one file type of the export. Text formats are
// compressed on the wire; XLSX and ODS are ZIP files already.
type exportFormat struct {
	ext, contentType string
	text             bool
	open             func(w io.Writer, sheet string) (render.SheetWriter, error)
}

var (
	exportCSV = exportFormat{"csv", "text/csv; charset=utf-8", true,
		func(w io.Writer, _ string) (render.SheetWriter, error) { return render.NewCSV(w), nil }}
	exportXLSX = exportFormat{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false, render.NewXLSX}
	exportODS  = exportFormat{"ods", "application/vnd.oasis.opendocument.spreadsheet", false, render.NewODS}
)

// exportTimeLimit bounds the writing of one export, beyond the server's
// usual write timeout meant for pages.
const exportTimeLimit = 10 * time.Minute

// exportApplications answers GET /admin/candidatures/export.{csv,xlsx,ods}
// with the applications matching the same filters as the follow-up list.
func (s *Server) exportApplications(format exportFormat) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		x, err := s.loadExport(r, exportFilter(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// The download is what leaves the platform: it is traced before the
		// first byte goes.
		if err := s.db.RecordAudit(ctx, &domain.AuditEntry{Actor: actor(r), Action: "application.export",
			ObjectType: "edition", ObjectID: fmt.Sprintf("%d/%s", x.filter.Year, x.filter.Track),
			After: exportSnapshot(format, x.filter)}); err != nil {
			s.fail(w, r, err)
			return
		}
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Now().Add(exportTimeLimit)) // not every writer supports it
		h := w.Header()
		h.Set("Content-Type", format.contentType)
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="candidatures-%d-%s.%s"`, x.filter.Year, x.filter.Track, format.ext))
		h.Set("Cache-Control", "no-store")
		out, finish := exportBody(w, r, format)
		err = s.writeExport(out, r, format, x)
		if err == nil {
			err = finish()
		}
		if err != nil {
			// The status line is gone: cut the connection, so that the
			// client sees a failed download rather than a short file.
			s.log.Error("export failed", "id", requestID(r), "error", err.Error())
			panic(http.ErrAbortHandler)
		}
	}
}

// exportBody is where the file goes: for a text format and a client that
// accepts it, through gzip at its fastest level, set here so that the
// site's compression (level 6, for pages) leaves it alone. On export-like
// text, level 6 compressed at 20 MB/s here against 180 MB/s at level 1,
// for a file a quarter smaller: 15 s of CPU on a 300 MB CSV instead of 2.
func exportBody(w http.ResponseWriter, r *http.Request, format exportFormat) (io.Writer, func() error) {
	if !format.text || !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		return w, func() error { return nil }
	}
	w.Header().Set("Content-Encoding", "gzip")
	gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed) // a valid level: no error
	return gz, gz.Close
}

// exportJob is what an export needs once loaded and authorised.
type exportJob struct {
	filter  store.ApplicationFilter
	edition *domain.Edition
	track   *domain.Track
	def     *form.Questionnaire
	lang    string
	words   map[string]string // translated message ids, the same on many rows
}

// t translates a message id without arguments, once per export.
func (x *exportJob) t(tr *translator, id string) string {
	w, ok := x.words[id]
	if !ok {
		w = tr.T(x.lang, id)
		x.words[id] = w
	}
	return w
}

// exportFilter reads the dashboard's filters (see parseApplicationQuery),
// so that its export links carry its query string as it is; the track is
// "label" unless another is named.
func exportFilter(r *http.Request) store.ApplicationFilter {
	f := parseApplicationQuery(r.URL.Query()).filter()
	f.Limit, f.Offset = 0, 0
	if f.Track == "" {
		f.Track = "label"
	}
	return f
}

// loadExport completes the filter (the latest edition by default) and loads
// the edition and the track's current questionnaire, whose questions make
// the columns.
func (s *Server) loadExport(r *http.Request, f store.ApplicationFilter) (*exportJob, error) {
	ctx := r.Context()
	x := &exportJob{filter: f, lang: requestLang(r), words: map[string]string{}}
	var err error
	if f.Year == 0 {
		x.edition, err = s.db.LatestEdition(ctx)
	} else {
		x.edition, err = s.db.FindEdition(ctx, f.Year)
	}
	if err != nil {
		return nil, err
	}
	x.filter.Year = x.edition.Year
	var ok bool
	if x.track, ok = x.edition.Track(f.Track); !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "Ce parcours n'existe pas dans cette édition.")
	}
	q, err := s.db.CurrentQuestionnaire(ctx, x.edition.Year, x.track.Key)
	if err != nil {
		return nil, err
	}
	x.def, err = s.definition(r, q.ID)
	return x, err
}

// writeExport writes the header row, then one row per application.
func (s *Server) writeExport(w io.Writer, r *http.Request, format exportFormat, x *exportJob) error {
	sw, err := format.open(w, s.tr.T(x.lang, "exports.sheet", "Year", x.edition.Year))
	if err != nil {
		return err
	}
	cols := exportColumns(x.def)
	if err := sw.WriteRow(s.exportHeader(x, cols)...); err != nil {
		return errors.Join(err, sw.Close())
	}
	row := make([]render.Cell, 0, len(exportFixed)+len(cols))
	err = s.db.ExportApplications(r.Context(), x.filter, func(app *domain.Application, answers map[string]string) error {
		row = s.exportRow(row[:0], x, cols, app, answers)
		return sw.WriteRow(row...)
	})
	if err != nil {
		return errors.Join(err, sw.Close())
	}
	return sw.Close()
}

// exportFixed are the message ids of the columns that describe the
// application, before the answers.
var exportFixed = []string{"exports.col.body", "exports.col.key", "exports.col.insee", "exports.col.siren",
	"exports.col.kind", "exports.col.departement", "exports.col.population", "exports.col.track",
	"exports.col.status", "exports.col.submissions", "exports.col.submitted_at", "exports.col.version"}

// exportColumn is one question of the questionnaire, in form order.
type exportColumn struct {
	section *form.Section
	q       *form.Question
	// shown remembers the words of a choice question's values: few
	// distinct values repeat over thousands of rows, each otherwise
	// decoded again.
	shown map[string]string
}

// maxShown bounds the words remembered per column.
const maxShown = 512

func exportColumns(def *form.Questionnaire) []*exportColumn {
	var cols []*exportColumn
	for i := range def.Sections {
		sec := &def.Sections[i]
		for j := range sec.Questions {
			c := &exportColumn{section: sec, q: &sec.Questions[j]}
			switch c.q.Type {
			case form.YesNo, form.Single, form.Multiple:
				c.shown = map[string]string{}
			}
			cols = append(cols, c)
		}
	}
	return cols
}

// display is an answer in words (see form.Display).
func (c *exportColumn) display(value, lang string) string {
	if t, ok := c.shown[value]; ok {
		return t
	}
	t := form.Display(c.q, value, lang)
	if c.shown != nil && len(c.shown) < maxShown {
		c.shown[value] = t
	}
	return t
}

func (s *Server) exportHeader(x *exportJob, cols []*exportColumn) []render.Cell {
	cells := make([]render.Cell, 0, len(exportFixed)+len(cols))
	for _, id := range exportFixed {
		cells = append(cells, render.Text(s.tr.T(x.lang, id)))
	}
	for _, c := range cols {
		cells = append(cells, render.Text(c.section.Title.In(x.lang)+" – "+c.q.Label.In(x.lang)))
	}
	return cells
}

// exportRow appends an application's cells to row. Answers are written in
// words, as on the receipt; integers and percentages as numbers, so that a
// spreadsheet can sum them. An answer to a question its conditions hide is
// left out: it no longer counts, exactly as on the form.
func (s *Server) exportRow(row []render.Cell, x *exportJob, cols []*exportColumn, app *domain.Application, answers map[string]string) []render.Cell {
	b := &app.Body
	submitted := ""
	if app.SubmittedAt != nil {
		submitted = app.SubmittedAt.In(domain.Paris).Format("2006-01-02 15:04:05")
	}
	population := render.Cell{} // unknown, as for many syndicats
	if b.Population > 0 {
		population = render.Num(strconv.Itoa(b.Population))
	}
	row = append(row, render.Text(b.Name), render.Text(b.Key), render.Text(b.INSEE), render.Text(b.SIREN),
		render.Text(x.t(s.tr, "kind."+b.Kind)), render.Text(b.Departement), population,
		render.Text(x.track.Name), render.Text(x.t(s.tr, followupStatus(app))),
		render.Num(strconv.Itoa(app.Submissions)), render.Text(submitted), render.Num(strconv.Itoa(app.Version)))
	values := form.Answers(answers)
	for _, c := range cols {
		v := answers[c.q.ID]
		conditional := c.section.ShowIf != nil || c.q.ShowIf != nil
		switch {
		case v == "" || conditional && !form.QuestionVisible(x.def, c.section, c.q, values):
			row = append(row, render.Cell{})
		case c.q.Type == form.Integer || c.q.Type == form.Percentage:
			row = append(row, render.Num(v))
		default:
			row = append(row, render.Text(c.display(v, x.lang)))
		}
	}
	return row
}

// exportSnapshot is the audit log's record of what was exported.
func exportSnapshot(format exportFormat, f store.ApplicationFilter) string {
	b, _ := json.Marshal(map[string]any{"format": format.ext, "year": f.Year, "track": f.Track,
		"status": f.Status, "kind": f.Kind, "departement": f.Departement,
		"min_population": f.MinPopulation, "max_population": f.MaxPopulation})
	return string(b)
}
