package jury

// Conflicts of interest (jury.md §3): the vocabulary stored with each
// conflict, the automatic suggestions computed from jurors' affiliations
// and the membership links between bodies, and the one effective answer per
// (juror, application) that the policy and the assignment solver consume.

import (
	"slices"
	"time"
)

// ConflictType says what links a juror to an application. The values are
// stored in the database: never rename them.
type ConflictType string

// The conflict types of jury.md §3.
const (
	ConflictDirectBody           ConflictType = "direct-body"           // the juror acts for the applicant body
	ConflictTerritorialHierarchy ConflictType = "territorial-hierarchy" // one body is a member of the other
	ConflictPoolingStructure     ConflictType = "pooling-structure"     // both belong to a partner the file names
	ConflictCommercial           ConflictType = "commercial"            // paid work for the applicant or a partner
	ConflictPersonal             ConflictType = "personal"              // declared: family, friendship, rivalry
	ConflictOrganisational       ConflictType = "organisational"        // a board seat in an organisation linked to the applicant
	ConflictOther                ConflictType = "other"                 // declared with free text
)

// ConflictTypes lists the types in the order shown.
var ConflictTypes = []ConflictType{ConflictDirectBody, ConflictTerritorialHierarchy, ConflictPoolingStructure,
	ConflictCommercial, ConflictPersonal, ConflictOrganisational, ConflictOther}

// Valid reports whether t is a known type.
func (t ConflictType) Valid() bool { return slices.Contains(ConflictTypes, t) }

// ConflictSource says who raised a conflict.
type ConflictSource string

// The sources of a conflict.
const (
	ConflictSourceAuto      ConflictSource = "auto"      // computed by SuggestConflicts
	ConflictSourceJuror     ConflictSource = "juror"     // declared by the juror (attestation)
	ConflictSourceApplicant ConflictSource = "applicant" // declared by the applicant in the form
	ConflictSourceAdmin     ConflictSource = "admin"     // entered by the secretariat
)

// Valid reports whether s is a known source.
func (s ConflictSource) Valid() bool {
	return s == ConflictSourceAuto || s == ConflictSourceJuror || s == ConflictSourceApplicant || s == ConflictSourceAdmin
}

// ConflictStatus is where a conflict stands in the secretariat's review.
type ConflictStatus string

// The statuses of a conflict.
const (
	ConflictSuggested ConflictStatus = "suggested" // raised, not yet decided by an admin
	ConflictConfirmed ConflictStatus = "confirmed" // an admin agreed
	ConflictDismissed ConflictStatus = "dismissed" // a false positive, with a reason; never suggested again
	ConflictPinned    ConflictStatus = "pinned"    // set by an admin; neither the juror nor a re-run changes it
)

// Valid reports whether s is a known status.
func (s ConflictStatus) Valid() bool {
	return s == ConflictSuggested || s == ConflictConfirmed || s == ConflictDismissed || s == ConflictPinned
}

// ConflictSeverity is what a conflict does to the juror.
type ConflictSeverity string

// The severities of a conflict.
const (
	ConflictRecuse   ConflictSeverity = "recuse"   // no access to the file, no assignment, no vote
	ConflictDisclose ConflictSeverity = "disclose" // may score; the link is shown beside the score and in the minutes
)

// Valid reports whether s is a known severity.
func (s ConflictSeverity) Valid() bool { return s == ConflictRecuse || s == ConflictDisclose }

// Conflict is one juror × application link as the register keeps it.
type Conflict struct {
	Juror       int64
	Application int64
	Type        ConflictType
	Source      ConflictSource
	Status      ConflictStatus
	Severity    ConflictSeverity
	Reason      string // in French, naming the bodies: what the link is
	Decision    string // why an admin confirmed or dismissed it: a dismissal keeps its reason
}

// ConflictSuggestion is a conflict computed by SuggestConflicts with the
// facts behind it, so that another language can rebuild the reason.
type ConflictSuggestion struct {
	Conflict
	Role          AffiliationRole
	JurorBody     string    // key of the body of the juror's affiliation
	ApplicantBody string    // key of the applicant body
	Via           string    // key of the body that links them, when it is neither of the two
	Until         time.Time // end of the affiliation; zero when ongoing
}

// AffiliationRole is what a juror is or was for a body or an organisation.
type AffiliationRole string

// The roles of an affiliation. Stored in the database: never rename them.
const (
	AffiliationElected        AffiliationRole = "elected"        // elected official (maire, adjoint, conseiller…)
	AffiliationEmployee       AffiliationRole = "employee"       // agent or salaried employee
	AffiliationRepresentative AffiliationRole = "representative" // mandated to represent the body (delegate, referent)
	AffiliationBoard          AffiliationRole = "board"          // board member (conseil d'administration, bureau)
	AffiliationConsultant     AffiliationRole = "consultant"     // paid consultant, contractor, services delivered
	AffiliationMember         AffiliationRole = "member"         // member or adherent: never a conflict by itself
)

// AffiliationRoles lists the roles in the order shown.
var AffiliationRoles = []AffiliationRole{AffiliationElected, AffiliationEmployee, AffiliationRepresentative,
	AffiliationBoard, AffiliationConsultant, AffiliationMember}

// Valid reports whether r is a known role.
func (r AffiliationRole) Valid() bool { return slices.Contains(AffiliationRoles, r) }

// actsFor reports whether the role speaks or works for the body: the roles
// that make its members and its parents the juror's concern.
func (r AffiliationRole) actsFor() bool {
	return r == AffiliationElected || r == AffiliationEmployee || r == AffiliationRepresentative || r == AffiliationBoard
}

// Affiliation is one link of a juror with a body or an organisation.
type Affiliation struct {
	Juror int64
	// BodyKey is the body's key (a SIREN, "departement-38", or the key of a
	// body recorded on the platform); the automatic rules only see it.
	BodyKey string
	// Organisation names an organisation that is not a body (a company, an
	// association off the platform); kept for the register and the
	// attestation, where the juror declares the conflicts it causes.
	Organisation string
	Role         AffiliationRole
	From         time.Time // zero when unknown
	Until        time.Time // zero while ongoing
}

// InWindow reports whether the affiliation still counts at now: ongoing, or
// ended at most windowYears before now (the OpenReview rule). An affiliation
// that starts after now counts: the link will exist when the jury meets.
func (a Affiliation) InWindow(now time.Time, windowYears int) bool {
	return a.Until.IsZero() || !a.Until.Before(now.AddDate(-windowYears, 0, 0))
}

// ConflictApplication is what the rules need of an application.
type ConflictApplication struct {
	ID      int64
	BodyKey string
	// Partners are the keys of the partner and pooling structures the
	// application names (a syndicat, its EPCI, a GIP, an association).
	Partners []string
}

// ConflictBody is what the rules need to know of a body to name it.
type ConflictBody struct {
	Name      string // "Échirolles"
	KindLabel string // in French: "commune", "métropole", "syndicat"
	// Organisation is true for an association or another organisation whose
	// members may apply: membership of it alone is no conflict.
	Organisation bool
}

// ConflictTerritory is the membership graph the rules walk. The web layer
// passes the directory (a commune's EPCI) together with the memberships of
// syndicats and associations recorded on the platform.
type ConflictTerritory interface {
	// Parents lists the keys of the bodies bodyKey is a direct member of.
	Parents(bodyKey string) []string
	// Body describes a body; false when it is unknown.
	Body(bodyKey string) (ConflictBody, bool)
}

// ConflictPair is one juror and one application.
type ConflictPair struct{ Juror, Application int64 }

// ConflictMap is the effective severity for each conflicted pair; a pair
// that is absent has no conflict.
type ConflictMap map[ConflictPair]ConflictSeverity

// EffectiveConflicts reduces the register to one answer per pair, so that
// the visibility policy and the assignment solver agree. Dismissed
// conflicts are ignored; recuse wins over disclose. A suggested conflict
// counts at its severity until an admin decides: showing a file to a juror
// who turns out to be conflicted cannot be undone, while hiding it for a
// few hours costs nothing. An unknown severity counts as recuse, for the
// same reason (fail closed).
func EffectiveConflicts(conflicts []Conflict) ConflictMap {
	m := ConflictMap{}
	for _, c := range conflicts {
		if c.Status == ConflictDismissed {
			continue
		}
		p := ConflictPair{c.Juror, c.Application}
		if c.Severity == ConflictDisclose {
			if _, ok := m[p]; !ok {
				m[p] = ConflictDisclose
			}
			continue
		}
		m[p] = ConflictRecuse
	}
	return m
}

// Recused reports whether the juror must not see, be assigned or vote on
// the application.
func (m ConflictMap) Recused(juror, application int64) bool {
	return m[ConflictPair{juror, application}] == ConflictRecuse
}

// Disclosed reports whether the juror may score the application with the
// link shown beside their score.
func (m ConflictMap) Disclosed(juror, application int64) bool {
	return m[ConflictPair{juror, application}] == ConflictDisclose
}
