package web

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"tnl/internal/domain"
)

// The forms of the team pages. Field ids carry the id of the membership a
// form is about ("remove-12"), because the team page shows one form per
// member and the error summary links to the field that is wrong.

// maxTeamText bounds a claim's message and the reason of a decision: enough
// for a function, a phone number and a sentence of context.
const maxTeamText = 1000

// claimForm is a person's request to act for a body.
type claimForm struct {
	Role    domain.MemberRole
	Message string
}

func (f *claimForm) Validate() map[string]string {
	errs := map[string]string{}
	if !f.Role.Valid() {
		errs["role-elu"] = "error.team.role_invalid"
	}
	if utf8.RuneCountInString(f.Message) > maxTeamText {
		errs["message"] = "error.team.message_too_long"
	}
	return errs
}

// roleForm gives a role, and for a contributor the sections they may
// edit. The invitation form and each member's role form use it; prefix
// names the fields of one of them.
type roleForm struct {
	prefix   string
	Role     domain.MemberRole
	Sections []string
}

func (f *roleForm) Validate() map[string]string {
	errs := map[string]string{}
	if !f.Role.Valid() {
		errs[f.prefix+"role-elu"] = "error.team.role_invalid"
	}
	for _, s := range f.Sections {
		if !domain.ValidSection(s) {
			errs[f.prefix+"sec-"+domain.Sections[0].Key] = "error.team.section_invalid"
		}
	}
	return errs
}

// HasSection tells the template whether a section's box is ticked.
func (f roleForm) HasSection(key string) bool { return slices.Contains(f.Sections, key) }

// Is tells the template whether a role's button is chosen.
func (f roleForm) Is(role domain.MemberRole) bool { return f.Role == role }

// givenSections keeps the sections only for a contributor, in the
// questionnaire's order and once each: other roles edit everything.
func (f *roleForm) givenSections() []string {
	if f.Role != domain.RoleContributor {
		return nil
	}
	var out []string
	for _, s := range domain.Sections {
		if slices.Contains(f.Sections, s.Key) {
			out = append(out, s.Key)
		}
	}
	return out
}

// readRoleForm reads the role and sections posted under prefix.
func readRoleForm(r *http.Request, prefix string) roleForm {
	f := roleForm{prefix: prefix, Role: domain.MemberRole(field(r, "role"))}
	for _, s := range r.PostForm["sections"] {
		if s = strings.TrimSpace(s); s != "" && len(f.Sections) < len(domain.Sections)+1 {
			f.Sections = append(f.Sections, s)
		}
	}
	return f
}

// inviteForm offers a place in the team to an email address.
type inviteForm struct {
	Email  string
	Choice roleForm
}

func (f *inviteForm) Validate() map[string]string {
	errs := f.Choice.Validate()
	if p := domain.EmailProblem(f.Email); p != "" {
		errs["email"] = p
	}
	return errs
}

// reasonForm is a refusal or a removal: the reason is required, since the
// person concerned reads it.
type reasonForm struct {
	id     string // the field's id
	Reason string
}

func (f *reasonForm) Validate() map[string]string {
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(f.Reason); {
	case n == 0:
		errs[f.id] = "error.team.reason_required"
	case n > maxTeamText:
		errs[f.id] = "error.team.reason_too_long"
	}
	return errs
}

// longField returns a trimmed form value without cutting it, so that a
// length check can refuse it; the form's size is already bounded.
func longField(r *http.Request, name string) string {
	return strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(name), "\r\n", "\n"))
}
