package web

// The secretariat's manual edits of the assignment: add or remove a
// reviewer on a file, or make them its rapporteur.

import (
	"net/http"
	"slices"
	"strconv"

	"tnl/internal/domain"
)

// assignEditForm is one manual edit: add or remove a reviewer on a file, or
// make them its rapporteur (one of the three submit buttons).
type assignEditForm struct {
	Application, Juror, Op string
	app, user              int64
}

// The manual edits.
const (
	assignOpAdd    = "ajouter"
	assignOpRemove = "retirer"
	assignOpLead   = "rapporteur"
)

func (f *assignEditForm) Validate() map[string]string {
	errs := map[string]string{}
	var err error
	if f.app, err = strconv.ParseInt(f.Application, 10, 64); err != nil {
		errs["application"] = "assign.error.application"
	}
	if f.user, err = strconv.ParseInt(f.Juror, 10, 64); err != nil {
		errs["juror"] = "assign.error.juror"
	}
	if f.Op != assignOpAdd && f.Op != assignOpRemove && f.Op != assignOpLead {
		errs["form"] = "assign.error.op"
	}
	return errs
}

// apply makes the edit on d's rows, or says in the form's terms why not.
func (f *assignEditForm) apply(d *assignData) ([]domain.Assignment, map[string]string) {
	if !slices.ContainsFunc(d.files, func(a *domain.Application) bool { return a.ID == f.app }) {
		return nil, map[string]string{"application": "assign.error.application"}
	}
	i := slices.IndexFunc(d.reviewers, func(m domain.JuryMember) bool { return m.UserID == f.user })
	if i < 0 {
		return nil, map[string]string{"juror": "assign.error.juror"}
	}
	rows := d.valid(d.rows)
	at := slices.IndexFunc(rows, func(a domain.Assignment) bool { return a.ApplicationID == f.app && a.UserID == f.user })
	recused := d.conflicts.Recused(f.user, f.app)
	switch {
	case recused && f.Op == assignOpRemove:
		// An assignment made before the conflict: valid dropped it already.
	case recused:
		return nil, map[string]string{"juror": "assign.error.recused"}
	case f.Op == assignOpAdd && at >= 0:
		return nil, map[string]string{"juror": "assign.error.already"}
	case f.Op == assignOpAdd:
		rows = append(rows, domain.Assignment{ApplicationID: f.app, UserID: f.user, Source: domain.AssignManual})
	case at < 0:
		return nil, map[string]string{"juror": "assign.error.not_assigned"}
	case f.Op == assignOpRemove:
		rows = slices.Delete(rows, at, at+1)
	case d.reviewers[i].Role == domain.JuryAssessor:
		return nil, map[string]string{"juror": "assign.error.assessor_lead"}
	default:
		for k := range rows {
			if rows[k].ApplicationID == f.app {
				rows[k].Rapporteur = k == at
			}
		}
		rows[at].Source = domain.AssignManual
	}
	return append(rows, d.valid(d.hidden)...), nil
}

// adminAssignmentsEdit adds or removes a reviewer, or changes a rapporteur.
func (s *Server) adminAssignmentsEdit(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.managing(w, r)
	if !ok {
		return
	}
	p.Form = assignEditForm{Application: field(r, "application"), Juror: field(r, "juror"), Op: field(r, "op")}
	errs := p.Form.Validate()
	var rows []domain.Assignment
	if len(errs) == 0 {
		rows, errs = p.Form.apply(d)
	}
	if len(errs) > 0 {
		p.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, "admin_jury_assignments", p)
		return
	}
	if err := s.db.SaveAssignments(r.Context(), d.edition.Year, rows, actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, assignPath(d.edition.Year)+"#modifier", "assign.flash.edited")
}
