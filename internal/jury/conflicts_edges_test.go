package jury_test

// SuggestConflicts on refused inputs and on edge cases.

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// TestConflictsErrors: invalid inputs give errors with a code and a French
// message, read by domain as invalid input, and no suggestion.
func TestConflictsErrors(t *testing.T) {
	p := conflictSetup(t)
	ok := jury.Affiliation{Juror: 1, BodyKey: p.grenoble, Role: jury.AffiliationElected}
	for _, c := range []struct {
		name string
		in   jury.ConflictInput
		code jury.ConflictErrorCode
		text string
	}{
		{"negative window", jury.ConflictInput{WindowYears: -1}, jury.ConflictErrWindow, "fenêtre"},
		{"unknown severity", jury.ConflictInput{Severities: map[jury.ConflictType]jury.ConflictSeverity{
			jury.ConflictPoolingStructure: "bof"}}, jury.ConflictErrSeverity, "« bof »"},
		{"no rule", jury.ConflictInput{Severities: map[jury.ConflictType]jury.ConflictSeverity{
			jury.ConflictPersonal: jury.ConflictRecuse}}, jury.ConflictErrRule, "« personal »"},
		{"direct disclosed", jury.ConflictInput{Severities: map[jury.ConflictType]jury.ConflictSeverity{
			jury.ConflictDirectBody: jury.ConflictDisclose}}, jury.ConflictErrFixed, "toujours"},
		{"no juror", jury.ConflictInput{Affiliations: []jury.Affiliation{{BodyKey: p.grenoble, Role: jury.AffiliationElected}}},
			jury.AffiliationErrJuror, "juré"},
		{"unknown role", jury.ConflictInput{Affiliations: []jury.Affiliation{{Juror: 9, BodyKey: p.grenoble, Role: "maire"}}},
			jury.AffiliationErrRole, "juré 9 : rôle inconnu « maire »"},
		{"no body", jury.ConflictInput{Affiliations: []jury.Affiliation{{Juror: 9, Organisation: "  ", Role: jury.AffiliationBoard}}},
			jury.AffiliationErrBody, "juré 9"},
		{"dates reversed", jury.ConflictInput{Affiliations: []jury.Affiliation{{Juror: 9, BodyKey: p.grenoble,
			Role: jury.AffiliationElected, From: conflictNow, Until: conflictNow.AddDate(-1, 0, 0)}}}, jury.AffiliationErrDates, "fin précède"},
		{"application without body", jury.ConflictInput{Applications: []jury.ConflictApplication{{ID: 42}}},
			jury.ConflictErrApplication, "Candidature 42"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			in.Territory, in.Now = p.territory, conflictNow
			in.Affiliations = append(in.Affiliations, ok)
			in.Applications = append(in.Applications, jury.ConflictApplication{ID: 1, BodyKey: p.grenoble})
			got, err := jury.SuggestConflicts(in)
			if err == nil || got != nil {
				t.Fatalf("got %v, %v; want an error and nothing", got, err)
			}
			var ce *jury.ConflictError
			if !errors.As(err, &ce) || ce.Code != c.code {
				t.Fatalf("error %v, want code %s", err, c.code)
			}
			if !strings.Contains(err.Error(), c.text) || !strings.Contains(domain.ErrorMessage(err), c.text) {
				t.Errorf("message %q lacks %q", err, c.text)
			}
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("domain code %q", domain.ErrorCode(err))
			}
		})
	}
	_, err := jury.SuggestConflicts(jury.ConflictInput{WindowYears: -2,
		Affiliations: []jury.Affiliation{{Juror: 1, Role: "x", BodyKey: "k"}}})
	var codes []jury.ConflictErrorCode
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		codes = append(codes, e.(*jury.ConflictError).Code)
	}
	if !slices.Equal(codes, []jury.ConflictErrorCode{jury.ConflictErrWindow, jury.AffiliationErrRole}) {
		t.Errorf("joined errors %v", codes)
	}
}

// TestConflictsEdges: empty input, no territory, duplicates, order, names.
func TestConflictsEdges(t *testing.T) {
	p := conflictSetup(t)
	if got := mustSuggest(t, jury.ConflictInput{}); len(got) != 0 {
		t.Errorf("empty input: %v", got)
	}
	// Without a territory only the direct rule applies, bodies named by key.
	got := mustSuggest(t, jury.ConflictInput{Applications: conflictApps(p.echirolles, p.metro),
		Affiliations: []jury.Affiliation{{Juror: 1, BodyKey: p.echirolles, Role: jury.AffiliationElected}}})
	if s := conflictSummary(t, got); len(s) != 1 || s[0].app != 10 || !strings.Contains(got[0].Reason, p.echirolles) {
		t.Errorf("no territory: %+v", got)
	}
	// Two affiliations with the same body give one suggestion; input order
	// does not change the output.
	affs := []jury.Affiliation{{Juror: 2, BodyKey: p.metro, Role: jury.AffiliationElected},
		{Juror: 1, BodyKey: p.echirolles, Role: jury.AffiliationElected},
		{Juror: 1, BodyKey: p.echirolles, Role: jury.AffiliationRepresentative}}
	apps := conflictApps(p.metro, p.echirolles, p.uriage) // Uriage is in neither's reach
	first := mustSuggest(t, jury.ConflictInput{Territory: p.territory, Applications: apps, Affiliations: affs})
	slices.Reverse(affs)
	slices.Reverse(apps) // the IDs stay with their bodies
	second := mustSuggest(t, jury.ConflictInput{Territory: p.territory, Applications: apps, Affiliations: affs})
	if len(first) != 4 || !slices.EqualFunc(first, second, func(a, b jury.ConflictSuggestion) bool {
		return a.Conflict == b.Conflict
	}) {
		t.Errorf("order changed the output:\n%v\n%v", conflictSummary(t, first), conflictSummary(t, second))
	}
	for _, s := range first {
		if s.Juror == 1 && s.Role != jury.AffiliationElected {
			t.Errorf("kept the %s affiliation, want the elected one first", s.Role)
		}
	}
	// French elision on real names.
	for insee, want := range map[string]string{"76351": "Élu du Havre,", "97101": "Élu des Abymes,", "38185": "Élu de Grenoble,"} {
		b, _ := p.dir.ByINSEE(insee)
		got := mustSuggest(t, jury.ConflictInput{Territory: p.territory, Applications: conflictApps(b.Key()),
			Affiliations: []jury.Affiliation{{Juror: 1, BodyKey: b.Key(), Role: jury.AffiliationElected}}})
		if len(got) != 1 || !strings.HasPrefix(got[0].Reason, want) {
			t.Errorf("%s: %+v, want a reason starting %q", b.Name, got, want)
		}
	}
}
