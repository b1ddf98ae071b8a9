package jury

// The special mentions (jury.md §7): nominations within an allotment, by
// jurors not recused from the file, then a shortlist ordered by
// nominations and majority judgment.

import (
	"cmp"
	"slices"
)

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
