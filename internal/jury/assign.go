package jury

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"tnl/internal/domain"
)

// The assignment of files to jurors (issue 6 §3, jury.md §4): a full panel
// or K reviewers per file, plus one rapporteur per file. Pure: the store
// loads the request, the web layer shows the result as a preview, edits it
// and releases it.

// AssignMode says how files are spread among jurors.
type AssignMode string

const (
	// AssignModeReviewers gives each file K reviewers; "" means the same.
	AssignModeReviewers AssignMode = "reviewers"
	// AssignModeFullPanel gives each file every juror without a conflict:
	// the default for up to about 40 files. Min and Max loads, preferences,
	// avoided pairs and diversity do not apply; K is the least number of
	// jurors without a conflict that each file must keep.
	AssignModeFullPanel AssignMode = "full_panel"
)

// AssignDefaultK is K when the request leaves it at 0: jury.md asks for at
// least three reviewers without a conflict per file.
const AssignDefaultK = 3

// AssignMaxWeight bounds the weight of a preference.
const AssignMaxWeight = 1000

// AssignFile is a file to review.
type AssignFile struct {
	ID   int64
	Tags []string // juror tags this file needs on top of AssignRequest.Diversity
}

// AssignJuror is a juror or an external assessor who can review files.
type AssignJuror struct {
	ID int64
	// Min and Max bound the number of files. Max 0 means no cap: leave out
	// of the request a juror who must receive nothing.
	Min, Max int
	Tags     []string // e.g. "technique", "elu"
	// Assessor marks an external assessor: they review, never vote, and
	// are never rapporteur, since the rapporteur presents the file at the
	// deliberation and drafts the jury's letter.
	Assessor bool
}

// AssignPair names a juror on a file. In AssignRequest.Conflicts it is a
// pair that must never be assigned (recusal, unavailability); in Existing
// an assignment already made, Rapporteur telling whether the juror leads it.
type AssignPair struct {
	FileID, JurorID int64
	Rapporteur      bool
}

// AssignAvoid names two jurors who should not review the same file
// (HotCRP's "bad pairs"). It is a wish, not a rule.
type AssignAvoid struct{ A, B int64 }

// AssignPreference tells how much a juror wants a file: a positive Weight
// draws them to it, a negative one keeps them away; |Weight| ≤
// AssignMaxWeight. A pair given twice keeps its last weight.
type AssignPreference struct {
	FileID, JurorID int64
	Weight          int
}

// AssignRequest is everything the solver needs. IDs in Conflicts, Avoid and
// Preferences that name no file or juror of the request are ignored;
// Existing assignments that do are reported as removed.
type AssignRequest struct {
	Mode   AssignMode
	K      int // reviewers per file; 0 means AssignDefaultK
	Files  []AssignFile
	Jurors []AssignJuror
	// Conflicts are hard: a conflicted pair is never assigned.
	Conflicts []AssignPair
	// Existing assignments are kept when still valid, so that a re-run
	// after late conflicts only fills the gaps. A file that already has
	// more than K valid reviewers keeps them all.
	Existing    []AssignPair
	Avoid       []AssignAvoid
	Preferences []AssignPreference
	// Diversity lists tags of which each file should get at least one
	// reviewer (e.g. "technique", "elu").
	Diversity []string
	// NoRapporteur skips choosing rapporteurs, e.g. for a first stage of
	// external assessors only.
	NoRapporteur bool
	// Jitter adds to each juror × file pair a pseudo-random cost in
	// [0, Jitter], drawn from Seed, to vary equally good assignments and
	// make them harder to game. The same request gives the same result.
	Jitter int
	Seed   uint64
}

// AssignedFile is one file's reviewers, sorted by ID, and its rapporteur
// (0 when the request asked for none).
type AssignedFile struct {
	FileID     int64
	Reviewers  []int64
	Rapporteur int64
}

// AssignRemovalReason says why an existing assignment was not kept.
type AssignRemovalReason string

const (
	AssignRemovedConflict AssignRemovalReason = "conflict" // the pair is now conflicted
	AssignRemovedUnknown  AssignRemovalReason = "unknown"  // the file or the juror is no longer in the request
	AssignRemovedMoved    AssignRemovalReason = "moved"    // needed elsewhere to meet loads or rules
)

// AssignRemoval is an existing assignment that the result drops.
type AssignRemoval struct {
	FileID, JurorID int64
	Reason          AssignRemovalReason
}

// AssignUnmet is a diversity tag that a file did not get.
type AssignUnmet struct {
	FileID int64
	Tag    string
}

// AssignTogether is an avoided pair of jurors who review the same file
// because no better assignment was found.
type AssignTogether struct {
	FileID int64
	A, B   int64
}

// AssignResult is a proposed assignment, for preview and release.
type AssignResult struct {
	Files    []AssignedFile   // sorted by file ID, one per requested file
	Added    []AssignPair     // pairs not in Existing
	Removed  []AssignRemoval  // pairs of Existing not kept
	Unmet    []AssignUnmet    // diversity tags not met, by file then tag order
	Together []AssignTogether // avoided pairs left together
}

// AssignCode is a stable code for one reason an assignment is impossible;
// the web layer translates from it and the problem's data.
type AssignCode string

const (
	// AssignCodeInvalid: the request itself is wrong (duplicate ID,
	// negative load, Min above Max, unknown mode…).
	AssignCodeInvalid AssignCode = "assign_invalid"
	// AssignCodeTooFewJurors: FileIDs[0] has Have jurors without a
	// conflict for Need reviewers.
	AssignCodeTooFewJurors AssignCode = "assign_too_few_jurors"
	// AssignCodeMaxTooSmall: the maximum loads (capped by each juror's
	// files without a conflict) add up to Have, below the Need reviews.
	AssignCodeMaxTooSmall AssignCode = "assign_max_too_small"
	// AssignCodeMinTooLarge: the minimum loads add up to Need, above the
	// Have reviews to hand out.
	AssignCodeMinTooLarge AssignCode = "assign_min_too_large"
	// AssignCodeMinUnreachable: JurorIDs[0] has Have files without a
	// conflict for a minimum load of Need.
	AssignCodeMinUnreachable AssignCode = "assign_min_unreachable"
	// AssignCodeNoRapporteur: FileIDs cannot get a reviewer who may be
	// rapporteur (every such juror is conflicted or fully loaded).
	AssignCodeNoRapporteur AssignCode = "assign_no_rapporteur"
	// AssignCodeOverloaded: together FileIDs need Need reviews but the
	// jurors they may have can give them at most Have, given conflicts and
	// loads (a minimum cut of the flow).
	AssignCodeOverloaded AssignCode = "assign_overloaded"
)

// AssignProblem is one reason an assignment is impossible, with a message
// in French for an administrator and the data to say it otherwise.
type AssignProblem struct {
	Code     AssignCode
	FileIDs  []int64
	JurorIDs []int64
	Have     int
	Need     int
	Message  string
}

// AssignError lists every problem found; it unwraps to a domain.Error of
// code EINVALID carrying the French text.
type AssignError struct{ Problems []AssignProblem }

func (e *AssignError) Error() string {
	const shown = 5
	var b strings.Builder
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "\n… et %d autres problèmes.", len(e.Problems)-shown)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

func (e *AssignError) Unwrap() error {
	return &domain.Error{Code: domain.EINVALID, Message: e.Error()}
}

// Assign proposes who reviews which file and who leads each one.
//
// What it guarantees when it returns no error:
//   - no conflicted pair is assigned;
//   - in reviewers mode, each file has exactly K reviewers (more only when
//     it already had more valid ones in Existing), and each juror's load
//     lies within [Min, Max];
//   - each file has one rapporteur among its reviewers, never an assessor,
//     and the rapporteur counts are as even as the reviewer sets allow: the
//     sum of their squares is least, hence max − min is least (≤ 1
//     whenever possible); kept rapporteurs come before evenness;
//   - the priorities are, in order: a reviewer able to be rapporteur on
//     every file (exact: otherwise an error), then as many valid Existing
//     assignments kept as possible (exact), then diversity, then avoided
//     pairs, then preferences and jitter (least total cost);
//   - diversity: the flow counts each reviewer towards one required tag at
//     most, eligibility to lead counting as a tag on a file that has an
//     allowed assessor. So when no juror holds two of a file's required
//     tags, the (file, tag) requirements met are the most possible: all of
//     them whenever some assignment within the rules meets them, and the
//     whole result is optimal on every level if no pair is avoided (checked
//     against brute force). Otherwise a repair pass (a reviewer replaced,
//     two files trading reviewers, or a three-juror exchange between two
//     files) meets what it can: on tiny adversarial inputs it misses the
//     most tags about once in a hundred, on the 5,000-file benchmark it
//     meets them all. What is left is listed in Unmet; avoided pairs are
//     repaired the same way and the rest listed in Together;
//   - the same request gives the same result.
//
// When no assignment can satisfy the hard rules it returns an *AssignError
// listing every reason found.
func Assign(req AssignRequest) (*AssignResult, error) {
	s, err := newAssignSolver(req)
	if err != nil {
		return nil, err
	}
	if s.full {
		err = s.fillPanel()
	} else {
		err = s.solveFlow()
	}
	if err != nil {
		return nil, err
	}
	if !s.full {
		s.repair()
	}
	if err := s.chooseRapporteurs(); err != nil {
		return nil, err
	}
	return s.result(), nil
}

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
	maxLoad []int // Max capped by allowed
	demand  []int
	sets    [][]int32 // per file: reviewers, sorted
	load    []int
	filesOf [][]int32 // per juror: files reviewed
	scores  []assignScore
	rap     []int32
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
	if probs := s.precheck(); len(probs) > 0 {
		return nil, &AssignError{probs}
	}
	return s, nil
}

func assignInvalid(format string, args ...any) AssignProblem {
	return AssignProblem{Code: AssignCodeInvalid, Message: fmt.Sprintf(format, args...)}
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

func assignNoRapporteur(ids []int64, loads bool) AssignProblem {
	why := "tous les jurés pouvant l'être sont en conflit (un expert extérieur ne peut pas être rapporteur)"
	if loads {
		why = "les charges maximales ne laissent aucun juré pouvant l'être (un expert extérieur ne peut pas être rapporteur)"
	}
	return AssignProblem{Code: AssignCodeNoRapporteur, FileIDs: ids, Need: 1,
		Message: fmt.Sprintf("Impossible de donner un rapporteur %s : %s.", assignFilesPhrase(ids), why)}
}

// assignFilesPhrase says "au dossier 3" or "aux dossiers 3, 5 et 9 (et 4
// autres)".
func assignFilesPhrase(ids []int64) string {
	if len(ids) == 1 {
		return "au dossier " + strconv.FormatInt(ids[0], 10)
	}
	return "aux dossiers " + assignIDList(ids)
}

func assignIDList(ids []int64) string {
	const shown = 10
	parts := make([]string, 0, min(len(ids), shown))
	for _, id := range ids[:min(len(ids), shown)] {
		parts = append(parts, strconv.FormatInt(id, 10))
	}
	if len(ids) > shown {
		return strings.Join(parts, ", ") + fmt.Sprintf(" (et %d autres)", len(ids)-shown)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " et " + parts[len(parts)-1]
}

// fillPanel assigns every juror without a conflict to every file.
func (s *assignSolver) fillPanel() error {
	s.sets = make([][]int32, len(s.files))
	for f := range s.files {
		for j := range s.jurors {
			if !s.isBlocked(int32(f), int32(j)) {
				s.sets[f] = append(s.sets[f], int32(j))
			}
		}
	}
	s.countLoads()
	return nil
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

// solveFlow builds the graph source → file → [tag → class] → juror → sink
// and reads the assignment from a minimum-cost maximum flow.
//
// Each file's jurors are grouped in classes by the required tags they hold
// (eligibility to be rapporteur counts as a tag when the file has allowed
// assessors). A node per (file, tag) takes one unit at a bonus and passes it
// to the classes holding that tag, so the first reviewer of each tag earns
// the bonus and no juror is reachable twice from a file.
//
// Loads: juror → sink carries Min (the lower bound), juror → over carries
// Max − Min, and over → sink the total demand less the sum of minima; a
// flow of the whole demand therefore exists if and only if every file gets
// its reviewers and every juror at least Min.
func (s *assignSolver) solveFlow() error {
	g := &flowGraph{}
	src, sink, over := g.addNode(), g.addNode(), g.addNode()
	jn := make([]int32, len(s.jurors))
	total, sumMin := 0, 0
	for f := range s.files {
		total += s.demand[f]
	}
	for j := range s.jurors {
		jn[j] = g.addNode()
		g.addEdge(jn[j], sink, s.minLoad[j], flowCost{})
		g.addEdge(jn[j], over, s.maxLoad[j]-s.minLoad[j], flowCost{})
		sumMin += s.minLoad[j]
	}
	g.addEdge(over, sink, total-sumMin, flowCost{})
	w := s.weights()
	srcEdge := make([]int32, len(s.files))
	fileNode := make([]int32, len(s.files))
	pairs := make([][]assignEdge, len(s.files))
	for f := range s.files {
		fileNode[f] = g.addNode()
		srcEdge[f] = g.addEdge(src, fileNode[f], s.demand[f], flowCost{})
		pairs[f] = s.addFileEdges(g, int32(f), fileNode[f], jn, w)
	}
	if got := g.minCostFlow(src, sink, total); got < total {
		return s.overloaded(g, src, over, srcEdge, fileNode)
	}
	s.sets = make([][]int32, len(s.files))
	for f, list := range pairs {
		for _, p := range list {
			if g.flow(p.edge) > 0 {
				s.sets[f] = append(s.sets[f], p.juror)
			}
		}
	}
	s.countLoads()
	return s.checkEligible()
}

type assignEdge struct {
	edge  int32
	juror int32
}

// assignWeights are the major-cost bonuses, each larger than everything
// that the levels below can add up to, so that the levels are strictly
// lexicographic: el ≫ keep ≫ tag.
type assignWeights struct{ tag, keep, el int64 }

func (s *assignSolver) weights() assignWeights {
	var tagReqs int64
	for _, m := range s.need {
		tagReqs += int64(bits.OnesCount64(m))
	}
	keep := tagReqs + 1
	return assignWeights{tag: 1, keep: keep, el: keep*int64(len(s.kept)) + tagReqs + 1}
}

// addFileEdges adds file f's class and tag nodes and its edges to jurors,
// returning the file → juror edges in juror order.
func (s *assignSolver) addFileEdges(g *flowGraph, f, fn int32, jn []int32, w assignWeights) []assignEdge {
	req := s.need[f]
	if s.needsEl[f] {
		req |= assignElBit
	}
	class := map[uint64]int32{}
	tagNode := map[int]int32{}
	var out []assignEdge
	for j := range s.jurors {
		if s.isBlocked(f, int32(j)) {
			continue
		}
		from, sig := fn, s.has[j]&req
		if sig != 0 {
			c, ok := class[sig]
			if !ok {
				c = g.addNode()
				class[sig] = c
				g.addEdge(fn, c, s.demand[f], flowCost{})
				for m := sig; m != 0; m &= m - 1 {
					b := bits.TrailingZeros64(m)
					t, ok := tagNode[b]
					if !ok {
						t = g.addNode()
						tagNode[b] = t
						bonus := w.tag
						if uint64(1)<<b == assignElBit {
							bonus = w.el
						}
						g.addEdge(fn, t, 1, flowCost{major: -bonus})
					}
					g.addEdge(t, c, 1, flowCost{})
				}
			}
			from = c
		}
		c := flowCost{minor: s.minorCost(f, int32(j))}
		if s.kept[assignKey(f, int32(j))] {
			c.major = -w.keep
		}
		out = append(out, assignEdge{g.addEdge(from, jn[j], 1, c), int32(j)})
	}
	return out
}

// overloaded explains a flow short of the demand with a minimum cut: the
// files the source still reaches in the residual graph cannot, together,
// receive more than they got, whatever the assignment.
func (s *assignSolver) overloaded(g *flowGraph, src, over int32, srcEdge, fileNode []int32) error {
	seen := g.reach(src)
	var ids []int64
	have, need := 0, 0
	for f, file := range s.files {
		if seen[fileNode[f]] {
			ids = append(ids, file.ID)
			have += g.flow(srcEdge[f])
			need += s.demand[f]
		}
	}
	msg := fmt.Sprintf("Impossible de donner %d relecteurs %s : avec les conflits et les charges maximales, ils ne peuvent recevoir ensemble que %d relectures sur les %d nécessaires.",
		s.k, assignEachPhrase(ids), have, need)
	if seen[over] {
		msg += " Les charges minimales des autres jurés en retiennent une partie."
	}
	return &AssignError{[]AssignProblem{{Code: AssignCodeOverloaded, FileIDs: ids, Have: have, Need: need, Message: msg}}}
}

func assignEachPhrase(ids []int64) string {
	if len(ids) == 1 {
		return "au dossier " + strconv.FormatInt(ids[0], 10)
	}
	return "à chacun des dossiers " + assignIDList(ids)
}

// checkEligible fails when some file got no reviewer who may be rapporteur;
// the flow maximised their number, so no assignment does better.
func (s *assignSolver) checkEligible() error {
	if s.req.NoRapporteur {
		return nil
	}
	var ids []int64
	for f, set := range s.sets {
		if !slices.ContainsFunc(set, s.eligible) {
			ids = append(ids, s.files[f].ID)
		}
	}
	if len(ids) > 0 {
		return &AssignError{[]AssignProblem{assignNoRapporteur(ids, true)}}
	}
	return nil
}

// assignRepairBudget bounds the repair pass (in candidate moves weighed),
// so that an input where diversity cannot be met everywhere still answers
// in seconds.
const assignRepairBudget = 20_000_000

// assignScore is one file's standing in the repair pass. Levels compare in
// order: el, keep and tags count up, avoid (pairs together) and minor
// (preference and jitter cost) count down.
type assignScore struct {
	el, keep, tags, avoid int
	minor                 int64
}

func (a assignScore) plus(b assignScore) assignScore {
	return assignScore{a.el + b.el, a.keep + b.keep, a.tags + b.tags, a.avoid + b.avoid, a.minor + b.minor}
}

func (a assignScore) minus(b assignScore) assignScore {
	return assignScore{a.el - b.el, a.keep - b.keep, a.tags - b.tags, a.avoid - b.avoid, a.minor - b.minor}
}

// improves reports whether a change of score is for the better.
func (d assignScore) improves() bool {
	for _, v := range [...]int64{int64(d.el), int64(d.keep), int64(d.tags), -int64(d.avoid), -d.minor} {
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
		if cFree && bSpare && dF.improves() {
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
		if dF.plus(s.score(g, s.sets[g], c, d).minus(s.scores[g])).improves() {
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
			if dF.plus(s.score(h, s.sets[h], d, b).minus(s.scores[h])).improves() {
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
