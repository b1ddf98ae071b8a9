package web

// A juror's own files, /jury/{year}/dossiers, once the assignment is
// released.

import (
	"net/http"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// juryFilesPage is a juror's list of their files.
type juryFilesPage struct {
	page
	Edition *domain.Edition
	NotYet  bool
	Files   []store.JurorFile
	Leads   int
}

// juryFiles lists the signed-in juror's files once released: the files
// they are recused from never appear, nor are they counted.
func (s *Server) juryFiles(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	if !domain.Holds(j.Role(), domain.ActSeeAssignmentsOwn) {
		s.notFound(w, r)
		return
	}
	e := j.Edition
	p := &juryFilesPage{Edition: e, page: page{TitleText: s.tr.T(requestLang(r), "assign.files.title", "Year", e.Year)}}
	if !j.Can(domain.ActSeeAssignmentsOwn) || e.AssignmentsReleasedAt == nil {
		p.NotYet = true
		s.render(w, r, http.StatusOK, "jury_files", p)
		return
	}
	files, err := s.db.JurorFiles(r.Context(), e.Year, j.User.ID, e.Jury.WithDefaults().Mode == domain.AssignFullPanel)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Files = files
	for _, f := range files {
		if f.Rapporteur {
			p.Leads++
		}
	}
	s.render(w, r, http.StatusOK, "jury_files", p)
}
