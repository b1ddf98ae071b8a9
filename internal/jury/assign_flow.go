package jury

// The reviewer sets: every juror without a conflict for a full panel, or
// a minimum-cost flow (flow.go) for K reviewers per file.

import (
	"fmt"
	"math/bits"
	"slices"
)

// fillPanel assigns every juror without a conflict to every file.
func (s *assignSolver) fillPanel() error {
	s.sets = make([][]int32, len(s.files))
	for f := range s.files {
		for j := range s.jurors {
			if !s.isBlocked(int32(f), int32(j)) {
				s.sets[f] = append(s.sets[f], int32(j))
			}
		}
	}
	s.countLoads()
	return nil
}

// solveFlow builds the graph source → file → [tag → class] → juror → sink
// and reads the assignment from a minimum-cost maximum flow.
//
// Each file's jurors are grouped in classes by the required tags they hold
// (eligibility to be rapporteur counts as a tag when the file has allowed
// assessors). A node per (file, tag) takes one unit at a bonus and passes it
// to the classes holding that tag, so the first reviewer of each tag earns
// the bonus and no juror is reachable twice from a file.
//
// Loads: juror → sink carries Min (the lower bound), juror → over carries
// Max − Min at a price rising with the load (assign_loads.go), and over →
// sink the total demand less the sum of minima; a flow of the whole demand
// therefore exists if and only if every file gets its reviewers and every
// juror at least Min.
func (s *assignSolver) solveFlow() error {
	g := &flowGraph{}
	src, sink, over := g.addNode(), g.addNode(), g.addNode()
	jn := make([]int32, len(s.jurors))
	total, sumMin := 0, 0
	for f := range s.files {
		total += s.demand[f]
	}
	for j := range s.jurors {
		jn[j] = g.addNode()
		s.addLoadEdges(g, int32(j), jn[j], sink, over)
		sumMin += s.minLoad[j]
	}
	g.addEdge(over, sink, total-sumMin, flowCost{})
	w := s.weights()
	srcEdge := make([]int32, len(s.files))
	fileNode := make([]int32, len(s.files))
	pairs := make([][]assignEdge, len(s.files))
	for f := range s.files {
		fileNode[f] = g.addNode()
		srcEdge[f] = g.addEdge(src, fileNode[f], s.demand[f], flowCost{})
		pairs[f] = s.addFileEdges(g, int32(f), fileNode[f], jn, w)
	}
	if got := g.minCostFlow(src, sink, total); got < total {
		return s.overloaded(g, src, over, srcEdge, fileNode)
	}
	s.sets = make([][]int32, len(s.files))
	for f, list := range pairs {
		for _, p := range list {
			if g.flow(p.edge) > 0 {
				s.sets[f] = append(s.sets[f], p.juror)
			}
		}
	}
	s.countLoads()
	return s.checkEligible()
}

type assignEdge struct {
	edge  int32
	juror int32
}

// assignWeights are the major-cost bonuses, each larger than everything
// that the levels below can add up to, so that the levels are strictly
// lexicographic: el ≫ keep ≫ tag.
type assignWeights struct{ tag, keep, el int64 }

func (s *assignSolver) weights() assignWeights {
	var tagReqs int64
	for _, m := range s.need {
		tagReqs += int64(bits.OnesCount64(m))
	}
	keep := tagReqs + 1
	return assignWeights{tag: 1, keep: keep, el: keep*int64(len(s.kept)) + tagReqs + 1}
}

// addFileEdges adds file f's class and tag nodes and its edges to jurors,
// returning the file → juror edges in juror order.
func (s *assignSolver) addFileEdges(g *flowGraph, f, fn int32, jn []int32, w assignWeights) []assignEdge {
	req := s.need[f]
	if s.needsEl[f] {
		req |= assignElBit
	}
	class := map[uint64]int32{}
	tagNode := map[int]int32{}
	var out []assignEdge
	for j := range s.jurors {
		if s.isBlocked(f, int32(j)) {
			continue
		}
		from, sig := fn, s.has[j]&req
		if sig != 0 {
			c, ok := class[sig]
			if !ok {
				c = g.addNode()
				class[sig] = c
				g.addEdge(fn, c, s.demand[f], flowCost{})
				for m := sig; m != 0; m &= m - 1 {
					b := bits.TrailingZeros64(m)
					t, ok := tagNode[b]
					if !ok {
						t = g.addNode()
						tagNode[b] = t
						bonus := w.tag
						if uint64(1)<<b == assignElBit {
							bonus = w.el
						}
						g.addEdge(fn, t, 1, flowCost{major: -bonus})
					}
					g.addEdge(t, c, 1, flowCost{})
				}
			}
			from = c
		}
		c := flowCost{minor: s.minorCost(f, int32(j))}
		if s.kept[assignKey(f, int32(j))] {
			c.major = -w.keep
		}
		out = append(out, assignEdge{g.addEdge(from, jn[j], 1, c), int32(j)})
	}
	return out
}

// overloaded explains a flow short of the demand with a minimum cut: the
// files the source still reaches in the residual graph cannot, together,
// receive more than they got, whatever the assignment.
func (s *assignSolver) overloaded(g *flowGraph, src, over int32, srcEdge, fileNode []int32) error {
	seen := g.reach(src)
	var ids []int64
	have, need := 0, 0
	for f, file := range s.files {
		if seen[fileNode[f]] {
			ids = append(ids, file.ID)
			have += g.flow(srcEdge[f])
			need += s.demand[f]
		}
	}
	msg := fmt.Sprintf("Impossible de donner %d relecteurs %s : avec les conflits et les charges maximales, ils ne peuvent recevoir ensemble que %d relectures sur les %d nécessaires.",
		s.k, assignEachPhrase(ids), have, need)
	if seen[over] {
		msg += " Les charges minimales des autres jurés en retiennent une partie."
	}
	return &AssignError{[]AssignProblem{{Code: AssignCodeOverloaded, FileIDs: ids, Have: have, Need: need, Message: msg}}}
}

// checkEligible fails when some file got no reviewer who may be rapporteur;
// the flow maximised their number, so no assignment does better.
func (s *assignSolver) checkEligible() error {
	if s.req.NoRapporteur {
		return nil
	}
	var ids []int64
	for f, set := range s.sets {
		if !slices.ContainsFunc(set, s.eligible) {
			ids = append(ids, s.files[f].ID)
		}
	}
	if len(ids) > 0 {
		return &AssignError{[]AssignProblem{assignNoRapporteur(ids, true)}}
	}
	return nil
}
