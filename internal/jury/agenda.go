package jury

// The agenda of the deliberation meeting (jury.md §7): a consent block of
// files the jury already agrees on, then the files that need a discussion,
// then the top-level candidates, then the special mentions. Within that
// fixed sequence of blocks the items are ordered so that recused jurors
// leave the room as few times as possible (HotCRP's conflict-aware
// discussion order). The agenda stays editable: the caller may reorder it
// and recount with CountStepOuts.

import (
	"slices"
)

// AgendaKind is the block an agenda item belongs to.
type AgendaKind string

// The blocks, in agenda order.
const (
	AgendaConsent      AgendaKind = "consent"      // no disagreement, clear median: confirmed together unless pulled out
	AgendaDisagreement AgendaKind = "disagreement" // flagged, or without any proposal
	AgendaTopLevel     AgendaKind = "top_level"    // median at the highest level, flagged or not
	AgendaMention      AgendaKind = "mention"      // one item per special mention
)

var agendaBlocks = []AgendaKind{AgendaConsent, AgendaDisagreement, AgendaTopLevel, AgendaMention}

// AgendaNoProposal is the reason given for a file without any proposed
// level (no review, or only abstentions): it cannot be confirmed without
// discussion.
const AgendaNoProposal DisagreementReason = "no_proposal"

// AgendaFile is a file to put on the agenda: its aggregate (usually the
// post-discussion one, see PostDiscussionScores) and the jurors recused
// from it.
type AgendaFile struct {
	Aggregate FileAggregate
	Recused   []int64
}

// AgendaMentionEntry is a special mention to deliberate, with its
// shortlisted files (see ShortlistMention).
type AgendaMentionEntry struct {
	MentionID int64
	Nominees  []int64 // application IDs; each must be among the agenda's files
}

// AgendaItem is one item of the agenda.
type AgendaItem struct {
	Kind          AgendaKind
	ApplicationID int64   // 0 for a mention
	MentionID     int64   // 0 unless Kind is AgendaMention
	Nominees      []int64 // the mention's shortlist
	// Recused are the jurors who must be out of the room for the item,
	// increasing. For a mention, every juror recused from any nominee:
	// the nominees are discussed together.
	Recused []int64
	Reasons []DisagreementReason // why a disagreement or top-level file is flagged
}

// Agenda is an ordered agenda with its count of step-outs.
type Agenda struct {
	Items []AgendaItem
	// StepOuts is CountStepOuts(Items).
	StepOuts int
	// Exact is true when StepOuts is the minimum over every order that
	// keeps the blocks in sequence; false when a block had more than
	// agendaExactGroups distinct recusal sets and was ordered by the
	// heuristic (never worse than the input order).
	Exact bool
}

// BuildAgenda sorts the files into blocks and orders each block. A file
// whose median is topLevel (the highest level index) is a top-level
// candidate; otherwise a file without disagreement and with a clear median
// goes to the consent block; every other file is a disagreement. Files
// with the same recusal set stay together, in the order given; groups are
// ordered to minimise step-outs over the whole agenda.
func BuildAgenda(files []AgendaFile, topLevel int, mentions []AgendaMentionEntry) (Agenda, error) {
	if topLevel < 0 {
		return Agenda{}, &DeliberationError{Code: DelibInvalidRules, Detail: "le niveau le plus haut doit être positif ou nul"}
	}
	blocks := map[AgendaKind][]AgendaItem{}
	recused := map[int64][]int64{}
	for _, f := range files {
		id := f.Aggregate.ApplicationID
		if _, dup := recused[id]; dup {
			return Agenda{}, &DeliberationError{Code: DelibDuplicateFile, ApplicationID: id}
		}
		item := fileItem(f, topLevel)
		recused[id] = item.Recused
		blocks[item.Kind] = append(blocks[item.Kind], item)
	}
	for _, m := range mentions {
		item := AgendaItem{Kind: AgendaMention, MentionID: m.MentionID, Nominees: slices.Clone(m.Nominees)}
		var union []int64
		for _, id := range m.Nominees {
			r, ok := recused[id]
			if !ok {
				return Agenda{}, &DeliberationError{Code: DelibUnknownFile, MentionID: m.MentionID, ApplicationID: id}
			}
			union = append(union, r...)
		}
		item.Recused = normaliseIDs(union)
		blocks[AgendaMention] = append(blocks[AgendaMention], item)
	}
	ordered := make([][]AgendaItem, len(agendaBlocks))
	for i, k := range agendaBlocks {
		ordered[i] = blocks[k]
	}
	items, exact := orderForStepOuts(ordered)
	return Agenda{Items: items, StepOuts: CountStepOuts(items), Exact: exact}, nil
}

func fileItem(f AgendaFile, topLevel int) AgendaItem {
	a := f.Aggregate
	item := AgendaItem{ApplicationID: a.ApplicationID, Recused: normaliseIDs(f.Recused),
		Reasons: slices.Clone(a.Disagreement)}
	switch {
	case a.Reviews > 0 && a.Median == topLevel:
		item.Kind = AgendaTopLevel
	case a.Reviews == 0:
		item.Kind, item.Reasons = AgendaDisagreement, []DisagreementReason{AgendaNoProposal}
	case !a.Disagrees() && a.ClearMedian():
		item.Kind = AgendaConsent
	default:
		item.Kind = AgendaDisagreement
	}
	return item
}

// normaliseIDs returns the IDs sorted, without duplicates, in a new slice.
func normaliseIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// CountStepOuts counts, for items in the given order, how many times a
// juror must leave the room: a juror steps out at an item they are
// recused from when they were not already out for the previous item.
// Everyone is in the room before the first item. Use it to recount an
// agenda the president reordered.
func CountStepOuts(items []AgendaItem) int {
	n := 0
	for _, c := range RoomChanges(items) {
		n += len(c.Leave)
	}
	return n
}

// RoomChange is what the room display announces before an item: who must
// leave and who may come back.
type RoomChange struct {
	Leave, Return []int64
}

// RoomChanges returns, for each item in order, the jurors who leave and
// those who return (everyone is in the room before the first item).
func RoomChanges(items []AgendaItem) []RoomChange {
	out := make([]RoomChange, len(items))
	var prev []int64
	for i, it := range items {
		cur := normaliseIDs(it.Recused)
		out[i] = RoomChange{Leave: setMinus(cur, prev), Return: setMinus(prev, cur)}
		prev = cur
	}
	return out
}

// setMinus returns the IDs of a (sorted) that are not in b (sorted).
func setMinus(a, b []int64) []int64 {
	var out []int64
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}
