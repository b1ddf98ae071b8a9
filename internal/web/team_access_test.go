package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// TestOtherBodysTeamIsHidden: a member of one body sees nothing of another
// body's team and changes nothing in it; each answer is 404, as for a body
// that does not exist.
func TestOtherBodysTeamIsHidden(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		smu, grenoble, _ := teamTestBodies(t, a)
		alice, aliceM := a.joinTeam(smu, "alice@example.org", domain.RoleResponsable)
		_, daveM := a.joinTeam(grenoble, "dave@example.org", domain.RoleResponsable)
		erin := a.signedIn("erin@example.org", domain.RoleApplicant)
		wantStatus(t, "erin claims", erin.post("/organismes/"+grenoble.Key+"/rejoindre", url.Values{"role": {"contributor"}}), http.StatusSeeOther)
		erinM, _ := a.db.Membership(ctx, grenoble.ID, userID(t, a, "erin@example.org"))

		before := teamState(t, a, grenoble) + teamState(t, a, smu)
		wantStatus(t, "other body's team page", alice.get("/organismes/"+grenoble.Key+"/equipe"), http.StatusNotFound)
		wantStatus(t, "pending claimant's team page", erin.get("/organismes/"+grenoble.Key+"/equipe"), http.StatusNotFound)
		form := url.Values{"email": {"intrus@example.org"}, "role": {"responsable"}, "reason": {"Prise de contrôle."}}
		for _, p := range []string{
			"/organismes/%[1]s/equipe/inviter",
			"/organismes/%[1]s/equipe/demandes/%[2]d/approuver",
			"/organismes/%[1]s/equipe/demandes/%[2]d/refuser",
			"/organismes/%[1]s/equipe/membres/%[3]d/role",
			"/organismes/%[1]s/equipe/membres/%[3]d/retirer",
		} {
			// Another body's routes, and the member's own body's routes
			// with ids from the other body's team.
			for _, path := range []string{fmt.Sprintf(p, grenoble.Key, erinM.ID, daveM.ID), fmt.Sprintf(p, smu.Key, erinM.ID, daveM.ID)} {
				if strings.HasSuffix(path, "/inviter") && strings.Contains(path, smu.Key) {
					continue // her own body's invitation route takes no id
				}
				if r := alice.post(path, form); r.status != http.StatusNotFound {
					t.Errorf("POST %s by a member of another body: %d", path, r.status)
				}
			}
		}
		// Her own membership's id under the other body's key: 404 too.
		if r := alice.post(fmt.Sprintf("/organismes/%s/equipe/membres/%d/role", grenoble.Key, aliceM.ID), form); r.status != http.StatusNotFound {
			t.Errorf("own id under another body: %d", r.status)
		}
		if after := teamState(t, a, grenoble) + teamState(t, a, smu); after != before {
			t.Fatalf("requests on another body's team changed something:\n%s\n%s", before, after)
		}
		if len(a.mailsTo("intrus@example.org")) != 0 {
			t.Fatal("an invitation left for another body's team")
		}

		// Unknown bodies, and bodies asked for but not accepted, have no
		// claim form and no team.
		requested := &domain.Body{Name: "Syndicat inconnu", Kind: "syndicat", SearchName: "syndicat inconnu"}
		if err := a.db.RequestBody(ctx, requested, nil, domain.CLIActor, nil); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"000000000", requested.Key} {
			wantStatus(t, "claim "+key, alice.get("/organismes/"+key+"/rejoindre"), http.StatusNotFound)
			wantStatus(t, "claim post "+key, alice.post("/organismes/"+key+"/rejoindre", url.Values{"role": {"elu"}}), http.StatusNotFound)
		}
		if r := a.browser().get("/organismes/" + smu.Key + "/equipe"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/connexion") {
			t.Fatalf("anonymous team page: %d → %q", r.status, r.location())
		}
	})
}

// TestTeamBadInputChangesNothing posts wrong values to every team form:
// each answer is a clear French message, and nothing changes.
func TestTeamBadInputChangesNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		smu, grenoble, _ := teamTestBodies(t, a)
		alice, _ := a.joinTeam(smu, "alice@example.org", domain.RoleElu)
		_, bobM := a.joinTeam(smu, "bob@example.org", domain.RoleContributor)
		team := "/organismes/" + smu.Key + "/equipe"
		role := fmt.Sprintf("%s/membres/%d/role", team, bobM.ID)
		cases := []struct {
			name, path string
			form       url.Values
			status     int
			message    string
		}{
			{"claim without role", "/organismes/" + grenoble.Key + "/rejoindre", url.Values{"message": {"Bonjour"}}, 422, "Choisissez un rôle"},
			{"claim unknown role", "/organismes/" + grenoble.Key + "/rejoindre", url.Values{"role": {"maire"}}, 422, "Choisissez un rôle"},
			{"claim long message", "/organismes/" + grenoble.Key + "/rejoindre", url.Values{"role": {"elu"}, "message": {strings.Repeat("a", 1001)}}, 422, "1 000 caractères"},
			{"claim duplicate", "/organismes/" + smu.Key + "/rejoindre", url.Values{"role": {"contributor"}}, 409, "Vous avez déjà demandé"},
			{"role unknown", role, url.Values{"role": {"president"}}, 422, "Choisissez un rôle"},
			{"role unknown section", role, url.Values{"role": {"contributor"}, "sections": {"logiciels", "finances"}}, 422, "sections dans la liste"},
			{"invite malformed email", team + "/inviter", url.Values{"email": {"mairie.example.fr"}, "role": {"contributor"}}, 422, "pas valide"},
			{"invite unknown role", team + "/inviter", url.Values{"email": {"gael@example.org"}, "role": {"stagiaire"}}, 422, "Choisissez un rôle"},
			{"invite unknown section", team + "/inviter", url.Values{"email": {"gael@example.org"}, "role": {"contributor"}, "sections": {"<b>x</b>"}}, 422, "sections dans la liste"},
			{"invite a member", team + "/inviter", url.Values{"email": {"bob@example.org"}, "role": {"contributor"}}, 422, "fait déjà partie de l'équipe"},
			{"remove without reason", fmt.Sprintf("%s/membres/%d/retirer", team, bobM.ID), url.Values{}, 422, "Indiquez le motif"},
			{"approve an approved member", fmt.Sprintf("%s/demandes/%d/approuver", team, bobM.ID), url.Values{}, 409, "a changé entre-temps"},
			{"unknown membership", team + "/membres/999999/role", url.Values{"role": {"elu"}}, 404, ""},
			{"malformed id", team + "/membres/abc/retirer", url.Values{"reason": {"x"}}, 404, ""},
		}
		before := teamState(t, a, smu) + teamState(t, a, grenoble)
		for _, c := range cases {
			r := alice.post(c.path, c.form)
			if r.status != c.status {
				t.Errorf("%s: status %d, want %d", c.name, r.status, c.status)
				continue
			}
			if c.message != "" && !strings.Contains(r.body, c.message) && !strings.Contains(htmlText(r), c.message) {
				t.Errorf("%s: no %q in the page", c.name, c.message)
			}
			if c.status == 422 && !strings.Contains(r.body, `role="alert"`) {
				t.Errorf("%s: the error is not announced", c.name)
			}
		}
		if after := teamState(t, a, smu) + teamState(t, a, grenoble); after != before {
			t.Fatalf("bad input changed something:\n%s\n%s", before, after)
		}
		// What was typed comes back: the email, the reason, the ticked box.
		r := alice.post(team+"/inviter", url.Values{"email": {"gael@exemple"}, "role": {"contributor"}, "sections": {"logiciels"}})
		says(t, r, `value="gael@exemple"`, `id="invite-sec-logiciels" name="sections" value="logiciels" checked`)
		r = alice.post(role, url.Values{"role": {"contributor"}, "sections": {"donnees", "x"}})
		says(t, r, fmt.Sprintf(`<details class="manage" open>`), fmt.Sprintf(`id="m%d-sec-donnees" name="sections" value="donnees" checked`, bobM.ID))
	})
}

func TestInvitationFlow(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		smu, _, _ := teamTestBodies(t, a)
		alice, _ := a.joinTeam(smu, "alice@example.org", domain.RoleResponsable)
		team := "/organismes/" + smu.Key + "/equipe"
		r := alice.post(team+"/inviter", url.Values{"email": {"Gael@Example.org"}, "role": {"contributor"}, "sections": {"logiciels"}})
		if r.status != http.StatusSeeOther || r.location() != team {
			t.Fatalf("invite: %d → %q\n%s", r.status, r.location(), r.body)
		}
		path, secret := a.lastLink("gael@example.org", "invitation")
		if path != "/invitation" {
			t.Fatalf("invitation link %q", path)
		}
		mailSays(t, lastMail(t, a, "gael@example.org", "invitation"), "alice@example.org", "Saint-Martin-d'Uriage", "Contributeur (Logiciels et systèmes libres)", "7 jours")

		// Anonymous: the offer, and how to sign in and come back.
		link := path + "?jeton=" + secret
		r = a.browser().get(link)
		wantStatus(t, "invitation page", r, http.StatusOK)
		says(t, r, "alice@example.org vous invite à rejoindre l'équipe de Saint-Martin-d'Uriage", "Contributeur", "Logiciels et systèmes libres",
			"/connexion?suite=%2finvitation%3fjeton%3d"+secret, "/inscription")
		mustNotContain(t, r, `action="/invitation"`)

		// Signed in: accept, and the person is a member with the offer.
		gael := a.signedIn("gael@example.org", domain.RoleApplicant)
		says(t, gael.get(link), `action="/invitation"`, "Accepter l'invitation")
		r = gael.post("/invitation", url.Values{"jeton": {secret}})
		if r.status != http.StatusSeeOther || r.location() != team {
			t.Fatalf("accept: %d → %q\n%s", r.status, r.location(), r.body)
		}
		says(t, gael.get(team), "Vous faites maintenant partie de l'équipe", "gael@example.org")
		m, err := a.db.Membership(ctx, smu.ID, userID(t, a, "gael@example.org"))
		if err != nil || m.Status != domain.MemberApproved || m.Role != domain.RoleContributor || len(m.Sections) != 1 || m.Sections[0] != "logiciels" {
			t.Fatalf("member after invitation: %+v %v", m, err)
		}

		// Reuse: 410, nothing changes.
		before := teamState(t, a, smu)
		wantStatus(t, "reused link page", gael.get(link), http.StatusGone)
		r = gael.post("/invitation", url.Values{"jeton": {secret}})
		wantStatus(t, "reused link", r, http.StatusGone)
		says(t, r, "Cette invitation n'est plus valable")
		if after := teamState(t, a, smu); after != before {
			t.Fatalf("a reused invitation changed the team:\n%s\n%s", before, after)
		}

		// Expiry: seven days later the link is dead.
		wantStatus(t, "second invitation", alice.post(team+"/inviter", url.Values{"email": {"hugo@example.org"}, "role": {"elu"}}), http.StatusSeeOther)
		_, secret2 := a.lastLink("hugo@example.org", "invitation")
		hugo := a.signedIn("hugo@example.org", domain.RoleApplicant)
		before = teamState(t, a, smu)
		a.clock.add(domain.InvitationLifetime + time.Minute)
		says(t, hugo.get("/invitation?jeton="+secret2), "Cette invitation n'est plus valable")
		wantStatus(t, "expired link page", a.browser().get("/invitation?jeton="+secret2), http.StatusGone)
		wantStatus(t, "expired link", hugo.post("/invitation", url.Values{"jeton": {secret2}}), http.StatusGone)
		if after := teamState(t, a, smu); after != before {
			t.Fatalf("an expired invitation changed the team:\n%s\n%s", before, after)
		}
		wantStatus(t, "empty link", a.browser().get("/invitation"), http.StatusGone)

		for _, action := range []string{"member.invite", "member.accept_invitation"} {
			if !hasAudit(t, a, action) {
				t.Errorf("no %s in the audit log", action)
			}
		}
	})
}

func hasAudit(t *testing.T, a *testApp, action string) bool {
	t.Helper()
	entries, err := a.db.ListAudit(ctx, auditFilter(action))
	if err != nil {
		t.Fatal(err)
	}
	return len(entries) > 0
}

func TestTeamGoMessagesExist(t *testing.T) {
	fr, err := keysIn("fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{
		"error.team.role_invalid", "error.team.section_invalid", "error.team.message_too_long", "error.team.reason_required",
		"error.team.reason_too_long", "error.team.claim_duplicate", "error.team.self", "error.team.remove_self",
		"error.team.conflict", "error.team.already_member", "error.team.invitation_invalid",
		"flash.team.claim_sent", "flash.team.approved", "flash.team.refused", "flash.team.role_changed",
		"flash.team.removed", "flash.team.invited", "flash.team.joined", "claim.title", "team.title",
		"my_bodies.title", "invitation.title", "admin.claims.title",
	} {
		if !fr[id] {
			t.Errorf("missing message %q", id)
		}
	}
	for _, r := range domain.MemberRoles {
		for _, id := range []string{"team.role." + string(r), "team.role_hint." + string(r)} {
			if !fr[id] {
				t.Errorf("missing message %q", id)
			}
		}
	}
	for _, s := range []domain.MemberStatus{domain.MemberPending, domain.MemberApproved, domain.MemberRefused, domain.MemberRemoved} {
		if !fr["team.status."+string(s)] {
			t.Errorf("missing message for status %s", s)
		}
	}
}

func htmlText(r *response) string { return html.UnescapeString(r.body) }

func auditFilter(action string) store.AuditFilter {
	return store.AuditFilter{Action: action, Limit: 100}
}
