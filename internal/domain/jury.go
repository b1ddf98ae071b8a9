package domain

import (
	"fmt"
	"slices"
)

// Phase is where an edition stands in the jury workflow. There is one state
// machine per edition; only admins move it, one step at a time (CanSwitch),
// and the web layer logs each switch in the audit log.
type Phase string

// The phases, in order (jury.md §2; calibration, clarifications and the
// embargo are not separate phases: they overlap their neighbours).
const (
	PhaseSetup        Phase = "setup"        // rules, criteria, jury list, affiliations
	PhaseOpen         Phase = "open"         // applications open
	PhaseClosed       Phase = "closed"       // eligibility check, conflict detection
	PhaseAttestation  Phase = "attestation"  // jurors attest their conflicts
	PhaseAssignment   Phase = "assignment"   // proposal, edits, release
	PhaseReview       Phase = "review"       // independent review
	PhaseDiscussion   Phase = "discussion"   // reviews shared, post-discussion revisions
	PhaseDeliberation Phase = "deliberation" // live meeting, votes, draft decisions
	PhaseSealed       Phase = "sealed"       // decisions sealed, embargo until the ceremony
	PhasePublished    Phase = "published"    // results public
	PhaseArchived     Phase = "archived"     // read-only
)

// Phases lists every phase in workflow order. Callers must not modify it.
var Phases = []Phase{
	PhaseSetup, PhaseOpen, PhaseClosed, PhaseAttestation, PhaseAssignment, PhaseReview,
	PhaseDiscussion, PhaseDeliberation, PhaseSealed, PhasePublished, PhaseArchived,
}

// ParsePhase turns a stored or submitted value into a Phase.
func ParsePhase(s string) (Phase, error) {
	p := Phase(s)
	if !p.Valid() {
		return "", Errorf(EINVALID, "Phase inconnue : « %s ».", s)
	}
	return p, nil
}

// Valid reports whether p is one of Phases.
func (p Phase) Valid() bool { return p.rank() >= 0 }

// rank is p's position in Phases, -1 for an unknown phase.
func (p Phase) rank() int { return slices.Index(Phases, p) }

// Key is the message id the web layer translates ("jury.phase.review").
func (p Phase) Key() string { return "jury.phase." + string(p) }

// Before reports whether p comes strictly before q. An unknown phase is
// neither before nor after anything, so a typo fails closed.
func (p Phase) Before(q Phase) bool {
	return p.Valid() && q.Valid() && p.rank() < q.rank()
}

// AtLeast reports whether p is q or comes after it; false when either is
// unknown.
func (p Phase) AtLeast(q Phase) bool {
	return p.Valid() && q.Valid() && p.rank() >= q.rank()
}

// Next returns the phase after p, and false for the last phase or an unknown
// one.
func (p Phase) Next() (Phase, bool) {
	r := p.rank()
	if r < 0 || r == len(Phases)-1 {
		return "", false
	}
	return Phases[r+1], true
}

// SwitchReason says why a phase switch is refused. Its value is a stable
// message id the web layer translates.
type SwitchReason string

// The reasons CanSwitch gives.
const (
	SwitchUnknown    SwitchReason = "jury.switch.unknown"      // a phase is not one of Phases
	SwitchSame       SwitchReason = "jury.switch.same"         // already in that phase
	SwitchSkip       SwitchReason = "jury.switch.skip"         // forward by more than one phase
	SwitchBackTooFar SwitchReason = "jury.switch.back_too_far" // back by more than one phase
	SwitchSealed     SwitchReason = "jury.switch.sealed"       // sealed → deliberation: the reopening procedure
	SwitchPublished  SwitchReason = "jury.switch.published"    // published → sealed: cannot unpublish
	SwitchArchived   SwitchReason = "jury.switch.archived"     // archived is final
)

// SwitchError is a refused phase switch. It unwraps to an *Error, so
// ErrorCode and ErrorMessage work on it: EINVALID for an unknown phase,
// ECONFLICT otherwise.
type SwitchError struct {
	From, To Phase
	Reason   SwitchReason
}

func (e *SwitchError) Error() string { return e.message() }

// Unwrap gives the application's one error shape.
func (e *SwitchError) Unwrap() error {
	code := ECONFLICT
	if e.Reason == SwitchUnknown {
		code = EINVALID
	}
	return &Error{Code: code, Message: e.message()}
}

// message is the French text for an admin; the web layer may translate
// Reason instead.
func (e *SwitchError) message() string {
	from, to := phaseFrench(e.From), phaseFrench(e.To)
	switch e.Reason {
	case SwitchUnknown:
		return fmt.Sprintf("Changement de phase impossible : phase inconnue (de « %s » à « %s »).", e.From, e.To)
	case SwitchSame:
		return fmt.Sprintf("L'édition est déjà dans la phase « %s ».", to)
	case SwitchSkip:
		next, _ := e.From.Next()
		return fmt.Sprintf("Impossible de passer de « %s » à « %s » : les phases se suivent une à une ; passez d'abord à « %s ».", from, to, phaseFrench(next))
	case SwitchBackTooFar:
		return fmt.Sprintf("Impossible de revenir de « %s » à « %s » : on ne revient que d'une phase, pour corriger une erreur.", from, to)
	case SwitchSealed:
		return "Les décisions sont scellées : les rouvrir demande la procédure de réouverture, avec le président du jury et un administrateur."
	case SwitchPublished:
		return "Les résultats sont publiés : la publication ne peut pas être annulée."
	case SwitchArchived:
		return "L'édition est archivée : elle est en lecture seule et ne change plus de phase."
	}
	return fmt.Sprintf("Impossible de passer de « %s » à « %s ».", from, to)
}

// phaseFrench names a phase in error messages only; pages use Key.
func phaseFrench(p Phase) string {
	names := map[Phase]string{
		PhaseSetup: "Préparation", PhaseOpen: "Candidatures ouvertes", PhaseClosed: "Clôture et recevabilité",
		PhaseAttestation: "Attestation des conflits d'intérêts", PhaseAssignment: "Répartition des dossiers",
		PhaseReview: "Évaluation individuelle", PhaseDiscussion: "Discussion", PhaseDeliberation: "Délibération",
		PhaseSealed: "Décisions scellées", PhasePublished: "Résultats publiés", PhaseArchived: "Archivée",
	}
	if n, ok := names[p]; ok {
		return n
	}
	return string(p)
}

// CanSwitch tells whether an admin may move an edition from one phase to
// another: to the next phase, or back one phase to undo a mistake. Nothing
// goes back once decisions are sealed: reopening a sealed decision set is a
// separate two-person procedure (issue 6 §7), publication cannot be undone,
// and an archived edition is final.
func CanSwitch(from, to Phase) error {
	refuse := func(r SwitchReason) error { return &SwitchError{From: from, To: to, Reason: r} }
	switch f, t := from.rank(), to.rank(); {
	case f < 0 || t < 0:
		return refuse(SwitchUnknown)
	case f == t:
		return refuse(SwitchSame)
	case from == PhaseArchived:
		return refuse(SwitchArchived)
	case t == f+1:
		return nil
	case t > f:
		return refuse(SwitchSkip)
	case from == PhasePublished:
		return refuse(SwitchPublished)
	case from == PhaseSealed:
		return refuse(SwitchSealed)
	case t < f-1:
		return refuse(SwitchBackTooFar)
	}
	return nil
}

// JuryRole is what a person is for one edition's jury, plus the two outside
// roles the visibility policy must also answer for (applicant, public).
type JuryRole string

// The roles of jury.md §1.
const (
	JuryPresident     JuryRole = "president"      // chairs, validates minutes, seals
	JuryVicePresident JuryRole = "vice_president" // a juror who chairs where the president is recused
	JuryJuror         JuryRole = "juror"          // declares conflicts, reviews, comments, votes
	JuryAssessor      JuryRole = "assessor"       // external: reviews assigned files, never votes
	JuryObserver      JuryRole = "observer"       // read-only after sealing, nothing individual
	JurySecretariat   JuryRole = "secretariat"    // admins: run the edition, never score
	JuryApplicant     JuryRole = "applicant"      // a member of the applicant body (Viewer.Own for its file)
	JuryPublic        JuryRole = "public"         // anyone, signed in or not
)

// JuryRoles lists every role the policy knows, in the order shown.
// Callers must not modify it.
var JuryRoles = []JuryRole{
	JuryPresident, JuryVicePresident, JuryJuror, JuryAssessor,
	JuryObserver, JurySecretariat, JuryApplicant, JuryPublic,
}

// ParseJuryRole turns a stored or submitted value into a JuryRole.
func ParseJuryRole(s string) (JuryRole, error) {
	r := JuryRole(s)
	if !r.Valid() {
		return "", Errorf(EINVALID, "Rôle de jury inconnu : « %s ».", s)
	}
	return r, nil
}

// Valid reports whether r is one of JuryRoles.
func (r JuryRole) Valid() bool { return slices.Contains(JuryRoles, r) }

// Assignable reports whether an admin may give r to a person for an
// edition; applicant and public follow from who the person is.
func (r JuryRole) Assignable() bool { return r.Valid() && r != JuryApplicant && r != JuryPublic }

// Key is the message id the web layer translates ("jury.role.juror").
func (r JuryRole) Key() string { return "jury.role." + string(r) }

// Action is one thing the web layer asks the policy before showing or doing
// it. "File" below is one application; actions that do not concern a file
// are asked with a Viewer whose per-file facts are false.
type Action string

// The actions of the policy table.
const (
	ActSeeNames           Action = "see_names"            // see the list of applicant names (to spot conflicts)
	ActSeeFile            Action = "see_file"             // see the content of a file
	ActSeeConflictsAll    Action = "see_conflicts_all"    // see the conflict suggestions and register of every juror
	ActSeeConflictsOwn    Action = "see_conflicts_own"    // see one's own conflicts, including that one is recused
	ActDeclareConflict    Action = "declare_conflict"     // declare a conflict (juror, or applicant on its own file)
	ActAttest             Action = "attest"               // sign one's conflict attestation for the edition
	ActManageConflicts    Action = "manage_conflicts"     // confirm or dismiss conflicts, with a reason
	ActSeeAssignmentsAll  Action = "see_assignments_all"  // see the whole assignment matrix
	ActSeeAssignmentsOwn  Action = "see_assignments_own"  // see the files assigned to oneself
	ActManageAssignments  Action = "manage_assignments"   // compute, edit, release and re-run assignments
	ActWriteReview        Action = "write_review"         // write or revise one's own review of a file
	ActSeeOwnReview       Action = "see_own_review"       // read one's own review of a file
	ActSeeReviews         Action = "see_reviews"          // read others' reviews, scores and private texts
	ActSeeApplicantTexts  Action = "see_applicant_texts"  // read the applicant-visible texts of others (the synthesis for the applicant)
	ActSeeAggregates      Action = "see_aggregates"       // see medians, spreads and disagreement flags
	ActSeeIndicative      Action = "see_indicative"       // see the indicative score computed from the answers
	ActSeePrevious        Action = "see_previous"         // see the level of the previous edition
	ActComment            Action = "comment"              // write a jury comment on a file
	ActChair              Action = "chair"                // drive the meeting on a file, confirm or override its level
	ActVote               Action = "vote"                 // vote on a level or on a mention
	ActNominate           Action = "nominate"             // nominate a file for a special mention
	ActSeeDecisions       Action = "see_decisions"        // see decisions: drafts, sealed, and for outsiders the results page
	ActSeeMinutes         Action = "see_minutes"          // see the minutes (for one file: its extract)
	ActSeal               Action = "seal"                 // validate the minutes and seal the decision set
	ActSwitchPhase        Action = "switch_phase"         // move the edition to another phase (then CanSwitch)
	ActSeeStatsOwn        Action = "see_stats_own"        // see one's own progress and toughness compared with co-reviewers
	ActSeeStatsAll        Action = "see_stats_all"        // see every juror's statistics
	ActSeeAudit           Action = "see_audit"            // read the audit log
	ActExport             Action = "export"               // export reviews, aggregates, conflicts, assignments
	ActSeeSecretariatNote Action = "see_secretariat_note" // read the jurors' notes to the secretariat (in reviews, discussions, exports)
	ActRemind             Action = "remind"               // send reminders to late jurors through the outbox
	ActEditAgenda         Action = "edit_agenda"          // build and edit the agenda of the deliberation
	ActSeeLetter          Action = "see_letter"           // read the feedback letter of a file
	ActDraftLetter        Action = "draft_letter"         // write the feedback letter of a file (its rapporteur)
	ActApproveLetter      Action = "approve_letter"       // approve the feedback letter of a file (whoever chairs it)
	ActSeeSealDetails     Action = "see_seal_details"     // read the reasons of reopenings and the sealed content itself
	ActRequestReopen      Action = "request_reopen"       // ask for one change to a sealed decision, or withdraw the request
	ActConfirmReopen      Action = "confirm_reopen"       // confirm the other party's request: the change is applied and sealed again
)

// Actions lists every action. Callers must not modify it.
var Actions = []Action{
	ActSeeNames, ActSeeFile, ActSeeConflictsAll, ActSeeConflictsOwn, ActDeclareConflict,
	ActAttest, ActManageConflicts, ActSeeAssignmentsAll, ActSeeAssignmentsOwn, ActManageAssignments,
	ActWriteReview, ActSeeOwnReview, ActSeeReviews, ActSeeApplicantTexts, ActSeeAggregates,
	ActSeeIndicative, ActSeePrevious, ActComment, ActChair, ActVote, ActNominate,
	ActSeeDecisions, ActSeeMinutes, ActSeal, ActSwitchPhase, ActSeeStatsOwn, ActSeeStatsAll,
	ActSeeAudit, ActExport, ActSeeSecretariatNote, ActRemind, ActEditAgenda, ActSeeLetter, ActDraftLetter,
	ActApproveLetter, ActSeeSealDetails, ActRequestReopen, ActConfirmReopen,
}

// Valid reports whether a is one of Actions.
func (a Action) Valid() bool { return slices.Contains(Actions, a) }

// Viewer is what the policy needs to know about who asks: their role and,
// when the action concerns one file, the facts about them and that file.
// The store computes these facts; the policy only reads them.
type Viewer struct {
	Role JuryRole
	// Attested: this person signed their conflict attestation for the
	// edition (no file content before it).
	Attested bool
	// Recused: a confirmed recuse-level conflict with this file. It wins
	// over every other fact.
	Recused bool
	// Disclosed: a disclose-level conflict with this file. It changes no
	// right (the link is shown next to the score and in the minutes), and is
	// carried so that callers build one fact set.
	Disclosed bool
	// Assigned: assigned to review this file, and assignments released.
	Assigned bool
	// OwnProposal: has already proposed a level for this file.
	OwnProposal bool
	// PresidentRecused: the president is recused from this file, so the
	// vice-president acts for them.
	PresidentRecused bool
	// Own: the file is the applicant's own.
	Own bool
	// Rapporteur: the rapporteur of this file, assignments released (the
	// one who presents it and drafts its feedback letter).
	Rapporteur bool
}
