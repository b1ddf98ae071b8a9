package web

import (
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// appFixture is an open 2026 edition (applications from 1 September, last
// day 10 November, Paris) with the default Label and Badge questionnaires,
// Saint-Martin-d'Uriage's team (an élu référent, a responsable, a
// contributor limited to "logiciels"), a member of another body, an
// admin, and the commune's Label application, still empty. The clock is on
// 1 October 2026.
type appFixture struct {
	a                              *testApp
	body, other                    *domain.Body
	app                            *domain.Application
	elu, resp, contrib, outsider   *browser
	admin                          *browser
	eluUser, respUser, contribUser *domain.Member
}

func newAppFixture(t *testing.T, a *testApp) *appFixture {
	t.Helper()
	f := &appFixture{a: a}
	smu, grenoble, _ := teamTestBodies(t, a)
	f.body, f.other = smu, grenoble
	openTestEdition(t, a, 2026)
	f.elu, f.eluUser = a.joinTeam(smu, "elu@example.org", domain.RoleElu)
	f.resp, f.respUser = a.joinTeam(smu, "resp@example.org", domain.RoleResponsable)
	f.contrib, f.contribUser = a.joinTeam(smu, "contrib@example.org", domain.RoleContributor)
	if _, err := a.db.SetMemberRole(ctx, f.contribUser.ID, domain.RoleContributor, []string{"logiciels"}, domain.CLIActor, nil); err != nil {
		t.Fatal(err)
	}
	f.outsider, _ = a.joinTeam(grenoble, "autre@example.org", domain.RoleResponsable)
	f.admin = a.signedIn("admin@example.org", domain.RoleAdmin)
	app, err := a.db.CreateApplication(ctx, 2026, "label", smu.ID, domain.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	f.app = app
	return f
}

// openTestEdition writes the edition of year, open from 1 September to 10
// November (Paris), with the default questionnaires of both tracks.
func openTestEdition(t *testing.T, a *testApp, year int) *domain.Edition {
	t.Helper()
	opens := time.Date(year, 9, 1, 0, 0, 0, 0, domain.Paris)
	closes := domain.ParisDeadline(year, time.November, 10)
	e := &domain.Edition{Year: year, Title: "Édition test", OpensAt: &opens, ClosesAt: &closes,
		Mentions: []string{"Sobriété numérique"},
		Tracks: []domain.Track{
			{Key: "label", Name: "Label", Levels: []domain.Level{{Key: "bronze", Name: "Bronze", Threshold: 30},
				{Key: "argent", Name: "Argent", Threshold: 55}, {Key: "or", Name: "Or", Threshold: 80}}},
			{Key: "badge", Name: "Badge", Levels: []domain.Level{{Key: "badge", Name: "Badge", Threshold: 5}}},
		}}
	if err := a.db.SaveEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
	for _, track := range []string{"label", "badge"} {
		def, err := form.Default(track)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := form.Encode(def)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.db.SaveQuestionnaire(ctx, year, track, raw, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	return e
}
