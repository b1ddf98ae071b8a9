package jury

// Why an aggregation, a vote or an agenda is refused: one error type with a
// stable code, shared by tally.go, vote.go and agenda.go.

import (
	"errors"
	"fmt"

	"tnl/internal/domain"
)

// DeliberationCode identifies why an aggregation, a vote or an agenda was
// refused. It is stable: the web layer keys its translations on it.
type DeliberationCode string

// The refusals of this file, tally.go and agenda.go.
const (
	DelibInvalidRules          DeliberationCode = "jury_invalid_rules"           // levels < 1, quorum < 1, allotment < 1…
	DelibLevelOutOfRange       DeliberationCode = "jury_level_out_of_range"      // a level outside the edition's scale
	DelibDuplicateReview       DeliberationCode = "jury_duplicate_review"        // two reviews by one juror of one file at one stage
	DelibDuplicateBallot       DeliberationCode = "jury_duplicate_ballot"        // two ballots by one juror in one vote
	DelibInvalidBallot         DeliberationCode = "jury_invalid_ballot"          // a confirmation ballot that is neither for, against nor abstain
	DelibRecusedVoter          DeliberationCode = "jury_recused_voter"           // a ballot from a recused juror
	DelibNoQuorum              DeliberationCode = "jury_no_quorum"               // deciding a vote that had no quorum
	DelibOverrideWithoutReason DeliberationCode = "jury_override_without_reason" // a level other than the median, no written reason
	DelibOverrideNotConfirmed  DeliberationCode = "jury_override_not_confirmed"  // an override without an adopted confirmation vote
	DelibOverAllotment         DeliberationCode = "jury_over_allotment"          // more nominations than the allotment
	DelibRecusedNomination     DeliberationCode = "jury_recused_nomination"      // a nomination of a file the juror is recused from
	DelibDuplicateNomination   DeliberationCode = "jury_duplicate_nomination"    // the same nomination twice
	DelibDuplicateFile         DeliberationCode = "jury_duplicate_file"          // a file twice in an agenda
	DelibUnknownFile           DeliberationCode = "jury_unknown_file"            // a mention nominee missing from the agenda's files
)

// DeliberationError is a refusal with the fields a message needs. Error()
// is French, for the admin or the president; the web layer may translate
// from Code and the fields instead.
type DeliberationError struct {
	Code          DeliberationCode
	ApplicationID int64  // the file concerned, 0 if none
	JurorID       int64  // the juror concerned, 0 if none
	MentionID     int64  // the mention concerned, 0 if none
	Level         int    // the offending level or count, when relevant
	Detail        string // the offending setting or section name, when relevant
}

// Error is the message for a French admin.
func (e *DeliberationError) Error() string {
	switch e.Code {
	case DelibInvalidRules:
		return "Réglage de l'édition invalide : " + e.Detail + "."
	case DelibLevelOutOfRange:
		where := ""
		if e.Detail != "" {
			where = " (rubrique « " + e.Detail + " »)"
		}
		return fmt.Sprintf("Dossier %d, juré %d : le niveau %d n'existe pas dans l'échelle de l'édition%s.",
			e.ApplicationID, e.JurorID, e.Level, where)
	case DelibDuplicateReview:
		return fmt.Sprintf("Dossier %d : le juré %d a deux évaluations pour la même étape.", e.ApplicationID, e.JurorID)
	case DelibDuplicateBallot:
		return fmt.Sprintf("Dossier %d : le juré %d a voté deux fois.", e.ApplicationID, e.JurorID)
	case DelibInvalidBallot:
		return fmt.Sprintf("Dossier %d : le bulletin du juré %d est invalide (« %s »).", e.ApplicationID, e.JurorID, e.Detail)
	case DelibRecusedVoter:
		return fmt.Sprintf("Dossier %d : le juré %d est récusé et ne peut pas voter.", e.ApplicationID, e.JurorID)
	case DelibNoQuorum:
		return fmt.Sprintf("Dossier %d : le quorum n'est pas atteint, la décision est reportée.", e.ApplicationID)
	case DelibOverrideWithoutReason:
		return fmt.Sprintf("Dossier %d : retenir un autre niveau que la médiane exige une justification écrite.", e.ApplicationID)
	case DelibOverrideNotConfirmed:
		return fmt.Sprintf("Dossier %d : retenir un autre niveau que la médiane exige un vote de confirmation adopté.", e.ApplicationID)
	case DelibOverAllotment:
		return fmt.Sprintf("Mention %d : le juré %d a déjà utilisé ses %d propositions.", e.MentionID, e.JurorID, e.Level)
	case DelibRecusedNomination:
		return fmt.Sprintf("Mention %d : le juré %d est récusé pour le dossier %d et ne peut pas le proposer.",
			e.MentionID, e.JurorID, e.ApplicationID)
	case DelibDuplicateNomination:
		return fmt.Sprintf("Mention %d : le juré %d a déjà proposé le dossier %d.", e.MentionID, e.JurorID, e.ApplicationID)
	case DelibDuplicateFile:
		return fmt.Sprintf("Le dossier %d figure deux fois à l'ordre du jour.", e.ApplicationID)
	case DelibUnknownFile:
		return fmt.Sprintf("Mention %d : le dossier %d n'est pas à l'ordre du jour.", e.MentionID, e.ApplicationID)
	}
	return "Délibération : données invalides."
}

// Unwrap lets domain.ErrorCode and domain.ErrorMessage read the refusal with
// its French message: a recused juror is forbidden, a state that makes the
// action impossible now is a conflict, anything else is an invalid input.
func (e *DeliberationError) Unwrap() error {
	code := domain.EINVALID
	switch e.Code {
	case DelibRecusedVoter, DelibRecusedNomination:
		code = domain.EFORBIDDEN
	case DelibNoQuorum, DelibOverAllotment, DelibDuplicateBallot, DelibDuplicateNomination, DelibDuplicateReview:
		code = domain.ECONFLICT
	}
	return &domain.Error{Code: code, Message: e.Error()}
}

// DeliberationCodeOf returns the code of a *DeliberationError in err's
// chain, "" otherwise.
func DeliberationCodeOf(err error) DeliberationCode {
	var e *DeliberationError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
