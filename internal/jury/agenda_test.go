package jury

import (
	"math/rand/v2"
	"slices"
	"testing"
)

const testTopLevel = 4 // a five-level scale, 0–4

// fileOf builds an agenda file of the given kind from real aggregates.
func fileOf(t testing.TB, id int64, kind AgendaKind, recused ...int64) AgendaFile {
	t.Helper()
	var levels []int
	switch kind {
	case AgendaConsent:
		levels = []int{2, 2, 3}
	case AgendaDisagreement:
		levels = []int{1, 2, 3}
	case AgendaTopLevel:
		levels = []int{4, 4, 3}
	case "":
		levels = []int{-1} // only an abstention
	}
	a, err := AggregateFile(id, PostDiscussion, postProposals(id, levels...), AggregationRules{Levels: testTopLevel + 1})
	if err != nil {
		t.Fatal(err)
	}
	return AgendaFile{Aggregate: a, Recused: recused}
}

func postProposals(file int64, levels ...int) []ReviewScore {
	rs := proposalsOf(file, levels...)
	for i := range rs {
		rs[i].Stage = PostDiscussion
	}
	return rs
}

func itemIDs(items []AgendaItem) []int64 {
	var ids []int64
	for _, it := range items {
		if it.Kind == AgendaMention {
			ids = append(ids, -it.MentionID)
		} else {
			ids = append(ids, it.ApplicationID)
		}
	}
	return ids
}

func TestAgendaBlocks(t *testing.T) {
	files := []AgendaFile{
		fileOf(t, 1, AgendaDisagreement),
		fileOf(t, 2, AgendaConsent),
		fileOf(t, 3, AgendaTopLevel),
		fileOf(t, 4, AgendaConsent),
		fileOf(t, 5, ""), // no proposal: discussed
		fileOf(t, 6, AgendaConsent, 9),
	}
	// A top-level file with a disagreement stays a top-level candidate.
	flaggedTop, err := AggregateFile(7, PostDiscussion, postProposals(7, 4, 4, 2), AggregationRules{Levels: 5})
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, AgendaFile{Aggregate: flaggedTop})
	agenda, err := BuildAgenda(files, testTopLevel, []AgendaMentionEntry{{MentionID: 50, Nominees: []int64{3, 6}}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[AgendaKind][]int64{}
	var sequence []AgendaKind
	for _, it := range agenda.Items {
		kinds[it.Kind] = append(kinds[it.Kind], it.ApplicationID)
		if len(sequence) == 0 || sequence[len(sequence)-1] != it.Kind {
			sequence = append(sequence, it.Kind)
		}
	}
	if !slices.Equal(sequence, []AgendaKind{AgendaConsent, AgendaDisagreement, AgendaTopLevel, AgendaMention}) {
		t.Fatalf("blocks in order %v", sequence)
	}
	consent := slices.Sorted(slices.Values(kinds[AgendaConsent]))
	if !slices.Equal(consent, []int64{2, 4, 6}) {
		t.Errorf("consent block %v; want exactly the agreed files 2, 4, 6", consent)
	}
	if got := slices.Sorted(slices.Values(kinds[AgendaDisagreement])); !slices.Equal(got, []int64{1, 5}) {
		t.Errorf("disagreements %v", got)
	}
	if got := slices.Sorted(slices.Values(kinds[AgendaTopLevel])); !slices.Equal(got, []int64{3, 7}) {
		t.Errorf("top level %v", got)
	}
	for _, it := range agenda.Items {
		switch {
		case it.ApplicationID == 5 && !slices.Equal(it.Reasons, []DisagreementReason{AgendaNoProposal}):
			t.Errorf("file 5 reasons %v", it.Reasons)
		case it.ApplicationID == 1 && !slices.Equal(it.Reasons, []DisagreementReason{DisagreementSpread}):
			t.Errorf("file 1 reasons %v", it.Reasons)
		case it.Kind == AgendaConsent && it.Reasons != nil:
			t.Errorf("consent file %d with reasons %v", it.ApplicationID, it.Reasons)
		case it.Kind == AgendaMention && (it.MentionID != 50 || !slices.Equal(it.Recused, []int64{9}) || !slices.Equal(it.Nominees, []int64{3, 6})):
			t.Errorf("mention item %+v: its recusals are those of its nominees", it)
		}
	}
	if agenda.StepOuts != 2 || !agenda.Exact {
		t.Errorf("step-outs %d exact %v; want 2 (juror 9 for file 6 and for the mention), true", agenda.StepOuts, agenda.Exact)
	}
}

// A hand-checked case: five disagreement files, jurors 1 and 2 recused
// from some. In the given order juror 1 leaves twice and juror 2 once
// more than needed: A{1} B{2} C{1,2} D{1} E{} costs 1+1+1+0+0 = 3. Each
// recused juror must leave at least once, so 2 is the minimum, reached
// when the files of {1}, {1,2} and {2} are in a chain (A D C B, or B C A D)
// with E before or after.
func TestAgendaStepOutsHandChecked(t *testing.T) {
	files := []AgendaFile{
		fileOf(t, 'A', AgendaDisagreement, 1),
		fileOf(t, 'B', AgendaDisagreement, 2),
		fileOf(t, 'C', AgendaDisagreement, 2, 1, 2), // unsorted, duplicated: normalised
		fileOf(t, 'D', AgendaDisagreement, 1),
		fileOf(t, 'E', AgendaDisagreement),
	}
	var given []AgendaItem
	for _, f := range files {
		given = append(given, fileItem(f, testTopLevel))
	}
	if n := CountStepOuts(given); n != 3 {
		t.Fatalf("the given order costs %d; want 3", n)
	}
	agenda, err := BuildAgenda(files, testTopLevel, nil)
	if err != nil {
		t.Fatal(err)
	}
	if agenda.StepOuts != 2 || CountStepOuts(agenda.Items) != 2 || !agenda.Exact {
		t.Fatalf("step-outs %d (recount %d); want 2: %v", agenda.StepOuts, CountStepOuts(agenda.Items), itemIDs(agenda.Items))
	}
	order := string(func() []byte {
		var b []byte
		for _, id := range itemIDs(agenda.Items) {
			b = append(b, byte(id))
		}
		return b
	}())
	optimal := []string{"EADCB", "ADCBE", "EBCAD", "BCADE"}
	if !slices.Contains(optimal, order) {
		t.Errorf("order %s; want one of %v (A and D, same recusals, together and in the given order)", order, optimal)
	}
	// The room display: who leaves and who comes back at each item.
	changes := RoomChanges(agenda.Items)
	leaves := 0
	for _, c := range changes {
		leaves += len(c.Leave)
	}
	if leaves != 2 || len(changes) != 5 {
		t.Errorf("room changes %+v", changes)
	}
	// The president reorders by hand: the recount follows.
	reordered := []AgendaItem{given[0], given[4], given[3], given[1], given[2]} // A E D B C
	if n := CountStepOuts(reordered); n != 4 {
		t.Errorf("A E D B C costs %d; want 4 (1 leaves, returns, leaves, then 2, then 1 again)", n)
	}
}

func TestRoomChanges(t *testing.T) {
	items := []AgendaItem{{Recused: []int64{1}}, {Recused: []int64{2, 1}}, {}, {Recused: []int64{3}}}
	want := []RoomChange{
		{Leave: []int64{1}},
		{Leave: []int64{2}},
		{Return: []int64{1, 2}},
		{Leave: []int64{3}},
	}
	got := RoomChanges(items)
	for i := range want {
		if !slices.Equal(got[i].Leave, want[i].Leave) || !slices.Equal(got[i].Return, want[i].Return) {
			t.Errorf("item %d: %+v; want %+v", i, got[i], want[i])
		}
	}
	if CountStepOuts(items) != 3 || CountStepOuts(nil) != 0 || len(RoomChanges(nil)) != 0 {
		t.Error("counts of the room changes")
	}
}

// bruteForceStepOuts is the fewest step-outs over every order of items
// that keeps the blocks in agenda order.
func bruteForceStepOuts(items []AgendaItem) int {
	block := func(k AgendaKind) int { return slices.Index(agendaBlocks, k) }
	best := -1
	var permute func(k int)
	permute = func(k int) {
		if k == len(items) {
			for i := 1; i < len(items); i++ {
				if block(items[i-1].Kind) > block(items[i].Kind) {
					return
				}
			}
			if c := CountStepOuts(items); best < 0 || c < best {
				best = c
			}
			return
		}
		for i := k; i < len(items); i++ {
			items[k], items[i] = items[i], items[k]
			permute(k + 1)
			items[k], items[i] = items[i], items[k]
		}
	}
	permute(0)
	return best
}

func TestAgendaMinimalAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	kinds := []AgendaKind{AgendaConsent, AgendaDisagreement, AgendaDisagreement, AgendaTopLevel}
	for round := range 400 {
		n := 1 + rng.IntN(7)
		var files []AgendaFile
		var mentions []AgendaMentionEntry
		for i := range n {
			if i > 0 && rng.IntN(6) == 0 {
				mentions = append(mentions, AgendaMentionEntry{MentionID: int64(i), Nominees: []int64{int64(1 + rng.IntN(len(files)))}})
				continue
			}
			var recused []int64
			for j := int64(1); j <= 4; j++ {
				if rng.IntN(3) == 0 {
					recused = append(recused, j)
				}
			}
			files = append(files, fileOf(t, int64(len(files)+1), kinds[rng.IntN(len(kinds))], recused...))
		}
		agenda, err := BuildAgenda(files, testTopLevel, mentions)
		if err != nil {
			t.Fatal(err)
		}
		if len(agenda.Items) != n {
			t.Fatalf("round %d: %d items for %d", round, len(agenda.Items), n)
		}
		want := bruteForceStepOuts(slices.Clone(agenda.Items))
		if agenda.StepOuts != want || CountStepOuts(agenda.Items) != want || !agenda.Exact {
			t.Fatalf("round %d: %d step-outs (recount %d); brute force %d; order %v",
				round, agenda.StepOuts, CountStepOuts(agenda.Items), want, itemIDs(agenda.Items))
		}
	}
}

// More distinct recusal sets than the exact search takes: the heuristic
// returns a permutation, never worse than the given order, and no better
// than the lower bound (each recused juror leaves at least once).
func TestAgendaHeuristic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 20 {
		var files []AgendaFile
		var given []AgendaItem
		union := map[int64]bool{}
		for id := int64(1); id <= 40; id++ {
			var recused []int64
			for j := int64(1); j <= 6; j++ {
				if rng.IntN(3) == 0 {
					recused = append(recused, j)
					union[j] = true
				}
			}
			f := fileOf(t, id, AgendaDisagreement, recused...)
			files = append(files, f)
			given = append(given, fileItem(f, testTopLevel))
		}
		agenda, err := BuildAgenda(files, testTopLevel, nil)
		if err != nil {
			t.Fatal(err)
		}
		if agenda.Exact {
			t.Fatalf("round %d: %d distinct sets should exceed the exact search", round, len(groupByRecusals(given)))
		}
		if got := slices.Sorted(slices.Values(itemIDs(agenda.Items))); !slices.Equal(got, itemIDs(given)) {
			t.Fatalf("round %d: not a permutation: %v", round, got)
		}
		if agenda.StepOuts != CountStepOuts(agenda.Items) || agenda.StepOuts > CountStepOuts(given) || agenda.StepOuts < len(union) {
			t.Fatalf("round %d: %d step-outs; given order %d, lower bound %d", round, agenda.StepOuts, CountStepOuts(given), len(union))
		}
	}
	// A chain of sets {1} {1,2} {2} {2,3} … shuffled: one pass along the
	// chain makes each juror leave exactly once.
	var files []AgendaFile
	for i, p := range rng.Perm(31) {
		j := int64(p/2 + 1)
		recused := []int64{j}
		if p%2 == 1 {
			recused = append(recused, j+1)
		}
		files = append(files, fileOf(t, int64(i+1), AgendaDisagreement, recused...))
	}
	agenda, err := BuildAgenda(files, testTopLevel, nil)
	if err != nil {
		t.Fatal(err)
	}
	if agenda.Exact || agenda.StepOuts != 16 {
		t.Errorf("chain: %d step-outs (exact %v); want 16", agenda.StepOuts, agenda.Exact)
	}
}

func TestAgendaEdgeCases(t *testing.T) {
	empty, err := BuildAgenda(nil, testTopLevel, nil)
	if err != nil || len(empty.Items) != 0 || empty.StepOuts != 0 || !empty.Exact {
		t.Errorf("empty agenda: %+v %v", empty, err)
	}
	one := []AgendaFile{fileOf(t, 1, AgendaConsent, 4)}
	if a, err := BuildAgenda(one, testTopLevel, nil); err != nil || a.StepOuts != 1 || len(a.Items) != 1 {
		t.Errorf("one file: %+v %v", a, err)
	}
	dup := []AgendaFile{fileOf(t, 1, AgendaConsent), fileOf(t, 1, AgendaDisagreement)}
	if _, err := BuildAgenda(dup, testTopLevel, nil); DeliberationCodeOf(err) != DelibDuplicateFile {
		t.Errorf("duplicate file: %v", err)
	}
	unknown := []AgendaMentionEntry{{MentionID: 3, Nominees: []int64{99}}}
	if _, err := BuildAgenda(one, testTopLevel, unknown); DeliberationCodeOf(err) != DelibUnknownFile {
		t.Errorf("unknown nominee: %v", err)
	}
	if _, err := BuildAgenda(one, -1, nil); DeliberationCodeOf(err) != DelibInvalidRules {
		t.Errorf("negative top level: %v", err)
	}
	// The caller's slices are not modified.
	recused := []int64{3, 1, 3}
	if _, err := BuildAgenda([]AgendaFile{fileOf(t, 1, AgendaConsent, recused...)}, testTopLevel, nil); err != nil || !slices.Equal(recused, []int64{3, 1, 3}) {
		t.Errorf("recusals modified: %v %v", recused, err)
	}
}

func BenchmarkBuildAgenda(b *testing.B) {
	rng := rand.New(rand.NewPCG(8, 9))
	var files []AgendaFile
	kinds := []AgendaKind{AgendaConsent, AgendaConsent, AgendaConsent, AgendaDisagreement, AgendaTopLevel}
	for id := int64(1); id <= 200; id++ {
		var recused []int64
		for j := int64(1); j <= 10; j++ {
			if rng.IntN(8) == 0 {
				recused = append(recused, j)
			}
		}
		files = append(files, fileOf(b, id, kinds[rng.IntN(len(kinds))], recused...))
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := BuildAgenda(files, testTopLevel, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// The worst case of the exact search: one block of agendaExactGroups
// distinct recusal sets.
func BenchmarkAgendaExactBlock(b *testing.B) {
	var files []AgendaFile
	for id := int64(1); id <= agendaExactGroups; id++ {
		var recused []int64
		for j := int64(0); j < 5; j++ {
			if id>>j&1 == 1 {
				recused = append(recused, j+1)
			}
		}
		files = append(files, fileOf(b, id, AgendaDisagreement, recused...))
	}
	b.ResetTimer()
	for b.Loop() {
		a, err := BuildAgenda(files, testTopLevel, nil)
		if err != nil || !a.Exact {
			b.Fatal(err, a.Exact)
		}
	}
}

// A block beyond the exact search: 300 disagreement files whose recusal
// sets are random subsets of 10 jurors (about 260 distinct sets).
func BenchmarkAgendaHeuristic(b *testing.B) {
	rng := rand.New(rand.NewPCG(10, 11))
	var files []AgendaFile
	for id := int64(1); id <= 300; id++ {
		var recused []int64
		for j := int64(1); j <= 10; j++ {
			if rng.IntN(3) == 0 {
				recused = append(recused, j)
			}
		}
		files = append(files, fileOf(b, id, AgendaDisagreement, recused...))
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := BuildAgenda(files, testTopLevel, nil); err != nil {
			b.Fatal(err)
		}
	}
}
