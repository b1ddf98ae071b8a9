package domain

// This file is the visibility policy of the jury (jury.md §9) as data: one
// table, read by one function. To change a right, change a row here and the
// expected grid in jury_policy_test.go; the test walks every cell.

// need is a set of facts a Viewer must have for a grant to apply.
type need uint8

const (
	unconf     need = 1 << iota // not recused from the file
	attested                    // signed the conflict attestation
	assigned                    // assigned to the file, assignments released
	ownProp                     // already proposed a level for the file
	presRecuse                  // the president is recused from the file
	ownFile                     // the file is the applicant's own
	rapp                        // the rapporteur of the file, assignments released
)

// facts is the set of needs v satisfies.
func (v Viewer) facts() need {
	var f need
	for _, c := range []struct {
		ok bool
		n  need
	}{
		{!v.Recused, unconf}, {v.Attested, attested}, {v.Assigned, assigned},
		{v.OwnProposal, ownProp}, {v.PresidentRecused, presRecuse}, {v.Own, ownFile}, {v.Rapporteur, rapp},
	} {
		if c.ok {
			f |= c.n
		}
	}
	return f
}

// grant allows an action from phase from through phase to (to "" means to
// the end) when the viewer has every fact in need — or, when or is not
// zero, every fact in or: the one right that two kinds of people hold for
// different reasons (a letter's rapporteur and its approver).
type grant struct {
	from, to Phase
	need, or need
}

// met reports whether facts f satisfy g's needs.
func (g grant) met(f need) bool {
	return g.need&^f == 0 || (g.or != 0 && g.or&^f == 0)
}

// Shorthands for the rows below.
const (
	juryA   = unconf | attested            // a juror who attested, not recused
	scorerA = unconf | attested | assigned // the same, assigned to the file
	leadA   = scorerA | rapp               // the same, the file's rapporteur
	chairA  = juryA | presRecuse           // the vice-president acting for a recused president
)

// policy is the whole table. A missing role under an action means never.
// Every row but two carries unconf: a recused viewer, whatever the role,
// sees only the file's name in the names list and their own recusal.
var policy = map[Action]map[JuryRole]grant{
	ActSeeNames: {
		JurySecretariat: {from: PhaseOpen}, // admins follow applications as they come
		// P2: jurors see names only, to confirm conflicts; P1 "titles" is
		// left out (the stricter default). Assessors too: their conflicts
		// must be known before the solver assigns them.
		JuryPresident: {from: PhaseClosed}, JuryVicePresident: {from: PhaseClosed},
		JuryJuror: {from: PhaseClosed}, JuryAssessor: {from: PhaseClosed},
		JuryObserver: {from: PhaseSealed}, // the minutes they read name the files
	},
	ActSeeFile: {
		JurySecretariat:   {from: PhaseClosed, need: unconf},
		JuryPresident:     {from: PhaseAttestation, need: juryA}, // the president scores too, so attests first
		JuryVicePresident: {from: PhaseAttestation, need: juryA},
		JuryJuror:         {from: PhaseAttestation, need: juryA}, // all files: every juror votes on every file
		JuryAssessor:      {from: PhaseReview, need: scorerA},    // only assigned files
		JuryApplicant:     {from: PhaseSetup, need: unconf | ownFile},
		// Observer and public "summaries" are the public results page: ActSeeDecisions.
	},
	ActSeeConflictsAll: {
		JurySecretariat: {from: PhaseClosed, need: unconf},
		JuryPresident:   {from: PhaseClosed, need: unconf},
	},
	ActSeeConflictsOwn: { // no unconf: a recused viewer must see that they are
		JurySecretariat: {from: PhaseClosed}, JuryPresident: {from: PhaseClosed},
		JuryVicePresident: {from: PhaseClosed}, JuryJuror: {from: PhaseClosed},
		JuryAssessor: {from: PhaseClosed}, JuryObserver: {from: PhaseSealed},
		JuryApplicant: {from: PhaseOpen, need: ownFile}, // its own declarations
	},
	ActDeclareConflict: {
		// A link found late must still be declarable, until sealing.
		JuryPresident:     {from: PhaseClosed, to: PhaseDeliberation, need: unconf},
		JuryVicePresident: {from: PhaseClosed, to: PhaseDeliberation, need: unconf},
		JuryJuror:         {from: PhaseClosed, to: PhaseDeliberation, need: unconf},
		JuryAssessor:      {from: PhaseClosed, to: PhaseDeliberation, need: unconf},
		// In the form, until the solver runs: once reviews start an applicant
		// could use a declaration to remove a juror; later links go through
		// the secretariat (ActManageConflicts).
		JuryApplicant: {from: PhaseOpen, to: PhaseAssignment, need: unconf | ownFile},
	},
	ActAttest: { // late jurors and late links: until the meeting ends
		JuryPresident:     {from: PhaseAttestation, to: PhaseDeliberation, need: unconf},
		JuryVicePresident: {from: PhaseAttestation, to: PhaseDeliberation, need: unconf},
		JuryJuror:         {from: PhaseAttestation, to: PhaseDeliberation, need: unconf},
		JuryAssessor:      {from: PhaseAttestation, to: PhaseDeliberation, need: unconf},
	},
	ActManageConflicts: { // after sealing the register is part of the sealed record
		JurySecretariat: {from: PhaseClosed, to: PhaseDeliberation, need: unconf},
	},
	ActSeeAssignmentsAll: {
		JurySecretariat: {from: PhaseAssignment, need: unconf},
		JuryPresident:   {from: PhaseAssignment, need: unconf}, // reviews the proposal before release
	},
	ActSeeAssignmentsOwn: { // nothing before release (phase review)
		JuryPresident: {from: PhaseReview, need: unconf}, JuryVicePresident: {from: PhaseReview, need: unconf},
		JuryJuror: {from: PhaseReview, need: unconf}, JuryAssessor: {from: PhaseReview, need: unconf},
	},
	ActManageAssignments: { // edits, release, then re-runs after late conflicts; the president only reviews
		JurySecretariat: {from: PhaseAssignment, to: PhaseDiscussion, need: unconf},
	},
	ActWriteReview: { // discussion = post-discussion revisions
		JuryPresident:     {from: PhaseReview, to: PhaseDiscussion, need: scorerA},
		JuryVicePresident: {from: PhaseReview, to: PhaseDiscussion, need: scorerA},
		JuryJuror:         {from: PhaseReview, to: PhaseDiscussion, need: scorerA},
		JuryAssessor:      {from: PhaseReview, to: PhaseDiscussion, need: scorerA},
	},
	ActSeeOwnReview: { // kept after unassignment, lost on a late recusal
		JuryPresident: {from: PhaseReview, need: juryA}, JuryVicePresident: {from: PhaseReview, need: juryA},
		JuryJuror: {from: PhaseReview, need: juryA}, JuryAssessor: {from: PhaseReview, need: scorerA},
	},
	ActSeeReviews: {
		JurySecretariat:   {from: PhaseReview, need: unconf},
		JuryPresident:     {from: PhaseReview, need: juryA}, // §9: P6+, to follow progress
		JuryVicePresident: {from: PhaseDiscussion, need: juryA},
		JuryJuror:         {from: PhaseDiscussion, need: juryA},
		JuryAssessor:      {from: PhaseDiscussion, need: scorerA}, // to discuss the files they reviewed
	},
	ActSeeApplicantTexts: {
		JurySecretariat:   {from: PhaseReview, need: unconf},
		JuryPresident:     {from: PhaseReview, need: juryA},
		JuryVicePresident: {from: PhaseDiscussion, need: juryA},
		JuryJuror:         {from: PhaseDiscussion, need: juryA},
		JuryAssessor:      {from: PhaseDiscussion, need: scorerA},
		JuryApplicant:     {from: PhasePublished, need: unconf | ownFile}, // the synthesis, never who wrote what
	},
	ActSeeAggregates: { // assessors never; applicants and public get levels through ActSeeDecisions
		JurySecretariat:   {from: PhaseReview, need: unconf},
		JuryPresident:     {from: PhaseReview, need: juryA},
		JuryVicePresident: {from: PhaseDiscussion, need: juryA},
		JuryJuror:         {from: PhaseDiscussion, need: juryA},
		JuryObserver:      {from: PhaseSealed, need: unconf},
	},
	ActSeeIndicative: {
		JurySecretariat: {from: PhaseReview, need: unconf},
		JuryPresident:   {from: PhaseReview, need: juryA},
		// Only after one's own proposal, in every phase: in k-of-J mode a
		// juror who did not review the file grades it in the meeting, and
		// the indicative score must not anchor that grade either.
		JuryVicePresident: {from: PhaseReview, need: juryA | ownProp},
		JuryJuror:         {from: PhaseReview, need: juryA | ownProp},
		JuryAssessor:      {from: PhaseReview, need: scorerA | ownProp},
		JuryApplicant:     {from: PhaseSetup, need: unconf | ownFile}, // the questionnaire shows it while filling in
	},
	ActSeePrevious: { // hidden from scorers until discussion (anchoring); public knowledge otherwise
		JurySecretariat:   {from: PhaseSetup, need: unconf},
		JuryPresident:     {from: PhaseDiscussion, need: juryA},
		JuryVicePresident: {from: PhaseDiscussion, need: juryA},
		JuryJuror:         {from: PhaseDiscussion, need: juryA},
		JuryAssessor:      {from: PhaseDiscussion, need: scorerA},
		JuryApplicant:     {from: PhaseSetup, need: unconf | ownFile},
	},
	ActComment: {
		JurySecretariat:   {from: PhaseDiscussion, to: PhaseDeliberation, need: unconf}, // factual answers, scribing
		JuryPresident:     {from: PhaseDiscussion, to: PhaseDeliberation, need: juryA},
		JuryVicePresident: {from: PhaseDiscussion, to: PhaseDeliberation, need: juryA},
		JuryJuror:         {from: PhaseDiscussion, to: PhaseDeliberation, need: juryA},
		JuryAssessor:      {from: PhaseDiscussion, to: PhaseDiscussion, need: scorerA}, // not in deliberation
	},
	ActChair: {
		JuryPresident:     {from: PhaseDeliberation, to: PhaseDeliberation, need: juryA},
		JuryVicePresident: {from: PhaseDeliberation, to: PhaseDeliberation, need: chairA},
	},
	ActVote: { // the president is a juror and votes; assessors and secretariat never
		JuryPresident:     {from: PhaseDeliberation, to: PhaseDeliberation, need: juryA},
		JuryVicePresident: {from: PhaseDeliberation, to: PhaseDeliberation, need: juryA},
		JuryJuror:         {from: PhaseDeliberation, to: PhaseDeliberation, need: juryA},
	},
	ActNominate: { // in the review form, then in the meeting
		JuryPresident:     {from: PhaseReview, to: PhaseDeliberation, need: juryA},
		JuryVicePresident: {from: PhaseReview, to: PhaseDeliberation, need: juryA},
		JuryJuror:         {from: PhaseReview, to: PhaseDeliberation, need: juryA},
	},
	ActSeeDecisions: {
		JurySecretariat:   {from: PhaseDeliberation, need: unconf},
		JuryPresident:     {from: PhaseDeliberation, need: juryA},
		JuryVicePresident: {from: PhaseDeliberation, need: juryA},
		JuryJuror:         {from: PhaseDeliberation, need: juryA}, // with the embargo banner
		// Assessors are outsiders: embargoed like the public, then the public page.
		JuryObserver:  {from: PhaseSealed, need: unconf},
		JuryApplicant: {from: PhasePublished, need: unconf | ownFile},
		// The public results page: levels, mentions, jury, recusal summary,
		// opt-in summaries of laureates' files.
		JuryPublic: {from: PhasePublished, need: unconf},
	},
	ActSeeMinutes: { // per file: the extract, redacted for the recused
		JurySecretariat:   {from: PhaseDeliberation, need: unconf},
		JuryPresident:     {from: PhaseDeliberation, need: juryA},
		JuryVicePresident: {from: PhaseSealed, need: juryA},
		JuryJuror:         {from: PhaseSealed, need: juryA},
		JuryObserver:      {from: PhaseSealed, need: unconf},
	},
	ActSeal: { // the decision set, not a file: the vice-president never seals
		JuryPresident: {from: PhaseDeliberation, to: PhaseDeliberation, need: juryA},
	},
	ActSwitchPhase: { // an archived edition is final
		JurySecretariat: {from: PhaseSetup, to: PhasePublished, need: unconf},
	},
	ActSeeStatsOwn: { // not during review: comparing with co-reviewers would leak their scores
		JuryPresident: {from: PhaseDiscussion, need: juryA}, JuryVicePresident: {from: PhaseDiscussion, need: juryA},
		JuryJuror: {from: PhaseDiscussion, need: juryA}, JuryAssessor: {from: PhaseDiscussion, need: juryA},
	},
	ActSeeStatsAll: {
		JurySecretariat: {from: PhaseReview, need: unconf},
		JuryPresident:   {from: PhaseReview, need: juryA},
	},
	ActSeeAudit: { // entries about a file the reader is recused from are omitted
		JurySecretariat: {from: PhaseSetup, need: unconf},
		JuryPresident:   {from: PhaseSetup, need: unconf},
	},
	ActExport: { // jurors' offline forms come later (jury.md §5)
		JurySecretariat: {from: PhaseClosed, need: unconf},
		JuryPresident:   {from: PhaseReview, need: juryA},
	},
	ActSeeSecretariatNote: { // jury.md §5: "note to secretariat → admins only"; its author reads it in their own review
		JurySecretariat: {from: PhaseReview, need: unconf},
	},
	ActRemind: { // while reviews are written; the reminder goes through the outbox
		JurySecretariat: {from: PhaseReview, to: PhaseDiscussion, need: unconf},
	},
	ActEditAgenda: { // prepared during the discussion, used in the meeting; then part of the record
		JurySecretariat: {from: PhaseDiscussion, to: PhaseDeliberation, need: unconf},
		JuryPresident:   {from: PhaseDiscussion, to: PhaseDeliberation, need: juryA},
	},
	// Feedback letters (jury.md §8): the rapporteur drafts, whoever chairs
	// the file approves, from the discussion until the results go out
	// with them; reading follows the applicant-visible texts they quote.
	// Assessors are never rapporteurs (the assignment refuses it).
	ActSeeLetter: {
		JurySecretariat:   {from: PhaseReview, need: unconf},
		JuryPresident:     {from: PhaseReview, need: juryA}, // a recused president is not the approver: unconf
		JuryVicePresident: {from: PhaseDiscussion, need: leadA, or: chairA},
		JuryJuror:         {from: PhaseDiscussion, need: leadA},
	},
	ActDraftLetter: {
		JuryPresident:     {from: PhaseDiscussion, to: PhaseSealed, need: leadA},
		JuryVicePresident: {from: PhaseDiscussion, to: PhaseSealed, need: leadA},
		JuryJuror:         {from: PhaseDiscussion, to: PhaseSealed, need: leadA},
	},
	ActApproveLetter: {
		JuryPresident:     {from: PhaseDiscussion, to: PhaseSealed, need: juryA},
		JuryVicePresident: {from: PhaseDiscussion, to: PhaseSealed, need: chairA},
	},
	// Sealed decisions (jury.md §8): a change needs the president — the
	// vice-president for a file the president is recused from — and an
	// admin, one asking and the other confirming (the store checks that
	// they are two people on two sides). Both must see the file's decision.
	// Once archived nothing changes.
	ActSeeSealDetails: { // the reasons may name a file; the sealed content lists every decision
		JurySecretariat: {from: PhaseSealed, need: unconf},
		JuryPresident:   {from: PhaseSealed, need: juryA},
	},
	ActRequestReopen: {
		JurySecretariat:   {from: PhaseSealed, to: PhasePublished, need: unconf},
		JuryPresident:     {from: PhaseSealed, to: PhasePublished, need: juryA},
		JuryVicePresident: {from: PhaseSealed, to: PhasePublished, need: chairA},
	},
	ActConfirmReopen: {
		JurySecretariat:   {from: PhaseSealed, to: PhasePublished, need: unconf},
		JuryPresident:     {from: PhaseSealed, to: PhasePublished, need: juryA},
		JuryVicePresident: {from: PhaseSealed, to: PhasePublished, need: chairA},
	},
}

// Can reports whether v may do a in phase p, by reading the policy table
// and nothing else. Unknown actions, roles and phases are refused, and so is
// a row whose phase bounds are mistyped.
func Can(v Viewer, a Action, p Phase) bool {
	g, ok := policy[a][v.Role]
	if !ok || !p.AtLeast(g.from) || (g.to != "" && !g.to.AtLeast(p)) {
		return false
	}
	return g.met(v.facts())
}

// During reports whether the table gives a to some role in phase p: whether
// the action exists at all in that phase (the reopening of sealed
// decisions, for example, only once sealed and before the archive).
func During(a Action, p Phase) bool {
	for _, g := range policy[a] {
		if p.AtLeast(g.from) && (g.to == "" || g.to.AtLeast(p)) {
			return true
		}
	}
	return false
}

// Holds reports whether role r is given a in some phase, under some facts:
// whether the role has that right at all. Pages use it to tell a person
// whose right has not opened yet ("from the review phase") from one whose
// role never has it (404, as for a page that does not exist).
func Holds(r JuryRole, a Action) bool {
	_, ok := policy[a][r]
	return ok
}
