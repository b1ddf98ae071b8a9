package jury

// The solver's state: the request indexed by position, its tags as bit
// masks, its loads, and the counting checks that find the plain reasons
// an assignment cannot exist before any flow runs.

import (
	"cmp"
	"fmt"
	"slices"
)

// assignElBit marks, in a tag mask, "may be rapporteur" (not an assessor);
// required tags use the other 63 bits.
const assignElBit = uint64(1) << 63

// assignSolver holds one request, indexed: files and jurors sorted by ID and
// referred to by position.
type assignSolver struct {
	req     AssignRequest
	k       int
	full    bool
	files   []AssignFile
	jurors  []AssignJuror
	fileAt  map[int64]int32
	jurorAt map[int64]int32
	blocked map[uint64]bool  // conflicted (file, juror)
	kept    map[uint64]bool  // valid existing assignments
	keptRap map[int32]int32  // file → juror, valid existing rapporteurs
	pref    map[uint64]int64 // (file, juror) → weight
	avoid   map[uint64]bool  // (juror, juror), lower first
	tags    []string         // required tags, bit i is tags[i]
	need    []uint64         // per file: required tags
	avail   []uint64         // per file: required tags some allowed juror has
	has     []uint64         // per juror: tags held, plus assignElBit
	needsEl []bool           // per file: has an allowed assessor, so eligibility must be sought
	allowed []int            // per juror: files without a conflict
	panel   []int            // per file: jurors without a conflict
	minLoad []int
	maxLoad []int  // Max capped by allowed
	even    []bool // per juror: no maximum, so the load is spread (assign_loads.go)
	// evenFrom is the last file that costs nothing on the even level,
	// evenTop the one from which the price stops rising.
	evenFrom, evenTop int
	demand            []int
	sets              [][]int32 // per file: reviewers, sorted
	load              []int
	filesOf           [][]int32 // per juror: files reviewed
	scores            []assignScore
	rap               []int32
}

func assignKey(a, b int32) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }

func (s *assignSolver) isBlocked(f, j int32) bool { return s.blocked[assignKey(f, j)] }

func (s *assignSolver) eligible(j int32) bool { return !s.jurors[j].Assessor }

func newAssignSolver(req AssignRequest) (*assignSolver, error) {
	s := &assignSolver{req: req, k: req.K, full: req.Mode == AssignModeFullPanel}
	if s.k == 0 {
		s.k = AssignDefaultK
	}
	if probs := s.validate(); len(probs) > 0 {
		return nil, &AssignError{probs}
	}
	s.index()
	s.indexTags()
	s.indexLoads()
	s.indexEven()
	if probs := s.precheck(); len(probs) > 0 {
		return nil, &AssignError{probs}
	}
	return s, nil
}

// validate rejects requests that make no sense, before any counting.
func (s *assignSolver) validate() []AssignProblem {
	var probs []AssignProblem
	r := s.req
	if r.Mode != "" && r.Mode != AssignModeReviewers && r.Mode != AssignModeFullPanel {
		probs = append(probs, assignInvalid("Mode de répartition inconnu : %q.", r.Mode))
	}
	if s.k < 1 {
		probs = append(probs, assignInvalid("Le nombre de relecteurs par dossier doit être au moins 1 (%d demandé).", r.K))
	}
	if r.Jitter < 0 || r.Jitter > AssignMaxWeight {
		probs = append(probs, assignInvalid("L'aléa doit être compris entre 0 et %d (%d demandé).", AssignMaxWeight, r.Jitter))
	}
	seenF := map[int64]bool{}
	for _, f := range r.Files {
		if seenF[f.ID] {
			p := assignInvalid("Le dossier %d figure deux fois.", f.ID)
			p.FileIDs = []int64{f.ID}
			probs = append(probs, p)
		}
		seenF[f.ID] = true
	}
	seenJ := map[int64]bool{}
	for _, j := range r.Jurors {
		p := AssignProblem{}
		switch {
		case seenJ[j.ID]:
			p = assignInvalid("Le juré %d figure deux fois.", j.ID)
		case j.Min < 0 || j.Max < 0:
			p = assignInvalid("Les charges du juré %d ne peuvent pas être négatives.", j.ID)
		case j.Max > 0 && j.Min > j.Max:
			p = assignInvalid("La charge minimale du juré %d (%d) dépasse sa charge maximale (%d).", j.ID, j.Min, j.Max)
		}
		if p.Code != "" {
			p.JurorIDs = []int64{j.ID}
			probs = append(probs, p)
		}
		seenJ[j.ID] = true
	}
	for _, p := range r.Preferences {
		if p.Weight < -AssignMaxWeight || p.Weight > AssignMaxWeight {
			probs = append(probs, assignInvalid("La préférence du juré %d pour le dossier %d doit être comprise entre -%d et %d.",
				p.JurorID, p.FileID, AssignMaxWeight, AssignMaxWeight))
		}
	}
	return probs
}

// index sorts files and jurors by ID and turns pair lists into sets.
func (s *assignSolver) index() {
	s.files = slices.SortedFunc(slices.Values(s.req.Files), func(a, b AssignFile) int { return cmp.Compare(a.ID, b.ID) })
	s.jurors = slices.SortedFunc(slices.Values(s.req.Jurors), func(a, b AssignJuror) int { return cmp.Compare(a.ID, b.ID) })
	s.fileAt = make(map[int64]int32, len(s.files))
	for i, f := range s.files {
		s.fileAt[f.ID] = int32(i)
	}
	s.jurorAt = make(map[int64]int32, len(s.jurors))
	for i, j := range s.jurors {
		s.jurorAt[j.ID] = int32(i)
	}
	s.blocked, s.kept, s.keptRap = map[uint64]bool{}, map[uint64]bool{}, map[int32]int32{}
	s.pref, s.avoid = map[uint64]int64{}, map[uint64]bool{}
	for _, p := range s.req.Conflicts {
		if f, j, ok := s.pairAt(p.FileID, p.JurorID); ok {
			s.blocked[assignKey(f, j)] = true
		}
	}
	for _, p := range s.req.Existing {
		if f, j, ok := s.pairAt(p.FileID, p.JurorID); ok && !s.isBlocked(f, j) {
			s.kept[assignKey(f, j)] = true
			if r, had := s.keptRap[f]; p.Rapporteur && s.eligible(j) && (!had || j < r) {
				s.keptRap[f] = j
			}
		}
	}
	for _, p := range s.req.Preferences {
		if f, j, ok := s.pairAt(p.FileID, p.JurorID); ok {
			s.pref[assignKey(f, j)] = int64(p.Weight)
		}
	}
	for _, p := range s.req.Avoid {
		a, okA := s.jurorAt[p.A]
		b, okB := s.jurorAt[p.B]
		if okA && okB && a != b {
			s.avoid[assignKey(min(a, b), max(a, b))] = true
		}
	}
}

func (s *assignSolver) pairAt(fileID, jurorID int64) (int32, int32, bool) {
	f, okF := s.fileAt[fileID]
	j, okJ := s.jurorAt[jurorID]
	return f, j, okF && okJ
}

// indexTags turns required tags into bits: Diversity first, then each
// file's own, in order of first appearance.
func (s *assignSolver) indexTags() {
	bit := map[string]int{}
	mask := func(tags []string, add bool) uint64 {
		var m uint64
		for _, t := range tags {
			i, ok := bit[t]
			if !ok && add && t != "" && len(s.tags) < 63 {
				i, ok = len(s.tags), true
				bit[t] = i
				s.tags = append(s.tags, t)
			}
			if ok {
				m |= 1 << i
			}
		}
		return m
	}
	mask(s.req.Diversity, true)
	s.need = make([]uint64, len(s.files))
	for f, file := range s.files {
		s.need[f] = mask(s.req.Diversity, false) | mask(file.Tags, true)
	}
	s.has = make([]uint64, len(s.jurors))
	for j, jr := range s.jurors {
		s.has[j] = mask(jr.Tags, false)
		if !jr.Assessor {
			s.has[j] |= assignElBit
		}
	}
}

// indexLoads counts jurors without a conflict per file and files per juror,
// and derives demands and effective loads.
func (s *assignSolver) indexLoads() {
	nf, nj := len(s.files), len(s.jurors)
	s.allowed, s.panel = make([]int, nj), make([]int, nf)
	s.avail, s.needsEl, s.demand = make([]uint64, nf), make([]bool, nf), make([]int, nf)
	keptOn := make([]int, nf)
	for k := range s.kept {
		keptOn[k>>32]++
	}
	for f := range nf {
		for j := range nj {
			if s.isBlocked(int32(f), int32(j)) {
				continue
			}
			s.allowed[j]++
			s.panel[f]++
			s.avail[f] |= s.has[j] & s.need[f]
			if s.jurors[j].Assessor && !s.req.NoRapporteur {
				s.needsEl[f] = true
			}
		}
		s.demand[f] = max(s.k, keptOn[f])
	}
	s.minLoad, s.maxLoad = make([]int, nj), make([]int, nj)
	for j, jr := range s.jurors {
		s.minLoad[j], s.maxLoad[j] = jr.Min, s.allowed[j]
		if jr.Max > 0 && jr.Max < s.allowed[j] {
			s.maxLoad[j] = jr.Max
		}
	}
}

// precheck finds, by counting, the reasons that no assignment can exist,
// so that the admin gets all the plain ones at once.
func (s *assignSolver) precheck() []AssignProblem {
	var probs []AssignProblem
	total, sumMax, sumMin := 0, 0, 0
	for f, file := range s.files {
		need := s.demand[f]
		if s.panel[f] < need {
			probs = append(probs, AssignProblem{Code: AssignCodeTooFewJurors, FileIDs: []int64{file.ID}, Have: s.panel[f], Need: need,
				Message: fmt.Sprintf("Le dossier %d n'a que %d juré(s) sans conflit pour %d relecteurs demandés.", file.ID, s.panel[f], need)})
		}
		if !s.req.NoRapporteur && !s.hasEligible(int32(f)) {
			probs = append(probs, assignNoRapporteur([]int64{file.ID}, false))
		}
		total += need
	}
	if s.full {
		return probs
	}
	for j, jr := range s.jurors {
		sumMax += s.maxLoad[j]
		sumMin += jr.Min
		if jr.Min > s.allowed[j] {
			probs = append(probs, AssignProblem{Code: AssignCodeMinUnreachable, JurorIDs: []int64{jr.ID}, Have: s.allowed[j], Need: jr.Min,
				Message: fmt.Sprintf("Le juré %d n'a que %d dossier(s) sans conflit pour une charge minimale de %d.", jr.ID, s.allowed[j], jr.Min)})
		}
	}
	if sumMax < total {
		probs = append(probs, AssignProblem{Code: AssignCodeMaxTooSmall, Have: sumMax, Need: total,
			Message: fmt.Sprintf("La somme des charges maximales (%d, compte tenu des conflits) est inférieure aux %d relectures demandées.", sumMax, total)})
	}
	if sumMin > total {
		probs = append(probs, AssignProblem{Code: AssignCodeMinTooLarge, Have: total, Need: sumMin,
			Message: fmt.Sprintf("La somme des charges minimales (%d) dépasse les %d relectures demandées.", sumMin, total)})
	}
	return probs
}

func (s *assignSolver) hasEligible(f int32) bool {
	for j := range s.jurors {
		if s.eligible(int32(j)) && !s.isBlocked(f, int32(j)) {
			return true
		}
	}
	return false
}

func (s *assignSolver) countLoads() {
	s.load = make([]int, len(s.jurors))
	s.filesOf = make([][]int32, len(s.jurors))
	for f, set := range s.sets {
		for _, j := range set {
			s.load[j]++
			s.filesOf[j] = append(s.filesOf[j], int32(f))
		}
	}
}

// minorCost is the preference-and-jitter cost of a pair: lower is better.
func (s *assignSolver) minorCost(f, j int32) int64 {
	c := -s.pref[assignKey(f, j)]
	if s.req.Jitter > 0 {
		h := assignMix(s.req.Seed ^ assignMix(uint64(s.files[f].ID)) ^ assignMix(assignMix(uint64(s.jurors[j].ID))))
		c += int64(h % uint64(s.req.Jitter+1))
	}
	return c
}

// assignMix is SplitMix64's finaliser: jitter depends only on the seed and
// the two IDs, never on the order of the request.
func assignMix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
