package jury

// A min-cost flow solver for the assignment (assign.go), written for graphs
// of a few hundred thousand edges whose capacities are mostly 1.
//
// Method: successive shortest paths with potentials, in the primal-dual
// form. Bellman-Ford (queue-based, "SPFA") gives the first potentials,
// because the graph has negative costs (bonuses); then each phase runs one
// Dijkstra on reduced costs, updates the potentials and pushes a blocking
// flow (Dinic) through every edge of zero reduced cost. One phase thus
// serves every shortest path of the same length at once, which matters here:
// thousands of units share a handful of distinct path lengths, whereas one
// Dijkstra per unit would cost minutes on the largest inputs.

// flowCost is a cost in three levels compared lexicographically: major
// holds the rules that must win (a rapporteur-eligible reviewer, kept
// assignments, diversity), even the spread of the loads (assign_loads.go),
// minor the preferences and the jitter. Integers per level instead of one
// weighted sum, so that no preference can ever outweigh an even spread, nor
// an even spread a rule, and no sum can overflow however large the input.
type flowCost struct{ major, even, minor int64 }

func (a flowCost) add(b flowCost) flowCost {
	return flowCost{a.major + b.major, a.even + b.even, a.minor + b.minor}
}

func (a flowCost) sub(b flowCost) flowCost {
	return flowCost{a.major - b.major, a.even - b.even, a.minor - b.minor}
}

func (a flowCost) neg() flowCost { return flowCost{-a.major, -a.even, -a.minor} }
func (a flowCost) isZero() bool  { return a == flowCost{} }

func (a flowCost) less(b flowCost) bool {
	if a.major != b.major {
		return a.major < b.major
	}
	if a.even != b.even {
		return a.even < b.even
	}
	return a.minor < b.minor
}

// flowGraph is a residual graph. Edge e and its reverse e^1 are stored
// side by side; capa holds the residual capacity, so the flow on a forward
// edge is the residual capacity of its reverse.
type flowGraph struct {
	n     int
	from  []int32
	to    []int32
	capa  []int32
	cost  []flowCost
	start []int32 // start[v]..start[v+1] index out, built by freeze
	out   []int32 // edge ids grouped by tail node
}

func (g *flowGraph) addNode() int32 {
	g.n++
	return int32(g.n - 1)
}

// addEdge adds u→v with the given capacity and cost and returns its id.
func (g *flowGraph) addEdge(u, v int32, capacity int, c flowCost) int32 {
	id := int32(len(g.to))
	g.from = append(g.from, u, v)
	g.to = append(g.to, v, u)
	g.capa = append(g.capa, int32(capacity), 0)
	g.cost = append(g.cost, c, c.neg())
	return id
}

// flow returns the flow carried by forward edge e.
func (g *flowGraph) flow(e int32) int { return int(g.capa[e^1]) }

// freeze builds the adjacency arrays once all edges are in; edges keep the
// order in which they were added, which keeps the solver deterministic.
func (g *flowGraph) freeze() {
	g.start = make([]int32, g.n+1)
	for _, u := range g.from {
		g.start[u+1]++
	}
	for v := 0; v < g.n; v++ {
		g.start[v+1] += g.start[v]
	}
	g.out = make([]int32, len(g.from))
	next := append([]int32(nil), g.start[:g.n]...)
	for e, u := range g.from {
		g.out[next[u]] = int32(e)
		next[u]++
	}
}

// minCostFlow sends up to want units from s to t at minimum cost and
// returns how many it sent. Among all flows of that size the result has the
// least cost. The graph must have no cycle of negative cost (true of every
// graph built here: they are layered and acyclic before any flow moves).
func (g *flowGraph) minCostFlow(s, t int32, want int) int {
	g.freeze()
	pot := g.initialPotentials(s)
	ph := newFlowPhase(g.n)
	sent := 0
	for sent < want {
		if !g.dijkstra(s, t, pot, ph) {
			break
		}
		sent += g.blockingFlow(s, t, pot, ph, want-sent)
	}
	return sent
}

// initialPotentials returns shortest distances from s (Bellman-Ford with a
// queue); nodes that s cannot reach get 0 and stay unreachable, because
// reverse edges only ever open on paths that start at s.
func (g *flowGraph) initialPotentials(s int32) []flowCost {
	pot := make([]flowCost, g.n)
	seen := make([]bool, g.n)
	queued := make([]bool, g.n)
	relaxed := make([]int, g.n)
	queue := []int32{s}
	seen[s], queued[s] = true, true
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		queued[u] = false
		for _, e := range g.out[g.start[u]:g.start[u+1]] {
			if g.capa[e] == 0 {
				continue
			}
			v, d := g.to[e], pot[u].add(g.cost[e])
			if seen[v] && !d.less(pot[v]) {
				continue
			}
			seen[v], pot[v] = true, d
			if relaxed[v]++; relaxed[v] > g.n {
				panic("jury: negative cycle in the flow graph")
			}
			if !queued[v] {
				queued[v] = true
				queue = append(queue, v)
			}
		}
	}
	return pot
}

// flowPhase holds the per-node scratch arrays of one phase, allocated once.
// Epoch stamps avoid clearing them between phases.
type flowPhase struct {
	dist  []flowCost
	stamp []int32 // dist valid when stamp == epoch
	done  []int32 // finalised when done == epoch
	level []int32
	iter  []int32
	epoch int32
	heap  flowHeap
	queue []int32
}

func newFlowPhase(n int) *flowPhase {
	return &flowPhase{
		dist: make([]flowCost, n), stamp: make([]int32, n), done: make([]int32, n),
		level: make([]int32, n), iter: make([]int32, n),
	}
}

// reduced is the cost of e seen through the potentials; it is never
// negative on an edge with residual capacity.
func (g *flowGraph) reduced(e int32, pot []flowCost) flowCost {
	return g.cost[e].add(pot[g.from[e]]).sub(pot[g.to[e]])
}

// dijkstra finds shortest distances on reduced costs, stopping as soon as t
// is final, then moves the potentials so that every shortest path to t is
// made of zero-reduced-cost edges: final nodes by their distance, the others
// by t's, which keeps every reduced cost non-negative. It reports whether t
// is reachable at all.
func (g *flowGraph) dijkstra(s, t int32, pot []flowCost, ph *flowPhase) bool {
	ph.epoch++
	ph.heap = ph.heap[:0]
	ph.dist[s], ph.stamp[s] = flowCost{}, ph.epoch
	ph.heap.push(flowItem{flowCost{}, s})
	for len(ph.heap) > 0 {
		it := ph.heap.pop()
		u := it.node
		if ph.done[u] == ph.epoch || ph.dist[u] != it.dist {
			continue
		}
		ph.done[u] = ph.epoch
		if u == t {
			break
		}
		for _, e := range g.out[g.start[u]:g.start[u+1]] {
			v := g.to[e]
			if g.capa[e] == 0 || ph.done[v] == ph.epoch {
				continue
			}
			d := it.dist.add(g.reduced(e, pot))
			if ph.stamp[v] != ph.epoch || d.less(ph.dist[v]) {
				ph.dist[v], ph.stamp[v] = d, ph.epoch
				ph.heap.push(flowItem{d, v})
			}
		}
	}
	if ph.done[t] != ph.epoch {
		return false
	}
	dt := ph.dist[t]
	for v := range pot {
		if ph.done[v] == ph.epoch {
			pot[v] = pot[v].add(ph.dist[v])
		} else {
			pot[v] = pot[v].add(dt)
		}
	}
	return true
}

// admissible reports whether e lies on a shortest path: residual capacity
// left and zero reduced cost.
func (g *flowGraph) admissible(e int32, pot []flowCost) bool {
	return g.capa[e] > 0 && g.reduced(e, pot).isZero()
}

// blockingFlow pushes, Dinic-style, as much flow as it can (at most limit)
// through admissible edges only, hence along shortest paths only.
func (g *flowGraph) blockingFlow(s, t int32, pot []flowCost, ph *flowPhase, limit int) int {
	sent := 0
	for sent < limit && g.levels(s, t, pot, ph) {
		copy(ph.iter, g.start[:g.n])
		for sent < limit {
			pushed := g.augment(s, t, int32(limit-sent), pot, ph)
			if pushed == 0 {
				break
			}
			sent += int(pushed)
		}
	}
	return sent
}

// levels numbers nodes by breadth-first distance from s over admissible
// edges and reports whether t was reached.
func (g *flowGraph) levels(s, t int32, pot []flowCost, ph *flowPhase) bool {
	for i := range ph.level {
		ph.level[i] = -1
	}
	ph.level[s] = 0
	ph.queue = append(ph.queue[:0], s)
	for i := 0; i < len(ph.queue); i++ {
		u := ph.queue[i]
		for _, e := range g.out[g.start[u]:g.start[u+1]] {
			v := g.to[e]
			if ph.level[v] < 0 && g.admissible(e, pot) {
				ph.level[v] = ph.level[u] + 1
				ph.queue = append(ph.queue, v)
			}
		}
	}
	return ph.level[t] >= 0
}

// augment finds one path from u to t in the level graph and pushes up to
// limit units along it; dead ends are skipped for good through iter.
func (g *flowGraph) augment(u, t, limit int32, pot []flowCost, ph *flowPhase) int32 {
	if u == t {
		return limit
	}
	for ; ph.iter[u] < g.start[u+1]; ph.iter[u]++ {
		e := g.out[ph.iter[u]]
		v := g.to[e]
		if ph.level[v] != ph.level[u]+1 || !g.admissible(e, pot) {
			continue
		}
		if d := g.augment(v, t, min(limit, g.capa[e]), pot, ph); d > 0 {
			g.capa[e] -= d
			g.capa[e^1] += d
			return d
		}
	}
	return 0
}

// reach returns the nodes reachable from s through edges with residual
// capacity: after a maximum flow, the source side of a minimum cut.
func (g *flowGraph) reach(s int32) []bool {
	seen := make([]bool, g.n)
	seen[s] = true
	queue := []int32{s}
	for i := 0; i < len(queue); i++ {
		u := queue[i]
		for _, e := range g.out[g.start[u]:g.start[u+1]] {
			if v := g.to[e]; g.capa[e] > 0 && !seen[v] {
				seen[v] = true
				queue = append(queue, v)
			}
		}
	}
	return seen
}

// flowItem and flowHeap are a binary min-heap of tentative distances, typed
// to avoid container/heap's interface calls in the hottest loop.
type flowItem struct {
	dist flowCost
	node int32
}

type flowHeap []flowItem

func (h *flowHeap) push(it flowItem) {
	*h = append(*h, it)
	a := *h
	for i := len(a) - 1; i > 0; {
		p := (i - 1) / 2
		if !a[i].dist.less(a[p].dist) {
			break
		}
		a[i], a[p] = a[p], a[i]
		i = p
	}
}

func (h *flowHeap) pop() flowItem {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < len(a) && a[l].dist.less(a[small].dist) {
			small = l
		}
		if r := l + 1; r < len(a) && a[r].dist.less(a[small].dist) {
			small = r
		}
		if small == i {
			break
		}
		a[i], a[small] = a[small], a[i]
		i = small
	}
	*h = a
	return top
}
