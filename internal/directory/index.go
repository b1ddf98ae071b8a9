package directory

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// entry is one key of a sorted index and the body it leads to.
type entry struct {
	key  string
	body int32
}

// index is what Search needs to answer in microseconds rather than scan
// and sort 36,000 names per query.
type index struct {
	padded []string // per body: " " + normalised name, for word-prefix tests
	rank   []int32  // per body: its place when sorted by population, then name
	byRank []int32  // per rank: the body
	names  []entry  // normalised names, sorted, for exact and prefix matches
	words  []entry  // each distinct word of each name, sorted, for word prefixes
	joined string   // every normalised name, each followed by a newline
	starts []int32  // per body: where its name starts in joined
}

// norm is body i's normalised name.
func (x *index) norm(i int32) string { return x.padded[i][1:] }

// buildIndex normalises every name once and sorts the keys. Entries with
// the same key are sorted by rank, so exact matches come out ranked.
func buildIndex(bodies []Body) index {
	x := index{padded: make([]string, len(bodies)), rank: make([]int32, len(bodies))}
	nwords := 0
	for i := range bodies {
		x.padded[i] = " " + Normalize(bodies[i].Name)
		nwords += strings.Count(x.padded[i], " ")
	}
	x.rankBodies(bodies)
	x.joinNames()
	x.names = make([]entry, len(bodies))
	x.words = make([]entry, 0, nwords)
	for i := range bodies {
		name := x.norm(int32(i))
		x.names[i] = entry{name, int32(i)}
		words := strings.Split(name, " ")
		for j, w := range words {
			if !slices.Contains(words[:j], w) {
				x.words = append(x.words, entry{w, int32(i)})
			}
		}
	}
	byKey := func(a, b entry) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(x.rank[a.body], x.rank[b.body])
	}
	slices.SortFunc(x.names, byKey)
	slices.SortFunc(x.words, byKey)
	return x
}

// rankBodies orders the bodies once and for all: population descending,
// then normalised name, then kind (see tieOrder), then codes. Ranking a
// search result is then comparing two integers.
func (x *index) rankBodies(bodies []Body) {
	order := make([]int32, len(bodies))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := &bodies[i], &bodies[j]
		if a.Population != b.Population {
			return cmp.Compare(b.Population, a.Population)
		}
		// Rarely reached: the arguments below are all evaluated.
		return cmp.Or(strings.Compare(x.norm(i), x.norm(j)), cmp.Compare(kindTie(a.Kind), kindTie(b.Kind)),
			strings.Compare(a.INSEE, b.INSEE), strings.Compare(a.SIREN, b.SIREN))
	})
	for r, i := range order {
		x.rank[i] = int32(r)
	}
	x.byRank = order
}

// prefixRange returns the bounds of the entries whose key starts with p.
func prefixRange(es []entry, p string) (lo, hi int) {
	lo, _ = slices.BinarySearchFunc(es, p, func(e entry, p string) int { return strings.Compare(e.key, p) })
	hi = lo + sort.Search(len(es)-lo, func(k int) bool { return !strings.HasPrefix(es[lo+k].key, p) })
	return lo, hi
}

// joinNames lays every name end to end, so that a substring search is one
// vectorised strings.Index over a megabyte rather than 36,000 calls.
func (x *index) joinNames() {
	var b strings.Builder
	x.starts = make([]int32, len(x.padded))
	for i, p := range x.padded {
		x.starts[i] = int32(b.Len())
		b.WriteString(p[1:])
		b.WriteByte('\n')
	}
	x.joined = b.String()
}

// containing calls f with each body whose name contains q, once, in body
// order. q holds no newline, so a match never spans two names.
func (x *index) containing(q string, f func(body int32)) {
	for pos := 0; pos < len(x.joined); {
		k := strings.Index(x.joined[pos:], q)
		if k < 0 {
			return
		}
		body := int32(sort.Search(len(x.starts), func(i int) bool { return int(x.starts[i]) > pos+k }) - 1)
		f(body)
		pos = len(x.joined)
		if int(body)+1 < len(x.starts) {
			pos = int(x.starts[body+1])
		}
	}
}
