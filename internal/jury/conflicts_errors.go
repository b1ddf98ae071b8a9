package jury

// The checks of a suggestion run's input, and the error that names what
// is wrong with it.

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"tnl/internal/domain"
)

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
