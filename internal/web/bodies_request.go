package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"tnl/internal/directory"
	"tnl/internal/domain"
	"tnl/internal/mail"
	"tnl/internal/store"
)

// An applicant whose body is not in the official directory (a syndicat, a
// GIP, an agency, a park…) asks for it to be added; an admin decides.

// maxBodyName and maxBodyMembers bound a request: the longest official names
// are under 100 characters, the largest syndicats have a few hundred members.
const (
	maxBodyName    = 200
	maxBodyMembers = 500
)

type bodyRequestForm struct {
	Name        string
	Kind        string
	SIREN       string
	Departement string
	Members     string // one INSEE code, SIREN or key per line
}

func readBodyRequestForm(r *http.Request) bodyRequestForm {
	members := r.PostFormValue("members")
	if len(members) > maxBodyMembers*20 {
		members = members[:maxBodyMembers*20]
	}
	return bodyRequestForm{Name: field(r, "name"), Kind: field(r, "kind"), SIREN: field(r, "siren"),
		Departement: field(r, "departement"), Members: members}
}

// Validate checks what needs no lookup; deps are the départements offered.
func (f *bodyRequestForm) Validate(deps []selectOption) map[string]string {
	errs := validateBodyFields(f.Name, f.Kind, f.SIREN, f.Departement, bodyKindOptions(), deps)
	if f.Departement == "" {
		errs["departement"] = "bodies.error.departement"
	}
	if len(bodyMemberCodes(f.Members)) > maxBodyMembers {
		errs["members"] = "bodies.error.members_too_many"
	}
	return errs
}

// validateBodyFields checks the fields a request and an admin's correction
// share: a name, a kind and a département among those offered (or none),
// and a well-formed SIREN if one is given.
func validateBodyFields(name, kind, siren, dep string, kinds, deps []selectOption) map[string]string {
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		errs["name"] = "bodies.error.name_required"
	case n > maxBodyName:
		errs["name"] = "bodies.error.name_too_long"
	}
	if !offered(kinds, kind) {
		errs["kind"] = "bodies.error.kind"
	}
	if id := sirenProblem(siren); id != "" {
		errs["siren"] = id
	}
	if dep != "" && !offered(deps, dep) {
		errs["departement"] = "bodies.error.departement"
	}
	return errs
}

func offered(options []selectOption, v string) bool {
	return slices.ContainsFunc(options, func(o selectOption) bool { return o.Value == v })
}

// sirenProblem tells apart the two mistakes directory.ParseSIREN catches,
// a wrong number of digits and a wrong check digit, as message ids; an
// empty SIREN is no problem (it is optional).
func sirenProblem(s string) string {
	if s == "" {
		return ""
	}
	if _, err := directory.ParseSIREN(s); err == nil {
		return ""
	}
	digits := strings.Join(strings.Fields(s), "")
	if len(digits) == 9 && strings.Trim(digits, "0123456789") == "" {
		return "bodies.error.siren_check"
	}
	return "bodies.error.siren_length"
}

// bodyMemberCodes splits the members field: one code per line (commas and
// semicolons also separate, as in a pasted spreadsheet row).
func bodyMemberCodes(s string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' }) {
		if c = strings.Join(strings.Fields(c), ""); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// selectOption is one choice of a select: a message id or a text.
type selectOption struct {
	Value string
	ID    string
	Text  string
}

func bodyKindOptions() []selectOption {
	out := make([]selectOption, len(domain.OtherBodyKinds))
	for i, k := range domain.OtherBodyKinds {
		out[i] = selectOption{Value: k, ID: "kind." + k}
	}
	return out
}

// departementOptions lists the départements and overseas collectivities
// in the usual order (2A and 2B between 19 and 21).
func departementOptions(dir *directory.Directory) []selectOption {
	var out []selectOption
	for _, b := range dir.All() {
		if b.Kind == directory.KindDepartement || b.Kind == directory.KindCOM {
			out = append(out, selectOption{Value: b.INSEE, Text: b.INSEE + " – " + b.Name})
		}
	}
	order := func(code string) string { return strings.NewReplacer("2A", "20A", "2B", "20B").Replace(code) }
	slices.SortFunc(out, func(a, b selectOption) int { return strings.Compare(order(a.Value), order(b.Value)) })
	return out
}

type bodyRequestPage struct {
	page
	Form         bodyRequestForm
	Kinds        []selectOption
	Departements []selectOption
	Unknown      []string     // member codes found nowhere
	Duplicate    *domain.Body // the body that already has the SIREN typed
	Done         *domain.Body // the request just recorded
}

// Error adds to a field's message what only this form knows: the codes
// not found, the body that has the SIREN.
func (p *bodyRequestPage) Error(name string) string {
	switch {
	case name == "members" && len(p.Unknown) > 0:
		return p.T("bodies.error.members_unknown", "Codes", strings.Join(p.Unknown, ", "))
	case name == "siren" && p.Duplicate != nil:
		return p.T("bodies.error.siren_taken", "Name", p.Duplicate.Name)
	}
	return p.page.Error(name)
}

func newBodyRequestPage(dir *directory.Directory) *bodyRequestPage {
	return &bodyRequestPage{page: page{Title: "bodies.request.title"}, Kinds: bodyKindOptions(), Departements: departementOptions(dir)}
}

func (s *Server) bodyRequestShow(w http.ResponseWriter, r *http.Request) {
	dir, err := directory.Load()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "body_request", newBodyRequestPage(dir))
}

// bodyRequestCreate records the request, with the emails that tell every
// admin, in one transaction; bad input changes nothing.
func (s *Server) bodyRequestCreate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	dir, err := directory.Load()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := newBodyRequestPage(dir)
	p.Form = readBodyRequestForm(r)
	p.Errors = p.Form.Validate(p.Departements)
	var members []int64
	if len(p.Errors) == 0 {
		members, err = s.checkBodyRequest(r.Context(), dir, p)
	}
	if err == nil && len(p.Errors) == 0 {
		err = s.recordBodyRequest(r, dir, p, members)
	}
	switch {
	case err != nil:
		s.fail(w, r, err)
	case len(p.Errors) > 0:
		s.render(w, r, http.StatusUnprocessableEntity, "body_request", p)
	default:
		s.outbox.Wake()
		s.render(w, r, http.StatusOK, "body_request", p)
	}
}

// checkBodyRequest does the checks that need lookups: the SIREN must be
// nobody's yet, every member must exist. Problems go to p.Errors.
func (s *Server) checkBodyRequest(ctx context.Context, dir *directory.Directory, p *bodyRequestPage) ([]int64, error) {
	if p.Form.SIREN != "" {
		siren, _ := directory.ParseSIREN(p.Form.SIREN)
		owner, err := s.sirenOwner(ctx, dir, siren)
		if err != nil {
			return nil, err
		}
		switch {
		case owner == nil:
		case owner.Status == domain.BodyRequested: // not public: say so, without naming it
			p.Errors["siren"] = "bodies.error.siren_pending"
		case owner.Status == domain.BodyRefused:
			p.Errors["siren"] = "bodies.error.siren_refused"
		default:
			p.Duplicate, p.Errors["siren"] = owner, "bodies.error.siren_taken_summary"
		}
	}
	ids, unknown, err := s.resolveMembers(ctx, dir, bodyMemberCodes(p.Form.Members))
	if len(unknown) > 0 {
		p.Unknown, p.Errors["members"] = unknown, "bodies.error.members_unknown_summary"
	}
	return ids, err
}

// sirenOwner returns the body that has this SIREN, or nil.
func (s *Server) sirenOwner(ctx context.Context, dir *directory.Directory, siren string) (*domain.Body, error) {
	b, err := s.db.FindBodyByKey(ctx, siren)
	if err == nil || !domain.IsNotFound(err) {
		return b, err
	}
	if d, ok := dir.BySIREN(siren); ok {
		return &domain.Body{Key: d.Key(), Name: d.Label()}, nil
	}
	return nil, nil
}

// resolveMembers finds the body of each code: an INSEE code through the
// directory, a SIREN or a key directly. Codes of no body, or of a body not
// (yet) approved, are returned as unknown.
func (s *Server) resolveMembers(ctx context.Context, dir *directory.Directory, codes []string) (ids []int64, unknown []string, err error) {
	seen := map[int64]bool{}
	for _, code := range codes {
		key := code
		if c, ok := dir.ByINSEE(strings.ToUpper(code)); ok {
			key = c.Key()
		}
		b, err := s.db.FindBodyByKey(ctx, key)
		if err != nil && !domain.IsNotFound(err) {
			return nil, nil, err
		}
		if err != nil || (b.Status != domain.BodyOfficial && b.Status != domain.BodyApproved) {
			unknown = append(unknown, code)
		} else if !seen[b.ID] {
			seen[b.ID] = true
			ids = append(ids, b.ID)
		}
	}
	return ids, unknown, nil
}

// recordBodyRequest writes the request and queues a mail to each admin. A
// SIREN taken meanwhile is reported like one taken before.
func (s *Server) recordBodyRequest(r *http.Request, dir *directory.Directory, p *bodyRequestPage, members []int64) error {
	f := p.Form
	siren, _ := directory.ParseSIREN(f.SIREN) // already checked; "" when none
	_, region := departementPlace(dir, f.Departement)
	b := &domain.Body{Name: f.Name, Kind: f.Kind, SIREN: siren, Departement: f.Departement,
		Region: region, SearchName: directory.Normalize(f.Name)}
	mails, err := s.bodyAdminMails(r.Context(), "body_requested", mail.Data{Body: b.Name, Person: currentUser(r).Email})
	if err != nil {
		return err
	}
	err = s.db.RequestBody(r.Context(), b, members, actor(r), mails)
	if domain.IsConflict(err) {
		p.Errors["siren"] = "bodies.error.siren_taken_summary"
		return nil
	}
	p.Done = b
	return err
}

// departementPlace returns the name and the région code of a département or an
// overseas collectivity (whose code is both), or "" for an unknown code.
func departementPlace(dir *directory.Directory, code string) (name, region string) {
	if d, ok := dir.Departement(code); ok {
		return d.Name, d.Region
	}
	if c, ok := dir.ByINSEE(code); ok && c.Kind == directory.KindCOM {
		return c.Name, c.Region
	}
	return "", ""
}

// bodyAdminMails renders one mail per active admin, each in their language,
// pointing at the administration of bodies.
func (s *Server) bodyAdminMails(ctx context.Context, name string, d mail.Data) ([]*domain.OutboxMail, error) {
	admins, err := s.db.ListUsers(ctx, store.UserFilter{Role: domain.RoleAdmin})
	if err != nil {
		return nil, err
	}
	var out []*domain.OutboxMail
	for _, a := range admins {
		if !a.Active() {
			continue
		}
		data := s.mailData(a.Email, "/admin/organismes")
		data.Body, data.Person = d.Body, d.Person
		m, err := s.mail.Render(a.Email, name, a.Lang, data)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
