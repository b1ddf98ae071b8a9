package store_test

import (
	"reflect"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// LoadApplicationAccess reads on one connection what FindApplication,
// Membership, FindEdition and Answers read one by one: it must read the
// same, whoever asks.
func TestApplicationAccessReadsWhatTheSeparateReadsRead(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		app, alice := newApplication(t, db)
		bob := newUser(t, db, "bob@example.org", domain.RoleApplicant)
		claim := &domain.Member{BodyID: app.Body.ID, UserID: alice.ID, Role: domain.RoleResponsable}
		if err := db.Claim(ctx, claim, actorOf(alice), nil); err != nil {
			t.Fatal(err)
		}
		save(t, db, app.ID, alice, "plan", "Un plan.", 0)
		save(t, db, app.ID, alice, "budget", "12", 0)

		got, err := db.LoadApplicationAccess(ctx, app.ID, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantApp, _ := db.FindApplication(ctx, app.ID)
		wantMember, _ := db.Membership(ctx, app.Body.ID, alice.ID)
		wantEdition, _ := db.FindEdition(ctx, app.Year)
		wantAnswers, _ := db.Answers(ctx, app.ID)
		for _, c := range []struct {
			what      string
			got, want any
		}{{"application", got.App, wantApp}, {"membership", got.Member, wantMember},
			{"edition", got.Edition, wantEdition}, {"answers", got.Answers, wantAnswers}} {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("%s:\n got %+v\nwant %+v", c.what, c.got, c.want)
			}
		}
		if got.Member.Status != domain.MemberPending || len(got.Answers) != 2 || got.App.Answered != 2 {
			t.Errorf("read: member %+v, %d answers, %d answered", got.Member, len(got.Answers), got.App.Answered)
		}

		// Someone with no tie to the body reads no membership, and the
		// caller refuses them; an unknown application is not found.
		stranger, err := db.LoadApplicationAccess(ctx, app.ID, bob.ID)
		if err != nil || stranger.Member != nil {
			t.Fatalf("stranger: %+v, %v", stranger, err)
		}
		if _, err := db.LoadApplicationAccess(ctx, app.ID+1000, alice.ID); !domain.IsNotFound(err) {
			t.Fatalf("unknown application: %v", err)
		}
	})
}
