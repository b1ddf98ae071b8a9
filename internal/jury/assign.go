package jury

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
	// Min and Max bound the number of files. Max 0 means no cap: the juror
	// then gets an even share (assign_loads.go). Leave out of the request
	// a juror who must receive nothing.
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

// Assign proposes who reviews which file and who leads each one.
//
// What it guarantees when it returns no error:
//   - no conflicted pair is assigned;
//   - in reviewers mode, each file has exactly K reviewers (more only when
//     it already had more valid ones in Existing), and each juror's load
//     lies within [Min, Max];
//   - loads: the jurors without a Max share evenly what the jurors with
//     one leave (these take up to their Max first): max − min among them
//     is ≤ 1 whenever the rules allow it (the price of the loads is
//     checked against brute force);
//   - each file has one rapporteur among its reviewers, never an assessor,
//     and the rapporteur counts are as even as the reviewer sets allow: the
//     sum of their squares is least, hence max − min is least (≤ 1
//     whenever possible); kept rapporteurs come before evenness;
//   - the priorities are, in order: a reviewer able to be rapporteur on
//     every file (exact: otherwise an error), then as many valid Existing
//     assignments kept as possible (exact), then diversity, then avoided
//     pairs, then even loads, then preferences and jitter (least total
//     cost);
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
