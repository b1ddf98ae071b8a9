package web

import (
	"net/http"
	"strconv"
	"strings"

	"tnl/internal/form"
)

// The adjustments of a questionnaire's scoring (form.Adjustment: a section's
// points multiplied for bodies of some kinds and population band, so that a
// village is not judged like a métropole) are edited on the builder's page
// as lines "natures | population | section | coefficient":
//
//	commune | 0-3499 | logiciels | 1,25
//	commune, syndicat | -999 | * | 1,5
//	* | 100000- | * | 0,9
//
// "*" or an empty part means every nature, every population or every
// section; a population band is "min-max" with either end left open.

// adjustmentLines writes adjustments in the builder's line format.
func adjustmentLines(adjs []form.Adjustment) string {
	var b strings.Builder
	for _, a := range adjs {
		kinds, section := strings.Join(a.Kinds, ", "), a.Section
		if kinds == "" {
			kinds = "*"
		}
		if section == "" {
			section = "*"
		}
		b.WriteString(strings.Join([]string{kinds, adjustmentBand(a.MinPopulation, a.MaxPopulation), section,
			decimalText(a.Factor)}, " | ") + "\n")
	}
	return b.String()
}

func adjustmentBand(lo, hi int) string {
	if lo == 0 && hi == 0 {
		return "*"
	}
	s := ""
	if lo > 0 {
		s = strconv.Itoa(lo)
	}
	s += "-"
	if hi > 0 {
		s += strconv.Itoa(hi)
	}
	return s
}

// readAdjustmentLines reads the lines back; a line it cannot read is an
// issue naming its number. What the lines say (a section that exists, a
// positive coefficient…) is form.Check's to verify.
func readAdjustmentLines(issues *[]builderIssue, s string) []form.Adjustment {
	var out []form.Adjustment
	ls, numbers := listLines(s)
	for i, l := range ls {
		a, ok := readAdjustmentLine(lineParts(l))
		if !ok {
			*issues = append(*issues, builderIssue{Field: "adjustments", ID: "builder.error.adjustment_line", Args: []any{"Line", numbers[i]}})
			continue
		}
		out = append(out, a)
	}
	return out
}

func readAdjustmentLine(ps []string) (form.Adjustment, bool) {
	var a form.Adjustment
	if len(ps) != 4 {
		return a, false
	}
	if ps[0] != "*" && ps[0] != "" {
		for k := range strings.SplitSeq(ps[0], ",") {
			if k = strings.TrimSpace(k); k != "" {
				a.Kinds = append(a.Kinds, k)
			}
		}
	}
	if ps[1] != "*" && ps[1] != "" {
		lo, hi, ok := strings.Cut(ps[1], "-")
		var err1, err2 error
		if lo = strings.TrimSpace(lo); lo != "" {
			a.MinPopulation, err1 = strconv.Atoi(strings.ReplaceAll(lo, " ", ""))
		}
		if hi = strings.TrimSpace(hi); hi != "" {
			a.MaxPopulation, err2 = strconv.Atoi(strings.ReplaceAll(hi, " ", ""))
		}
		if !ok || err1 != nil || err2 != nil {
			return a, false
		}
	}
	if ps[2] != "*" {
		a.Section = ps[2]
	}
	f, ok := parseDecimal(ps[3])
	a.Factor = f
	return a, ok
}

// builderAdjustments replaces the questionnaire's adjustments.
func (s *Server) builderAdjustments(w http.ResponseWriter, r *http.Request) {
	b, ok := s.builderWith(w, r)
	if !ok || !s.builderParsedForm(w, r) {
		return
	}
	typed := longField(r, "adjustments")
	var issues []builderIssue
	b.Def.Adjustments = readAdjustmentLines(&issues, typed)
	s.saveBuilderChange(w, r, b, issues, "adjustments", [][2]string{{"", "adjustments"}}, func(issues []builderIssue) {
		s.renderBuilder(w, r, http.StatusUnprocessableEntity, b, issues, &builderTyped{Adjustments: &typed})
	})
}
