package domain

import (
	"errors"
	"reflect"
	"testing"
)

// wantGrid is the policy written a second time, by hand, one string per
// action × role with one character per phase, in the order of Phases:
//
//	S setup, O open, C closed, A attestation, G assignment, R review,
//	D discussion, L deliberation, Z sealed, P published, X archived.
//
// A missing role means "never". The characters say what the viewer needs:
//
//	. never              * always, even recused   w own file, even recused
//	u not recused        o not recused, own file  a not recused, attested
//	s a + assigned       p a + own proposal       q s + own proposal
//	v a + president recused                        r s + rapporteur of the file
//	y a + (rapporteur and assigned, or president recused)
var wantGrid = map[Action]map[JuryRole]string{
	//                            "SOCAGRDLZPX"
	ActSeeNames: {JurySecretariat: ".**********", JuryPresident: "..*********", JuryVicePresident: "..*********",
		JuryJuror: "..*********", JuryAssessor: "..*********", JuryObserver: "........***"},
	ActSeeFile: {JurySecretariat: "..uuuuuuuuu", JuryPresident: "...aaaaaaaa", JuryVicePresident: "...aaaaaaaa",
		JuryJuror: "...aaaaaaaa", JuryAssessor: ".....ssssss", JuryApplicant: "ooooooooooo"},
	ActSeeConflictsAll: {JurySecretariat: "..uuuuuuuuu", JuryPresident: "..uuuuuuuuu"},
	ActSeeConflictsOwn: {JurySecretariat: "..*********", JuryPresident: "..*********", JuryVicePresident: "..*********",
		JuryJuror: "..*********", JuryAssessor: "..*********", JuryObserver: "........***", JuryApplicant: ".wwwwwwwwww"},
	ActDeclareConflict: {JuryPresident: "..uuuuuu...", JuryVicePresident: "..uuuuuu...", JuryJuror: "..uuuuuu...",
		JuryAssessor: "..uuuuuu...", JuryApplicant: ".oooo......"},
	ActAttest: {JuryPresident: "...uuuuu...", JuryVicePresident: "...uuuuu...", JuryJuror: "...uuuuu...",
		JuryAssessor: "...uuuuu..."},
	ActManageConflicts:   {JurySecretariat: "..uuuuuu..."},
	ActSeeAssignmentsAll: {JurySecretariat: "....uuuuuuu", JuryPresident: "....uuuuuuu"},
	ActSeeAssignmentsOwn: {JuryPresident: ".....uuuuuu", JuryVicePresident: ".....uuuuuu", JuryJuror: ".....uuuuuu",
		JuryAssessor: ".....uuuuuu"},
	ActManageAssignments: {JurySecretariat: "....uuu...."},
	ActWriteReview: {JuryPresident: ".....ss....", JuryVicePresident: ".....ss....", JuryJuror: ".....ss....",
		JuryAssessor: ".....ss...."},
	ActSeeOwnReview: {JuryPresident: ".....aaaaaa", JuryVicePresident: ".....aaaaaa", JuryJuror: ".....aaaaaa",
		JuryAssessor: ".....ssssss"},
	ActSeeReviews: {JurySecretariat: ".....uuuuuu", JuryPresident: ".....aaaaaa", JuryVicePresident: "......aaaaa",
		JuryJuror: "......aaaaa", JuryAssessor: "......sssss"},
	ActSeeApplicantTexts: {JurySecretariat: ".....uuuuuu", JuryPresident: ".....aaaaaa", JuryVicePresident: "......aaaaa",
		JuryJuror: "......aaaaa", JuryAssessor: "......sssss", JuryApplicant: ".........oo"},
	ActSeeAggregates: {JurySecretariat: ".....uuuuuu", JuryPresident: ".....aaaaaa", JuryVicePresident: "......aaaaa",
		JuryJuror: "......aaaaa", JuryObserver: "........uuu"},
	ActSeeIndicative: {JurySecretariat: ".....uuuuuu", JuryPresident: ".....aaaaaa", JuryVicePresident: ".....pppppp",
		JuryJuror: ".....pppppp", JuryAssessor: ".....qqqqqq", JuryApplicant: "ooooooooooo"},
	ActSeePrevious: {JurySecretariat: "uuuuuuuuuuu", JuryPresident: "......aaaaa", JuryVicePresident: "......aaaaa",
		JuryJuror: "......aaaaa", JuryAssessor: "......sssss", JuryApplicant: "ooooooooooo"},
	ActComment: {JurySecretariat: "......uu...", JuryPresident: "......aa...", JuryVicePresident: "......aa...",
		JuryJuror: "......aa...", JuryAssessor: "......s...."},
	ActChair:    {JuryPresident: ".......a...", JuryVicePresident: ".......v..."},
	ActVote:     {JuryPresident: ".......a...", JuryVicePresident: ".......a...", JuryJuror: ".......a..."},
	ActNominate: {JuryPresident: ".....aaa...", JuryVicePresident: ".....aaa...", JuryJuror: ".....aaa..."},
	ActSeeDecisions: {JurySecretariat: ".......uuuu", JuryPresident: ".......aaaa", JuryVicePresident: ".......aaaa",
		JuryJuror: ".......aaaa", JuryObserver: "........uuu", JuryApplicant: ".........oo", JuryPublic: ".........uu"},
	ActSeeMinutes: {JurySecretariat: ".......uuuu", JuryPresident: ".......aaaa", JuryVicePresident: "........aaa",
		JuryJuror: "........aaa", JuryObserver: "........uuu"},
	ActSeal:        {JuryPresident: ".......a..."},
	ActSwitchPhase: {JurySecretariat: "uuuuuuuuuu."},
	ActSeeStatsOwn: {JuryPresident: "......aaaaa", JuryVicePresident: "......aaaaa", JuryJuror: "......aaaaa",
		JuryAssessor: "......aaaaa"},
	ActSeeStatsAll: {JurySecretariat: ".....uuuuuu", JuryPresident: ".....aaaaaa"},
	ActSeeAudit:    {JurySecretariat: "uuuuuuuuuuu", JuryPresident: "uuuuuuuuuuu"},
	ActExport:      {JurySecretariat: "..uuuuuuuuu", JuryPresident: ".....aaaaaa"},
	//                               "SOCAGRDLZPX"
	ActSeeSecretariatNote: {JurySecretariat: ".....uuuuuu"},
	ActRemind:             {JurySecretariat: ".....uu...."},
	ActEditAgenda:         {JurySecretariat: "......uu...", JuryPresident: "......aa..."},
	ActSeeLetter: {JurySecretariat: ".....uuuuuu", JuryPresident: ".....aaaaaa", JuryVicePresident: "......yyyyy",
		JuryJuror: "......rrrrr"},
	ActDraftLetter:    {JuryPresident: "......rrr..", JuryVicePresident: "......rrr..", JuryJuror: "......rrr.."},
	ActApproveLetter:  {JuryPresident: "......aaa..", JuryVicePresident: "......vvv.."},
	ActSeeSealDetails: {JurySecretariat: "........uuu", JuryPresident: "........aaa"},
	ActRequestReopen:  {JurySecretariat: "........uu.", JuryPresident: "........aa.", JuryVicePresident: "........vv."},
	ActConfirmReopen:  {JurySecretariat: "........uu.", JuryPresident: "........aa.", JuryVicePresident: "........vv."},
}

// wantCan decodes one grid character for one viewer, without the table.
func wantCan(c byte, v Viewer) bool {
	clean := !v.Recused
	switch c {
	case '.':
		return false
	case '*':
		return true
	case 'w':
		return v.Own
	case 'u':
		return clean
	case 'o':
		return clean && v.Own
	case 'a':
		return clean && v.Attested
	case 's':
		return clean && v.Attested && v.Assigned
	case 'p':
		return clean && v.Attested && v.OwnProposal
	case 'q':
		return clean && v.Attested && v.Assigned && v.OwnProposal
	case 'v':
		return clean && v.Attested && v.PresidentRecused
	case 'r':
		return clean && v.Attested && v.Assigned && v.Rapporteur
	case 'y':
		return clean && v.Attested && (v.Assigned && v.Rapporteur || v.PresidentRecused)
	}
	panic("unknown grid character " + string(c))
}

// factCount is the number of boolean facts of a Viewer: variants walks
// every combination of them.
const factCount = 8

// variants returns the 2^factCount combinations of facts for role.
func variants(role JuryRole) []Viewer {
	var vs []Viewer
	for m := range 1 << factCount {
		bit := func(i int) bool { return m&(1<<i) != 0 }
		vs = append(vs, Viewer{Role: role, Attested: bit(0), Recused: bit(1), Disclosed: bit(2),
			Assigned: bit(3), OwnProposal: bit(4), PresidentRecused: bit(5), Own: bit(6), Rapporteur: bit(7)})
	}
	return vs
}

// TestVariantsCoverEveryFact fails when Viewer gains a fact that variants
// does not walk: the grid would then say nothing about it.
func TestVariantsCoverEveryFact(t *testing.T) {
	if n := reflect.TypeFor[Viewer]().NumField() - 1; n != factCount { // minus Role
		t.Fatalf("Viewer has %d facts, the grid walks %d", n, factCount)
	}
	seen := map[Viewer]bool{}
	for _, v := range variants(JuryJuror) {
		seen[v] = true
	}
	if len(seen) != 1<<factCount {
		t.Fatalf("%d distinct variants, want %d", len(seen), 1<<factCount)
	}
}

// eachCell calls f for every action × role × phase × variant.
func eachCell(f func(v Viewer, a Action, p Phase)) {
	for _, a := range Actions {
		for _, r := range JuryRoles {
			for _, v := range variants(r) {
				for _, p := range Phases {
					f(v, a, p)
				}
			}
		}
	}
}

func TestPolicyGrid(t *testing.T) {
	if len(wantGrid) != len(Actions) {
		t.Fatalf("the grid has %d actions, Actions has %d", len(wantGrid), len(Actions))
	}
	for a, row := range wantGrid {
		for r, s := range row {
			if !a.Valid() || !r.Valid() || len(s) != len(Phases) {
				t.Fatalf("bad grid row %s/%s %q", a, r, s)
			}
		}
	}
	cells, allowed, failures := 0, 0, 0
	for _, a := range Actions {
		for _, r := range JuryRoles {
			row := wantGrid[a][r]
			for i, p := range Phases {
				c := byte('.')
				if row != "" {
					c = row[i]
				}
				for _, v := range variants(r) {
					got, want := Can(v, a, p), wantCan(c, v)
					cells++
					if got {
						allowed++
					}
					if got != want && failures < 20 {
						failures++
						t.Errorf("Can(%+v, %s, %s) = %v, grid %q says %v", v, a, p, got, c, want)
					}
				}
			}
		}
	}
	if want := len(Actions) * len(JuryRoles) * len(Phases) * (1 << factCount); cells != want || allowed == 0 || allowed == cells {
		t.Fatalf("walked %d cells (want %d), %d allowed", cells, want, allowed)
	}
}

func TestPolicyTableWellFormed(t *testing.T) {
	for a, row := range policy {
		for r, g := range row {
			if !a.Valid() || !r.Valid() || !g.from.Valid() || (g.to != "" && !g.to.AtLeast(g.from)) {
				t.Errorf("row %s/%s %+v is malformed", a, r, g)
			}
		}
	}
}

func TestCanRefusesUnknownInput(t *testing.T) {
	admin := Viewer{Role: JurySecretariat}
	for _, c := range []struct {
		v Viewer
		a Action
		p Phase
	}{
		{admin, ActSeeAudit, "bogus"}, {admin, ActSeeAudit, ""}, {admin, "bogus", PhaseReview},
		{Viewer{Role: "admin"}, ActSeeAudit, PhaseReview}, {Viewer{}, ActSeeNames, PhaseReview},
	} {
		if Can(c.v, c.a, c.p) {
			t.Errorf("Can(%+v, %q, %q) allowed", c.v, c.a, c.p)
		}
	}
	if !Can(admin, ActSeeAudit, PhaseReview) {
		t.Fatal("the control case must be allowed")
	}
}

// never fails for every allowed cell where forbidden holds.
func never(t *testing.T, what string, forbidden func(v Viewer, a Action, p Phase) bool) {
	t.Helper()
	eachCell(func(v Viewer, a Action, p Phase) {
		if forbidden(v, a, p) && Can(v, a, p) {
			t.Errorf("%s: Can(%+v, %s, %s) allowed", what, v, a, p)
		}
	})
}

func TestRecusedSeesOnlyTheNameAndTheRecusal(t *testing.T) {
	never(t, "recused", func(v Viewer, a Action, _ Phase) bool {
		return v.Recused && a != ActSeeNames && a != ActSeeConflictsOwn
	})
	v := Viewer{Role: JuryJuror, Recused: true, Attested: true, Assigned: true, OwnProposal: true}
	if !Can(v, ActSeeNames, PhaseDeliberation) || !Can(v, ActSeeConflictsOwn, PhaseDeliberation) {
		t.Fatal("a recused juror must still see the name and that they are recused")
	}
}

func TestOnlyCleanAssignedScorersWriteReviews(t *testing.T) {
	scorer := map[JuryRole]bool{JuryPresident: true, JuryVicePresident: true, JuryJuror: true, JuryAssessor: true}
	never(t, "write review", func(v Viewer, a Action, p Phase) bool {
		ok := scorer[v.Role] && v.Attested && v.Assigned && !v.Recused && (p == PhaseReview || p == PhaseDiscussion)
		return a == ActWriteReview && !ok
	})
	for r := range scorer {
		if !Can(Viewer{Role: r, Attested: true, Assigned: true}, ActWriteReview, PhaseReview) {
			t.Errorf("%s cannot review an assigned file", r)
		}
	}
}

func TestSecretariatAndAssessorLimits(t *testing.T) {
	secretariatNever := map[Action]bool{ActWriteReview: true, ActSeeOwnReview: true, ActVote: true,
		ActNominate: true, ActChair: true, ActSeal: true, ActDraftLetter: true, ActApproveLetter: true}
	never(t, "secretariat", func(v Viewer, a Action, _ Phase) bool {
		return v.Role == JurySecretariat && secretariatNever[a]
	})
	assessorNever := map[Action]bool{ActVote: true, ActChair: true, ActNominate: true, ActSeeAggregates: true,
		ActSeeDecisions: true, ActSeeMinutes: true, ActSeeConflictsAll: true, ActSeeAssignmentsAll: true,
		ActSeeSecretariatNote: true, ActRemind: true, ActEditAgenda: true, ActSeeLetter: true, ActDraftLetter: true,
		ActApproveLetter: true, ActSeeSealDetails: true, ActRequestReopen: true, ActConfirmReopen: true}
	never(t, "assessor", func(v Viewer, a Action, p Phase) bool {
		files := a == ActSeeFile || a == ActSeeReviews || a == ActComment || a == ActSeeOwnReview
		return v.Role == JuryAssessor && (assessorNever[a] || files && !v.Assigned ||
			a == ActComment && p == PhaseDeliberation)
	})
}

func TestEmbargo(t *testing.T) {
	results := map[Action]bool{ActSeeDecisions: true, ActSeeAggregates: true, ActSeeMinutes: true,
		ActSeeApplicantTexts: true, ActSeeReviews: true, ActSeeLetter: true, ActSeeSealDetails: true}
	never(t, "applicant or public before publication", func(v Viewer, a Action, p Phase) bool {
		return (v.Role == JuryApplicant || v.Role == JuryPublic) && results[a] && p.Before(PhasePublished)
	})
	never(t, "observer before sealing", func(v Viewer, _ Action, p Phase) bool {
		return v.Role == JuryObserver && p.Before(PhaseSealed)
	})
	never(t, "public beyond the results page", func(v Viewer, a Action, _ Phase) bool {
		return v.Role == JuryPublic && a != ActSeeDecisions
	})
	never(t, "applicant on another file", func(v Viewer, _ Action, _ Phase) bool {
		return v.Role == JuryApplicant && !v.Own
	})
	never(t, "observer sees nothing individual", func(v Viewer, a Action, _ Phase) bool {
		return v.Role == JuryObserver && (a == ActSeeFile || a == ActSeeReviews || a == ActSeeStatsAll ||
			a == ActSeeApplicantTexts || a == ActSeeConflictsAll || a == ActSeeSecretariatNote || a == ActSeeLetter)
	})
}

func TestVicePresidentChairsOnlyForARecusedPresident(t *testing.T) {
	never(t, "chair", func(v Viewer, a Action, _ Phase) bool {
		return a == ActChair && (v.Role == JuryVicePresident && !v.PresidentRecused ||
			v.Role != JuryVicePresident && v.Role != JuryPresident)
	})
	vp := Viewer{Role: JuryVicePresident, Attested: true, PresidentRecused: true}
	if !Can(vp, ActChair, PhaseDeliberation) {
		t.Fatal("the vice-president must chair where the president is recused")
	}
}

func TestJurorsSeeNothingBeforeAttestationOrRelease(t *testing.T) {
	scorer := map[JuryRole]bool{JuryPresident: true, JuryVicePresident: true, JuryJuror: true, JuryAssessor: true}
	content := map[Action]bool{ActSeeFile: true, ActSeeReviews: true, ActSeeApplicantTexts: true,
		ActSeeAggregates: true, ActSeeIndicative: true, ActSeePrevious: true, ActWriteReview: true, ActVote: true}
	never(t, "content before attestation", func(v Viewer, a Action, _ Phase) bool {
		return scorer[v.Role] && content[a] && !v.Attested
	})
	never(t, "assignments before release", func(v Viewer, a Action, p Phase) bool {
		return v.Role != JurySecretariat && v.Role != JuryPresident && p.Before(PhaseReview) &&
			(a == ActSeeAssignmentsOwn || a == ActSeeAssignmentsAll)
	})
	never(t, "indicative before own proposal", func(v Viewer, a Action, _ Phase) bool {
		return a == ActSeeIndicative && !v.OwnProposal &&
			(v.Role == JuryJuror || v.Role == JuryVicePresident || v.Role == JuryAssessor)
	})
}

func TestNothingChangesAfterSealing(t *testing.T) {
	writes := map[Action]bool{ActDeclareConflict: true, ActAttest: true, ActManageConflicts: true,
		ActManageAssignments: true, ActWriteReview: true, ActComment: true, ActChair: true, ActVote: true,
		ActNominate: true, ActSeal: true, ActRemind: true, ActEditAgenda: true}
	never(t, "write after sealing", func(v Viewer, a Action, p Phase) bool {
		return writes[a] && p.AtLeast(PhaseSealed) || a == ActSwitchPhase && p == PhaseArchived
	})
	// The letters go out with the results; a sealed decision changes only
	// through the reopening, which exists only once sealed, and never once
	// archived.
	never(t, "letter after publication", func(v Viewer, a Action, p Phase) bool {
		return (a == ActDraftLetter || a == ActApproveLetter) && (p.AtLeast(PhasePublished) || p.Before(PhaseDiscussion))
	})
	never(t, "reopening outside sealed and published", func(v Viewer, a Action, p Phase) bool {
		return (a == ActRequestReopen || a == ActConfirmReopen) && p != PhaseSealed && p != PhasePublished
	})
}

func TestLettersByTheRapporteurApprovedByWhoeverChairs(t *testing.T) {
	never(t, "draft", func(v Viewer, a Action, _ Phase) bool {
		return a == ActDraftLetter && !(v.Rapporteur && v.Assigned)
	})
	never(t, "approve", func(v Viewer, a Action, _ Phase) bool {
		chairs := v.Role == JuryPresident || v.Role == JuryVicePresident && v.PresidentRecused
		return a == ActApproveLetter && !chairs
	})
	never(t, "read", func(v Viewer, a Action, _ Phase) bool {
		mine := v.Rapporteur && v.Assigned
		approver := v.Role == JuryPresident || v.Role == JuryVicePresident && v.PresidentRecused
		return a == ActSeeLetter && !mine && !approver && v.Role != JurySecretariat
	})
	lead := Viewer{Role: JuryJuror, Attested: true, Assigned: true, Rapporteur: true}
	if !Can(lead, ActDraftLetter, PhaseDiscussion) || !Can(lead, ActSeeLetter, PhaseArchived) || Can(lead, ActApproveLetter, PhaseDiscussion) {
		t.Fatal("the rapporteur drafts and reads their file's letter, and does not approve it")
	}
	vice := Viewer{Role: JuryVicePresident, Attested: true, PresidentRecused: true}
	if !Can(vice, ActApproveLetter, PhaseSealed) || !Can(vice, ActSeeLetter, PhaseSealed) || Can(vice, ActDraftLetter, PhaseSealed) {
		t.Fatal("the vice-president approves the letters of the files the president is recused from")
	}
}

func TestReopeningNeedsThePresidentAndAnAdmin(t *testing.T) {
	never(t, "reopening parties", func(v Viewer, a Action, _ Phase) bool {
		party := v.Role == JurySecretariat || v.Role == JuryPresident || v.Role == JuryVicePresident && v.PresidentRecused
		return (a == ActRequestReopen || a == ActConfirmReopen) && !party
	})
	never(t, "sealed details", func(v Viewer, a Action, _ Phase) bool {
		return a == ActSeeSealDetails && v.Role != JurySecretariat && v.Role != JuryPresident
	})
	for _, v := range []Viewer{{Role: JurySecretariat}, {Role: JuryPresident, Attested: true},
		{Role: JuryVicePresident, Attested: true, PresidentRecused: true}} {
		for _, a := range []Action{ActRequestReopen, ActConfirmReopen} {
			if !Can(v, a, PhaseSealed) || !Can(v, a, PhasePublished) || Can(v, a, PhaseArchived) {
				t.Errorf("%s: %s in sealed and published only", v.Role, a)
			}
		}
	}
}

func TestHolds(t *testing.T) {
	for _, c := range []struct {
		r    JuryRole
		a    Action
		want bool
	}{
		{JurySecretariat, ActExport, true}, {JuryPresident, ActExport, true}, {JuryJuror, ActExport, false},
		{JuryObserver, ActSeeAssignmentsOwn, false}, {JuryAssessor, ActSeeAssignmentsOwn, true},
		{JurySecretariat, ActWriteReview, false}, {JuryJuror, ActWriteReview, true}, {JuryObserver, ActWriteReview, false},
		{"bogus", ActExport, false}, {JurySecretariat, "bogus", false},
	} {
		if got := Holds(c.r, c.a); got != c.want {
			t.Errorf("Holds(%s, %s) = %v", c.r, c.a, got)
		}
	}
	// Holds is the table's row, whatever the phase and the facts.
	for _, a := range Actions {
		for _, r := range JuryRoles {
			some := false
			for _, v := range variants(r) {
				for _, p := range Phases {
					some = some || Can(v, a, p)
				}
			}
			if some != Holds(r, a) {
				t.Errorf("Holds(%s, %s) = %v, but some cell says %v", r, a, Holds(r, a), some)
			}
		}
	}
}

func TestDuring(t *testing.T) {
	for _, a := range Actions {
		for _, p := range Phases {
			some := false
			for _, r := range JuryRoles {
				for _, v := range variants(r) {
					some = some || Can(v, a, p)
				}
			}
			if some != During(a, p) {
				t.Errorf("During(%s, %s) = %v, but the cells say %v", a, p, During(a, p), some)
			}
		}
	}
	if During(ActRequestReopen, PhaseDeliberation) || !During(ActRequestReopen, PhasePublished) ||
		During(ActRequestReopen, PhaseArchived) || During(ActRequestReopen, "bogus") {
		t.Error("the reopening exists from sealing to publication")
	}
}

func TestDisclosedChangesNothing(t *testing.T) {
	eachCell(func(v Viewer, a Action, p Phase) {
		w := v
		w.Disclosed = !v.Disclosed
		if Can(v, a, p) != Can(w, a, p) {
			t.Errorf("Disclosed changes Can(%+v, %s, %s)", v, a, p)
		}
	})
}

func TestPhases(t *testing.T) {
	if len(Phases) != 11 || Phases[0] != PhaseSetup || Phases[10] != PhaseArchived {
		t.Fatalf("Phases = %v", Phases)
	}
	for i, p := range Phases {
		if got, err := ParsePhase(string(p)); got != p || err != nil {
			t.Errorf("ParsePhase(%q) = %q, %v", p, got, err)
		}
		next, ok := p.Next()
		if want := i < len(Phases)-1; ok != want || ok && next != Phases[i+1] {
			t.Errorf("%s.Next() = %q, %v", p, next, ok)
		}
		for j, q := range Phases {
			if p.Before(q) != (i < j) || p.AtLeast(q) != (i >= j) {
				t.Errorf("%s against %s: Before %v, AtLeast %v", p, q, p.Before(q), p.AtLeast(q))
			}
		}
	}
	for _, bad := range []string{"", "Review", "calibration", "review "} {
		if _, err := ParsePhase(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParsePhase(%q) error %v, want code %s", bad, err, EINVALID)
		}
		p := Phase(bad)
		if p.Before(PhaseArchived) || p.AtLeast(PhaseSetup) || PhaseSetup.Before(p) {
			t.Errorf("unknown phase %q compares as known", bad)
		}
		if _, ok := p.Next(); ok {
			t.Errorf("unknown phase %q has a next phase", bad)
		}
	}
	if PhaseReview.Key() != "jury.phase.review" || JuryVicePresident.Key() != "jury.role.vice_president" {
		t.Error("message keys are stable ids and must not change")
	}
}

func TestJuryRoles(t *testing.T) {
	assignable := 0
	for _, r := range JuryRoles {
		if got, err := ParseJuryRole(string(r)); got != r || err != nil {
			t.Errorf("ParseJuryRole(%q) = %q, %v", r, got, err)
		}
		if r.Assignable() {
			assignable++
		}
	}
	if assignable != 6 || JuryApplicant.Assignable() || JuryPublic.Assignable() || JuryRole("admin").Assignable() {
		t.Errorf("%d assignable roles, want the six jury.md roles", assignable)
	}
	if _, err := ParseJuryRole("admin"); ErrorCode(err) != EINVALID {
		t.Errorf("ParseJuryRole(admin) error %v", err)
	}
}

func TestCanSwitch(t *testing.T) {
	for _, c := range []struct {
		from, to Phase
		want     SwitchReason // "" means allowed
	}{
		{PhaseSetup, PhaseOpen, ""},
		{PhaseReview, PhaseDiscussion, ""},
		{PhaseDeliberation, PhaseSealed, ""},
		{PhaseSealed, PhasePublished, ""},
		{PhasePublished, PhaseArchived, ""},
		{PhaseDiscussion, PhaseReview, ""}, // back one: a mistake
		{PhaseOpen, PhaseSetup, ""},        // back one: a mistake
		{PhaseReview, PhaseReview, SwitchSame},
		{PhaseOpen, PhaseAttestation, SwitchSkip},
		{PhaseSetup, PhaseArchived, SwitchSkip},
		{PhaseDiscussion, PhaseAssignment, SwitchBackTooFar},
		{PhaseSealed, PhaseDeliberation, SwitchSealed},
		{PhaseSealed, PhaseSetup, SwitchSealed},
		{PhasePublished, PhaseSealed, SwitchPublished},
		{PhaseArchived, PhasePublished, SwitchArchived},
		{PhaseReview, "calibration", SwitchUnknown},
		{"", PhaseSetup, SwitchUnknown},
	} {
		err := CanSwitch(c.from, c.to)
		var se *SwitchError
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CanSwitch(%s, %s) = %v, want allowed", c.from, c.to, err)
		case c.want != "" && (!errors.As(err, &se) || se.Reason != c.want || se.From != c.from || se.To != c.to):
			t.Errorf("CanSwitch(%s, %s) = %#v, want reason %s", c.from, c.to, err, c.want)
		case c.want != "" && (ErrorMessage(err) != err.Error() || ErrorCode(err) == EINTERNAL):
			t.Errorf("CanSwitch(%s, %s): code %s, message %q", c.from, c.to, ErrorCode(err), ErrorMessage(err))
		}
	}
	if ErrorCode(CanSwitch("x", PhaseSetup)) != EINVALID || ErrorCode(CanSwitch(PhaseSealed, PhaseDeliberation)) != ECONFLICT {
		t.Error("unknown phases are invalid input; refused moves are conflicts with the edition's state")
	}
}

func TestCanSwitchEveryPair(t *testing.T) {
	sealed := PhaseSealed.rank()
	for i, from := range Phases {
		for j, to := range Phases {
			want := j == i+1 || j == i-1 && i < sealed
			if got := CanSwitch(from, to) == nil; got != want {
				t.Errorf("CanSwitch(%s, %s) allowed = %v, want %v", from, to, got, want)
			}
		}
	}
}

// BenchmarkCan measures one policy question, asked many times per page.
func BenchmarkCan(b *testing.B) {
	v := Viewer{Role: JuryJuror, Attested: true, Assigned: true}
	for b.Loop() {
		if !Can(v, ActSeeReviews, PhaseDiscussion) {
			b.Fatal("refused")
		}
	}
}
