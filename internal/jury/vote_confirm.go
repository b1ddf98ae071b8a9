package jury

// Confirmation votes, for an override of the median level and for a
// mention: for, against or abstain, with a quorum.

import (
	"slices"
)

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
