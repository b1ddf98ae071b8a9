package domain

import (
	"strings"
	"time"
)

// Body is a legal public body that may apply: a commune, an EPCI, a
// département, a région (all from the official directory), or another public
// body requested by an applicant and approved by an admin (a syndicat, a
// GIP, an agency, a park, an association of local governments).
type Body struct {
	ID          int64
	Key         string // stable identifier used in URLs: SIREN, or kind-code
	Name        string
	Kind        string
	Departement string
	Region      string
	INSEE       string
	SIREN       string
	Population  int
	PostalCodes []string
	EPCI        string // SIREN of a commune's EPCI
	Status      BodyStatus
	RequestedBy int64  // the applicant who asked for a body not in the directory
	Reason      string // why a request was refused
	SearchName  string // normalised name, for matching and search in SQL
}

// BodyStatus says where a body comes from and whether it may apply.
type BodyStatus string

// The statuses of a body.
const (
	BodyOfficial   BodyStatus = "official"   // from the official directory
	BodyRequested  BodyStatus = "requested"  // asked for by an applicant, not yet decided
	BodyApproved   BodyStatus = "approved"   // a requested body an admin accepted
	BodyRefused    BodyStatus = "refused"    // a requested body an admin refused
	BodyHistorical BodyStatus = "historical" // a past laureate not yet linked to a directory body
)

// OtherBodyKinds are the kinds an applicant may request: bodies the official
// directory does not hold.
var OtherBodyKinds = []string{"syndicat", "gip", "agence", "parc", "association", "other"}

// IsOtherKind reports whether kind may be requested by an applicant.
func IsOtherKind(kind string) bool {
	for _, k := range OtherBodyKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// historicalKinds maps the kinds of the historical palmarès to the
// directory kinds a laureate of that kind can be.
var historicalKinds = map[string][]string{
	"commune":     {"commune"},
	"epci":        {"cc", "ca", "cu", "metropole", "csp"},
	"departement": {"departement", "csp"},
	"region":      {"region", "csp", "com"},
}

// DirectoryKindsFor lists the directory kinds a historical laureate of kind
// may be; none for syndicats and other bodies, which the directory lacks.
func DirectoryKindsFor(kind string) []string { return historicalKinds[kind] }

// historicalPrefixes are words the historical sources put before a body's
// official name ("Ville de Grenoble" is the commune "Grenoble"), longest
// first. The article after them may belong to the name ("Ville des Abymes"
// is "Les Abymes") or not ("Conseil général des Côtes-d'Armor" is
// "Côtes-d'Armor"), so both readings are tried.
var historicalPrefixes = []struct{ prefix, article string }{
	{"conseil general des ", "les "}, {"conseil general du ", "le "}, {"conseil general de la ", "la "},
	{"conseil general de l ", "l "}, {"conseil general de ", ""}, {"conseil general d ", ""},
	{"conseil departemental des ", "les "}, {"conseil departemental du ", "le "},
	{"conseil departemental de la ", "la "}, {"conseil departemental de l ", "l "},
	{"conseil departemental de ", ""}, {"conseil departemental d ", ""},
	{"departement des ", "les "}, {"departement du ", "le "}, {"departement de la ", "la "},
	{"departement de l ", "l "}, {"departement de ", ""}, {"departement d ", ""},
	{"ville des ", "les "}, {"ville du ", "le "}, {"ville de la ", "la "}, {"ville de l ", "l "},
	{"ville de ", ""}, {"ville d ", ""}, {"commune de ", ""}, {"commune d ", ""},
	{"region ", ""},
}

// OfficialNames returns the official names a normalised historical name may
// stand for: itself, and without the words the sources add before it.
func OfficialNames(normalised string) []string {
	for _, p := range historicalPrefixes {
		if rest, ok := strings.CutPrefix(normalised, p.prefix); ok {
			if p.article == "" {
				return []string{rest}
			}
			return []string{p.article + rest, rest}
		}
	}
	return []string{normalised}
}

// MemberRole is what a person does for a body.
type MemberRole string

// The roles inside a body's team.
const (
	RoleElu         MemberRole = "elu"         // the elected official who commits the body
	RoleResponsable MemberRole = "responsable" // fills in and follows the application; one per body
	RoleContributor MemberRole = "contributor" // helps, possibly on some sections only
)

// MemberRoles lists the roles in the order shown.
var MemberRoles = []MemberRole{RoleElu, RoleResponsable, RoleContributor}

// Valid reports whether r is a known team role.
func (r MemberRole) Valid() bool {
	return r == RoleElu || r == RoleResponsable || r == RoleContributor
}

// MemberStatus is the state of a person's membership of a body.
type MemberStatus string

// The states of a membership.
const (
	MemberPending  MemberStatus = "pending"  // claimed, waiting for a decision
	MemberApproved MemberStatus = "approved" // acts for the body
	MemberRefused  MemberStatus = "refused"  // claim refused, with a reason
	MemberRemoved  MemberStatus = "removed"  // was a member, no longer
)

// Member is one person's link to a body.
type Member struct {
	ID        int64
	BodyID    int64
	UserID    int64
	Email     string
	Role      MemberRole
	Sections  []string // for contributors: the questionnaire sections they may edit; empty means all
	Status    MemberStatus
	Message   string // what the claimant wrote to support their claim
	Reason    string // why a claim was refused or a member removed
	CreatedAt time.Time
	DecidedAt *time.Time
	DecidedBy string
}

// ManagesTeam reports whether this member may invite, remove and change the
// roles of the body's team: the élu référent and the responsable.
func (m *Member) ManagesTeam() bool {
	return m != nil && m.Status == MemberApproved && (m.Role == RoleElu || m.Role == RoleResponsable)
}

// Invitation is an emailed, single-use offer to join a body's team.
type Invitation struct {
	Hash      string
	BodyID    int64
	Email     string
	Role      MemberRole
	Sections  []string
	InvitedBy int64
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// InvitationLifetime is how long an invitation link stays valid.
const InvitationLifetime = 7 * 24 * time.Hour

// Section is a part of the questionnaire a contributor may be limited to.
// These are the label's five domains; the questionnaire of each edition
// (see the questionnaire builder) uses the same keys.
type Section struct {
	Key   string
	Label string // message id of its name
}

// Sections lists the domains of the label, in the questionnaire's order.
var Sections = []Section{
	{"strategie", "section.strategie"},
	{"interoperabilite", "section.interoperabilite"},
	{"logiciels", "section.logiciels"},
	{"communication", "section.communication"},
	{"donnees", "section.donnees"},
}

// ValidSection reports whether key names a section.
func ValidSection(key string) bool {
	for _, s := range Sections {
		if s.Key == key {
			return true
		}
	}
	return false
}
