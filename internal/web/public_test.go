package web

import (
	"net/http"
	"testing"
	"time"

	"tnl/internal/domain"
)

func TestHomeCallToApplyFollowsTheCalendar(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		mustContain(t, a.browser().get("/"), "prochaine édition sera bientôt publié")
		paris, _ := time.LoadLocation("Europe/Paris")
		opens := time.Date(2026, 10, 15, 9, 0, 0, 0, paris)
		closes := domain.ParisDeadline(2026, time.November, 10)
		ceremony := time.Date(2026, 12, 2, 17, 0, 0, 0, paris)
		if err := a.db.SaveEdition(ctx, &domain.Edition{Year: 2026, Title: "2026", OpensAt: &opens, ClosesAt: &closes,
			CeremonyAt: &ceremony, CeremonyPlace: "Paris"}); err != nil {
			t.Fatal(err)
		}
		// The fake clock says 1 October: not open yet.
		mustContain(t, a.browser().get("/"), "ouvriront le 15 octobre 2026")
		a.clock.add(20 * 24 * time.Hour)
		r := a.browser().get("/")
		mustContain(t, r, "Candidatures 2026 ouvertes jusqu&#39;au 10 novembre 2026 à 23 h 59", `href="/inscription"`)
		a.clock.add(40 * 24 * time.Hour)
		r = a.browser().get("/")
		mustContain(t, r, "sont closes", "2 décembre 2026, Paris")
		mustNotContain(t, r, "ouvertes jusqu")
	})
}

func TestPalmaresAndNews(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		b := &domain.Body{Name: "Saint-Martin-d'Uriage", Kind: "commune", Departement: "38"}
		a.db.AddHistoricalBody(ctx, b)
		a.db.SaveEdition(ctx, &domain.Edition{Year: 2019, Title: "2019"})
		a.db.AddAward(ctx, &domain.Award{Year: 2019, Body: *b, Track: "label", Award: "niveau-4", Mentions: []string{"coup-de-coeur"}})
		r := a.browser().get("/palmares/2019")
		mustContain(t, r, ">Saint-Martin-d&#39;Uriage</a> (38)", "href=\"/organismes/h-", "Niveau 4", "Coup de cœur du jury", "<caption>")
		if r := a.browser().get("/palmares/2018"); r.status != http.StatusNotFound {
			t.Fatalf("year without laureates: %d", r.status)
		}
		mustContain(t, a.browser().get("/palmares"), `href="/palmares/2019"`)

		a.db.CreateNews(ctx, &domain.News{Slug: "publiee", Title: "Article publié", Summary: "Résumé", Body: "Premier.\n\nSecond <b>gras</b>.", PublishedAt: a.clock.now().Add(-time.Hour)})
		a.db.CreateNews(ctx, &domain.News{Slug: "programmee", Title: "Article programmé", Summary: "Plus tard", Body: "x", PublishedAt: a.clock.now().Add(time.Hour)})
		r = a.browser().get("/actualites/publiee")
		mustContain(t, r, "<title>Article publié – Territoire Numérique Libre</title>", "<p>Premier.</p>", "Second &lt;b&gt;gras&lt;/b&gt;.")
		if r := a.browser().get("/actualites/programmee"); r.status != http.StatusNotFound {
			t.Fatalf("scheduled article visible: %d", r.status)
		}
		mustNotContain(t, a.browser().get("/"), "Article programmé")
	})
}

// TestEmbargoedAwardsAppearNowhere plants an award of an edition published
// in an hour: no public page shows it, then every one does.
func TestEmbargoedAwardsAppearNowhere(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		publish := a.clock.now().Add(time.Hour)
		a.db.SaveEdition(ctx, &domain.Edition{Year: 2026, Title: "2026", PublishAt: &publish})
		b := &domain.Body{Name: "Marqueurville-sur-Embargo", Kind: "commune"}
		a.db.AddHistoricalBody(ctx, b)
		a.db.AddAward(ctx, &domain.Award{Year: 2026, Body: *b, Track: "label", Award: "or"})
		jury := a.signedIn("jure@example.org", domain.RoleJury)
		for _, who := range []*browser{a.browser(), jury} {
			for _, p := range []string{"/", "/palmares", "/palmares/2026"} {
				mustNotContain(t, who.get(p), "Marqueurville")
			}
		}
		a.clock.add(time.Hour)
		mustContain(t, a.browser().get("/palmares/2026"), "Marqueurville-sur-Embargo", "Or")
		mustContain(t, a.browser().get("/"), "Palmarès 2026")
	})
}

func TestStaticPagesAreLinkedFromEveryPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		for _, p := range []string{"/", "/connexion", "/nulle-part"} {
			mustContain(t, a.browser().get(p), `href="/mentions-legales"`, `href="/confidentialite"`, `href="/accessibilite"`,
				`<main id="contenu"`, `class="skip" href="#contenu"`, `<nav class="wrap main-nav" aria-label=`, "<footer")
		}
		mustContain(t, a.browser().get("/accessibilite"), "RGAA 4.1", "Défenseur des droits", "non conforme")
		mustContain(t, a.browser().get("/confidentialite"), "cookie")
		mustContain(t, a.browser().get("/mentions-legales"), "ADULLACT")
		if r := a.browser().get("/nulle-part"); r.status != http.StatusNotFound {
			t.Fatalf("unknown page: %d", r.status)
		}
		mustContain(t, a.browser().get("/nulle-part"), "Page introuvable")
	})
}

func TestNavigationByRole(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		anon := a.browser().get("/")
		mustContain(t, anon, `href="/connexion"`, `href="/inscription"`)
		mustNotContain(t, anon, `href="/admin"`, `action="/deconnexion"`)
		applicant := a.signedIn("c@example.org", domain.RoleApplicant).get("/")
		mustContain(t, applicant, `href="/compte"`, `action="/deconnexion"`)
		mustNotContain(t, applicant, `href="/admin"`)
		mustContain(t, a.signedIn("a@example.org", domain.RoleAdmin).get("/"), `href="/admin"`)
	})
}

func TestAdminPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		a.addUser("jure@example.org", domain.RoleJury)
		mustContain(t, admin.get("/admin"), "0 candidats, 1 membres du jury, 1 administrateurs")
		mustContain(t, admin.get("/admin/utilisateurs?role=jury"), "jure@example.org", "1 compte")
		mustNotContain(t, admin.get("/admin/utilisateurs?q=personne"), "jure@example.org")
		a.db.Enqueue(ctx, &domain.OutboxMail{To: "x@example.org", Subject: "Sujet en attente", Text: "t", Template: "verify"})
		mustContain(t, admin.get("/admin/courriels?etat=attente"), "Sujet en attente", "En attente")
		mustContain(t, admin.get("/admin/journal?action=user."), "user.create")
	})
}
