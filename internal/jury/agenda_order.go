package jury

// The order within a block that makes recused jurors step out as few times
// as possible: groups of items with the same recusal set, ordered exactly
// (Held–Karp) when there are few, by a heuristic otherwise.

import (
	"slices"
	"strconv"
	"strings"
)

// agendaExactGroups bounds the exact search: Held–Karp costs 2^k·k² steps
// for k distinct recusal sets in one block (k = 14: about 3 million).
const agendaExactGroups = 14

// stepCost is the number of jurors who step out when the room goes from
// recusal set from to recusal set to (both sorted): those of to not
// already out.
func stepCost(from, to []int64) int {
	return len(setMinus(to, from))
}

// recusalGroup is the items of one block that share a recusal set.
type recusalGroup struct {
	set   []int64
	items []AgendaItem
}

func groupByRecusals(items []AgendaItem) []recusalGroup {
	var groups []recusalGroup
	index := map[string]int{}
	for _, it := range items {
		k := idsKey(it.Recused)
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, recusalGroup{set: it.Recused})
		}
		groups[i].items = append(groups[i].items, it)
	}
	return groups
}

func idsKey(ids []int64) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	return b.String()
}

// roomState is a way the room can be when a block starts or ends: the
// recusal set of the last item so far and the fewest step-outs that reach
// it.
type roomState struct {
	set  []int64
	cost int
}

// blockPlan is the ordering of one block: the states it can end in and,
// for each, the order of its groups and the entering state it started from.
type blockPlan struct {
	groups []recusalGroup
	ends   []roomState
	trace  func(end int) (order []int, entry int)
}

// orderForStepOuts orders the items of each block, keeping the blocks in
// sequence, to minimise the step-outs of the whole agenda.
//
// Items with the same recusal set are kept together: the cost of going
// from set A to set B, |B \ A|, obeys the triangle inequality, so moving an
// item next to one with the same set never adds a step-out. What remains
// is a shortest Hamiltonian path over the distinct sets of each block,
// solved exactly by dynamic programming (Held–Karp) for up to
// agendaExactGroups sets, carried from block to block by keeping the best
// cost of ending on each set, so the whole agenda is optimal, not only
// each block. A larger block is ordered by the better of its input order
// and a nearest-neighbour tour, improved by moving single groups while
// that lowers the count; the result is then not proven minimal.
func orderForStepOuts(blocks [][]AgendaItem) ([]AgendaItem, bool) {
	states := []roomState{{}}
	plans := make([]blockPlan, len(blocks))
	exact := true
	for i, items := range blocks {
		groups := groupByRecusals(items)
		switch {
		case len(groups) == 0:
			plans[i] = blockPlan{ends: states, trace: func(end int) ([]int, int) { return nil, end }}
		case len(groups) <= agendaExactGroups:
			plans[i] = exactPlan(groups, states)
		default:
			plans[i] = heuristicPlan(groups, states)
			exact = false
		}
		states = plans[i].ends
	}
	end := 0
	for j, s := range states {
		if s.cost < states[end].cost {
			end = j
		}
	}
	orders := make([][]int, len(blocks))
	for i := len(blocks) - 1; i >= 0; i-- {
		orders[i], end = plans[i].trace(end)
	}
	var out []AgendaItem
	for i, order := range orders {
		for _, g := range order {
			out = append(out, plans[i].groups[g].items...)
		}
	}
	return out, exact
}

// entryCosts returns, for each group, the fewest step-outs to start the
// block with it from any entering state, and which state gives it.
func entryCosts(groups []recusalGroup, entering []roomState) (cost, from []int) {
	cost, from = make([]int, len(groups)), make([]int, len(groups))
	for g := range groups {
		cost[g] = -1
		for e, s := range entering {
			if c := s.cost + stepCost(s.set, groups[g].set); cost[g] < 0 || c < cost[g] {
				cost[g], from[g] = c, e
			}
		}
	}
	return cost, from
}

func costMatrix(groups []recusalGroup) [][]int {
	d := make([][]int, len(groups))
	for a := range groups {
		d[a] = make([]int, len(groups))
		for b := range groups {
			d[a][b] = stepCost(groups[a].set, groups[b].set)
		}
	}
	return d
}

// exactPlan is Held–Karp over the groups of one block: best[mask][last] is
// the fewest step-outs that visit the groups of mask and end on last.
func exactPlan(groups []recusalGroup, entering []roomState) blockPlan {
	k := len(groups)
	full := 1<<k - 1
	const unset = int32(-1)
	best := make([]int32, (full+1)*k)
	parent := make([]int8, (full+1)*k)
	for i := range best {
		best[i] = unset
	}
	start, from := entryCosts(groups, entering)
	for g := range k {
		best[(1<<g)*k+g], parent[(1<<g)*k+g] = int32(start[g]), -1
	}
	d := costMatrix(groups)
	for mask := 1; mask <= full; mask++ {
		for last := range k {
			cur := best[mask*k+last]
			if cur == unset {
				continue
			}
			for next := range k {
				if mask&(1<<next) != 0 {
					continue
				}
				i := (mask|1<<next)*k + next
				if c := cur + int32(d[last][next]); best[i] == unset || c < best[i] {
					best[i], parent[i] = c, int8(last)
				}
			}
		}
	}
	ends := make([]roomState, k)
	for g := range k {
		ends[g] = roomState{set: groups[g].set, cost: int(best[full*k+g])}
	}
	trace := func(end int) ([]int, int) {
		order := make([]int, 0, k)
		for mask, last := full, end; last >= 0; {
			order = append(order, last)
			p := int(parent[mask*k+last])
			mask &^= 1 << last
			last = p
		}
		slices.Reverse(order)
		return order, from[order[0]]
	}
	return blockPlan{groups: groups, ends: ends, trace: trace}
}

// heuristicLimit bounds the cubic work of the heuristic: above it, one
// nearest-neighbour tour and no local search (a block that large only
// happens with hundreds of assessors).
const heuristicLimit = 300

// heuristicPlan orders a block too large for exactPlan and offers a single
// end state: the best of the input order and of a nearest-neighbour tour
// from every possible first group, then improved by local search.
func heuristicPlan(groups []recusalGroup, entering []roomState) blockPlan {
	start, from := entryCosts(groups, entering)
	d := costMatrix(groups)
	cost := func(seq []int) int {
		c := start[seq[0]]
		for i := 1; i < len(seq); i++ {
			c += d[seq[i-1]][seq[i]]
		}
		return c
	}
	k := len(groups)
	seq := make([]int, k)
	for g := range seq {
		seq[g] = g
	}
	best := cost(seq)
	firsts := []int{slices.Index(start, slices.Min(start))}
	if k <= heuristicLimit {
		firsts = slices.Clone(seq)
	}
	for _, first := range firsts {
		if tour := nearestNeighbour(first, d); cost(tour) < best {
			seq, best = tour, cost(tour)
		}
	}
	if k <= heuristicLimit {
		seq = improveLocally(seq, cost)
	}
	last := seq[len(seq)-1]
	return blockPlan{
		groups: groups,
		ends:   []roomState{{set: groups[last].set, cost: cost(seq)}},
		trace:  func(int) ([]int, int) { return seq, from[seq[0]] },
	}
}

// nearestNeighbour starts from first and always goes to the group that
// makes the fewest jurors leave, then the fewest come back (so that a
// juror already out stays out), then the first in order.
func nearestNeighbour(first int, d [][]int) []int {
	k := len(d)
	used := make([]bool, k)
	seq := append(make([]int, 0, k), first)
	used[first] = true
	for len(seq) < k {
		last, next := seq[len(seq)-1], -1
		for g := range k {
			if used[g] {
				continue
			}
			// d[g][last] is the number of jurors of last who are not out for g.
			if next < 0 || d[last][g] < d[last][next] || d[last][g] == d[last][next] && d[g][last] < d[next][last] {
				next = g
			}
		}
		used[next] = true
		seq = append(seq, next)
	}
	return seq
}

// improveLocally applies, while one lowers the cost, the moves of a
// classic local search: move one group elsewhere (or-opt) or reverse a
// run of groups (2-opt). Each accepted move lowers the count by at least
// one, so it stops; passes are bounded anyway.
func improveLocally(seq []int, cost func([]int) int) []int {
	best := cost(seq)
	trial := make([]int, len(seq))
	try := func() bool {
		if c := cost(trial); c < best {
			best = c
			copy(seq, trial)
			return true
		}
		return false
	}
	for pass := 0; pass < 50; pass++ {
		improved := false
		for i := range seq {
			for j := range seq {
				if i == j {
					continue
				}
				trial = append(append(trial[:0], seq[:i]...), seq[i+1:]...)
				trial = slices.Insert(trial, j, seq[i])
				improved = try() || improved
				if i < j {
					copy(trial, seq)
					slices.Reverse(trial[i : j+1])
					improved = try() || improved
				}
			}
		}
		if !improved {
			break
		}
	}
	return seq
}
