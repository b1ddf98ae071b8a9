package web

import (
	"net/http"
	"strconv"

	"tnl/internal/domain"
)

// juryAccess is the signed-in person's standing in one edition's jury.
// Every jury handler gets it from juryFor and asks it, through Can and
// CanFile, what domain.Can allows: the visibility policy is the one table
// in internal/domain, consulted nowhere else.
type juryAccess struct {
	Edition *domain.Edition
	Member  *domain.JuryMember // nil for the secretariat
	User    *domain.User
}

// Role is the person's role in the jury: the secretariat for admins who
// are not members.
func (j *juryAccess) Role() domain.JuryRole {
	if j.Member != nil {
		return j.Member.Role
	}
	return domain.JurySecretariat
}

// Viewer is the person's facts for actions that concern no file.
func (j *juryAccess) Viewer() domain.Viewer {
	return domain.Viewer{Role: j.Role(), Attested: j.Member != nil && j.Member.AttestedAt != nil}
}

// Can tells whether the person may do a, about no file in particular, in
// the edition's current phase.
func (j *juryAccess) Can(a domain.Action) bool { return domain.Can(j.Viewer(), a, j.Edition.Phase) }

// fileViewer adds the facts about one application.
func (s *Server) fileViewer(r *http.Request, j *juryAccess, applicationID int64) (domain.Viewer, error) {
	v := j.Viewer()
	f, err := s.db.FileFacts(r.Context(), j.Edition.Year, j.User.ID, applicationID)
	if err != nil {
		return v, err
	}
	v.Recused, v.Disclosed, v.Assigned, v.OwnProposal, v.PresidentRecused, v.Rapporteur =
		f.Recused, f.Disclosed, f.Assigned, f.OwnProposal, f.PresidentRecused, f.Rapporteur
	return v, nil
}

// canFile tells whether the person may do a about one application. An
// error reading the facts refuses.
func (s *Server) canFile(r *http.Request, j *juryAccess, applicationID int64, a domain.Action) bool {
	v, err := s.fileViewer(r, j, applicationID)
	return err == nil && domain.Can(v, a, j.Edition.Phase)
}

// juryFor loads the edition named by the URL's {year} and the signed-in
// person's place in its jury: members and admins pass; anyone else gets
// 404, as for an edition that does not exist.
func (s *Server) juryFor(w http.ResponseWriter, r *http.Request) (*juryAccess, bool) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.notFound(w, r)
		return nil, false
	}
	e, err := s.db.FindEdition(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	u := currentUser(r)
	j := &juryAccess{Edition: e, User: u}
	m, err := s.db.FindJuryMember(r.Context(), year, u.ID)
	switch {
	case err == nil:
		j.Member = &m
	case !domain.IsNotFound(err):
		s.fail(w, r, err)
		return nil, false
	case u.Role != domain.RoleAdmin:
		s.notFound(w, r)
		return nil, false
	}
	return j, true
}

// seenFileFor loads the file named by the URL's {year} and {id} with the
// reader's facts about it, for those the policy allows to see it
// (ActSeeFile). Anyone else — a recused or unattested juror, an assessor
// on a file not assigned to them, an outsider — gets 404, as for a file
// that does not exist; ok is false once the answer is written.
func (s *Server) seenFileFor(w http.ResponseWriter, r *http.Request) (*juryAccess, *domain.Application, domain.Viewer, bool) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return nil, nil, domain.Viewer{}, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return nil, nil, domain.Viewer{}, false
	}
	app, err := s.db.FindApplication(r.Context(), id)
	// A file the jury examines was submitted at least once, in this edition.
	if err != nil || app.Year != j.Edition.Year || app.Submissions == 0 {
		s.notFound(w, r)
		return nil, nil, domain.Viewer{}, false
	}
	v, err := s.fileViewer(r, j, app.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, domain.Viewer{}, false
	}
	if !domain.Can(v, domain.ActSeeFile, j.Edition.Phase) {
		s.notFound(w, r)
		return nil, nil, domain.Viewer{}, false
	}
	return j, app, v, true
}

// juryFormFor is juryFor for a post, whose form is read: an unreadable one
// is refused with 400.
func (s *Server) juryFormFor(w http.ResponseWriter, r *http.Request) (*juryAccess, bool) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return nil, false
	}
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return nil, false
	}
	return j, true
}
