package jury

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"tnl/internal/domain"
)

// TestAssignInfeasible checks that each impossible request fails with the
// right code, data and French words.
func TestAssignInfeasible(t *testing.T) {
	base := func(nFiles, nJurors int) AssignRequest {
		req := assignRandom(1, nFiles, nJurors, 0)
		req.Diversity = nil
		return req
	}
	tooFew := base(50, 10)
	for j := 1; j <= 8; j++ {
		tooFew.Conflicts = append(tooFew.Conflicts, AssignPair{FileID: 117, JurorID: int64(j)})
	}
	maxSmall := base(50, 10)
	for j := range maxSmall.Jurors {
		maxSmall.Jurors[j].Max = 12
	}
	minLarge := base(50, 10)
	for j := range minLarge.Jurors {
		minLarge.Jurors[j].Min = 20
	}
	unreachable := base(50, 10)
	unreachable.Jurors[3].Min = 45
	for f := 101; f < 111; f++ {
		unreachable.Conflicts = append(unreachable.Conflicts, AssignPair{FileID: int64(f), JurorID: 4})
	}
	noRap := base(10, 5)
	for j := range noRap.Jurors {
		noRap.Jurors[j].Assessor = j > 0
	}
	noRap.Conflicts = []AssignPair{{FileID: 105, JurorID: 1}}
	// Files 101–104 may only have jurors 1–3, who take 2 files each:
	// 6 reviews for 12 needed; the others are free.
	cut := base(20, 10)
	for f := 101; f <= 104; f++ {
		for j := 4; j <= 10; j++ {
			cut.Conflicts = append(cut.Conflicts, AssignPair{FileID: int64(f), JurorID: int64(j)})
		}
	}
	for j := range 3 {
		cut.Jurors[j].Max = 2
	}
	// Jurors 1 and 2 may only review files 101–106 (one reviewer each) but
	// must take 4 each: only the flow can see it.
	minCut := AssignRequest{K: 1}
	for f := 101; f <= 112; f++ {
		minCut.Files = append(minCut.Files, AssignFile{ID: int64(f)})
		if f > 106 {
			minCut.Conflicts = append(minCut.Conflicts, AssignPair{FileID: int64(f), JurorID: 1}, AssignPair{FileID: int64(f), JurorID: 2})
		}
	}
	minCut.Jurors = []AssignJuror{{ID: 1, Min: 4}, {ID: 2, Min: 4}, {ID: 3}}

	tests := []struct {
		name   string
		req    AssignRequest
		code   AssignCode
		files  []int64
		have   int
		need   int
		phrase string
	}{
		{"too many conflicts on one file", tooFew, AssignCodeTooFewJurors, []int64{117}, 2, 3, "Le dossier 117 n'a que 2 juré(s) sans conflit pour 3 relecteurs demandés."},
		{"sum of maxima too small", maxSmall, AssignCodeMaxTooSmall, nil, 120, 150, "La somme des charges maximales (120, compte tenu des conflits) est inférieure aux 150 relectures demandées."},
		{"minima too large", minLarge, AssignCodeMinTooLarge, nil, 150, 200, "La somme des charges minimales (200) dépasse les 150 relectures demandées."},
		{"minimum beyond a juror's files", unreachable, AssignCodeMinUnreachable, nil, 40, 45, "Le juré 4 n'a que 40 dossier(s) sans conflit pour une charge minimale de 45."},
		{"no juror may lead", noRap, AssignCodeNoRapporteur, []int64{105}, 0, 1, "Impossible de donner un rapporteur au dossier 105"},
		{"a group of files short of reviewers", cut, AssignCodeOverloaded, []int64{101, 102, 103, 104}, 6, 12, "que 6 relectures sur les 12 nécessaires"},
		{"minimum loads that only the flow sees", minCut, AssignCodeOverloaded, nil, -1, -1, "Les charges minimales des autres jurés"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Assign(tt.req)
			var ae *AssignError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, %v; want an *AssignError", res, err)
			}
			if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), tt.phrase) {
				t.Errorf("domain view: %q %q", domain.ErrorCode(err), domain.ErrorMessage(err))
			}
			p := ae.Problems[0]
			if len(ae.Problems) != 1 || p.Code != tt.code {
				t.Fatalf("problems %v, want one %s", assignProblemCodes(err), tt.code)
			}
			if tt.files != nil && !slices.Equal(p.FileIDs, tt.files) {
				t.Errorf("files %v, want %v", p.FileIDs, tt.files)
			}
			if tt.have >= 0 && (p.Have != tt.have || p.Need != tt.need) {
				t.Errorf("have %d need %d, want %d %d", p.Have, p.Need, tt.have, tt.need)
			}
			if !strings.Contains(p.Message, tt.phrase) {
				t.Errorf("message %q lacks %q", p.Message, tt.phrase)
			}
		})
	}
}

// TestAssignInvalid checks that malformed requests are refused, all faults
// at once.
func TestAssignInvalid(t *testing.T) {
	req := AssignRequest{
		Mode:        "lottery",
		K:           -1,
		Files:       []AssignFile{{ID: 1}, {ID: 1}},
		Jurors:      []AssignJuror{{ID: 5, Min: 3, Max: 2}, {ID: 6, Min: -1}, {ID: 6}},
		Preferences: []AssignPreference{{FileID: 1, JurorID: 5, Weight: 5000}},
		Jitter:      -2,
	}
	_, err := Assign(req)
	codes := assignProblemCodes(err)
	if len(codes) != 8 || slices.ContainsFunc(codes, func(c AssignCode) bool { return c != AssignCodeInvalid }) {
		t.Fatalf("codes %v (%v), want 8 × invalid", codes, err)
	}
	for _, want := range []string{"Mode de répartition inconnu", "Le dossier 1 figure deux fois", "dépasse sa charge maximale (2)", "Le juré 6 figure deux fois"} {
		if !strings.Contains(err.Error(), want) && !strings.Contains(strings.Join(assignMessages(err), "\n"), want) {
			t.Errorf("no %q in %v", want, err)
		}
	}
}
