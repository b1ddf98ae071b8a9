package jury

// From reviewer sets to the answer: one rapporteur per file, what changed
// since the existing assignment, what was not met, and the workload of
// each juror.

import (
	"cmp"
	"math/bits"
	"slices"
)

// chooseRapporteurs picks one eligible reviewer per file with a second flow:
// file → reviewer → sink, where a juror's n-th file as rapporteur costs
// 2n−1, so that the total is the sum of squares of the counts; its minimum
// is the most even spread the reviewer sets allow. Kept rapporteurs win
// over evenness through the major cost.
func (s *assignSolver) chooseRapporteurs() error {
	s.rap = make([]int32, len(s.files))
	for f := range s.rap {
		s.rap[f] = -1
	}
	if s.req.NoRapporteur || len(s.files) == 0 {
		return nil
	}
	g := &flowGraph{}
	src, sink := g.addNode(), g.addNode()
	jn := make([]int32, len(s.jurors))
	for j := range s.jurors {
		jn[j] = g.addNode()
		if !s.eligible(int32(j)) {
			continue
		}
		for n := range s.load[j] {
			g.addEdge(jn[j], sink, 1, flowCost{minor: int64(2*n + 1)})
		}
	}
	pairs := make([][]assignEdge, len(s.files))
	for f, set := range s.sets {
		fn := g.addNode()
		g.addEdge(src, fn, 1, flowCost{})
		for _, j := range set {
			if !s.eligible(j) {
				continue
			}
			c := flowCost{}
			if r, ok := s.keptRap[int32(f)]; ok && r == j {
				c.major = -1
			}
			pairs[f] = append(pairs[f], assignEdge{g.addEdge(fn, jn[j], 1, c), j})
		}
	}
	g.minCostFlow(src, sink, len(s.files))
	for f, list := range pairs {
		for _, p := range list {
			if g.flow(p.edge) > 0 {
				s.rap[f] = p.juror
			}
		}
	}
	return s.checkEligible()
}

// result turns the solver's state into IDs, with what changed since
// Existing and what was not met.
func (s *assignSolver) result() *AssignResult {
	r := &AssignResult{Files: make([]AssignedFile, len(s.files))}
	final := map[uint64]bool{}
	for f, set := range s.sets {
		af := AssignedFile{FileID: s.files[f].ID, Reviewers: make([]int64, len(set))}
		for i, j := range set {
			af.Reviewers[i] = s.jurors[j].ID
			final[assignKey(int32(f), j)] = true
			if !s.kept[assignKey(int32(f), j)] {
				r.Added = append(r.Added, AssignPair{FileID: af.FileID, JurorID: s.jurors[j].ID, Rapporteur: s.rap[f] == j})
			}
		}
		if s.rap[f] >= 0 {
			af.Rapporteur = s.jurors[s.rap[f]].ID
		}
		r.Files[f] = af
		s.reportUnmet(r, int32(f))
	}
	r.Removed = s.removals(final)
	return r
}

func (s *assignSolver) reportUnmet(r *AssignResult, f int32) {
	var cover uint64
	set := s.sets[f]
	for i, a := range set {
		cover |= s.has[a]
		for _, b := range set[i+1:] {
			if s.avoid[assignKey(a, b)] {
				r.Together = append(r.Together, AssignTogether{FileID: s.files[f].ID, A: s.jurors[a].ID, B: s.jurors[b].ID})
			}
		}
	}
	for m := s.need[f] &^ cover; m != 0; m &= m - 1 {
		r.Unmet = append(r.Unmet, AssignUnmet{FileID: s.files[f].ID, Tag: s.tags[bits.TrailingZeros64(m)]})
	}
}

// removals lists the Existing pairs not kept, once each, in order.
func (s *assignSolver) removals(final map[uint64]bool) []AssignRemoval {
	var out []AssignRemoval
	seen := map[[2]int64]bool{}
	for _, p := range s.req.Existing {
		if seen[[2]int64{p.FileID, p.JurorID}] {
			continue
		}
		seen[[2]int64{p.FileID, p.JurorID}] = true
		f, j, ok := s.pairAt(p.FileID, p.JurorID)
		switch {
		case !ok:
			out = append(out, AssignRemoval{p.FileID, p.JurorID, AssignRemovedUnknown})
		case s.isBlocked(f, j):
			out = append(out, AssignRemoval{p.FileID, p.JurorID, AssignRemovedConflict})
		case !final[assignKey(f, j)]:
			out = append(out, AssignRemoval{p.FileID, p.JurorID, AssignRemovedMoved})
		}
	}
	slices.SortFunc(out, func(a, b AssignRemoval) int {
		return cmp.Or(cmp.Compare(a.FileID, b.FileID), cmp.Compare(a.JurorID, b.JurorID))
	})
	return out
}

// AssignWorkload is one juror's share: files to review, files to lead, and
// the time it should take.
type AssignWorkload struct {
	JurorID    int64
	Files      int
	Rapporteur int
	Minutes    int
	Hours      float64
}

// AssignWorkloads returns, for each juror of jurorIDs in that order, the
// files and time of an assignment (a proposal or one edited by hand), for
// the preview before release. A rapporteur file costs minutesPerReview plus
// minutesPerRapport.
func AssignWorkloads(files []AssignedFile, jurorIDs []int64, minutesPerReview, minutesPerRapport int) []AssignWorkload {
	at := make(map[int64]int, len(jurorIDs))
	out := make([]AssignWorkload, len(jurorIDs))
	for i, id := range jurorIDs {
		at[id] = i
		out[i].JurorID = id
	}
	for _, f := range files {
		for _, id := range f.Reviewers {
			if i, ok := at[id]; ok {
				out[i].Files++
			}
		}
		if i, ok := at[f.Rapporteur]; ok && f.Rapporteur != 0 {
			out[i].Rapporteur++
		}
	}
	for i := range out {
		out[i].Minutes = out[i].Files*minutesPerReview + out[i].Rapporteur*minutesPerRapport
		out[i].Hours = float64(out[i].Minutes) / 60
	}
	return out
}

// AssignEstimate is the workload calculator of jury.md §4, before any
// assignment: with n files, j jurors and k reviewers per file, each juror
// reviews at most ⌈n·k / j⌉ files, which takes hours at minutesPerReview.
func AssignEstimate(n, j, k, minutesPerReview int) (files int, hours float64) {
	if j <= 0 || n <= 0 || k <= 0 {
		return 0, 0
	}
	files = (n*k + j - 1) / j
	return files, float64(files*minutesPerReview) / 60
}
