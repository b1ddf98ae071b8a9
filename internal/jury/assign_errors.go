package jury

// Why an assignment is impossible: the problems Assign reports, each with a
// stable code for the web layer and a message in French for an
// administrator.

import (
	"fmt"
	"strconv"
	"strings"

	"tnl/internal/domain"
)

// AssignCode is a stable code for one reason an assignment is impossible;
// the web layer translates from it and the problem's data.
type AssignCode string

const (
	// AssignCodeInvalid: the request itself is wrong (duplicate ID,
	// negative load, Min above Max, unknown mode…).
	AssignCodeInvalid AssignCode = "assign_invalid"
	// AssignCodeTooFewJurors: FileIDs[0] has Have jurors without a
	// conflict for Need reviewers.
	AssignCodeTooFewJurors AssignCode = "assign_too_few_jurors"
	// AssignCodeMaxTooSmall: the maximum loads (capped by each juror's
	// files without a conflict) add up to Have, below the Need reviews.
	AssignCodeMaxTooSmall AssignCode = "assign_max_too_small"
	// AssignCodeMinTooLarge: the minimum loads add up to Need, above the
	// Have reviews to hand out.
	AssignCodeMinTooLarge AssignCode = "assign_min_too_large"
	// AssignCodeMinUnreachable: JurorIDs[0] has Have files without a
	// conflict for a minimum load of Need.
	AssignCodeMinUnreachable AssignCode = "assign_min_unreachable"
	// AssignCodeNoRapporteur: FileIDs cannot get a reviewer who may be
	// rapporteur (every such juror is conflicted or fully loaded).
	AssignCodeNoRapporteur AssignCode = "assign_no_rapporteur"
	// AssignCodeOverloaded: together FileIDs need Need reviews but the
	// jurors they may have can give them at most Have, given conflicts and
	// loads (a minimum cut of the flow).
	AssignCodeOverloaded AssignCode = "assign_overloaded"
)

// AssignProblem is one reason an assignment is impossible, with a message
// in French for an administrator and the data to say it otherwise.
type AssignProblem struct {
	Code     AssignCode
	FileIDs  []int64
	JurorIDs []int64
	Have     int
	Need     int
	Message  string
}

// AssignError lists every problem found; it unwraps to a domain.Error of
// code EINVALID carrying the French text.
type AssignError struct{ Problems []AssignProblem }

func (e *AssignError) Error() string {
	const shown = 5
	var b strings.Builder
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "\n… et %d autres problèmes.", len(e.Problems)-shown)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

func (e *AssignError) Unwrap() error {
	return &domain.Error{Code: domain.EINVALID, Message: e.Error()}
}

func assignInvalid(format string, args ...any) AssignProblem {
	return AssignProblem{Code: AssignCodeInvalid, Message: fmt.Sprintf(format, args...)}
}

func assignNoRapporteur(ids []int64, loads bool) AssignProblem {
	why := "tous les jurés pouvant l'être sont en conflit (un expert extérieur ne peut pas être rapporteur)"
	if loads {
		why = "les charges maximales ne laissent aucun juré pouvant l'être (un expert extérieur ne peut pas être rapporteur)"
	}
	return AssignProblem{Code: AssignCodeNoRapporteur, FileIDs: ids, Need: 1,
		Message: fmt.Sprintf("Impossible de donner un rapporteur %s : %s.", assignFilesPhrase(ids), why)}
}

// assignFilesPhrase says "au dossier 3" or "aux dossiers 3, 5 et 9 (et 4
// autres)".
func assignFilesPhrase(ids []int64) string {
	if len(ids) == 1 {
		return "au dossier " + strconv.FormatInt(ids[0], 10)
	}
	return "aux dossiers " + assignIDList(ids)
}

func assignIDList(ids []int64) string {
	const shown = 10
	parts := make([]string, 0, min(len(ids), shown))
	for _, id := range ids[:min(len(ids), shown)] {
		parts = append(parts, strconv.FormatInt(id, 10))
	}
	if len(ids) > shown {
		return strings.Join(parts, ", ") + fmt.Sprintf(" (et %d autres)", len(ids)-shown)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " et " + parts[len(parts)-1]
}

func assignEachPhrase(ids []int64) string {
	if len(ids) == 1 {
		return "au dossier " + strconv.FormatInt(ids[0], 10)
	}
	return "à chacun des dossiers " + assignIDList(ids)
}
