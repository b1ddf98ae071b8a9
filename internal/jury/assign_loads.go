package jury

// The spread of the loads of jurors given no maximum load. Without it the
// flow gives a file to whichever juror costs least, so one of them could
// take far more files than the others for a point of jitter, or for coming
// first in the graph. Such a juror gets an even share of what the jurors
// with a maximum leave (those take up to their maximum first, as the
// secretariat allowed): jury.md §4's ⌈N·K / J⌉ when nobody has one.
//
// How: each file of a juror without a maximum costs, on the flow's "even"
// level, more than the one before, so that the least total cost is the
// most even spread that the bounds and the rules allow. The level lies
// below the rules (a possible rapporteur, kept assignments, diversity) and
// above preferences and jitter: a diversity tag held by few jurors still
// loads them more, and a preference only chooses among equally even
// spreads.
//
// The price of the n-th file is 0 up to the share's level minus two, then
// 1, 3, 5… (so that the files above that point cost the square of their
// number), flat from twice the level on. Files below the level cost nothing
// because every juror reaches it anyway when the rules allow; the flow
// then needs one round per level actually priced, not one per file, which
// keeps it fast. Jurors who all have a maximum cost nothing extra: the
// secretariat's maxima are then the plan, and the solver stays as fast as
// before (the 5,000-file benchmark).

// indexEven finds the share: the least level U such that the jurors with a
// maximum, full, and the others at U (within their own bounds) can take
// every review.
func (s *assignSolver) indexEven() {
	total := 0
	for _, d := range s.demand {
		total += d
	}
	s.even = make([]bool, len(s.jurors))
	capped, free := 0, false
	for j, jr := range s.jurors {
		s.even[j] = !s.full && jr.Max == 0
		free = free || s.even[j]
		if !s.even[j] {
			capped += s.maxLoad[j]
		}
	}
	if !free {
		return
	}
	takes := func(u int) int {
		sum := capped
		for j := range s.jurors {
			if s.even[j] {
				sum += min(s.maxLoad[j], max(s.minLoad[j], u))
			}
		}
		return sum
	}
	lo, hi := 0, len(s.files)
	for lo < hi {
		if mid := (lo + hi) / 2; takes(mid) >= total {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	s.evenFrom, s.evenTop = lo-2, 2*lo+assignEvenSlack
}

// assignEvenSlack keeps the prices rising a little above twice the share.
const assignEvenSlack = 8

// evenCost is what juror j's n-th file costs on the even level.
func (s *assignSolver) evenCost(j int32, n int) int64 {
	if !s.even[j] || n <= s.minLoad[j] || n <= s.evenFrom {
		return 0
	}
	return int64(2*(min(n, s.evenTop)-s.evenFrom) - 1)
}

// addLoadEdges links juror node jn to the sink: directly for the juror's
// minimum, through over for the rest, one edge per run of files at the
// same price.
func (s *assignSolver) addLoadEdges(g *flowGraph, j int32, jn, sink, over int32) {
	g.addEdge(jn, sink, s.minLoad[j], flowCost{})
	for n := s.minLoad[j] + 1; n <= s.maxLoad[j]; {
		c, m := s.evenCost(j, n), n
		for m < s.maxLoad[j] && s.evenCost(j, m+1) == c {
			m++
		}
		g.addEdge(jn, over, m-n+1, flowCost{even: c})
		n = m + 1
	}
}

// shift is the change of the even level when one file moves from juror out
// to juror in.
func (s *assignSolver) shift(out, in int32) assignScore {
	if out == in {
		return assignScore{}
	}
	return assignScore{even: s.evenCost(in, s.load[in]+1) - s.evenCost(out, s.load[out])}
}
