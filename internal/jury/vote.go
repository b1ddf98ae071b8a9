package jury

// The votes of the deliberation meeting (jury.md §7): the level of each
// file by majority judgment with a quorum, the override of that level, the
// majority-judgment order used to rank files that share a median, and the
// special mentions (nominations within an allotment, then a confirmation
// vote). Everything here is pure: the caller loads ballots and recusals and
// stores what comes back.

import (
	"cmp"
	"slices"
	"strings"
)

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
