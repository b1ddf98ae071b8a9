package directory

import "slices"

// results accumulates the answer of one search, tier after tier, each tier
// ranked on its own and never repeating a body of an earlier one.
type results struct {
	d     *Directory
	limit int // ≤ 0: no limit
	out   []Result
	seen  []uint64 // a bit per body already in out
}

func (d *Directory) newResults(limit int) *results {
	return &results{d: d, limit: limit, seen: make([]uint64, (len(d.bodies)+63)/64)}
}

// full reports whether the limit is reached: lower tiers need not run.
func (r *results) full() bool { return r.limit > 0 && len(r.out) >= r.limit }

func (r *results) isSeen(body int32) bool { return r.seen[body/64]&(1<<(body%64)) != 0 }

// tier starts collecting the candidates of one tier.
func (r *results) tier() *tier {
	k := -1
	if r.limit > 0 {
		k = r.limit - len(r.out)
	}
	return &tier{r: r, k: k}
}

// tier keeps the k best-ranked candidates seen so far (all if k < 0),
// sorted, so that a tier of thousands of names costs no sort.
type tier struct {
	r     *results
	k     int
	ranks []int32
}

// add offers one candidate body; duplicates are ignored.
func (t *tier) add(body int32) {
	if t.k == 0 || t.r.isSeen(body) {
		return
	}
	rank := t.r.d.search.rank[body]
	if t.k < 0 {
		t.ranks = append(t.ranks, rank)
		return
	}
	n := len(t.ranks)
	if n == t.k && rank >= t.ranks[n-1] {
		return
	}
	i, found := slices.BinarySearch(t.ranks, rank)
	if found {
		return
	}
	if n == t.k {
		t.ranks = t.ranks[:n-1]
	}
	t.ranks = slices.Insert(t.ranks, i, rank)
}

// flush appends the tier's bodies, best first, to the results.
func (r *results) flush(m Match, t *tier) {
	if t.k < 0 {
		slices.Sort(t.ranks)
		t.ranks = slices.Compact(t.ranks)
	}
	for _, rank := range t.ranks {
		body := r.d.search.byRank[rank]
		r.seen[body/64] |= 1 << (body % 64)
		r.out = append(r.out, Result{Body: &r.d.bodies[body], Match: m})
	}
}

// addTier adds the given bodies as one tier.
func (r *results) addTier(m Match, bodies ...int32) {
	t := r.tier()
	for _, b := range bodies {
		t.add(b)
	}
	r.flush(m, t)
}

// addEntries adds the bodies of index entries as one tier.
func (r *results) addEntries(m Match, es []entry) {
	t := r.tier()
	for _, e := range es {
		t.add(e.body)
	}
	r.flush(m, t)
}
