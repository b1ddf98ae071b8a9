package demo

// The steps of the jury's work that both demo editions go through, each
// through the same store calls as the site: members, phases, conflicts,
// attestations and the solver's assignment.

import (
	"fmt"
	"time"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// members puts the demo jury on an edition, each with at most maxLoad
// files (0: no cap), which the solver respects.
func (r *juryRun) members(year, maxLoad int) error {
	for i, j := range demoJurors {
		m := domain.JuryMember{Year: year, UserID: r.jurors[i].ID, Role: j.role, Tags: j.tags, MaxLoad: maxLoad}
		if err := r.db.SaveJuryMember(r.ctx, m, r.admin); err != nil {
			return err
		}
	}
	return nil
}

// toPhase moves an edition forward one phase at a time, as the
// secretariat does, dated at.
func (r *juryRun) toPhase(year int, p domain.Phase, at time.Time) error {
	r.at(at)
	for {
		e, err := r.db.FindEdition(r.ctx, year)
		if err != nil {
			return err
		}
		if e.Phase == p {
			return nil
		}
		next, ok := e.Phase.Next()
		if !ok || !e.Phase.Before(p) {
			return fmt.Errorf("cannot move from %s to %s", e.Phase, p)
		}
		if err := r.db.SwitchPhase(r.ctx, year, next, r.admin); err != nil {
			return err
		}
	}
}

// conflicts runs the automatic suggestions and confirms them all, or
// (confirmAll false) only the vice-president's: the rest wait in the
// register for the secretariat.
func (r *juryRun) conflicts(year int, confirmAll bool) error {
	if _, err := r.db.SuggestConflicts(r.ctx, year, r.admin); err != nil {
		return err
	}
	found, err := r.db.Conflicts(r.ctx, year, store.ConflictFilter{Status: jury.ConflictSuggested})
	if err != nil {
		return err
	}
	if len(found) == 0 {
		return fmt.Errorf("no conflict suggested from the jurors' affiliations")
	}
	for _, c := range found {
		if !confirmAll && c.Juror != r.jurors[1].ID {
			continue
		}
		if err := r.db.DecideConflict(r.ctx, c.ID, true, "Lien confirmé par le secrétariat.", r.admin); err != nil {
			return err
		}
	}
	return nil
}

// declareVoiron: jure4 declares a personal link with Voiron, which the
// secretariat keeps as a disclosed link (shown beside the score).
func (r *juryRun) declareVoiron(year int) error {
	jure4 := r.jurors[3]
	id, err := r.db.DeclareConflict(r.ctx, store.ConflictDeclaration{Year: year, Juror: jure4.ID,
		Application: r.apps[bodyVoiron].ID, Type: jury.ConflictPersonal, Severity: jury.ConflictDisclose,
		Text: "Ancienne collègue de la directrice générale des services.", Source: jury.ConflictSourceJuror}, actorOf(jure4))
	if err != nil {
		return err
	}
	return r.db.DecideConflict(r.ctx, id, true, "Simple déclaration : le lien est ancien et sans enjeu.", r.admin)
}

// attestAndAssign has the first `attesting` jurors sign their attestation,
// then runs the solver, saves and releases its proposal.
func (r *juryRun) attestAndAssign(year, attesting int, mode jury.AssignMode, at time.Time) error {
	if err := r.toPhase(year, domain.PhaseAttestation, at); err != nil {
		return err
	}
	for _, u := range r.jurors[:attesting] {
		if _, err := r.db.AttestConflicts(r.ctx, year, u.ID, actorOf(u)); err != nil {
			return err
		}
	}
	if err := r.toPhase(year, domain.PhaseAssignment, at.AddDate(0, 0, 2)); err != nil {
		return err
	}
	rows, err := r.solve(year, mode)
	if err != nil {
		return err
	}
	if err := r.db.SaveAssignments(r.ctx, year, rows, r.admin); err != nil {
		return err
	}
	return r.db.ReleaseAssignments(r.ctx, year, r.admin)
}

// solve asks the solver for an assignment of the edition's files, with
// recusals as hard constraints, as the assignment page does.
func (r *juryRun) solve(year int, mode jury.AssignMode) ([]domain.Assignment, error) {
	e, err := r.db.FindEdition(r.ctx, year)
	if err != nil {
		return nil, err
	}
	settings := e.Jury.WithDefaults()
	conflicts, err := r.db.EffectiveConflicts(r.ctx, year)
	if err != nil {
		return nil, err
	}
	files, err := r.db.ConflictApplicants(r.ctx, year)
	if err != nil {
		return nil, err
	}
	members, err := r.db.JuryMembers(r.ctx, year)
	if err != nil {
		return nil, err
	}
	req := jury.AssignRequest{Mode: mode, K: settings.Reviewers, Diversity: settings.DiversityTags, Seed: uint64(year)}
	for _, m := range members {
		req.Jurors = append(req.Jurors, jury.AssignJuror{ID: m.UserID, Min: m.MinLoad, Max: m.MaxLoad, Tags: m.Tags})
	}
	for _, f := range files {
		req.Files = append(req.Files, jury.AssignFile{ID: f.ID})
		for _, u := range r.jurors {
			if conflicts.Recused(u.ID, f.ID) {
				req.Conflicts = append(req.Conflicts, jury.AssignPair{FileID: f.ID, JurorID: u.ID})
			}
		}
	}
	res, err := jury.Assign(req)
	if err != nil {
		return nil, err
	}
	var rows []domain.Assignment
	for _, f := range res.Files {
		for _, id := range f.Reviewers {
			rows = append(rows, domain.Assignment{ApplicationID: f.FileID, UserID: id, Rapporteur: id == f.Rapporteur,
				Source: domain.AssignSolver})
		}
	}
	return rows, nil
}
