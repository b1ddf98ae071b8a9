package jury

// The checks every assignment test applies: the hard guarantees of Assign,
// and that what a result reports about itself is true.

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// assignRandom builds a request of nFiles × nJurors with each pair
// conflicted with probability rate. Jurors 0–2 are "technique", 3–5 "elu",
// juror 6 both; IDs start at 101 for files and 1 for jurors so that the two
// cannot be mixed up unnoticed.
func assignRandom(seed uint64, nFiles, nJurors int, rate float64) AssignRequest {
	rng := rand.New(rand.NewPCG(seed, 7))
	req := AssignRequest{Diversity: []string{"technique", "elu"}}
	for f := range nFiles {
		req.Files = append(req.Files, AssignFile{ID: int64(101 + f)})
	}
	for j := range nJurors {
		jr := AssignJuror{ID: int64(1 + j)}
		switch {
		case j < 3:
			jr.Tags = []string{"technique"}
		case j < 6:
			jr.Tags = []string{"elu"}
		case j == 6:
			jr.Tags = []string{"elu", "technique"}
		}
		req.Jurors = append(req.Jurors, jr)
		for f := range nFiles {
			if rng.Float64() < rate {
				req.Conflicts = append(req.Conflicts, AssignPair{FileID: int64(101 + f), JurorID: jr.ID})
			}
		}
	}
	return req
}

// assignFacts indexes a request for the checks.
type assignFacts struct {
	k       int
	blocked map[[2]int64]bool
	kept    map[[2]int64]bool
	jurors  map[int64]AssignJuror
}

func newAssignFacts(req AssignRequest) assignFacts {
	fa := assignFacts{k: cmpOr(req.K, AssignDefaultK), blocked: map[[2]int64]bool{}, kept: map[[2]int64]bool{}, jurors: map[int64]AssignJuror{}}
	for _, j := range req.Jurors {
		fa.jurors[j.ID] = j
	}
	files := map[int64]bool{}
	for _, f := range req.Files {
		files[f.ID] = true
	}
	for _, c := range req.Conflicts {
		fa.blocked[[2]int64{c.FileID, c.JurorID}] = true
	}
	for _, e := range req.Existing {
		p := [2]int64{e.FileID, e.JurorID}
		if _, ok := fa.jurors[e.JurorID]; ok && files[e.FileID] && !fa.blocked[p] {
			fa.kept[p] = true
		}
	}
	return fa
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// assignCheck asserts every hard guarantee of Assign on a result, and that
// what the result reports (Added, Removed, Unmet, Together) is true.
func assignCheck(t *testing.T, req AssignRequest, res *AssignResult) {
	t.Helper()
	fa := newAssignFacts(req)
	if len(res.Files) != len(req.Files) {
		t.Fatalf("%d files in the result, %d requested", len(res.Files), len(req.Files))
	}
	load, lead := map[int64]int{}, map[int64]int{}
	final := map[[2]int64]bool{}
	keptOn := map[int64]int{}
	for p := range fa.kept {
		keptOn[p[0]]++
	}
	for i, af := range res.Files {
		if i > 0 && res.Files[i-1].FileID >= af.FileID {
			t.Fatalf("files not sorted by ID at %d", af.FileID)
		}
		allowed := 0
		for _, j := range req.Jurors {
			if !fa.blocked[[2]int64{af.FileID, j.ID}] {
				allowed++
			}
		}
		want := max(fa.k, keptOn[af.FileID])
		if req.Mode == AssignModeFullPanel {
			want = allowed
		}
		if len(af.Reviewers) != want {
			t.Errorf("file %d: %d reviewers, want %d", af.FileID, len(af.Reviewers), want)
		}
		for n, r := range af.Reviewers {
			if n > 0 && af.Reviewers[n-1] >= r {
				t.Errorf("file %d: reviewers not sorted or repeated: %v", af.FileID, af.Reviewers)
			}
			if _, ok := fa.jurors[r]; !ok {
				t.Errorf("file %d: unknown juror %d", af.FileID, r)
			}
			if fa.blocked[[2]int64{af.FileID, r}] {
				t.Errorf("file %d: conflicted juror %d assigned", af.FileID, r)
			}
			load[r]++
			final[[2]int64{af.FileID, r}] = true
		}
		switch {
		case req.NoRapporteur && af.Rapporteur != 0:
			t.Errorf("file %d: rapporteur %d though none asked", af.FileID, af.Rapporteur)
		case !req.NoRapporteur && !slices.Contains(af.Reviewers, af.Rapporteur):
			t.Errorf("file %d: rapporteur %d is not among reviewers %v", af.FileID, af.Rapporteur, af.Reviewers)
		case !req.NoRapporteur && fa.jurors[af.Rapporteur].Assessor:
			t.Errorf("file %d: rapporteur %d is an assessor", af.FileID, af.Rapporteur)
		}
		lead[af.Rapporteur]++
	}
	if req.Mode != AssignModeFullPanel {
		for _, j := range req.Jurors {
			if load[j.ID] < j.Min || (j.Max > 0 && load[j.ID] > j.Max) {
				t.Errorf("juror %d: load %d outside [%d, %d]", j.ID, load[j.ID], j.Min, j.Max)
			}
		}
	}
	assignCheckChanges(t, fa, req, res, final)
	assignCheckReports(t, req, res)
}

// assignChecked runs Assign on a request that has a solution, and checks
// every guarantee of the result.
func assignChecked(t *testing.T, req AssignRequest) *AssignResult {
	t.Helper()
	res, err := Assign(req)
	if err != nil {
		t.Fatal(err)
	}
	assignCheck(t, req, res)
	return res
}

// assignLeads counts each juror's files as rapporteur.
func assignLeads(res *AssignResult) map[int64]int {
	lead := map[int64]int{}
	for _, af := range res.Files {
		lead[af.Rapporteur]++
	}
	return lead
}

// assignLoads counts each juror's files in a result.
func assignLoads(res *AssignResult) map[int64]int {
	load := map[int64]int{}
	for _, f := range res.Files {
		for _, j := range f.Reviewers {
			load[j]++
		}
	}
	return load
}

func assignCheckChanges(t *testing.T, fa assignFacts, req AssignRequest, res *AssignResult, final map[[2]int64]bool) {
	t.Helper()
	added := map[[2]int64]bool{}
	for _, p := range res.Added {
		added[[2]int64{p.FileID, p.JurorID}] = true
	}
	for p := range final {
		if added[p] == fa.kept[p] {
			t.Errorf("pair %v: added=%v but kept=%v", p, added[p], fa.kept[p])
		}
	}
	if len(added) != len(res.Added) {
		t.Errorf("Added has repeats: %v", res.Added)
	}
	removed := map[[2]int64]AssignRemovalReason{}
	for _, r := range res.Removed {
		removed[[2]int64{r.FileID, r.JurorID}] = r.Reason
	}
	for _, e := range req.Existing {
		p := [2]int64{e.FileID, e.JurorID}
		reason, gone := removed[p]
		switch {
		case final[p] && gone:
			t.Errorf("pair %v both kept and removed", p)
		case !final[p] && !gone:
			t.Errorf("pair %v dropped without being reported", p)
		case gone && fa.blocked[p] && reason != AssignRemovedConflict:
			t.Errorf("pair %v: reason %q, want conflict", p, reason)
		}
	}
}

// assignCheckReports recomputes Unmet and Together from the result.
func assignCheckReports(t *testing.T, req AssignRequest, res *AssignResult) {
	t.Helper()
	if req.Mode == AssignModeFullPanel {
		return
	}
	tags := map[int64][]string{}
	for _, j := range req.Jurors {
		tags[j.ID] = j.Tags
	}
	fileTags := map[int64][]string{}
	for _, f := range req.Files {
		fileTags[f.ID] = f.Tags
	}
	var unmet []AssignUnmet
	var together []AssignTogether
	for _, af := range res.Files {
		var needed []string
		for _, tag := range slices.Concat(req.Diversity, fileTags[af.FileID]) {
			if !slices.Contains(needed, tag) {
				needed = append(needed, tag)
			}
		}
		for _, tag := range needed {
			if !slices.ContainsFunc(af.Reviewers, func(r int64) bool { return slices.Contains(tags[r], tag) }) {
				unmet = append(unmet, AssignUnmet{af.FileID, tag})
			}
		}
		for i, a := range af.Reviewers {
			for _, b := range af.Reviewers[i+1:] {
				if slices.ContainsFunc(req.Avoid, func(p AssignAvoid) bool { return (p.A == a && p.B == b) || (p.A == b && p.B == a) }) {
					together = append(together, AssignTogether{af.FileID, a, b})
				}
			}
		}
	}
	if !slices.Equal(unmet, res.Unmet) {
		t.Errorf("Unmet = %v, recomputed %v", res.Unmet, unmet)
	}
	if !slices.Equal(together, res.Together) {
		t.Errorf("Together = %v, recomputed %v", res.Together, together)
	}
}

// assignLeadSpread returns max − min of rapporteur counts over jurors who
// may lead.
func assignLeadSpread(req AssignRequest, res *AssignResult) int {
	lead := assignLeads(res)
	lo, hi := len(req.Files), 0
	for _, j := range req.Jurors {
		if !j.Assessor {
			lo, hi = min(lo, lead[j.ID]), max(hi, lead[j.ID])
		}
	}
	return hi - lo
}

// assignCanHave reports whether some juror without a conflict on the file
// holds the tag: the only way diversity can fail on these inputs, whose
// loads leave plenty of room.
func assignCanHave(req AssignRequest, fileID int64, tag string) bool {
	fa := newAssignFacts(req)
	for _, j := range req.Jurors {
		if slices.Contains(j.Tags, tag) && !fa.blocked[[2]int64{fileID, j.ID}] {
			return true
		}
	}
	return false
}

func assignProblemCodes(err error) []AssignCode {
	var ae *AssignError
	if !errors.As(err, &ae) {
		return nil
	}
	var codes []AssignCode
	for _, p := range ae.Problems {
		codes = append(codes, p.Code)
	}
	return codes
}

func assignMessages(err error) []string {
	var ae *AssignError
	errors.As(err, &ae)
	var out []string
	for _, p := range ae.Problems {
		out = append(out, p.Message)
	}
	return out
}

func assignSame(a, b *AssignResult) bool {
	return slices.EqualFunc(a.Files, b.Files, func(x, y AssignedFile) bool {
		return x.FileID == y.FileID && x.Rapporteur == y.Rapporteur && slices.Equal(x.Reviewers, y.Reviewers)
	})
}

func assignSquares(res *AssignResult) int {
	sum := 0
	for _, n := range assignLeads(res) {
		sum += n * n
	}
	return sum
}
