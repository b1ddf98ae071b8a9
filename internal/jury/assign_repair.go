package jury

// The repair pass: local moves that meet the diversity tags and keep
// avoided pairs apart where the flow cannot see them.

import (
	"math/bits"
	"slices"
)

// assignRepairBudget bounds the repair pass (in candidate moves weighed),
// so that an input where diversity cannot be met everywhere still answers
// in seconds.
const assignRepairBudget = 20_000_000

// assignScore is one file's standing in the repair pass, or the change a
// move makes. Levels compare in order: el, keep and tags count up, avoid
// (pairs together), even (the spread of the loads, only ever a change:
// shift) and minor (preference and jitter cost) count down.
type assignScore struct {
	el, keep, tags, avoid int
	even, minor           int64
}

func (a assignScore) plus(b assignScore) assignScore {
	return assignScore{a.el + b.el, a.keep + b.keep, a.tags + b.tags, a.avoid + b.avoid, a.even + b.even, a.minor + b.minor}
}

func (a assignScore) minus(b assignScore) assignScore {
	return assignScore{a.el - b.el, a.keep - b.keep, a.tags - b.tags, a.avoid - b.avoid, a.even - b.even, a.minor - b.minor}
}

// improves reports whether a change of score is for the better.
func (d assignScore) improves() bool {
	for _, v := range [...]int64{int64(d.el), int64(d.keep), int64(d.tags), -int64(d.avoid), -d.even, -d.minor} {
		if v != 0 {
			return v > 0
		}
	}
	return false
}

// score rates file f with reviewers set, juror out replaced by in (pass
// -1, -1 for the set as it is).
func (s *assignSolver) score(f int32, set []int32, out, in int32) assignScore {
	var sc assignScore
	var cover uint64
	member := func(i int) int32 {
		if set[i] == out {
			return in
		}
		return set[i]
	}
	for i := range set {
		a := member(i)
		cover |= s.has[a]
		if s.kept[assignKey(f, a)] {
			sc.keep++
		}
		sc.minor += s.minorCost(f, a)
		for l := i + 1; l < len(set); l++ {
			if b := member(l); s.avoid[assignKey(min(a, b), max(a, b))] {
				sc.avoid++
			}
		}
	}
	if !s.needsEl[f] || cover&assignElBit != 0 {
		sc.el = 1
	}
	sc.tags = bits.OnesCount64(cover & s.need[f])
	return sc
}

// missing returns the required tags file f lacks but could have.
func (s *assignSolver) missing(f int32) uint64 {
	var cover uint64
	for _, j := range s.sets[f] {
		cover |= s.has[j]
	}
	return s.avail[f] &^ cover
}

// repair improves the flow's answer where the flow cannot see: a juror
// holding two required tags counts for one in the flow, and avoided pairs
// are not in the flow at all. It tries, for each file that lacks a tag or
// holds an avoided pair, replacing one reviewer by another juror, then
// swapping them between this file and one of the other juror's files, and
// takes the first change that improves the levels in order; it stops when
// a full round finds nothing or the budget is spent.
func (s *assignSolver) repair() {
	s.scores = make([]assignScore, len(s.files))
	for f := range s.files {
		s.scores[f] = s.score(int32(f), s.sets[f], -1, -1)
	}
	budget := assignRepairBudget
	for improved := true; improved && budget > 0; {
		improved = false
		for f := range s.files {
			for budget > 0 && (s.missing(int32(f)) != 0 || s.scores[f].avoid > 0) && s.improve(int32(f), &budget) {
				improved = true
			}
		}
	}
}

// improve applies one improving move on file f, if it finds one. For each
// reviewer b of f and juror c who could bring f what it lacks, it tries,
// cheapest first over all pairs: c replacing b outright; c and b trading
// places with one of c's files g, or c leaving g for f while a juror d with
// room takes c's place there; c replacing b while b takes the place of a
// juror above their minimum on another file.
func (s *assignSolver) improve(f int32, budget *int) bool {
	cur, missing := s.scores[f], s.missing(f)
	set := slices.Clone(s.sets[f])
	for kind := range 3 {
		for _, b := range set {
			badB := cur.avoid > 0 && s.inAvoided(set, b)
			bSpare := s.load[b] > s.minLoad[b]
			for c := range int32(len(s.jurors)) {
				if *budget <= 0 {
					return false
				}
				if (!badB && s.has[c]&missing == 0) || s.isBlocked(f, c) || slices.Contains(set, c) {
					continue
				}
				*budget--
				dF := s.score(f, set, b, c).minus(cur)
				if s.tryMove(kind, f, b, c, dF, bSpare, budget) {
					return true
				}
			}
		}
	}
	return false
}

func (s *assignSolver) tryMove(kind int, f, b, c int32, dF assignScore, bSpare bool, budget *int) bool {
	cFree := s.load[c] < s.maxLoad[c]
	switch kind {
	case 0:
		if cFree && bSpare && dF.plus(s.shift(b, c)).improves() {
			s.move(f, b, c)
			return true
		}
	case 1:
		for _, g := range s.filesOf[c] {
			if g != f && s.improveVia(f, g, b, c, dF, bSpare && dF.improves(), budget) {
				return true
			}
		}
	case 2:
		return cFree && s.relocate(f, b, c, dF, budget)
	}
	return false
}

// improveVia tries to take juror c from file g for file f (where c
// replaces b, changing f's score by dF): b goes to g in c's place, or, when
// chain is set, any juror d with room does.
func (s *assignSolver) improveVia(f, g, b, c int32, dF assignScore, chain bool, budget *int) bool {
	for d := range int32(len(s.jurors)) {
		if d == c || (d != b && (!chain || s.load[d] >= s.maxLoad[d])) || s.isBlocked(g, d) || slices.Contains(s.sets[g], d) {
			continue
		}
		*budget--
		// Loads: c moves from g to f, b leaves f, d joins g.
		if dF.plus(s.score(g, s.sets[g], c, d).minus(s.scores[g])).plus(s.shift(b, d)).improves() {
			s.move(f, b, c)
			s.move(g, c, d)
			return true
		}
	}
	return false
}

// relocate tries c replacing b on file f (changing f's score by dF, c
// having room) while b takes the place of a juror d above their minimum on
// another file h.
func (s *assignSolver) relocate(f, b, c int32, dF assignScore, budget *int) bool {
	for h := range int32(len(s.files)) {
		if h == f || s.isBlocked(h, b) || slices.Contains(s.sets[h], b) {
			continue
		}
		for _, d := range s.sets[h] {
			if d == c || s.load[d] <= s.minLoad[d] {
				continue
			}
			*budget--
			// Loads: b moves from f to h, c joins f, d leaves h.
			if dF.plus(s.score(h, s.sets[h], d, b).minus(s.scores[h])).plus(s.shift(d, c)).improves() {
				s.move(f, b, c)
				s.move(h, d, b)
				return true
			}
		}
	}
	return false
}

func (s *assignSolver) inAvoided(set []int32, b int32) bool {
	for _, a := range set {
		if s.avoid[assignKey(min(a, b), max(a, b))] {
			return true
		}
	}
	return false
}

// move puts juror in on file f instead of juror out.
func (s *assignSolver) move(f, out, in int32) {
	set := s.sets[f]
	set[slices.Index(set, out)] = in
	slices.Sort(set)
	s.load[out]--
	s.load[in]++
	i := slices.Index(s.filesOf[out], f)
	s.filesOf[out] = slices.Delete(s.filesOf[out], i, i+1)
	s.filesOf[in] = append(s.filesOf[in], f)
	s.scores[f] = s.score(f, set, -1, -1)
}
