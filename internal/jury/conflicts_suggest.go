package jury

// The automatic suggestions (jury.md §3): one rule per kind of link
// between a juror's affiliation and an applicant body, each worded for the
// register.

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

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

func (noConflictTerritory) Parents(string) []string { return nil }

func (noConflictTerritory) Body(string) (ConflictBody, bool) { return ConflictBody{}, false }
