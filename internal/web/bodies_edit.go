package web

import (
	"net/http"

	"tnl/internal/directory"
	"tnl/internal/domain"
)

// An admin corrects the name, kind, département or SIREN of a body outside
// the directory (a request with a typo, a historical laureate). Bodies of
// the directory change only when the directory does.

type bodyEditForm struct {
	Name        string
	Kind        string
	SIREN       string
	Departement string
}

type adminBodyEditPage struct {
	page
	Body         *domain.Body
	Form         bodyEditForm
	Kinds        []selectOption
	Departements []selectOption
	Duplicate    *domain.Body // the body that already has the SIREN typed
}

// Error names the body that already has the SIREN typed.
func (p *adminBodyEditPage) Error(name string) string {
	if name == "siren" && p.Duplicate != nil {
		return p.T("bodies.error.siren_taken", "Name", p.Duplicate.Name)
	}
	return p.page.Error(name)
}

// bodyEditPage loads the body of the URL and the choices of the form: the
// kinds of other bodies, plus the body's own if it is another (a historical
// "commune" not yet linked).
func (s *Server) bodyEditPage(r *http.Request) (*adminBodyEditPage, *directory.Directory, error) {
	id := bodyID(r)
	if id == 0 {
		return nil, nil, domain.Errorf(domain.ENOTFOUND, "Organisme introuvable.")
	}
	b, err := s.db.FindBodyByID(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	dir, err := directory.Load()
	if err != nil {
		return nil, nil, err
	}
	p := &adminBodyEditPage{page: page{Title: "bodies.edit.title"}, Body: b, Kinds: bodyKindOptions(), Departements: departementOptions(dir)}
	if !offered(p.Kinds, b.Kind) {
		p.Kinds = append(p.Kinds, selectOption{Value: b.Kind, ID: "kind." + b.Kind})
	}
	return p, dir, nil
}

func (s *Server) adminBodyEdit(w http.ResponseWriter, r *http.Request) {
	p, _, err := s.bodyEditPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := p.Body
	p.Form = bodyEditForm{Name: b.Name, Kind: b.Kind, SIREN: b.SIREN, Departement: b.Departement}
	s.render(w, r, http.StatusOK, "admin_body_edit", p)
}

// adminBodyUpdate saves a correction; bad input is shown again, unsaved.
func (s *Server) adminBodyUpdate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	p, dir, err := s.bodyEditPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := bodyEditForm{Name: field(r, "name"), Kind: field(r, "kind"), SIREN: field(r, "siren"), Departement: field(r, "departement")}
	p.Form = f
	p.Errors = validateBodyFields(f.Name, f.Kind, f.SIREN, f.Departement, p.Kinds, p.Departements)
	siren, _ := directory.ParseSIREN(f.SIREN)
	if len(p.Errors) == 0 && siren != "" {
		owner, err := s.sirenOwner(r.Context(), dir, siren)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if owner != nil && owner.ID != p.Body.ID {
			p.Duplicate, p.Errors["siren"] = owner, "bodies.error.siren_taken_summary"
		}
	}
	if len(p.Errors) == 0 {
		edit := domain.Body{Name: f.Name, Kind: f.Kind, Departement: f.Departement, SIREN: siren, SearchName: directory.Normalize(f.Name)}
		_, err = s.db.UpdateBody(r.Context(), p.Body.ID, edit, actor(r))
		if domain.ErrorCode(err) == domain.EINVALID { // a body of the directory
			p.Errors, err = map[string]string{"form": "bodies.edit.official"}, nil
		}
	}
	switch {
	case err != nil:
		s.fail(w, r, err)
	case len(p.Errors) > 0:
		s.render(w, r, http.StatusUnprocessableEntity, "admin_body_edit", p)
	default:
		s.redirect(w, r, "/admin/organismes", "bodies.admin.flash_updated")
	}
}
