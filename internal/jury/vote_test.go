package jury

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"tnl/internal/domain"
)

// levelBallots gives juror i+1 the level levels[i].
func levelBallots(levels ...int) []LevelBallot {
	out := make([]LevelBallot, len(levels))
	for i, l := range levels {
		out[i] = LevelBallot{JurorID: int64(i + 1), Level: l}
	}
	return out
}

// ballotsFromTally expands a tally into one ballot per voter.
func ballotsFromTally(tally []int) []LevelBallot {
	var levels []int
	for level, n := range tally {
		for range n {
			levels = append(levels, level)
		}
	}
	return levelBallots(levels...)
}

func TestQuorumForJury(t *testing.T) {
	tests := []struct{ jury, minimum, want int }{
		{10, 4, 5}, {9, 4, 5}, {8, 4, 4}, {7, 4, 4}, {6, 4, 4}, {3, 4, 4}, {0, 1, 1},
	}
	for _, tt := range tests {
		if got := QuorumForJury(tt.jury, tt.minimum); got != tt.want {
			t.Errorf("QuorumForJury(%d, %d) = %d; want %d", tt.jury, tt.minimum, got, tt.want)
		}
	}
}

func TestCountLevelVote(t *testing.T) {
	rules := VoteRules{Levels: 5, Quorum: 4}
	tests := []struct {
		name         string
		ballots      []LevelBallot
		outcome      VoteOutcome
		median       int
		above, below int
		tally        []int
	}{
		{"odd count", levelBallots(4, 1, 2, 2, 3), VoteDecided, 2, 2, 1, []int{0, 1, 2, 1, 1}},
		{"even count takes the lower middle", levelBallots(1, 2, 3, 4), VoteDecided, 2, 2, 1, []int{0, 1, 1, 1, 1}},
		{"split jury takes the lower level", levelBallots(3, 2, 3, 2), VoteDecided, 2, 2, 0, []int{0, 0, 2, 2, 0}},
		{"unanimous", levelBallots(0, 0, 0, 0, 0, 0), VoteDecided, 0, 0, 0, []int{6, 0, 0, 0, 0}},
		{"exactly the quorum", levelBallots(4, 4, 3, 0), VoteDecided, 3, 2, 1, []int{1, 0, 0, 1, 2}},
		{"one short of the quorum", levelBallots(4, 4, 4), VoteNoQuorum, -1, 0, 0, []int{0, 0, 0, 0, 3}},
		{"nobody", nil, VoteNoQuorum, -1, 0, 0, []int{0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := CountLevelVote(9, tt.ballots, rules, []int64{77})
			if err != nil {
				t.Fatal(err)
			}
			if v.ApplicationID != 9 || v.Outcome != tt.outcome || v.Median != tt.median || v.Above != tt.above || v.Below != tt.below {
				t.Errorf("got %+v; want outcome %s median %d above %d below %d", v, tt.outcome, tt.median, tt.above, tt.below)
			}
			if v.Voters != len(tt.ballots) || v.Quorum != 4 || !slices.Equal(v.Tally, tt.tally) {
				t.Errorf("voters %d quorum %d tally %v; want %d 4 %v", v.Voters, v.Quorum, v.Tally, len(tt.ballots), tt.tally)
			}
		})
	}
}

func TestCountLevelVoteRefusals(t *testing.T) {
	rules := VoteRules{Levels: 5, Quorum: 1}
	tests := []struct {
		name    string
		ballots []LevelBallot
		rules   VoteRules
		code    DeliberationCode
		domain  string
	}{
		{"recused juror", []LevelBallot{{JurorID: 1, Level: 2}, {JurorID: 77, Level: 4}}, rules, DelibRecusedVoter, domain.EFORBIDDEN},
		{"juror votes twice", []LevelBallot{{JurorID: 1, Level: 2}, {JurorID: 1, Level: 3}}, rules, DelibDuplicateBallot, domain.ECONFLICT},
		{"level off the scale", levelBallots(5), rules, DelibLevelOutOfRange, domain.EINVALID},
		{"negative level", levelBallots(-1), rules, DelibLevelOutOfRange, domain.EINVALID},
		{"no level", levelBallots(0), VoteRules{Quorum: 1}, DelibInvalidRules, domain.EINVALID},
		{"no quorum set", levelBallots(0), VoteRules{Levels: 5}, DelibInvalidRules, domain.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CountLevelVote(9, tt.ballots, tt.rules, []int64{77})
			if DeliberationCodeOf(err) != tt.code || domain.ErrorCode(err) != tt.domain {
				t.Fatalf("err %v; want %s (%s)", err, tt.code, tt.domain)
			}
		})
	}
}

func TestDecideLevel(t *testing.T) {
	rules := VoteRules{Levels: 5, Quorum: 4}
	vote, err := CountLevelVote(9, levelBallots(2, 2, 3, 4), rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	postponed, err := CountLevelVote(9, levelBallots(2, 2), rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	adopted := &ConfirmationVote{ApplicationID: 9, Outcome: VoteAdopted, Voters: 4, For: 3, Against: 1, Quorum: 4}
	rejected := &ConfirmationVote{ApplicationID: 9, Outcome: VoteRejected, Voters: 4, For: 2, Against: 2, Quorum: 4}
	otherFile := &ConfirmationVote{ApplicationID: 8, Outcome: VoteAdopted, Voters: 4, For: 4, Quorum: 4}
	tests := []struct {
		name         string
		vote         LevelVote
		level        int
		reason       string
		confirmation *ConfirmationVote
		code         DeliberationCode
	}{
		{"the median", vote, 2, "", nil, ""},
		{"override without reason", vote, 3, "", adopted, DelibOverrideWithoutReason},
		{"override with a blank reason", vote, 3, "  \n\t", adopted, DelibOverrideWithoutReason},
		{"override without confirmation", vote, 3, "Progrès nets depuis l'an dernier.", nil, DelibOverrideNotConfirmed},
		{"override rejected", vote, 3, "Progrès nets depuis l'an dernier.", rejected, DelibOverrideNotConfirmed},
		{"confirmation of another file", vote, 3, "Progrès nets depuis l'an dernier.", otherFile, DelibOverrideNotConfirmed},
		{"override", vote, 3, "  Progrès nets depuis l'an dernier. ", adopted, ""},
		{"level off the scale", vote, 5, "Raison.", adopted, DelibLevelOutOfRange},
		{"no quorum", postponed, 2, "", nil, DelibNoQuorum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DecideLevel(tt.vote, tt.level, tt.reason, tt.confirmation)
			if DeliberationCodeOf(err) != tt.code {
				t.Fatalf("err %v; want code %q", err, tt.code)
			}
			if tt.code != "" {
				if d.ApplicationID != 0 || d.Overridden || d.Reason != "" || d.Vote.Tally != nil {
					t.Errorf("a refused decision must be empty: %+v", d)
				}
				return
			}
			overridden := tt.level != vote.Median
			if d.Level != tt.level || d.Median != 2 || d.Overridden != overridden || d.Reason != strings.TrimSpace(tt.reason) {
				t.Errorf("decision %+v", d)
			}
			if overridden && (d.Confirmation == nil || *d.Confirmation != *adopted || d.Confirmation == adopted) {
				t.Errorf("the override must carry a copy of its confirmation vote: %+v", d.Confirmation)
			}
			if !overridden && d.Confirmation != nil {
				t.Errorf("no confirmation without an override: %+v", d.Confirmation)
			}
		})
	}
}

// referenceCompare is the tie-break written the slow, literal way: sorted
// lists of grades, remove one median grade from each, compare again.
func referenceCompare(a, b []int) int {
	la, lb := expandTally(a), expandTally(b)
	for len(la) > 0 && len(lb) > 0 {
		ia, ib := (len(la)-1)/2, (len(lb)-1)/2
		if la[ia] != lb[ib] {
			if la[ia] > lb[ib] {
				return 1
			}
			return -1
		}
		la = slices.Delete(la, ia, ia+1)
		lb = slices.Delete(lb, ib, ib+1)
	}
	return 0
}

func expandTally(tally []int) []int {
	var out []int
	for level, n := range tally {
		for range n {
			out = append(out, level)
		}
	}
	return out
}

func TestCompareMajorityKnownCases(t *testing.T) {
	// Grades from lowest to highest.
	tests := []struct {
		name string
		a, b []int
		want int
	}{
		// Wikipedia's illustration of the tie-break (Poor, Fair, Good,
		// Excellent): X = Good Good Fair Poor, Y = Excellent Fair Fair Fair.
		// Both have Fair; without one Fair, X has Good and Y Fair: X wins.
		{"X above Y", []int{1, 1, 2, 0}, []int{0, 3, 0, 1}, 1},
		// Balinski & Laraki, Orsay experiment of 2007, per thousand voters
		// (To reject, Poor, Acceptable, Good, Very good, Excellent): Bayrou
		// and Sarkozy both have the majority grade Good; Bayrou is Good+
		// (44.3 % above, 30.6 % below) and Sarkozy Good− (38.9 % above,
		// 46.8 % below): Bayrou ranks first.
		{"Bayrou above Sarkozy", orsayBayrou, orsaySarkozy, 1},
		{"Sarkozy above Voynet", orsaySarkozy, orsayVoynet, 1},
		{"perfect tie", []int{2, 0, 1, 3}, []int{2, 0, 1, 3}, 0},
		{"the same grades in a longer tally", []int{2, 0, 1, 3}, []int{2, 0, 1, 3, 0, 0}, 0},
		{"two empty tallies", nil, nil, 0},
		{"higher median wins at once", []int{0, 0, 3}, []int{0, 3, 0}, 1},
		// Different sizes: 1 1 2 against 1 2. Both 1; then 1 2 (lower
		// middle 1) against 2: the second wins.
		{"different sizes", []int{0, 2, 1}, []int{0, 1, 1}, -1},
		{"same grades, one more ballot", []int{0, 2, 0}, []int{0, 3, 0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CompareMajority(tt.a, tt.b); got != tt.want {
				t.Errorf("CompareMajority = %d; want %d", got, tt.want)
			}
			if got := CompareMajority(tt.b, tt.a); got != -tt.want {
				t.Errorf("reversed: %d; want %d", got, -tt.want)
			}
			if got := referenceCompare(tt.a, tt.b); got != tt.want {
				t.Errorf("the literal tie-break says %d", got)
			}
		})
	}
}

var (
	orsayBayrou  = []int{74, 84, 148, 251, 307, 136}
	orsaySarkozy = []int{282, 71, 115, 143, 198, 191}
	orsayVoynet  = []int{205, 261, 237, 175, 93, 29}
)

func TestOrsayMajorityGrades(t *testing.T) {
	rules := VoteRules{Levels: 6, Quorum: 1}
	for _, tt := range []struct {
		name   string
		tally  []int
		median int
		plus   bool // majority-judgment "+": more ballots above than below
	}{
		{"Bayrou Good+", orsayBayrou, 3, true},
		{"Sarkozy Good−", orsaySarkozy, 3, false},
		{"Voynet Acceptable", orsayVoynet, 2, false},
	} {
		v, err := CountLevelVote(1, ballotsFromTally(tt.tally), rules, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Voters != 1000 || v.Median != tt.median || (v.Above > v.Below) != tt.plus {
			t.Errorf("%s: %+v", tt.name, v)
		}
	}
	ranks := RankMajority([]MajorityEntry{{3, orsayVoynet}, {2, orsaySarkozy}, {1, orsayBayrou}})
	want := []MajorityRank{{1, 1, 3}, {2, 2, 3}, {3, 3, 2}}
	if !slices.Equal(ranks, want) {
		t.Errorf("ranks %v; want %v", ranks, want)
	}
}

func TestRankMajority(t *testing.T) {
	// Grades 0–4 for ten voters; ranks checked by hand. B and C share the
	// median 3; without one 3, B has 4 and C 3. D and A share 2; D keeps 2
	// longer. A and E are identical.
	entries := []MajorityEntry{
		{1, []int{2, 2, 2, 2, 2}}, // A
		{2, []int{2, 1, 1, 1, 5}}, // B
		{3, []int{2, 1, 1, 2, 4}}, // C
		{4, []int{2, 1, 5, 0, 2}}, // D
		{5, []int{2, 2, 2, 2, 2}}, // E
	}
	want := []MajorityRank{{2, 1, 3}, {3, 2, 3}, {4, 3, 2}, {1, 4, 2}, {5, 4, 2}}
	if got := RankMajority(entries); !slices.Equal(got, want) {
		t.Errorf("ranks %v; want %v", got, want)
	}
	// Three jurors, all with the median 1 (tallies of grades 0–2).
	small := []MajorityEntry{{1, []int{1, 1, 1}}, {2, []int{1, 2, 0}}, {3, []int{0, 2, 1}}}
	if got := RankMajority(small); !slices.Equal(got, []MajorityRank{{3, 1, 1}, {1, 2, 1}, {2, 3, 1}}) {
		t.Errorf("three jurors: %v", got)
	}
	if got := RankMajority(nil); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
	if got := RankMajority([]MajorityEntry{{1, nil}}); !slices.Equal(got, []MajorityRank{{1, 1, -1}}) {
		t.Errorf("empty tally: %v", got)
	}
}

// The counting tie-break agrees with the literal one, is antisymmetric,
// and ranks any two permutations of the same ballots equal.
func TestCompareMajorityProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []int {
		t := make([]int, 5)
		for range n {
			t[rng.IntN(5)]++
		}
		return t
	}
	for range 5000 {
		n := 1 + rng.IntN(10)
		a, b := random(n), random(n+rng.IntN(2))
		got := CompareMajority(a, b)
		if want := referenceCompare(a, b); got != want {
			t.Fatalf("%v vs %v: %d; literal tie-break %d", a, b, got, want)
		}
		if CompareMajority(b, a) != -got {
			t.Fatalf("%v vs %v is not antisymmetric", a, b)
		}
		if CompareMajority(a, slices.Clone(a)) != 0 {
			t.Fatalf("%v is not equal to itself", a)
		}
	}
}

func TestNominations(t *testing.T) {
	const mention, other = 100, 200
	recused := RecusedByFile{5: {3}}
	existing := []MentionNomination{
		{mention, 1, 1}, {mention, 2, 1}, // juror 1 has used an allotment of 2
		{other, 3, 2}, {other, 4, 2}, // juror 2, for another mention
	}
	tests := []struct {
		name      string
		n         MentionNomination
		allotment int
		code      DeliberationCode
	}{
		{"within the allotment", MentionNomination{mention, 3, 2}, 2, ""},
		{"over the allotment", MentionNomination{mention, 3, 1}, 2, DelibOverAllotment},
		{"a larger allotment", MentionNomination{mention, 3, 1}, 3, ""},
		{"recused juror", MentionNomination{mention, 5, 3}, 2, DelibRecusedNomination},
		{"recused from another file only", MentionNomination{mention, 6, 3}, 2, ""},
		{"the same nomination twice", MentionNomination{mention, 1, 1}, 3, DelibDuplicateNomination},
		{"no allotment", MentionNomination{mention, 3, 2}, 0, DelibInvalidRules},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckNomination(existing, tt.n, tt.allotment, recused)
			if DeliberationCodeOf(err) != tt.code {
				t.Fatalf("err %v; want %q", err, tt.code)
			}
			if tt.code == DelibOverAllotment && !strings.Contains(err.Error(), "ses 2 propositions") {
				t.Errorf("message %q should state the allotment", err)
			}
			if tt.code == DelibRecusedNomination && domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("a recused nomination is forbidden, got %s", domain.ErrorCode(err))
			}
		})
	}
	if err := CheckNomination(nil, MentionNomination{mention, 5, 3}, 3, nil); err != nil {
		t.Errorf("no recusal known: %v", err)
	}
}

func TestShortlistMention(t *testing.T) {
	const m = 100
	noms := []MentionNomination{
		{m, 10, 1}, {m, 10, 2}, {m, 10, 3}, // file 10: 3 nominations
		{m, 20, 1}, {m, 20, 2}, // files 20 and 30: 2 each, 30 has the better level tally
		{m, 30, 3}, {m, 30, 4},
		{m, 40, 4}, {m, 50, 5}, // files 40 and 50: 1 each, no tally: a shared rank
		{999, 60, 1}, {999, 61, 1}, {999, 62, 1}, // another mention: ignored
	}
	tallies := map[int64][]int{20: {0, 2, 2, 0, 0}, 30: {0, 1, 2, 1, 0}}
	list, err := ShortlistMention(m, noms, 2, RecusedByFile{60: {1}}, tallies)
	if err != nil {
		t.Fatal(err)
	}
	want := []ShortlistEntry{
		{10, 3, []int64{1, 2, 3}, 1},
		{30, 2, []int64{3, 4}, 2},
		{20, 2, []int64{1, 2}, 3},
		{40, 1, []int64{4}, 4},
		{50, 1, []int64{5}, 4},
	}
	if list.MentionID != m || len(list.Entries) != len(want) {
		t.Fatalf("shortlist %+v", list)
	}
	for i, w := range want {
		g := list.Entries[i]
		if g.ApplicationID != w.ApplicationID || g.Nominations != w.Nominations || g.Rank != w.Rank || !slices.Equal(g.Nominators, w.Nominators) {
			t.Errorf("entry %d: %+v; want %+v", i, g, w)
		}
	}
	over := append(slices.Clone(noms), MentionNomination{m, 40, 1})
	if _, err := ShortlistMention(m, over, 2, nil, nil); DeliberationCodeOf(err) != DelibOverAllotment {
		t.Errorf("juror 1 nominating a third file: %v", err)
	}
	if _, err := ShortlistMention(m, noms, 2, RecusedByFile{10: {2}}, nil); DeliberationCodeOf(err) != DelibRecusedNomination {
		t.Errorf("recused nomination: %v", err)
	}
	if empty, err := ShortlistMention(m, nil, 2, nil, nil); err != nil || len(empty.Entries) != 0 {
		t.Errorf("no nomination: %+v %v", empty, err)
	}
}

func TestCountConfirmation(t *testing.T) {
	b := func(choices ...ConfirmationChoice) []ConfirmationBallot {
		out := make([]ConfirmationBallot, len(choices))
		for i, c := range choices {
			out[i] = ConfirmationBallot{JurorID: int64(i + 1), Choice: c}
		}
		return out
	}
	F, A, X := ConfirmFor, ConfirmAgainst, ConfirmAbstain
	tests := []struct {
		name    string
		ballots []ConfirmationBallot
		outcome VoteOutcome
		code    DeliberationCode
	}{
		{"majority for", b(F, F, F, A, A), VoteAdopted, ""},
		{"even split is rejected", b(F, F, A, A), VoteRejected, ""},
		{"abstentions count among voters present", b(F, F, A, X, X), VoteRejected, ""},
		{"majority with an abstention", b(F, F, F, X), VoteAdopted, ""},
		{"no quorum even if unanimous", b(F, F, F), VoteNoQuorum, ""},
		{"recused juror", append(b(F, F, F, F), ConfirmationBallot{JurorID: 77, Choice: F}), "", DelibRecusedVoter},
		{"twice", append(b(F, F, F, F), ConfirmationBallot{JurorID: 1, Choice: A}), "", DelibDuplicateBallot},
		{"unknown choice", b(F, F, F, "peut-être"), "", DelibInvalidBallot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := CountConfirmation(9, 100, tt.ballots, 4, []int64{77})
			if DeliberationCodeOf(err) != tt.code {
				t.Fatalf("err %v; want %q", err, tt.code)
			}
			if tt.code != "" {
				return
			}
			if v.Outcome != tt.outcome || v.Voters != len(tt.ballots) || v.For+v.Against+v.Abstain != v.Voters ||
				v.ApplicationID != 9 || v.MentionID != 100 || v.Quorum != 4 {
				t.Errorf("vote %+v; want %s", v, tt.outcome)
			}
		})
	}
	if _, err := CountConfirmation(9, 100, nil, 0, nil); DeliberationCodeOf(err) != DelibInvalidRules {
		t.Errorf("quorum 0: %v", err)
	}
}

func TestDeliberationErrorMessages(t *testing.T) {
	for _, code := range []DeliberationCode{
		DelibInvalidRules, DelibLevelOutOfRange, DelibDuplicateReview, DelibDuplicateBallot, DelibInvalidBallot,
		DelibRecusedVoter, DelibNoQuorum, DelibOverrideWithoutReason, DelibOverrideNotConfirmed,
		DelibOverAllotment, DelibRecusedNomination, DelibDuplicateNomination, DelibDuplicateFile, DelibUnknownFile,
	} {
		err := error(&DeliberationError{Code: code, ApplicationID: 12, JurorID: 3, MentionID: 4, Level: 2, Detail: "x"})
		msg := domain.ErrorMessage(err)
		if msg == "Délibération : données invalides." || msg == "Erreur interne." || !strings.HasSuffix(msg, ".") {
			t.Errorf("%s: message %q", code, msg)
		}
		if domain.ErrorCode(err) == domain.EINTERNAL {
			t.Errorf("%s has no domain code", code)
		}
	}
	if DeliberationCodeOf(nil) != "" || DeliberationCodeOf(domain.Errorf(domain.EINVALID, "x")) != "" {
		t.Error("DeliberationCodeOf must be empty for other errors")
	}
}
