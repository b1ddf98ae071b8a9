package jury

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAssignGuarantees runs the 200 × 10 case of issue 6 on several seeds:
// random conflicts, loads in [40, 80], diversity on two tags, with and
// without external assessors.
func TestAssignGuarantees(t *testing.T) {
	for _, assessors := range []bool{false, true} {
		for seed := uint64(1); seed <= 6; seed++ {
			req := assignRandom(seed, 200, 10, 0.12)
			for j := range req.Jurors {
				req.Jurors[j].Min, req.Jurors[j].Max = 40, 80
				req.Jurors[j].Assessor = assessors && (j == 1 || j == 4 || j == 9)
			}
			req.Jitter, req.Seed = 5, seed
			res := assignChecked(t, req)
			for _, u := range res.Unmet {
				if assignCanHave(req, u.FileID, u.Tag) {
					t.Errorf("seed %d: file %d lacks %q though a juror without conflict has it", seed, u.FileID, u.Tag)
				}
			}
			if d := assignLeadSpread(req, res); d > 1 {
				t.Errorf("seed %d, assessors %v: rapporteur spread %d, want ≤ 1", seed, assessors, d)
			}
		}
	}
}

// TestAssignDiversityWhenPossible makes diversity tight: a single juror holds
// "technique" on top of "elu", and the flow alone would waste them.
func TestAssignDiversityWhenPossible(t *testing.T) {
	req := AssignRequest{
		K:         1,
		Files:     []AssignFile{{ID: 1}},
		Jurors:    []AssignJuror{{ID: 10, Tags: []string{"technique", "elu"}}, {ID: 11, Tags: []string{"technique"}}, {ID: 12, Tags: []string{"elu"}}},
		Diversity: []string{"technique", "elu"},
		// The flow sees any single reviewer as meeting one tag; the
		// preference draws it to juror 11.
		Preferences: []AssignPreference{{FileID: 1, JurorID: 11, Weight: 100}},
	}
	res := assignChecked(t, req)
	if got := res.Files[0].Reviewers; !slices.Equal(got, []int64{10}) || len(res.Unmet) > 0 {
		t.Errorf("reviewers %v, unmet %v; want [10] and both tags met", got, res.Unmet)
	}

	// Infeasible: every "elu" juror is conflicted on file 2.
	req = assignRandom(3, 20, 10, 0)
	for j := 3; j <= 6; j++ {
		req.Conflicts = append(req.Conflicts, AssignPair{FileID: 102, JurorID: int64(j + 1)})
	}
	res = assignChecked(t, req)
	if want := []AssignUnmet{{FileID: 102, Tag: "elu"}}; !slices.Equal(res.Unmet, want) {
		t.Errorf("Unmet = %v, want %v", res.Unmet, want)
	}
}

// TestAssignEmpty covers the edges: nothing to assign, and files but no
// juror.
func TestAssignEmpty(t *testing.T) {
	res, err := Assign(AssignRequest{Jurors: []AssignJuror{{ID: 1}}})
	if err != nil || len(res.Files) != 0 || res.Added != nil {
		t.Fatalf("no files: %v, %v", res, err)
	}
	_, err = Assign(AssignRequest{Files: []AssignFile{{ID: 1}, {ID: 2}}})
	if codes := assignProblemCodes(err); !slices.Equal(codes, []AssignCode{AssignCodeTooFewJurors, AssignCodeNoRapporteur, AssignCodeTooFewJurors, AssignCodeNoRapporteur, AssignCodeMaxTooSmall}) {
		t.Fatalf("no jurors: %v", codes)
	}
}

// TestAssignRerun re-runs with the first result as Existing after a late
// conflict: every other pair and rapporteur stays, one reviewer is added.
func TestAssignRerun(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		req := assignRandom(seed, 200, 10, 0.1)
		for j := range req.Jurors {
			req.Jurors[j].Min, req.Jurors[j].Max = 40, 80
		}
		req.Jitter, req.Seed = 9, seed
		first, err := Assign(req)
		if err != nil {
			t.Fatal(err)
		}
		target := first.Files[17]
		late := target.Reviewers[0]
		for _, af := range first.Files {
			for _, r := range af.Reviewers {
				req.Existing = append(req.Existing, AssignPair{FileID: af.FileID, JurorID: r, Rapporteur: r == af.Rapporteur})
			}
		}
		req.Existing = append(req.Existing, AssignPair{FileID: 9999, JurorID: 1}) // a withdrawn file
		req.Conflicts = append(req.Conflicts, AssignPair{FileID: target.FileID, JurorID: late})
		req.Seed = seed + 100 // another seed must not move anything kept
		again := assignChecked(t, req)
		wantRemoved := []AssignRemoval{{target.FileID, late, AssignRemovedConflict}, {9999, 1, AssignRemovedUnknown}}
		if !slices.Equal(again.Removed, wantRemoved) {
			t.Errorf("seed %d: removed %v, want %v", seed, again.Removed, wantRemoved)
		}
		if len(again.Added) != 1 || again.Added[0].FileID != target.FileID || again.Added[0].JurorID == late {
			t.Errorf("seed %d: added %v, want one reviewer on file %d", seed, again.Added, target.FileID)
		}
		for i, af := range again.Files {
			if af.FileID != target.FileID && af.Rapporteur != first.Files[i].Rapporteur {
				t.Errorf("seed %d: file %d changed rapporteur", seed, af.FileID)
			}
		}
	}
}

// TestAssignKeepsExtraReviewers: a file given a fourth reviewer by hand keeps
// them on a re-run.
func TestAssignKeepsExtraReviewers(t *testing.T) {
	req := assignRandom(2, 12, 6, 0)
	req.Existing = []AssignPair{{FileID: 101, JurorID: 1}, {FileID: 101, JurorID: 2}, {FileID: 101, JurorID: 3}, {FileID: 101, JurorID: 4}}
	res := assignChecked(t, req)
	if got := res.Files[0].Reviewers; !slices.Equal(got, []int64{1, 2, 3, 4}) {
		t.Errorf("file 101: %v, want the four kept", got)
	}
}

// TestAssignFullPanel: every juror without a conflict on every file,
// balanced rapporteurs, loads ignored, and a file left with too few jurors
// refused.
func TestAssignFullPanel(t *testing.T) {
	req := assignRandom(4, 30, 8, 0.15)
	req.Mode = AssignModeFullPanel
	req.Jurors[7].Assessor = true
	req.Jurors[0].Max = 1 // not applied to a full panel
	res := assignChecked(t, req)
	if d := assignLeadSpread(req, res); d > 1 {
		t.Errorf("rapporteur spread %d", d)
	}
	// File 110 keeps jurors 1 and 8 only: too few for K = 3, though juror
	// 1 may still lead it.
	req.Conflicts = slices.DeleteFunc(req.Conflicts, func(p AssignPair) bool { return p.FileID == 110 })
	for j := 2; j <= 7; j++ {
		req.Conflicts = append(req.Conflicts, AssignPair{FileID: 110, JurorID: int64(j)})
	}
	_, err := Assign(req)
	if codes := assignProblemCodes(err); !slices.Equal(codes, []AssignCode{AssignCodeTooFewJurors}) {
		t.Errorf("codes %v, want too few jurors", codes)
	}
}

// TestAssignAvoid: avoided pairs are kept apart when possible, reported
// when not.
func TestAssignAvoid(t *testing.T) {
	req := assignRandom(5, 30, 6, 0.05)
	req.Diversity = nil
	req.Avoid = []AssignAvoid{{A: 1, B: 2}, {A: 3, B: 4}}
	req.K = 2
	res := assignChecked(t, req)
	if len(res.Together) > 0 {
		t.Errorf("together: %v", res.Together)
	}
	req.K = 6
	req.Conflicts = nil
	res = assignChecked(t, req)
	if len(res.Together) != 60 {
		t.Errorf("%d pairs together, want 60 (2 per file)", len(res.Together))
	}
}

// TestAssignDeterministic: the same request in any order, the same result;
// another seed, another result.
func TestAssignDeterministic(t *testing.T) {
	req := assignRandom(6, 60, 8, 0.1)
	req.Jitter, req.Seed = 50, 42
	a, err := Assign(req)
	if err != nil {
		t.Fatal(err)
	}
	shuffled := req
	rng := rand.New(rand.NewPCG(1, 2))
	shuffled.Files = slices.Clone(req.Files)
	shuffled.Jurors = slices.Clone(req.Jurors)
	shuffled.Conflicts = slices.Clone(req.Conflicts)
	rng.Shuffle(len(shuffled.Files), func(i, j int) { shuffled.Files[i], shuffled.Files[j] = shuffled.Files[j], shuffled.Files[i] })
	rng.Shuffle(len(shuffled.Jurors), func(i, j int) { shuffled.Jurors[i], shuffled.Jurors[j] = shuffled.Jurors[j], shuffled.Jurors[i] })
	rng.Shuffle(len(shuffled.Conflicts), func(i, j int) {
		shuffled.Conflicts[i], shuffled.Conflicts[j] = shuffled.Conflicts[j], shuffled.Conflicts[i]
	})
	b, err := Assign(shuffled)
	if err != nil {
		t.Fatal(err)
	}
	if !assignSame(a, b) {
		t.Error("shuffled request gave another assignment")
	}
	req.Seed = 43
	c, err := Assign(req)
	if err != nil {
		t.Fatal(err)
	}
	if assignSame(a, c) {
		t.Error("another seed gave the same assignment: the jitter does nothing")
	}
}

func TestAssignWorkloads(t *testing.T) {
	files := []AssignedFile{
		{FileID: 1, Reviewers: []int64{10, 11}, Rapporteur: 10},
		{FileID: 2, Reviewers: []int64{10, 12}, Rapporteur: 12},
		{FileID: 3, Reviewers: []int64{10, 11}, Rapporteur: 10},
	}
	got := AssignWorkloads(files, []int64{12, 10, 11, 13}, 30, 45)
	want := []AssignWorkload{
		{JurorID: 12, Files: 1, Rapporteur: 1, Minutes: 75, Hours: 1.25},
		{JurorID: 10, Files: 3, Rapporteur: 2, Minutes: 180, Hours: 3},
		{JurorID: 11, Files: 2, Minutes: 60, Hours: 1},
		{JurorID: 13},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	for _, tt := range []struct {
		n, j, k, min int
		files        int
		hours        float64
	}{
		{200, 8, 3, 30, 75, 37.5}, // jury.md's example
		{10, 3, 1, 60, 4, 4},
		{0, 8, 3, 30, 0, 0},
		{10, 0, 3, 30, 0, 0},
	} {
		if f, h := AssignEstimate(tt.n, tt.j, tt.k, tt.min); f != tt.files || h != tt.hours {
			t.Errorf("AssignEstimate(%d, %d, %d, %d) = %d, %v; want %d, %v", tt.n, tt.j, tt.k, tt.min, f, h, tt.files, tt.hours)
		}
	}
}

// TestAssignSpreadsLoads runs 200 files × 10 jurors, three reviewers each,
// with no maximum load: every juror gets 60 files, whatever draws the flow
// elsewhere (jitter, preferences for one juror, the diversity rule, a few
// conflicts); a juror with a maximum below the share takes it and the
// others share the rest, ⌈580 / 9⌉ or ⌊580 / 9⌋ each.
func TestAssignSpreadsLoads(t *testing.T) {
	greedy := func(req AssignRequest) AssignRequest {
		for _, f := range req.Files {
			req.Preferences = append(req.Preferences, AssignPreference{FileID: f.ID, JurorID: 1, Weight: AssignMaxWeight})
		}
		return req
	}
	capped := assignRandom(4, 200, 10, 0)
	capped.Jurors[9].Max = 20
	tests := []struct {
		name   string
		req    AssignRequest
		lo, hi int // loads of the jurors without a maximum
	}{
		{"no rule", func() AssignRequest { r := assignRandom(1, 200, 10, 0); r.Diversity = nil; return r }(), 60, 60},
		{"diversity and jitter", func() AssignRequest { r := assignRandom(2, 200, 10, 0); r.Jitter, r.Seed = 50, 2; return r }(), 60, 60},
		{"a juror preferred everywhere", greedy(assignRandom(3, 200, 10, 0)), 60, 60},
		{"a few conflicts", assignRandom(5, 200, 10, 0.05), 60, 60},
		{"one juror capped at 20", capped, 64, 65},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := assignChecked(t, tt.req)
			load := assignLoads(res)
			for _, j := range tt.req.Jurors {
				if j.Max > 0 {
					if load[j.ID] != j.Max {
						t.Errorf("juror %d (max %d): %d files", j.ID, j.Max, load[j.ID])
					}
				} else if load[j.ID] < tt.lo || load[j.ID] > tt.hi {
					t.Errorf("juror %d: %d files, want %d–%d (all: %v)", j.ID, load[j.ID], tt.lo, tt.hi, load)
				}
			}
			if len(res.Unmet) > 0 {
				t.Errorf("diversity unmet: %v", res.Unmet)
			}
		})
	}
}
