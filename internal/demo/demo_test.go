package demo

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// demoNow is the moment the tests load the demo data at.
var demoNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// loadDemo loads the demo data at demoNow, the store's clock stopped there.
func loadDemo(t *testing.T, db *store.DB) {
	t.Helper()
	db.Now = func() time.Time { return demoNow }
	if err := Load(context.Background(), db, "mot de passe de démo", demoNow); err != nil {
		t.Fatal(err)
	}
}

func TestLoad(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx, now := context.Background(), demoNow
		loadDemo(t, db)
		years, err := db.AwardYears(ctx)
		if err != nil || len(years) != 10 || years[0] != 2025 || years[9] != 2016 {
			t.Fatalf("years %v %v", years, err)
		}
		total := 0
		for _, y := range years {
			awards, _ := db.PublishedAwards(ctx, y)
			total += len(awards)
		}
		if total != 68 {
			t.Fatalf("%d awards loaded, the file has 68 rows", total)
		}
		unlinked, _ := db.ListBodies(ctx, domain.BodyHistorical)
		var names []string
		for _, b := range unlinked {
			names = append(names, b.Name)
		}
		t.Logf("%d laureates left for an admin to link: %v", len(unlinked), names)
		if len(unlinked) == 0 || len(unlinked) > 20 {
			t.Fatalf("%d historical bodies unlinked", len(unlinked))
		}
		grenoble, err := db.FindBodyByKey(ctx, "213801855")
		if err != nil {
			t.Fatal(err)
		}
		if awards, _ := db.BodyAwards(ctx, grenoble.ID); len(awards) == 0 {
			t.Fatal("Grenoble's awards are not linked to the directory body")
		}
		e, err := db.LatestEdition(ctx)
		if err != nil || e.Year != 2026 || !e.OpenAt(now) {
			t.Fatalf("current edition %+v %v", e, err)
		}
		checkTeams(t, db)
		checkApplications(t, db, e.Year)
		if n, _ := db.CountUsers(ctx); n != len(Accounts()) {
			t.Fatalf("%d accounts", n)
		}
		if err := Load(ctx, db, "x", now); err == nil {
			t.Fatal("the demo must refuse a database that holds accounts")
		}
	})
}

// checkTeams: applicants belong to real bodies, one body has several
// members, one claim waits, and the audit log tells how.
func checkTeams(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	team := func(key string) map[string]*domain.Member {
		b, err := db.FindBodyByKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		members, _ := db.Team(ctx, b.ID)
		out := map[string]*domain.Member{}
		for _, m := range members {
			out[m.Email] = m
		}
		return out
	}
	smu := team("213804222")
	if m := smu["candidat1@example.org"]; m == nil || m.Status != domain.MemberApproved || m.Role != domain.RoleResponsable {
		t.Fatalf("candidat1 in Saint-Martin-d'Uriage: %+v", m)
	}
	if m := smu["candidat3@example.org"]; m == nil || m.Status != domain.MemberApproved || m.Role != domain.RoleContributor ||
		len(m.Sections) != 1 || m.Sections[0] != "logiciels" {
		t.Fatalf("candidat3 in Saint-Martin-d'Uriage: %+v", m)
	}
	if m := team("213801855")["candidat2@example.org"]; m == nil || m.Status != domain.MemberApproved || m.Role != domain.RoleElu {
		t.Fatalf("candidat2 in Grenoble: %+v", m)
	}
	pending, _ := db.PendingClaims(ctx)
	if len(pending) != 1 || pending[0].Email != "candidat2@example.org" || team("200040715")["candidat2@example.org"] == nil {
		t.Fatalf("pending claims: %+v", pending)
	}
	entries, _ := db.ListAudit(ctx, store.AuditFilter{Action: "member.", Actor: "demo", Limit: 100})
	if len(entries) != 10 {
		t.Fatalf("%d team entries in the audit log, want 10 (5 claims, 4 approvals, 1 role)", len(entries))
	}
}

// checkApplications: the current edition holds an empty, a half-filled, a
// submitted and a resubmitted application, and Saint-Martin-d'Uriage
// applied last year too.
func checkApplications(t *testing.T, db *store.DB, year int) {
	t.Helper()
	ctx := context.Background()
	apps, err := db.ListApplications(ctx, store.ApplicationFilter{Year: year})
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]string{}
	for _, a := range apps {
		state[a.Body.Key+"/"+a.Track] = fmt.Sprintf("%s %d %d", a.Status, a.Submissions, a.Answered)
	}
	for key, want := range map[string]*regexp.Regexp{
		bodySMU + "/label":        regexp.MustCompile(`^draft 0 (1[0-9]|2[0-5])$`),
		bodyGrenoble + "/label":   regexp.MustCompile(`^submitted 1 [34][0-9]$`),
		bodyEchirolles + "/label": regexp.MustCompile(`^submitted 2 [34][0-9]$`),
		bodyGieres + "/badge":     regexp.MustCompile(`^draft 0 0$`),
	} {
		if !want.MatchString(state[key]) {
			t.Errorf("%s: %q, want %s", key, state[key], want)
		}
	}
	last, _ := db.ListApplications(ctx, store.ApplicationFilter{Year: year - 1})
	if len(last) != 1 || last[0].Body.Key != bodySMU || last[0].Status != domain.ApplicationSubmitted {
		t.Errorf("last year's applications: %+v", last)
	}
}
