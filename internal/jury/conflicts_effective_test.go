package jury_test

// The effective conflict of each pair, and the stored vocabulary.

import (
	"slices"
	"testing"

	"tnl/internal/jury"
)

// TestEffectiveConflicts: one severity per pair; recuse wins, dismissed
// conflicts do not count, a pending suggestion does.
func TestEffectiveConflicts(t *testing.T) {
	R, D := jury.ConflictRecuse, jury.ConflictDisclose
	c := func(app int64, st jury.ConflictStatus, sev jury.ConflictSeverity) jury.Conflict {
		return jury.Conflict{Juror: 1, Application: app, Type: jury.ConflictOther, Status: st, Severity: sev}
	}
	for _, tc := range []struct {
		name      string
		conflicts []jury.Conflict
		want      jury.ConflictSeverity // "" for no conflict
	}{
		{"none", nil, ""},
		{"confirmed recuse", []jury.Conflict{c(1, jury.ConflictConfirmed, R)}, R},
		{"suggested recuse hides the file", []jury.Conflict{c(1, jury.ConflictSuggested, R)}, R},
		{"suggested disclose", []jury.Conflict{c(1, jury.ConflictSuggested, D)}, D},
		{"pinned disclose", []jury.Conflict{c(1, jury.ConflictPinned, D)}, D},
		{"dismissed only", []jury.Conflict{c(1, jury.ConflictDismissed, R)}, ""},
		{"recuse after disclose", []jury.Conflict{c(1, jury.ConflictConfirmed, D), c(1, jury.ConflictSuggested, R)}, R},
		{"recuse before disclose", []jury.Conflict{c(1, jury.ConflictConfirmed, R), c(1, jury.ConflictPinned, D)}, R},
		{"dismissed recuse, confirmed disclose", []jury.Conflict{c(1, jury.ConflictDismissed, R), c(1, jury.ConflictConfirmed, D)}, D},
		{"unknown severity fails closed", []jury.Conflict{c(1, jury.ConflictConfirmed, "")}, R},
		{"another application", []jury.Conflict{c(2, jury.ConflictConfirmed, R)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := jury.EffectiveConflicts(tc.conflicts)
			got, present := m[jury.ConflictPair{Juror: 1, Application: 1}]
			if got != tc.want || present != (tc.want != "") {
				t.Errorf("got %q (present %v), want %q", got, present, tc.want)
			}
			if m.Recused(1, 1) != (tc.want == R) || m.Disclosed(1, 1) != (tc.want == D) {
				t.Errorf("Recused/Disclosed disagree with %q", tc.want)
			}
			if m.Recused(2, 1) || m.Disclosed(2, 1) {
				t.Error("another juror is affected")
			}
		})
	}
}

// TestConflictVocabulary: the stored values are stable and validated.
func TestConflictVocabulary(t *testing.T) {
	var got []string
	for _, v := range jury.ConflictTypes {
		got = append(got, string(v))
	}
	for _, v := range jury.AffiliationRoles {
		got = append(got, string(v))
	}
	want := []string{"direct-body", "territorial-hierarchy", "pooling-structure", "commercial", "personal",
		"organisational", "other", "elected", "employee", "representative", "board", "consultant", "member"}
	if !slices.Equal(got, want) {
		t.Errorf("values %v", got)
	}
	valid := []bool{jury.ConflictSourceApplicant.Valid(), jury.ConflictPinned.Valid(), jury.ConflictDisclose.Valid(),
		jury.ConflictOther.Valid(), jury.AffiliationMember.Valid()}
	invalid := []bool{jury.ConflictSource("self").Valid(), jury.ConflictStatus("open").Valid(),
		jury.ConflictSeverity("none").Valid(), jury.ConflictType("family").Valid(), jury.AffiliationRole("mayor").Valid()}
	if slices.Contains(valid, false) || slices.Contains(invalid, true) {
		t.Errorf("Valid: %v %v", valid, invalid)
	}
}
