package domain

// Assignment puts one jury member on one file: they review it, and the
// rapporteur among its reviewers also presents it at the deliberation and
// drafts the feedback letter. Assignments are invisible to jurors until the
// edition's AssignmentsReleasedAt is set (jury.md §4, kohler/hotcrp#162).
type Assignment struct {
	ApplicationID int64
	UserID        int64
	Rapporteur    bool
	// Source says who made it: the solver's proposal, or an admin's
	// manual edit (AssignSolver, AssignManual).
	Source string
}

// The sources of an assignment.
const (
	AssignSolver = "solver"
	AssignManual = "manual"
)
