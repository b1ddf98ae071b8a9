package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// teamTestBodies writes a small directory: two communes and their
// métropole.
func teamTestBodies(t *testing.T, a *testApp) (smu, grenoble, metro *domain.Body) {
	t.Helper()
	bodies := []domain.Body{
		{Key: "213804222", Name: "Saint-Martin-d'Uriage", Kind: "commune", Departement: "38", INSEE: "38422", SIREN: "213804222", EPCI: "200040715", SearchName: "saint martin d uriage"},
		{Key: "213801855", Name: "Grenoble", Kind: "commune", Departement: "38", INSEE: "38185", SIREN: "213801855", EPCI: "200040715", SearchName: "grenoble"},
		{Key: "200040715", Name: "Grenoble-Alpes-Métropole", Kind: "metropole", Departement: "38", SIREN: "200040715", SearchName: "grenoble alpes metropole"},
	}
	if err := a.db.SyncDirectory(ctx, bodies, "test"); err != nil {
		t.Fatal(err)
	}
	find := func(key string) *domain.Body {
		b, err := a.db.FindBodyByKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return find("213804222"), find("213801855"), find("200040715")
}

// joinTeam signs a new account in and makes it an approved member of body,
// through the store, as an admin would have decided.
func (a *testApp) joinTeam(body *domain.Body, email string, role domain.MemberRole) (*browser, *domain.Member) {
	a.t.Helper()
	b := a.signedIn(email, domain.RoleApplicant)
	u, _ := a.db.FindUserByEmail(ctx, email)
	m := &domain.Member{BodyID: body.ID, UserID: u.ID, Role: role}
	if err := a.db.Claim(ctx, m, domain.CLIActor, nil); err != nil {
		a.t.Fatal(err)
	}
	m, err := a.db.DecideClaim(ctx, m.ID, true, "", domain.CLIActor, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	return b, m
}

// says checks the page's text, with HTML entities (&#39;) decoded.
func says(t *testing.T, r *response, parts ...string) {
	t.Helper()
	text := html.UnescapeString(r.body)
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Fatalf("status %d: page lacks %q\n%s", r.status, p, r.body)
		}
	}
}

func wantStatus(t *testing.T, what string, r *response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.status, status, r.body)
	}
}

// teamState describes a body's team, to check that a refused request
// changed nothing.
func teamState(t *testing.T, a *testApp, body *domain.Body) string {
	t.Helper()
	team, err := a.db.Team(ctx, body.ID)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, m := range team {
		parts = append(parts, fmt.Sprintf("%s:%s:%s:%v:%s", m.Email, m.Status, m.Role, m.Sections, m.Reason))
	}
	mails, _ := a.db.ListMail(ctx, false, 1000)
	return fmt.Sprintf("%s mails=%d audit=%d", strings.Join(parts, " "), len(mails), auditCount(t, a.db))
}

func lastMail(t *testing.T, a *testApp, to, template string) *domain.OutboxMail {
	t.Helper()
	mails := a.mailsTo(to)
	for i := len(mails) - 1; i >= 0; i-- {
		if mails[i].Template == template {
			return mails[i]
		}
	}
	t.Fatalf("no %s mail to %s", template, to)
	return nil
}

func TestClaimApprovalRolesTransferAndRemoval(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		smu, _, _ := teamTestBodies(t, a)
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		alice := a.signedIn("alice@example.org", domain.RoleApplicant)
		claimPath := "/organismes/" + smu.Key + "/rejoindre"
		team := "/organismes/" + smu.Key + "/equipe"

		says(t, alice.get(claimPath), "Agir pour Saint-Martin-d'Uriage", `name="role"`, "Élu référent", "numéro de téléphone")
		r := alice.post(claimPath, url.Values{"role": {"responsable"}, "message": {"DSI, 04 76 00 00 00"}})
		if r.status != http.StatusSeeOther || r.location() != claimPath {
			t.Fatalf("claim: %d → %q\n%s", r.status, r.location(), r.body)
		}
		says(t, alice.get(claimPath), "Votre demande est envoyée", "en attente depuis")
		mailSays(t, lastMail(t, a, "admin@example.org", "claim_received"), "alice@example.org", "Saint-Martin-d'Uriage", "Responsable de candidature", "04 76 00 00 00")

		// A second claim while the first waits changes nothing.
		before := teamState(t, a, smu)
		r = alice.post(claimPath, url.Values{"role": {"contributor"}})
		wantStatus(t, "duplicate claim", r, http.StatusConflict)
		says(t, r, "Vous avez déjà demandé à agir pour cet organisme")
		if after := teamState(t, a, smu); after != before {
			t.Fatalf("a duplicate claim changed the team:\n%s\n%s", before, after)
		}

		// Not yet a member: the team page does not exist for her.
		wantStatus(t, "pending claimant on the team page", alice.get(team), http.StatusNotFound)

		// The admin decides from the list of claims and comes back to it.
		says(t, admin.get("/admin/demandes"), "alice@example.org", "Saint-Martin-d'Uriage", "DSI, 04 76 00 00 00")
		m, _ := a.db.MembershipsOf(ctx, userID(t, a, "alice@example.org"))
		r = admin.post(fmt.Sprintf("%s/demandes/%d/approuver", team, m[0].ID), url.Values{"suite": {"/admin/demandes"}})
		if r.status != http.StatusSeeOther || r.location() != "/admin/demandes" {
			t.Fatalf("approve: %d → %q\n%s", r.status, r.location(), r.body)
		}
		says(t, admin.get("/admin/demandes"), "Aucune demande en attente")
		mailSays(t, lastMail(t, a, "alice@example.org", "claim_approved"), "Saint-Martin-d'Uriage", "admin@example.org")
		says(t, alice.get(team), "Équipe de Saint-Martin-d'Uriage", "Gérer l'équipe", "Inviter une personne")
		says(t, alice.get("/mes-organismes"), "Saint-Martin-d'Uriage", "Responsable de candidature", "Membre de l'équipe", team)

		// An approved member decides the next claim.
		bob := a.signedIn("bob@example.org", domain.RoleApplicant)
		wantStatus(t, "bob claims", bob.post(claimPath, url.Values{"role": {"contributor"}}), http.StatusSeeOther)
		lastMail(t, a, "alice@example.org", "claim_received")
		bobM, _ := a.db.Membership(ctx, smu.ID, userID(t, a, "bob@example.org"))
		says(t, alice.get(team), "bob@example.org", "Accepter la demande")
		wantStatus(t, "member approves", alice.post(fmt.Sprintf("%s/demandes/%d/approuver", team, bobM.ID), url.Values{}), http.StatusSeeOther)

		// Roles: a contributor limited to two sections, in the
		// questionnaire's order whatever the order posted.
		rolePath := fmt.Sprintf("%s/membres/%d/role", team, bobM.ID)
		r = alice.post(rolePath, url.Values{"role": {"contributor"}, "sections": {"donnees", "logiciels"}})
		wantStatus(t, "set sections", r, http.StatusSeeOther)
		got, _ := a.db.FindMember(ctx, bobM.ID)
		if !slices.Equal(got.Sections, []string{"logiciels", "donnees"}) {
			t.Fatalf("sections %v", got.Sections)
		}
		mailSays(t, lastMail(t, a, "bob@example.org", "member_role"), "Logiciels et systèmes libres")
		says(t, alice.get(team), "Logiciels et systèmes libres ; Ouverture des données publiques")

		// Transfer: Bob becomes responsable, Alice a contributor; both told.
		says(t, alice.get(team), "le responsable actuel devient contributeur")
		wantStatus(t, "transfer", alice.post(rolePath, url.Values{"role": {"responsable"}}), http.StatusSeeOther)
		roles := teamRoles(t, a, smu)
		if roles["bob@example.org"] != domain.RoleResponsable || roles["alice@example.org"] != domain.RoleContributor {
			t.Fatalf("transfer: %v", roles)
		}
		mailSays(t, lastMail(t, a, "alice@example.org", "member_role"), "Contributeur")
		mailSays(t, lastMail(t, a, "bob@example.org", "member_role"), "Responsable de candidature")

		// Alice, now a contributor, may see but not manage: 403, no change.
		aliceM, _ := a.db.Membership(ctx, smu.ID, userID(t, a, "alice@example.org"))
		page := alice.get(team)
		says(t, page, "Seuls l'élu référent et le responsable de candidature")
		mustNotContain(t, page, "/equipe/inviter", "/retirer")
		before = teamState(t, a, smu)
		wantStatus(t, "contributor invites", alice.post(team+"/inviter", url.Values{"email": {"x@example.org"}, "role": {"elu"}}), http.StatusForbidden)
		wantStatus(t, "contributor removes", alice.post(fmt.Sprintf("%s/membres/%d/retirer", team, bobM.ID), url.Values{"reason": {"coup d'état"}}), http.StatusForbidden)
		wantStatus(t, "contributor promotes herself", alice.post(fmt.Sprintf("%s/membres/%d/role", team, aliceM.ID), url.Values{"role": {"elu"}}), http.StatusForbidden)
		if after := teamState(t, a, smu); after != before {
			t.Fatalf("a contributor changed the team:\n%s\n%s", before, after)
		}

		// Bob removes Alice with a reason, which she reads; not himself.
		removeBob := fmt.Sprintf("%s/membres/%d/retirer", team, bobM.ID)
		r = bob.post(removeBob, url.Values{"reason": {"Je pars."}})
		wantStatus(t, "remove oneself", r, http.StatusUnprocessableEntity)
		says(t, r, "Vous ne pouvez pas vous retirer vous-même")
		removeAlice := fmt.Sprintf("%s/membres/%d/retirer", team, aliceM.ID)
		r = bob.post(removeAlice, url.Values{"reason": {""}})
		wantStatus(t, "remove without reason", r, http.StatusUnprocessableEntity)
		says(t, r, "Indiquez le motif")
		wantStatus(t, "remove", bob.post(removeAlice, url.Values{"reason": {"Départ de la collectivité."}}), http.StatusSeeOther)
		mailSays(t, lastMail(t, a, "alice@example.org", "member_removed"), "Départ de la collectivité.")
		says(t, alice.get("/mes-organismes"), "Retiré de l'équipe", "Départ de la collectivité.")
		wantStatus(t, "removed member on the team page", alice.get(team), http.StatusNotFound)
		says(t, bob.get(team), "Anciens membres", "Départ de la collectivité.")

		// An admin who is no member manages the team too.
		wantStatus(t, "admin sets a role", admin.post(rolePath, url.Values{"role": {"elu"}}), http.StatusSeeOther)
		if roles := teamRoles(t, a, smu); roles["bob@example.org"] != domain.RoleElu {
			t.Fatalf("role set by an admin: %v", roles)
		}

		// Every change is in the audit log, with who did it.
		entries, _ := a.db.ListAudit(ctx, store.AuditFilter{Action: "member.", Limit: 100})
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
		}
		for action, n := range map[string]int{"member.claim": 2, "member.approve": 2, "member.set_role": 4, "member.remove": 1} {
			if actions[action] != n {
				t.Errorf("%s: %d audit entries, want %d (%v)", action, actions[action], n, actions)
			}
		}
	})
}

func userID(t *testing.T, a *testApp, email string) int64 {
	t.Helper()
	u, err := a.db.FindUserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func teamRoles(t *testing.T, a *testApp, body *domain.Body) map[string]domain.MemberRole {
	t.Helper()
	team, _ := a.db.Team(ctx, body.ID)
	roles := map[string]domain.MemberRole{}
	for _, m := range team {
		if m.Status == domain.MemberApproved {
			roles[m.Email] = m.Role
		}
	}
	return roles
}

func TestClaimRefusalIsExplained(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		_, grenoble, _ := teamTestBodies(t, a)
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		admin.headers["Accept-Language"] = "en"
		carol := a.signedIn("carol@example.org", domain.RoleApplicant)
		carolUser, _ := a.db.FindUserByEmail(ctx, "carol@example.org")
		a.db.SetUserLang(ctx, carolUser.ID, "en")
		claimPath := "/organismes/" + grenoble.Key + "/rejoindre"
		wantStatus(t, "claim", carol.post(claimPath, url.Values{"role": {"elu"}}), http.StatusSeeOther)
		m, _ := a.db.Membership(ctx, grenoble.ID, carolUser.ID)
		refuse := fmt.Sprintf("/organismes/%s/equipe/demandes/%d/refuser", grenoble.Key, m.ID)

		admin.headers["Accept-Language"] = "fr"
		before := teamState(t, a, grenoble)
		r := admin.post(refuse, url.Values{"reason": {"   "}})
		wantStatus(t, "refusal without reason", r, http.StatusUnprocessableEntity)
		says(t, r, "Indiquez le motif", `href="#refuse-`, `aria-invalid="true"`)
		r = admin.post(refuse, url.Values{"reason": {strings.Repeat("é", 1001)}})
		wantStatus(t, "refusal with a too long reason", r, http.StatusUnprocessableEntity)
		says(t, r, "1 000 caractères")
		if after := teamState(t, a, grenoble); after != before {
			t.Fatalf("a refused refusal changed the team:\n%s\n%s", before, after)
		}

		wantStatus(t, "refuse", admin.post(refuse, url.Values{"reason": {"Inconnue de la mairie."}}), http.StatusSeeOther)
		// The mail is in the claimant's language, not the admin's.
		mail := lastMail(t, a, "carol@example.org", "claim_refused")
		mailSays(t, mail, "Inconnue de la mairie.", "was not accepted", "Élu référent (elected official)")
		says(t, carol.get("/mes-organismes"), "Grenoble", "Demande refusée", "Inconnue de la mairie.")
		// Deciding twice: the page says the claim changed meanwhile.
		r = admin.post(refuse, url.Values{"reason": {"Encore."}})
		wantStatus(t, "decide twice", r, http.StatusConflict)
		says(t, r, "a changé entre-temps")
		// She may ask again, and sees why the first request failed.
		says(t, carol.get(claimPath), "Votre demande précédente a été refusée", "Inconnue de la mairie.")
		wantStatus(t, "claim again", carol.post(claimPath, url.Values{"role": {"elu"}}), http.StatusSeeOther)
	})
}

// mailSays checks the text of a mail.
func mailSays(t *testing.T, m *domain.OutboxMail, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(m.Text, p) {
			t.Fatalf("%s mail to %s lacks %q:\n%s", m.Template, m.To, p, m.Text)
		}
	}
}
