package jury

// The votes of the deliberation meeting (jury.md §7): the level of each
// file by majority judgment with a quorum, the override of that level, the
// majority-judgment order used to rank files that share a median, and the
// special mentions (nominations within an allotment, then a confirmation
// vote). Everything here is pure: the caller loads ballots and recusals and
// stores what comes back.

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

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

// VoteOutcome is how a vote ended.
type VoteOutcome string

// Level votes end decided or without quorum; confirmation votes adopted,
// rejected or without quorum.
const (
	VoteDecided  VoteOutcome = "decided"
	VoteNoQuorum VoteOutcome = "no_quorum" // postponed: never a level, never adopted
	VoteAdopted  VoteOutcome = "adopted"
	VoteRejected VoteOutcome = "rejected"
)

// QuorumForJury is the usual quorum rule: half the jury rounded up, but at
// least minimum (for example 4), so that a small jury cannot decide with
// two people in the room. The result may exceed what a file with many
// recusals can reach: that file is then postponed, which is the point.
func QuorumForJury(jurySize, minimum int) int {
	return max((jurySize+1)/2, minimum)
}

// VoteRules are the edition settings of the level vote.
type VoteRules struct {
	Levels int // number of levels; grades are 0..Levels-1
	Quorum int // minimum number of ballots (≥ 1), see QuorumForJury
}

// LevelBallot is one juror's grade in the level vote of one file.
type LevelBallot struct {
	JurorID int64
	Level   int
}

// LevelVote is the count of a level vote. Only non-recused jurors present
// vote, and external assessors never do: the caller passes only their
// ballots (a ballot of a juror listed as recused is refused anyway).
type LevelVote struct {
	ApplicationID int64
	Outcome       VoteOutcome // VoteDecided or VoteNoQuorum
	Voters        int         // ballots counted
	Quorum        int
	Tally         []int // ballots per level, len = Levels, kept for the minutes
	// Median is the majority grade: the median ballot, the lower middle one
	// for an even count, so that a level needs a majority at or above it.
	// -1 without quorum.
	Median int
	// Above and Below count the ballots strictly above and below Median:
	// the majority-judgment "+" (Above > Below) or "−" shown in the minutes.
	Above, Below int
}

// CountLevelVote counts the ballots of one file. Fewer ballots than the
// quorum give Outcome VoteNoQuorum and no level; errors are reserved for
// invalid input: a level off the scale, a juror voting twice, a recused
// juror voting.
func CountLevelVote(applicationID int64, ballots []LevelBallot, rules VoteRules, recused []int64) (LevelVote, error) {
	if rules.Levels < 1 {
		return LevelVote{}, &DeliberationError{Code: DelibInvalidRules, Detail: "l'échelle doit compter au moins un niveau"}
	}
	if rules.Quorum < 1 {
		return LevelVote{}, &DeliberationError{Code: DelibInvalidRules, Detail: "le quorum doit être d'au moins un votant"}
	}
	v := LevelVote{ApplicationID: applicationID, Quorum: rules.Quorum, Voters: len(ballots),
		Tally: make([]int, rules.Levels), Median: -1}
	seen := make(map[int64]bool, len(ballots))
	for _, b := range ballots {
		e := &DeliberationError{ApplicationID: applicationID, JurorID: b.JurorID, Level: b.Level}
		switch {
		case slices.Contains(recused, b.JurorID):
			e.Code = DelibRecusedVoter
		case seen[b.JurorID]:
			e.Code = DelibDuplicateBallot
		case b.Level < 0 || b.Level >= rules.Levels:
			e.Code = DelibLevelOutOfRange
		default:
			seen[b.JurorID] = true
			v.Tally[b.Level]++
			continue
		}
		return LevelVote{}, e
	}
	if v.Voters < rules.Quorum {
		v.Outcome = VoteNoQuorum
		return v, nil
	}
	v.Outcome = VoteDecided
	v.Median = tallyMedian(v.Tally, v.Voters)
	for level, n := range v.Tally {
		if level > v.Median {
			v.Above += n
		} else if level < v.Median {
			v.Below += n
		}
	}
	return v, nil
}

// tallyMedian is the lower-middle grade of a tally holding n ballots: the
// grade of the ((n-1)/2)-th ballot, counting from 0 in increasing order.
// -1 when n is 0.
func tallyMedian(tally []int, n int) int {
	if n <= 0 {
		return -1
	}
	rank, seen := (n-1)/2, 0
	for level, c := range tally {
		seen += c
		if seen > rank {
			return level
		}
	}
	return -1
}

// LevelDecision is the level the jury retains for a file, as recorded in
// the minutes.
type LevelDecision struct {
	ApplicationID int64
	Level         int
	Median        int
	Overridden    bool   // Level differs from the median
	Reason        string // the written reason (trimmed); required when Overridden
	Vote          LevelVote
	// Confirmation is the vote that confirmed an override; nil otherwise.
	Confirmation *ConfirmationVote
}

// DecideLevel records the level retained after a level vote. Retaining the
// median needs nothing more. Retaining another level is an override: it
// needs a non-empty written reason and an adopted confirmation vote on the
// same file (jury.md §7), and is marked Overridden for the minutes. A vote
// without quorum decides nothing.
func DecideLevel(v LevelVote, level int, reason string, confirmation *ConfirmationVote) (LevelDecision, error) {
	e := &DeliberationError{ApplicationID: v.ApplicationID, Level: level}
	if v.Outcome != VoteDecided {
		e.Code = DelibNoQuorum
		return LevelDecision{}, e
	}
	if level < 0 || level >= len(v.Tally) {
		e.Code = DelibLevelOutOfRange
		return LevelDecision{}, e
	}
	d := LevelDecision{ApplicationID: v.ApplicationID, Level: level, Median: v.Median,
		Reason: strings.TrimSpace(reason), Vote: v}
	if level == v.Median {
		return d, nil
	}
	if d.Reason == "" {
		e.Code = DelibOverrideWithoutReason
		return LevelDecision{}, e
	}
	if confirmation == nil || confirmation.Outcome != VoteAdopted || confirmation.ApplicationID != v.ApplicationID {
		e.Code = DelibOverrideNotConfirmed
		return LevelDecision{}, e
	}
	c := *confirmation
	d.Overridden, d.Confirmation = true, &c
	return d, nil
}

// CompareMajority orders two tallies (ballots per level, lowest level
// first) by majority judgment: +1 if a ranks above b, -1 if below, 0 for a
// perfect tie. Higher majority grade (lower middle) wins; on equal grades,
// one ballot at that grade is removed from each and the comparison starts
// again (Balinski & Laraki's tie-break), until the grades differ or a tally
// is empty. Equal multisets of grades are therefore equal. With different
// numbers of ballots (recusals), ballots are removed until the smaller
// tally is exhausted; if the grades never differed, the two are equal.
func CompareMajority(a, b []int) int {
	ta, tb := nonNegative(a), nonNegative(b)
	na, nb := tallySize(ta), tallySize(tb)
	for na > 0 && nb > 0 {
		ma, mb := tallyMedian(ta, na), tallyMedian(tb, nb)
		if c := cmp.Compare(ma, mb); c != 0 {
			return c
		}
		ta[ma]--
		tb[mb]--
		na--
		nb--
	}
	return 0
}

func tallySize(t []int) int {
	n := 0
	for _, c := range t {
		n += max(c, 0)
	}
	return n
}

// nonNegative copies a tally with negative counts read as 0, so that a
// corrupt tally cannot make the removal loop index out of range.
func nonNegative(t []int) []int {
	c := make([]int, len(t))
	for i, n := range t {
		c[i] = max(n, 0)
	}
	return c
}

// MajorityEntry is one file to rank by its level-vote tally.
type MajorityEntry struct {
	ApplicationID int64
	Tally         []int
}

// MajorityRank is a file's place in a majority-judgment ranking.
type MajorityRank struct {
	ApplicationID int64
	Rank          int // 1 = best; perfect ties share a rank (1, 1, 3…)
	Median        int // majority grade, -1 for an empty tally
}

// RankMajority ranks files by CompareMajority, best first; perfect ties
// share a rank and keep increasing ApplicationID order.
func RankMajority(entries []MajorityEntry) []MajorityRank {
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(x, y MajorityEntry) int {
		if c := CompareMajority(y.Tally, x.Tally); c != 0 {
			return c
		}
		return cmp.Compare(x.ApplicationID, y.ApplicationID)
	})
	ranks := make([]MajorityRank, len(sorted))
	for i, e := range sorted {
		ranks[i] = MajorityRank{ApplicationID: e.ApplicationID, Rank: i + 1, Median: tallyMedian(nonNegative(e.Tally), tallySize(e.Tally))}
		if i > 0 && CompareMajority(sorted[i-1].Tally, e.Tally) == 0 {
			ranks[i].Rank = ranks[i-1].Rank
		}
	}
	return ranks
}

// RecusedByFile lists, per file (application ID), the jurors recused from
// it. The caller builds it from the effective conflicts.
type RecusedByFile map[int64][]int64

// IsRecused reports whether juror is recused from the file.
func (r RecusedByFile) IsRecused(applicationID, jurorID int64) bool {
	return slices.Contains(r[applicationID], jurorID)
}

// MentionNomination is one juror proposing one file for one special
// mention.
type MentionNomination struct {
	MentionID     int64
	ApplicationID int64
	JurorID       int64
}

// CheckNomination tells whether a juror may add nomination n given the
// nominations already recorded: not for a file they are recused from, not
// twice, and not beyond allotment nominations per juror and per mention
// (like HotCRP's allotment votes).
func CheckNomination(existing []MentionNomination, n MentionNomination, allotment int, recused RecusedByFile) error {
	if allotment < 1 {
		return &DeliberationError{Code: DelibInvalidRules, MentionID: n.MentionID,
			Detail: "chaque juré doit disposer d'au moins une proposition par mention"}
	}
	e := &DeliberationError{MentionID: n.MentionID, ApplicationID: n.ApplicationID, JurorID: n.JurorID}
	if recused.IsRecused(n.ApplicationID, n.JurorID) {
		e.Code = DelibRecusedNomination
		return e
	}
	used := 0
	for _, x := range existing {
		if x.MentionID != n.MentionID || x.JurorID != n.JurorID {
			continue
		}
		if x.ApplicationID == n.ApplicationID {
			e.Code = DelibDuplicateNomination
			return e
		}
		used++
	}
	if used >= allotment {
		e.Code, e.Level = DelibOverAllotment, allotment
		return e
	}
	return nil
}

// ShortlistEntry is one nominee of a mention.
type ShortlistEntry struct {
	ApplicationID int64
	Nominations   int
	Nominators    []int64 // juror IDs, increasing
	Rank          int     // 1 = first; equal nominations and equal tallies share a rank
}

// MentionShortlist is the ordered list of nominees put to the confirmation
// vote of one mention.
type MentionShortlist struct {
	MentionID int64
	Entries   []ShortlistEntry
}

// ShortlistMention checks every nomination of the mention (the other
// mentions' nominations are ignored) as CheckNomination would, then orders
// the nominees by number of nominations, most first. Ties are broken by
// the majority-judgment order of the files' level-vote tallies when
// levelTallies has them (nil is fine), then by ApplicationID; only files
// equal on both share a rank.
func ShortlistMention(mentionID int64, nominations []MentionNomination, allotment int, recused RecusedByFile, levelTallies map[int64][]int) (MentionShortlist, error) {
	list := MentionShortlist{MentionID: mentionID}
	var accepted []MentionNomination
	byFile := map[int64]*ShortlistEntry{}
	for _, n := range nominations {
		if n.MentionID != mentionID {
			continue
		}
		if err := CheckNomination(accepted, n, allotment, recused); err != nil {
			return MentionShortlist{}, err
		}
		accepted = append(accepted, n)
		e := byFile[n.ApplicationID]
		if e == nil {
			e = &ShortlistEntry{ApplicationID: n.ApplicationID}
			byFile[n.ApplicationID] = e
		}
		e.Nominations++
		e.Nominators = append(e.Nominators, n.JurorID)
	}
	for _, e := range byFile {
		slices.Sort(e.Nominators)
		list.Entries = append(list.Entries, *e)
	}
	order := func(x, y ShortlistEntry) int {
		if c := cmp.Compare(y.Nominations, x.Nominations); c != 0 {
			return c
		}
		return CompareMajority(levelTallies[y.ApplicationID], levelTallies[x.ApplicationID])
	}
	slices.SortFunc(list.Entries, func(x, y ShortlistEntry) int {
		if c := order(x, y); c != 0 {
			return c
		}
		return cmp.Compare(x.ApplicationID, y.ApplicationID)
	})
	for i := range list.Entries {
		list.Entries[i].Rank = i + 1
		if i > 0 && order(list.Entries[i-1], list.Entries[i]) == 0 {
			list.Entries[i].Rank = list.Entries[i-1].Rank
		}
	}
	return list, nil
}

// ConfirmationChoice is a ballot in a confirmation vote.
type ConfirmationChoice string

// A juror present and not recused votes for, against, or abstains; an
// abstention counts towards the quorum and not towards the majority.
const (
	ConfirmFor     ConfirmationChoice = "for"
	ConfirmAgainst ConfirmationChoice = "against"
	ConfirmAbstain ConfirmationChoice = "abstain"
)

// ConfirmationBallot is one juror's ballot in a confirmation vote.
type ConfirmationBallot struct {
	JurorID int64
	Choice  ConfirmationChoice
}

// ConfirmationVote is the count of a yes/no vote on one file: the award of
// a mention (MentionID set), or the confirmation of a level override
// (MentionID 0).
type ConfirmationVote struct {
	ApplicationID int64
	MentionID     int64
	Outcome       VoteOutcome // VoteAdopted, VoteRejected or VoteNoQuorum
	Voters        int         // ballots, abstentions included
	For, Against  int
	Abstain       int
	Quorum        int
}

// CountConfirmation counts a confirmation vote on one file. It is adopted
// by a majority of the voters present: more "for" than half the ballots,
// abstentions included. Fewer ballots than the quorum give VoteNoQuorum.
// A ballot from a juror recused from the file is refused with an error, as
// are duplicate ballots and unknown choices.
func CountConfirmation(applicationID, mentionID int64, ballots []ConfirmationBallot, quorum int, recused []int64) (ConfirmationVote, error) {
	if quorum < 1 {
		return ConfirmationVote{}, &DeliberationError{Code: DelibInvalidRules, Detail: "le quorum doit être d'au moins un votant"}
	}
	v := ConfirmationVote{ApplicationID: applicationID, MentionID: mentionID, Voters: len(ballots), Quorum: quorum}
	seen := make(map[int64]bool, len(ballots))
	for _, b := range ballots {
		e := &DeliberationError{ApplicationID: applicationID, MentionID: mentionID, JurorID: b.JurorID}
		switch {
		case slices.Contains(recused, b.JurorID):
			e.Code = DelibRecusedVoter
		case seen[b.JurorID]:
			e.Code = DelibDuplicateBallot
		case b.Choice == ConfirmFor:
			v.For++
		case b.Choice == ConfirmAgainst:
			v.Against++
		case b.Choice == ConfirmAbstain:
			v.Abstain++
		default:
			e.Code, e.Detail = DelibInvalidBallot, string(b.Choice)
		}
		if e.Code != "" {
			return ConfirmationVote{}, e
		}
		seen[b.JurorID] = true
	}
	switch {
	case v.Voters < quorum:
		v.Outcome = VoteNoQuorum
	case 2*v.For > v.Voters:
		v.Outcome = VoteAdopted
	default:
		v.Outcome = VoteRejected
	}
	return v, nil
}
