package store_test

import (
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// someBodies writes a small directory: a commune, its EPCI and another
// commune of it.
func someBodies(t *testing.T, db *store.DB) (commune, epci *domain.Body) {
	t.Helper()
	bodies := []domain.Body{
		{Key: "213804222", Name: "Saint-Martin-d'Uriage", Kind: "commune", Departement: "38", INSEE: "38422", SIREN: "213804222", EPCI: "200040715", SearchName: "saint martin d uriage"},
		{Key: "213801855", Name: "Grenoble", Kind: "commune", Departement: "38", INSEE: "38185", SIREN: "213801855", EPCI: "200040715", SearchName: "grenoble"},
		{Key: "200040715", Name: "Grenoble-Alpes-Métropole", Kind: "metropole", Departement: "38", SIREN: "200040715", SearchName: "grenoble alpes metropole"},
	}
	if err := db.SyncDirectory(ctx, bodies, "test"); err != nil {
		t.Fatal(err)
	}
	commune, _ = db.FindBodyByKey(ctx, "213804222")
	epci, _ = db.FindBodyByKey(ctx, "200040715")
	return commune, epci
}

func actorOf(u *domain.User) domain.Actor { return domain.Actor{ID: u.ID, Label: u.Email} }

func TestClaimApprovalAndRoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		withClock(db)
		commune, _ := someBodies(t, db)
		alice := newUser(t, db, "alice@example.org", domain.RoleApplicant)
		bob := newUser(t, db, "bob@example.org", domain.RoleApplicant)
		admin := newUser(t, db, "admin@example.org", domain.RoleAdmin)

		claim := &domain.Member{BodyID: commune.ID, UserID: alice.ID, Role: domain.RoleResponsable, Message: "Je suis la DSI."}
		if err := db.Claim(ctx, claim, actorOf(alice), nil); err != nil {
			t.Fatal(err)
		}
		again := &domain.Member{BodyID: commune.ID, UserID: alice.ID, Role: domain.RoleContributor}
		if err := db.Claim(ctx, again, actorOf(alice), nil); !domain.IsConflict(err) {
			t.Fatalf("duplicate claim: %v", err)
		}
		if pending, _ := db.PendingClaims(ctx); len(pending) != 1 || pending[0].Email != "alice@example.org" {
			t.Fatalf("pending claims: %+v", pending)
		}
		m, err := db.DecideClaim(ctx, claim.ID, true, "", actorOf(admin), nil)
		if err != nil || m.Status != domain.MemberApproved || m.DecidedBy != "admin@example.org" {
			t.Fatalf("approve: %+v %v", m, err)
		}
		if _, err := db.DecideClaim(ctx, claim.ID, false, "trop tard", actorOf(admin), nil); !domain.IsConflict(err) {
			t.Fatalf("deciding twice: %v", err)
		}

		// Bob is refused, then claims again and is approved as responsable:
		// the role moves from Alice to him.
		bobClaim := &domain.Member{BodyID: commune.ID, UserID: bob.ID, Role: domain.RoleContributor}
		db.Claim(ctx, bobClaim, actorOf(bob), nil)
		if m, _ := db.DecideClaim(ctx, bobClaim.ID, false, "Inconnu de nos services.", actorOf(admin), nil); m.Reason != "Inconnu de nos services." {
			t.Fatalf("refusal reason lost: %+v", m)
		}
		if err := db.Claim(ctx, &domain.Member{BodyID: commune.ID, UserID: bob.ID, Role: domain.RoleContributor}, actorOf(bob), nil); err != nil {
			t.Fatalf("claim after refusal: %v", err)
		}
		db.DecideClaim(ctx, bobClaim.ID, true, "", actorOf(admin), nil)
		if _, err := db.SetMemberRole(ctx, bobClaim.ID, domain.RoleResponsable, nil, actorOf(alice), nil); err != nil {
			t.Fatal(err)
		}
		team, _ := db.Team(ctx, commune.ID)
		roles := map[string]domain.MemberRole{}
		for _, m := range team {
			roles[m.Email] = m.Role
		}
		if roles["bob@example.org"] != domain.RoleResponsable || roles["alice@example.org"] != domain.RoleContributor {
			t.Fatalf("transfer of the responsable role: %v", roles)
		}
		if _, err := db.SetMemberRole(ctx, claim.ID, domain.RoleContributor, []string{"donnees"}, actorOf(bob), nil); err != nil {
			t.Fatal(err)
		}
		if m, _ := db.Membership(ctx, commune.ID, alice.ID); len(m.Sections) != 1 || m.Sections[0] != "donnees" {
			t.Fatalf("sections: %+v", m)
		}
		if _, err := db.RemoveMember(ctx, claim.ID, "Départ de la collectivité.", actorOf(bob), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RemoveMember(ctx, claim.ID, "deux fois", actorOf(bob), nil); !domain.IsConflict(err) {
			t.Fatalf("removing twice: %v", err)
		}
		entries, _ := db.ListAudit(ctx, store.AuditFilter{Action: "member."})
		if len(entries) < 9 {
			t.Fatalf("team changes not all audited: %d entries", len(entries))
		}
	})
}

func TestInvitationExpiryAndReuse(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := withClock(db)
		commune, _ := someBodies(t, db)
		elu := newUser(t, db, "elu@example.org", domain.RoleApplicant)
		agent := newUser(t, db, "agent@example.org", domain.RoleApplicant)
		invite := func(hash string) {
			inv := &domain.Invitation{Hash: hash, BodyID: commune.ID, Email: "agent@example.org", Role: domain.RoleContributor,
				Sections: []string{"logiciels"}, InvitedBy: elu.ID, ExpiresAt: c.t.Add(domain.InvitationLifetime)}
			if err := db.Invite(ctx, inv, actorOf(elu), &domain.OutboxMail{To: inv.Email, Subject: "s", Template: "invitation"}); err != nil {
				t.Fatal(err)
			}
		}
		invite("i1")
		m, err := db.AcceptInvitation(ctx, "i1", actorOf(agent), nil)
		if err != nil || m.Status != domain.MemberApproved || m.Role != domain.RoleContributor || m.Sections[0] != "logiciels" {
			t.Fatalf("accept: %+v %v", m, err)
		}
		if _, err := db.AcceptInvitation(ctx, "i1", actorOf(agent), nil); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("reused invitation: %v", err)
		}
		invite("i2")
		c.add(domain.InvitationLifetime + time.Second)
		if _, err := db.CheckInvitation(ctx, "i2"); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("expired invitation: %v", err)
		}
		if _, err := db.AcceptInvitation(ctx, "i2", actorOf(agent), nil); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("expired invitation accepted: %v", err)
		}
		if mails, _ := db.ListMail(ctx, true, 10); len(mails) != 2 {
			t.Fatalf("each invitation comes with its mail: %d", len(mails))
		}
	})
}

func TestRequestedBodiesAndMerge(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		withClock(db)
		commune, epci := someBodies(t, db)
		agent := newUser(t, db, "agent@example.org", domain.RoleApplicant)
		admin := newUser(t, db, "admin@example.org", domain.RoleAdmin)
		sitiv := &domain.Body{Name: "SITIV", Kind: "syndicat", Departement: "69", SIREN: "256900994", SearchName: "sitiv"}
		if err := db.RequestBody(ctx, sitiv, []int64{commune.ID, epci.ID}, actorOf(agent), nil); err != nil {
			t.Fatal(err)
		}
		if sitiv.Key != "256900994" || sitiv.Status != domain.BodyRequested {
			t.Fatalf("requested body: %+v", sitiv)
		}
		if found, _ := db.SearchOtherBodies(ctx, "siti", 10); len(found) != 0 {
			t.Fatal("a body not yet approved must not be found")
		}
		if _, err := db.DecideBody(ctx, sitiv.ID, true, "", actorOf(admin), nil); err != nil {
			t.Fatal(err)
		}
		if found, _ := db.SearchOtherBodies(ctx, "siti", 10); len(found) != 1 {
			t.Fatalf("approved body not found: %v", found)
		}
		if members, _ := db.LinkedMembers(ctx, sitiv.ID); len(members) != 2 {
			t.Fatalf("members: %v", members)
		}
		dup := &domain.Body{Name: "Syndicat SITIV", Kind: "syndicat", SearchName: "syndicat sitiv"}
		db.RequestBody(ctx, dup, nil, actorOf(agent), nil)
		db.Claim(ctx, &domain.Member{BodyID: dup.ID, UserID: agent.ID, Role: domain.RoleElu}, actorOf(agent), nil)
		if err := db.MergeBody(ctx, dup.ID, sitiv.ID, actorOf(admin)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindBodyByID(ctx, dup.ID); !domain.IsNotFound(err) {
			t.Fatalf("merged body still there: %v", err)
		}
		if m, err := db.Membership(ctx, sitiv.ID, agent.ID); err != nil || m.Role != domain.RoleElu {
			t.Fatalf("claim not moved by the merge: %+v %v", m, err)
		}
		if err := db.MergeBody(ctx, commune.ID, epci.ID, actorOf(admin)); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("a directory body must not be absorbed: %v", err)
		}
		if _, err := db.UpdateBody(ctx, commune.ID, domain.Body{Name: "X"}, actorOf(admin)); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("a directory body must not be edited by hand: %v", err)
		}
	})
}
