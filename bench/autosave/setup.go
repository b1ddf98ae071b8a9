package main

import (
	"context"
	"fmt"
	"time"

	"tnl/bench/harness"
	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/store"
)

const (
	benchYear     = 2026
	saverEmail    = "autosave-bench@example.org"
	saverPassword = "phrase de passe du banc d'essai"
)

// The questions the savers write: a long text and a short text of the
// default Label questionnaire, neither in a section a contributor could be
// kept out of.
const (
	longQuestion  = "plan_action"
	shortQuestion = "mutualisation_nom"
)

// target is one saver's application, and the account that saves.
type target struct {
	app      int64
	question string
	user     int64
}

// setup writes, through the store as the site would, an edition open now
// with the default Label questionnaire, n applications of n directory
// bodies, and one account, approved member of all of them. Saver i writes
// the long text of application i if i is even, the short text otherwise.
func setup(ctx context.Context, e *harness.Engine, n int) ([]target, error) {
	db, err := e.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := openEdition(ctx, db); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	u := &domain.User{Email: saverEmail, PasswordHash: domain.HashPassword(saverPassword), Role: domain.RoleApplicant, EmailVerifiedAt: &now}
	if err := db.CreateUser(ctx, u, domain.CLIActor); err != nil {
		return nil, err
	}
	bodies, err := db.ListBodies(ctx, domain.BodyOfficial)
	if err != nil {
		return nil, err
	}
	if len(bodies) < n {
		return nil, fmt.Errorf("the directory holds %d bodies, %d needed", len(bodies), n)
	}
	targets := make([]target, n)
	for i, b := range bodies[:n] {
		m := &domain.Member{BodyID: b.ID, UserID: u.ID, Role: domain.RoleResponsable}
		if err := db.Claim(ctx, m, domain.CLIActor, nil); err != nil {
			return nil, err
		}
		if _, err := db.DecideClaim(ctx, m.ID, true, "", domain.CLIActor, nil); err != nil {
			return nil, err
		}
		app, err := db.CreateApplication(ctx, benchYear, "label", b.ID, domain.CLIActor)
		if err != nil {
			return nil, err
		}
		targets[i] = target{app: app.ID, question: longQuestion, user: u.ID}
		if i%2 == 1 {
			targets[i].question = shortQuestion
		}
	}
	return targets, nil
}

// openEdition writes an edition open from a month ago to a month from now
// with the default Label questionnaire.
func openEdition(ctx context.Context, db *store.DB) error {
	now := time.Now().UTC()
	opens, closes := now.AddDate(0, -1, 0), now.AddDate(0, 1, 0)
	e := &domain.Edition{Year: benchYear, Title: "Édition du banc d'essai", OpensAt: &opens, ClosesAt: &closes,
		Tracks: []domain.Track{{Key: "label", Name: "Label", Levels: []domain.Level{{Key: "or", Name: "Or", Threshold: 80}}}}}
	if err := db.SaveEdition(ctx, e); err != nil {
		return err
	}
	def, err := form.Default("label")
	if err != nil {
		return err
	}
	raw, err := form.Encode(def)
	if err != nil {
		return err
	}
	_, err = db.SaveQuestionnaire(ctx, benchYear, "label", raw, domain.CLIActor)
	return err
}
