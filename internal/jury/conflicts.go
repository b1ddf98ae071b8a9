package jury

// Conflicts of interest (jury.md §3): the vocabulary stored with each
// conflict, the automatic suggestions computed from jurors' affiliations
// and the membership links between bodies, and the one effective answer per
// (juror, application) that the policy and the assignment solver consume.

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tnl/internal/domain"
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

// DefaultConflictSeverities are the severities of jury.md §3, which an
// edition may override for every rule but the direct one.
func DefaultConflictSeverities() map[ConflictType]ConflictSeverity {
	return map[ConflictType]ConflictSeverity{
		ConflictDirectBody:           ConflictRecuse,
		ConflictTerritorialHierarchy: ConflictRecuse,
		ConflictPoolingStructure:     ConflictDisclose,
		ConflictCommercial:           ConflictRecuse,
		ConflictOrganisational:       ConflictRecuse,
	}
}

// ConflictInput gathers what SuggestConflicts reads.
type ConflictInput struct {
	Affiliations []Affiliation
	Applications []ConflictApplication
	Territory    ConflictTerritory // nil: no membership is known
	Now          time.Time
	WindowYears  int // affiliations ended more than this many years before Now are ignored
	// Severities overrides the default severity of some rules (edition rules).
	Severities map[ConflictType]ConflictSeverity
	// Existing are the conflicts already in the register, whatever their
	// status: none is proposed again, so a dismissed false positive stays
	// dismissed (kohler/hotcrp#174) and a confirmed one is not duplicated.
	Existing []Conflict
}

// SuggestConflicts applies the automatic rules of jury.md §3 and returns the
// new suggestions, one per (juror, application, type), sorted by juror,
// application and type. Each affiliation gives an application at most one
// link, the closest: direct, then hierarchy, then shared pooling structure.
func SuggestConflicts(in ConflictInput) ([]ConflictSuggestion, error) {
	severities, err := validateConflictInput(in)
	if err != nil {
		return nil, err
	}
	r := newConflictRun(in, severities)
	for _, a := range sortedAffiliations(in.Affiliations) {
		if a.BodyKey != "" && a.InWindow(in.Now, in.WindowYears) {
			r.affiliation(a)
		}
	}
	slices.SortFunc(r.out, func(x, y ConflictSuggestion) int {
		return cmp.Or(cmp.Compare(x.Juror, y.Juror), cmp.Compare(x.Application, y.Application),
			cmp.Compare(x.Type, y.Type))
	})
	return r.out, nil
}

// sortedAffiliations orders a copy so that when two affiliations give the
// same link, the reason kept does not depend on the input order: by juror,
// body, role in the order of AffiliationRoles, ongoing first.
func sortedAffiliations(affs []Affiliation) []Affiliation {
	out := slices.Clone(affs)
	slices.SortStableFunc(out, func(x, y Affiliation) int {
		return cmp.Or(cmp.Compare(x.Juror, y.Juror), cmp.Compare(x.BodyKey, y.BodyKey),
			cmp.Compare(slices.Index(AffiliationRoles, x.Role), slices.Index(AffiliationRoles, y.Role)),
			x.Until.Compare(y.Until), x.From.Compare(y.From))
	})
	return out
}

// conflictKey identifies a conflict in the register.
type conflictKey struct {
	juror, application int64
	typ                ConflictType
}

// conflictRun holds the indexes of one SuggestConflicts call.
type conflictRun struct {
	in         ConflictInput
	severities map[ConflictType]ConflictSeverity
	byBody     map[string][]int // body key → applications of that body
	byParent   map[string][]int // body key → applications of its direct members
	byPartner  map[string][]int // body key → applications naming it as a partner
	seen       map[conflictKey]bool
	out        []ConflictSuggestion
}

func newConflictRun(in ConflictInput, severities map[ConflictType]ConflictSeverity) *conflictRun {
	if in.Territory == nil {
		in.Territory = noConflictTerritory{}
	}
	r := &conflictRun{in: in, severities: severities, byBody: map[string][]int{}, byParent: map[string][]int{},
		byPartner: map[string][]int{}, seen: map[conflictKey]bool{}}
	for i, app := range in.Applications {
		r.byBody[app.BodyKey] = append(r.byBody[app.BodyKey], i)
		for _, p := range in.Territory.Parents(app.BodyKey) {
			r.byParent[p] = append(r.byParent[p], i)
		}
		for _, p := range app.Partners {
			if p != app.BodyKey {
				r.byPartner[p] = append(r.byPartner[p], i)
			}
		}
	}
	for _, c := range in.Existing {
		r.seen[conflictKey{c.Juror, c.Application, c.Type}] = true
	}
	return r
}

// conflictLink is the closest link found between one affiliation and one
// application.
type conflictLink struct {
	typ    ConflictType
	via    string
	reason string
}

// affiliation finds the links of one affiliation, closest rule first, and
// records one suggestion per application.
func (r *conflictRun) affiliation(a Affiliation) {
	links := map[int]conflictLink{}
	add := func(apps []int, link func(app int) conflictLink) {
		for _, i := range apps {
			if _, done := links[i]; !done {
				links[i] = link(i)
			}
		}
	}
	r.directRule(a, add)
	if r.body(a.BodyKey).Organisation {
		r.organisationRule(a, add)
	} else if a.Role.actsFor() {
		r.hierarchyRule(a, add)
		r.poolingRule(a, add)
	}
	for _, i := range slices.Sorted(maps.Keys(links)) {
		r.suggest(a, r.in.Applications[i], links[i])
	}
}

// conflictAdder records a link for applications that have none yet.
type conflictAdder func(apps []int, link func(app int) conflictLink)

// directRule: the juror acts for the applicant body itself (recuse), or is
// paid by it (commercial). Membership of the applicant alone is nothing.
func (r *conflictRun) directRule(a Affiliation, add conflictAdder) {
	typ := ConflictDirectBody
	if a.Role == AffiliationConsultant {
		typ = ConflictCommercial
	} else if !a.Role.actsFor() {
		return
	}
	add(r.byBody[a.BodyKey], func(int) conflictLink {
		return conflictLink{typ: typ, reason: r.role(a) + ", qui présente la candidature."}
	})
}

// hierarchyRule: the juror's body is a direct member of the applicant (a
// commune in an applicant EPCI or syndicat), or the reverse.
func (r *conflictRun) hierarchyRule(a Affiliation, add conflictAdder) {
	self := r.body(a.BodyKey)
	for _, p := range r.in.Territory.Parents(a.BodyKey) {
		add(r.byBody[p], func(int) conflictLink {
			return conflictLink{typ: ConflictTerritorialHierarchy, reason: r.role(a) + ", " +
				withKind(self.KindLabel, "membre de ") + r.body(p).Name + ", qui présente la candidature."}
		})
	}
	add(r.byParent[a.BodyKey], func(i int) conflictLink {
		app := r.body(r.in.Applications[i].BodyKey)
		return conflictLink{typ: ConflictTerritorialHierarchy, reason: r.role(a) + ", dont est membre " +
			app.Name + parenthesised(app.KindLabel) + ", qui présente la candidature."}
	})
}

// poolingRule: the application names as a partner a structure the juror's
// body belongs to, directly or through its EPCI, or the juror's body itself.
func (r *conflictRun) poolingRule(a Affiliation, add conflictAdder) {
	self := r.body(a.BodyKey)
	for _, p := range append([]string{a.BodyKey}, r.ancestors(a.BodyKey)...) {
		add(r.byPartner[p], func(i int) conflictLink {
			what, via := "structure partenaire", ""
			if p != a.BodyKey {
				what, via = withKind(self.KindLabel, "membre de ")+r.body(p).Name+", partenaire", p
			}
			return conflictLink{typ: ConflictPoolingStructure, via: via, reason: r.role(a) + ", " + what +
				" citée par la candidature " + ofName(r.body(r.in.Applications[i].BodyKey).Name) + "."}
		})
	}
}

// organisationRule: an organisation with applicants among its members, or
// named as a partner. Membership or employment alone is no conflict; a board
// seat (organisational) or paid work (commercial) is.
func (r *conflictRun) organisationRule(a Affiliation, add conflictAdder) {
	typ := ConflictOrganisational
	switch a.Role {
	case AffiliationBoard:
	case AffiliationConsultant:
		typ = ConflictCommercial
	default:
		return
	}
	add(r.byParent[a.BodyKey], func(i int) conflictLink {
		return conflictLink{typ: typ, reason: r.role(a) + ", organisation dont est adhérent " +
			r.body(r.in.Applications[i].BodyKey).Name + ", qui présente la candidature."}
	})
	add(r.byPartner[a.BodyKey], func(i int) conflictLink {
		return conflictLink{typ: typ, reason: r.role(a) + ", organisation citée comme partenaire par la candidature " +
			ofName(r.body(r.in.Applications[i].BodyKey).Name) + "."}
	})
}

// suggest records a link unless the register already holds it.
func (r *conflictRun) suggest(a Affiliation, app ConflictApplication, l conflictLink) {
	k := conflictKey{a.Juror, app.ID, l.typ}
	if r.seen[k] {
		return
	}
	r.seen[k] = true
	r.out = append(r.out, ConflictSuggestion{
		Conflict: Conflict{Juror: a.Juror, Application: app.ID, Type: l.typ, Source: ConflictSourceAuto,
			Status: ConflictSuggested, Severity: r.severities[l.typ], Reason: l.reason},
		Role: a.Role, JurorBody: a.BodyKey, ApplicantBody: app.BodyKey, Via: l.via, Until: a.Until,
	})
}

// ancestors lists every body key is a member of, directly or not, without
// key itself; the walk stops at cycles.
func (r *conflictRun) ancestors(key string) []string {
	seen := map[string]bool{key: true}
	var out []string
	for queue := []string{key}; len(queue) > 0; queue = queue[1:] {
		for _, p := range r.in.Territory.Parents(queue[0]) {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
				queue = append(queue, p)
			}
		}
	}
	return out
}

// body describes key, naming an unknown body by its key.
func (r *conflictRun) body(key string) ConflictBody {
	if b, ok := r.in.Territory.Body(key); ok && b.Name != "" {
		return b
	}
	return ConflictBody{Name: key}
}

// affiliationNouns start a reason: who the juror is for the body.
var affiliationNouns = map[AffiliationRole]string{
	AffiliationElected: "Élu", AffiliationEmployee: "Agent", AffiliationRepresentative: "Représentant",
	AffiliationBoard: "Administrateur", AffiliationConsultant: "Consultant rémunéré", AffiliationMember: "Adhérent",
}

// role is the start of a reason: « Élu d'Échirolles », « Agent de X jusqu'en 2021 ».
func (r *conflictRun) role(a Affiliation) string {
	s := affiliationNouns[a.Role] + " " + ofName(r.body(a.BodyKey).Name)
	if !a.Until.IsZero() && a.Until.Before(r.in.Now) {
		s += " jusqu'en " + strconv.Itoa(a.Until.Year())
	}
	return s
}

// ofName puts the French « de » before a name: « d'Échirolles », « du
// Havre », « des Abymes », « de Grenoble ».
func ofName(name string) string {
	if rest, ok := strings.CutPrefix(name, "Le "); ok {
		return "du " + rest
	}
	if rest, ok := strings.CutPrefix(name, "Les "); ok {
		return "des " + rest
	}
	if first, _ := utf8.DecodeRuneInString(name); strings.ContainsRune("AÀÂEÉÈÊËIÎÏOÔUÛÜYaàâeéèêiîoôuûy", first) {
		return "d'" + name
	}
	return "de " + name
}

// withKind prefixes rest with a kind label when there is one: « commune membre de ».
func withKind(kind, rest string) string {
	if kind == "" {
		return rest
	}
	return kind + " " + rest
}

// parenthesised returns « (commune) », or nothing for an unknown kind.
func parenthesised(kind string) string {
	if kind == "" {
		return ""
	}
	return " (" + kind + ")"
}

// noConflictTerritory knows no body and no membership.
type noConflictTerritory struct{}

func (noConflictTerritory) Parents(string) []string          { return nil }
func (noConflictTerritory) Body(string) (ConflictBody, bool) { return ConflictBody{}, false }

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

// ConflictErrorCode identifies an invalid input to SuggestConflicts; the
// web layer keys its translations on it.
type ConflictErrorCode string

// The errors of SuggestConflicts.
const (
	ConflictErrWindow      ConflictErrorCode = "conflict_window"      // negative window
	ConflictErrSeverity    ConflictErrorCode = "conflict_severity"    // unknown severity in an override
	ConflictErrRule        ConflictErrorCode = "conflict_rule"        // override for a type no rule produces
	ConflictErrFixed       ConflictErrorCode = "conflict_fixed"       // the direct rule always recuses
	ConflictErrApplication ConflictErrorCode = "conflict_application" // application without a body
	AffiliationErrJuror    ConflictErrorCode = "affiliation_juror"    // affiliation without a juror
	AffiliationErrRole     ConflictErrorCode = "affiliation_role"     // unknown role
	AffiliationErrBody     ConflictErrorCode = "affiliation_body"     // neither a body nor an organisation
	AffiliationErrDates    ConflictErrorCode = "affiliation_dates"    // ends before it starts
)

// ConflictError is an invalid input, with the fields a message needs.
type ConflictError struct {
	Code        ConflictErrorCode
	Juror       int64  // the juror of the affiliation, if any
	Application int64  // the application, if any
	Value       string // the offending value
}

// Error is the message for a French admin.
func (e *ConflictError) Error() string {
	switch e.Code {
	case ConflictErrWindow:
		return "La fenêtre des conflits doit être un nombre d'années positif ou nul (reçu : " + e.Value + ")."
	case ConflictErrSeverity:
		return "Gravité inconnue « " + e.Value + " » : choisir la récusation (recuse) ou la simple déclaration (disclose)."
	case ConflictErrRule:
		return "Aucune règle automatique ne produit de conflit de type « " + e.Value + " » : sa gravité par défaut ne se règle pas."
	case ConflictErrFixed:
		return "Un lien direct avec l'organisme candidat entraîne toujours la récusation."
	case ConflictErrApplication:
		return fmt.Sprintf("Candidature %d : l'organisme candidat manque.", e.Application)
	case AffiliationErrJuror:
		return "Une affiliation n'indique pas de juré."
	case AffiliationErrRole:
		return fmt.Sprintf("Affiliation du juré %d : rôle inconnu « %s ».", e.Juror, e.Value)
	case AffiliationErrBody:
		return fmt.Sprintf("Affiliation du juré %d : indiquer un organisme de l'annuaire ou le nom d'une organisation.", e.Juror)
	case AffiliationErrDates:
		return fmt.Sprintf("Affiliation du juré %d : la date de fin précède la date de début.", e.Juror)
	}
	return "Données de conflits d'intérêts invalides."
}

// Unwrap lets domain.ErrorCode and domain.ErrorMessage read it as an
// invalid input with its French message.
func (e *ConflictError) Unwrap() error {
	return &domain.Error{Code: domain.EINVALID, Message: e.Error()}
}

// validateConflictInput checks the input and returns the severity of each
// rule, defaults overridden by the edition. All errors are joined, so that
// an admin sees every one at once.
func validateConflictInput(in ConflictInput) (map[ConflictType]ConflictSeverity, error) {
	var errs []error
	if in.WindowYears < 0 {
		errs = append(errs, &ConflictError{Code: ConflictErrWindow, Value: strconv.Itoa(in.WindowYears)})
	}
	severities := DefaultConflictSeverities()
	for _, t := range slices.Sorted(maps.Keys(in.Severities)) {
		s := in.Severities[t]
		switch _, auto := severities[t]; {
		case !auto:
			errs = append(errs, &ConflictError{Code: ConflictErrRule, Value: string(t)})
		case !s.Valid():
			errs = append(errs, &ConflictError{Code: ConflictErrSeverity, Value: string(s)})
		case t == ConflictDirectBody && s != ConflictRecuse:
			errs = append(errs, &ConflictError{Code: ConflictErrFixed, Value: string(s)})
		default:
			severities[t] = s
		}
	}
	for _, a := range in.Affiliations {
		if err := validateAffiliation(a); err != nil {
			errs = append(errs, err)
		}
	}
	for _, app := range in.Applications {
		if app.BodyKey == "" {
			errs = append(errs, &ConflictError{Code: ConflictErrApplication, Application: app.ID})
		}
	}
	return severities, errors.Join(errs...)
}

// validateAffiliation checks one affiliation.
func validateAffiliation(a Affiliation) error {
	e := &ConflictError{Juror: a.Juror, Value: string(a.Role)}
	switch {
	case a.Juror <= 0:
		e.Code = AffiliationErrJuror
	case !a.Role.Valid():
		e.Code = AffiliationErrRole
	case a.BodyKey == "" && strings.TrimSpace(a.Organisation) == "":
		e.Code = AffiliationErrBody
	case !a.From.IsZero() && !a.Until.IsZero() && a.Until.Before(a.From):
		e.Code = AffiliationErrDates
	default:
		return nil
	}
	return e
}
