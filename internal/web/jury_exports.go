package web

// The jury's exports (issue 6 §9, jury.md §10): the reviews, the
// aggregates per file before and after discussion, the conflict register
// and the assignment matrix, each as CSV, XLSX and ODS. The secretariat
// downloads them from /admin/jury/{year}/exports, the president from
// /jury/{year}/exports once domain.Can allows ActExport. Every row is asked
// of the policy with the reader's facts about its file, so that a reader
// recused from a file finds nothing of it in any export, and nothing comes
// out before the phase that shows it on the pages. Rows are written as the
// store reads them, as for the applications' export (exports.go).

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/render"
	"tnl/internal/store"
)

// juryExportKind is one of the jury's exports.
type juryExportKind struct {
	slug string // the file's name, before the format's extension
	// action is what the reader must be allowed on a file for its rows to
	// appear; asked without file facts, it also says whether the export
	// exists yet in the edition's phase.
	action domain.Action
	write  func(s *Server, x *juryExportJob, sw render.SheetWriter) error
}

// juryExportKinds are the exports, in the order the page lists them.
var juryExportKinds = []juryExportKind{
	{"evaluations", domain.ActSeeReviews, (*Server).writeJuryReviews},
	{"syntheses", domain.ActSeeAggregates, (*Server).writeJuryAggregates},
	{"conflits", domain.ActSeeConflictsAll, (*Server).writeJuryConflicts},
	{"attributions", domain.ActSeeAssignmentsAll, (*Server).writeJuryMatrix},
}

var juryExportFormats = []exportFormat{exportCSV, exportXLSX, exportODS}

// parseJuryExportFile reads "evaluations.csv" into its export and format.
func parseJuryExportFile(name string) (juryExportKind, exportFormat, bool) {
	slug, ext, ok := strings.Cut(name, ".")
	if !ok {
		return juryExportKind{}, exportFormat{}, false
	}
	for _, k := range juryExportKinds {
		for _, f := range juryExportFormats {
			if k.slug == slug && f.ext == ext {
				return k, f, true
			}
		}
	}
	return juryExportKind{}, exportFormat{}, false
}

// juryExportsBase is where the reader's downloads live: the
// administration for the secretariat (admins outside the jury), the jury's
// pages for its members. A matter of where, not of who may: that is
// ActExport's.
func juryExportsBase(j *juryAccess) string {
	if j.Member == nil {
		return fmt.Sprintf("/admin/jury/%d/exports", j.Edition.Year)
	}
	return fmt.Sprintf("/jury/%d/exports", j.Edition.Year)
}

// juryExportsPage lists the exports with a link per format, or says from
// which phase each opens.
type juryExportsPage struct {
	page
	Edition *domain.Edition
	Admin   bool // the secretariat: back to the jury's administration
	NotYet  bool // no export at all in this phase
	Items   []juryExportItem
}

// juryExportItem is one export on the page.
type juryExportItem struct {
	Slug  string
	Open  bool
	From  domain.Phase // when closed: the first phase that opens it to the reader
	Links []juryExportLink
}

type juryExportLink struct{ Href, Ext string }

// juryExports shows the page. Whoever the policy will let export in a
// later phase is told when the exports open; anyone else who may not
// export now gets 404, as for any jury page their role does not have.
func (s *Server) juryExports(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	now := j.Can(domain.ActExport)
	from := exportFirstPhase(j.Viewer(), domain.ActExport)
	if !now && (from == "" || !j.Edition.Phase.Before(from)) {
		s.notFound(w, r)
		return
	}
	p := &juryExportsPage{Edition: j.Edition, Admin: j.Member == nil, NotYet: !now,
		page: page{TitleText: s.tr.T(requestLang(r), "jexports.title", "Year", j.Edition.Year)}}
	base := juryExportsBase(j)
	for _, k := range juryExportKinds {
		it := juryExportItem{Slug: k.slug, Open: !p.NotYet && j.Can(k.action)}
		if it.Open {
			for _, f := range juryExportFormats {
				it.Links = append(it.Links, juryExportLink{Href: base + "/" + k.slug + "." + f.ext, Ext: f.ext})
			}
		} else {
			it.From = exportFirstPhase(j.Viewer(), k.action)
		}
		p.Items = append(p.Items, it)
	}
	s.render(w, r, http.StatusOK, "jury_exports", p)
}

// exportFirstPhase is the first phase in which v may do a, "" if none: what the
// page announces for an export not open yet.
func exportFirstPhase(v domain.Viewer, a domain.Action) domain.Phase {
	v.Attested = true // the president's attestation is asked for on the jury's pages
	for _, p := range domain.Phases {
		if domain.Can(v, a, p) && domain.Can(v, domain.ActExport, p) {
			return p
		}
	}
	return ""
}

// juryExport answers GET …/exports/{file}: one export in one format.
func (s *Server) juryExport(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	kind, format, ok := parseJuryExportFile(r.PathValue("file"))
	if !ok || !j.Can(domain.ActExport) || !j.Can(kind.action) {
		s.notFound(w, r)
		return
	}
	x, err := s.loadJuryExport(r, j, kind.action)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	year := j.Edition.Year
	// What leaves the platform is traced before the first byte goes.
	after, _ := json.Marshal(map[string]any{"export": kind.slug, "format": format.ext, "role": j.Role()})
	if err := s.db.RecordAudit(r.Context(), &domain.AuditEntry{Actor: actor(r), Action: "jury.export",
		ObjectType: "edition", ObjectID: strconv.Itoa(year), After: string(after)}); err != nil {
		s.fail(w, r, err)
		return
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(exportTimeLimit))
	h := w.Header()
	h.Set("Content-Type", format.contentType)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="jury-%d-%s.%s"`, year, kind.slug, format.ext))
	h.Set("Cache-Control", "no-store")
	out, finish := exportBody(w, r, format)
	sw, err := format.open(out, s.tr.T(x.lang, "jexports.sheet."+kind.slug, "Year", year))
	if err == nil {
		err = errors.Join(kind.write(s, x, sw), sw.Close())
	}
	if err == nil {
		err = finish()
	}
	if err != nil {
		// The status line is gone: cut the connection, so that the client
		// sees a failed download rather than a short file.
		s.log.Error("jury export failed", "id", requestID(r), "export", kind.slug, "error", err.Error())
		panic(http.ErrAbortHandler)
	}
}

// juryExportJob is what the writers share: the reader, the edition's
// recusals and jury, and translations made once.
type juryExportJob struct {
	r         *http.Request
	j         *juryAccess
	action    domain.Action
	lang      string
	words     map[string]string
	conflicts jury.ConflictMap
	members   []domain.JuryMember
	visible   map[int64]bool // by file: may the reader see its rows
}

func (s *Server) loadJuryExport(r *http.Request, j *juryAccess, action domain.Action) (*juryExportJob, error) {
	x := &juryExportJob{r: r, j: j, action: action, lang: requestLang(r), words: map[string]string{},
		visible: map[int64]bool{}}
	var err error
	if x.conflicts, err = s.db.EffectiveConflicts(r.Context(), j.Edition.Year); err != nil {
		return nil, err
	}
	x.members, err = s.db.JuryMembers(r.Context(), j.Edition.Year)
	return x, err
}

// sees reports whether the reader may see the rows of a file: the policy
// asked with their facts about it. The facts the export's actions depend on
// are the role, the attestation and the recusal, read once for the edition.
func (x *juryExportJob) sees(applicationID int64) bool {
	ok, known := x.visible[applicationID]
	if !known {
		v := x.j.Viewer()
		v.Recused = x.conflicts.Recused(x.j.User.ID, applicationID)
		phase := x.j.Edition.Phase
		ok = domain.Can(v, domain.ActExport, phase) && domain.Can(v, x.action, phase)
		x.visible[applicationID] = ok
	}
	return ok
}

// t translates a message id without arguments, once per export.
func (x *juryExportJob) t(tr *translator, id string) string {
	w, ok := x.words[id]
	if !ok {
		w = tr.T(x.lang, id)
		x.words[id] = w
	}
	return w
}

// member is a juror's place in the jury, if they still have one.
func (x *juryExportJob) member(userID int64) (domain.JuryMember, bool) {
	for _, m := range x.members {
		if m.UserID == userID {
			return m, true
		}
	}
	return domain.JuryMember{}, false
}

// levelName names a level of a track, or its number when the track no
// longer has it; "" for none.
func (x *juryExportJob) levelName(track string, level *int) string {
	if level == nil {
		return ""
	}
	if t, ok := x.j.Edition.Track(track); ok && *level >= 0 && *level < len(t.Levels) {
		return t.Levels[*level].Name
	}
	return strconv.Itoa(*level + 1)
}

// trackName is a track's name in the edition, or its key.
func (x *juryExportJob) trackName(key string) string {
	if t, ok := x.j.Edition.Track(key); ok {
		return t.Name
	}
	return key
}

// exportHeaderOf translates message ids into a header row.
func (s *Server) exportHeaderOf(x *juryExportJob, ids ...string) []render.Cell {
	cells := make([]render.Cell, len(ids))
	for i, id := range ids {
		cells[i] = render.Text(x.t(s.tr, id))
	}
	return cells
}

func exportNum(n int) render.Cell { return render.Num(strconv.Itoa(n)) }

// exportDate is a time in Paris, as the applications' export writes it.
func exportDate(t *time.Time) render.Cell {
	if t == nil {
		return render.Cell{}
	}
	return render.Text(t.In(domain.Paris).Format("2006-01-02 15:04:05"))
}

// writeJuryConflicts writes the conflict register, by juror then file:
// dismissed lines included with their reason, which is the register's
// point (a false positive stays dismissed, and says why).
func (s *Server) writeJuryConflicts(x *juryExportJob, sw render.SheetWriter) error {
	entries, err := s.db.Conflicts(x.r.Context(), x.j.Edition.Year, store.ConflictFilter{})
	if err != nil {
		return err
	}
	if err := sw.WriteRow(s.exportHeaderOf(x, "jexports.col.juror", "jexports.col.role", "jexports.col.file",
		"jexports.col.body", "jexports.col.type", "jexports.col.source", "jexports.col.status",
		"jexports.col.severity", "jexports.col.reason", "jexports.col.decision", "jexports.col.decided_by",
		"jexports.col.decided_at", "jexports.col.created_at")...); err != nil {
		return err
	}
	for _, c := range entries {
		if !x.sees(c.Application) {
			continue
		}
		role := ""
		if m, ok := x.member(c.Juror); ok {
			role = x.t(s.tr, m.Role.Key())
		}
		created := c.CreatedAt
		err := sw.WriteRow(render.Text(c.JurorLabel()), render.Text(role), render.Num(strconv.FormatInt(c.Application, 10)),
			render.Text(c.BodyName), render.Text(x.t(s.tr, "conflicts.type."+string(c.Type))),
			render.Text(x.t(s.tr, "conflicts.source."+string(c.Source))),
			render.Text(x.t(s.tr, "conflicts.status."+string(c.Status))),
			render.Text(x.t(s.tr, "conflicts.severity."+string(c.Severity))),
			render.Text(c.Reason), render.Text(c.Decision), render.Text(c.DecidedBy), exportDate(c.DecidedAt), exportDate(&created))
		if err != nil {
			return err
		}
	}
	return nil
}

// The cells of the assignment matrix.
const (
	exportCellRapporteur = "jexports.cell.rapporteur"
	exportCellReviewer   = "jexports.cell.reviewer"
	exportCellRecused    = "jexports.cell.recused"
)

// writeJuryMatrix writes the assignment matrix: one row per file, one
// column per member who reviews (observers never do), as on the
// assignment page, released or not (the reader may see the proposal).
func (s *Server) writeJuryMatrix(x *juryExportJob, sw render.SheetWriter) error {
	ctx := x.r.Context()
	files, err := s.db.ConflictApplicants(ctx, x.j.Edition.Year)
	if err != nil {
		return err
	}
	rows, err := s.db.Assignments(ctx, x.j.Edition.Year)
	if err != nil {
		return err
	}
	at := map[[2]int64]domain.Assignment{}
	for _, a := range rows {
		at[[2]int64{a.ApplicationID, a.UserID}] = a
	}
	var cols []domain.JuryMember
	header := s.exportHeaderOf(x, "jexports.col.file", "jexports.col.body", "jexports.col.kind")
	for _, m := range x.members {
		if domain.Holds(m.Role, domain.ActWriteReview) { // observers never review
			cols = append(cols, m)
			header = append(header, render.Text(m.Label()+" ("+x.t(s.tr, m.Role.Key())+")"))
		}
	}
	header = append(header, s.exportHeaderOf(x, "jexports.col.reviewers", "jexports.col.rapporteur")...)
	if err := sw.WriteRow(header...); err != nil {
		return err
	}
	for _, f := range files {
		if !x.sees(f.ID) {
			continue
		}
		row := []render.Cell{render.Num(strconv.FormatInt(f.ID, 10)), render.Text(f.BodyName), render.Text(x.t(s.tr, "kind."+f.BodyKind))}
		n, lead := 0, ""
		for _, m := range cols {
			a, assigned := at[[2]int64{f.ID, m.UserID}]
			cell := ""
			switch {
			case x.conflicts.Recused(m.UserID, f.ID): // an assignment made before the conflict no longer counts
				cell = exportCellRecused
			case !assigned:
			case a.Rapporteur:
				cell, lead, n = exportCellRapporteur, m.Label(), n+1
			default:
				cell, n = exportCellReviewer, n+1
			}
			if cell == "" {
				row = append(row, render.Cell{})
			} else {
				row = append(row, render.Text(x.t(s.tr, cell)))
			}
		}
		if err := sw.WriteRow(append(row, exportNum(n), render.Text(lead))...); err != nil {
			return err
		}
	}
	return nil
}
