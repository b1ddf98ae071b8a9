package web

// The assignment of files to reviewers (issue 6 §3, jury.md §4): the
// secretariat runs the solver, looks at the matrix and the workload, edits
// by hand, then releases; the president reads the same page without the
// forms; each juror sees the list of their own files once released.
//
// "Proposer une attribution" saves the solver's result at once as the
// current proposal: until the release the assignments table IS the
// proposal, and nobody but the secretariat and the president sees it
// (store.FileFacts counts an assignment only once released). So every step
// is a plain POST/redirect/GET with one audit entry, and manual edits work
// on a stored set. A run keeps every assignment still valid (the solver's
// Existing), so a re-run after late conflicts only fills the gaps.

import (
	"cmp"
	"net/http"
	"slices"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// assignData is what the assignment pages read, cut to the files the
// viewer may see: hidden keeps the rows of the others, so that a save
// never loses them.
type assignData struct {
	edition   *domain.Edition
	settings  domain.JurySettings
	reviewers []domain.JuryMember // every member but observers, president first
	files     []*domain.Application
	conflicts jury.ConflictMap
	rows      []domain.Assignment // on files
	hidden    []domain.Assignment // on files the viewer is recused from
}

func (s *Server) loadAssignData(r *http.Request, j *juryAccess) (*assignData, error) {
	ctx, year := r.Context(), j.Edition.Year
	d := &assignData{edition: j.Edition, settings: j.Edition.Jury.WithDefaults()}
	members, err := s.db.JuryMembers(ctx, year)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.Role != domain.JuryObserver {
			d.reviewers = append(d.reviewers, m)
		}
	}
	if d.conflicts, err = s.db.EffectiveConflicts(ctx, year); err != nil {
		return nil, err
	}
	apps, err := s.db.ListApplications(ctx, store.ApplicationFilter{Year: year, Status: domain.ApplicationSubmitted})
	if err != nil {
		return nil, err
	}
	// By name as people read it: Échirolles among the E, not after Voiron.
	slices.SortStableFunc(apps, func(a, b *domain.Application) int {
		return cmp.Compare(a.Body.SearchName, b.Body.SearchName)
	})
	visible := map[int64]bool{}
	for _, a := range apps {
		v := j.Viewer()
		v.Recused = d.conflicts.Recused(j.User.ID, a.ID)
		if domain.Can(v, domain.ActSeeAssignmentsAll, j.Edition.Phase) {
			d.files = append(d.files, a)
			visible[a.ID] = true
		}
	}
	rows, err := s.db.Assignments(ctx, year)
	if err != nil {
		return nil, err
	}
	for _, a := range rows {
		if visible[a.ApplicationID] {
			d.rows = append(d.rows, a)
		} else {
			d.hidden = append(d.hidden, a)
		}
	}
	return d, nil
}

// request builds the solver's input: the files, the reviewers with their
// loads and tags, recusals as hard constraints, the current set to keep.
// A reviewer without a maximum load gets an even share from the solver.
func (d *assignData) request() jury.AssignRequest {
	req := jury.AssignRequest{Mode: jury.AssignModeReviewers, K: d.settings.Reviewers,
		Diversity: d.settings.DiversityTags, Seed: uint64(d.edition.Year)}
	if d.settings.Mode == domain.AssignFullPanel {
		req.Mode = jury.AssignModeFullPanel
	}
	for _, a := range d.files {
		req.Files = append(req.Files, jury.AssignFile{ID: a.ID})
		for _, m := range d.reviewers {
			if d.conflicts.Recused(m.UserID, a.ID) {
				req.Conflicts = append(req.Conflicts, jury.AssignPair{FileID: a.ID, JurorID: m.UserID})
			}
		}
	}
	for _, m := range d.reviewers {
		req.Jurors = append(req.Jurors, jury.AssignJuror{ID: m.UserID, Min: m.MinLoad, Max: m.MaxLoad, Tags: m.Tags,
			Assessor: m.Role == domain.JuryAssessor})
	}
	for _, a := range d.rows {
		req.Existing = append(req.Existing, jury.AssignPair{FileID: a.ApplicationID, JurorID: a.UserID, Rapporteur: a.Rapporteur})
	}
	return req
}

// fromResult turns the solver's answer into the rows to save; a kept row
// keeps its source, so a manual choice stays marked as such.
func (d *assignData) fromResult(res *jury.AssignResult) []domain.Assignment {
	source := map[[2]int64]string{}
	for _, a := range d.rows {
		source[[2]int64{a.ApplicationID, a.UserID}] = a.Source
	}
	out := d.valid(d.hidden)
	for _, f := range res.Files {
		for _, id := range f.Reviewers {
			src := source[[2]int64{f.FileID, id}]
			if src == "" {
				src = domain.AssignSolver
			}
			out = append(out, domain.Assignment{ApplicationID: f.FileID, UserID: id, Rapporteur: id == f.Rapporteur, Source: src})
		}
	}
	return out
}

// valid drops the rows of jurors recused since they were assigned: the
// store refuses them, and the matrix already shows them as recused, not
// assigned. Any save after a late conflict thus clears them.
func (d *assignData) valid(rows []domain.Assignment) []domain.Assignment {
	return slices.DeleteFunc(slices.Clone(rows), func(a domain.Assignment) bool {
		return d.conflicts.Recused(a.UserID, a.ApplicationID)
	})
}
