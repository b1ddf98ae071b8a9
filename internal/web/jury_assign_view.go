package web

// The assignment matrix and its figures: one row per file, one column per
// reviewer, the workload of each and the calculator shown before any
// proposal.

import (
	"tnl/internal/domain"
)

// The states of a matrix cell.
const (
	cellReviewer   = "reviewer"
	cellRapporteur = "rapporteur"
	cellRecused    = "recused"
)

// assignRow is one file of the matrix.
type assignRow struct {
	ID        int64
	Body      string
	Cells     []string // one state per reviewer column, "" when not assigned
	Reviewers int
	HasLead   bool
	Missing   []string // diversity tags none of its reviewers holds
}

// assignCol is one reviewer: a matrix column and a workload line.
type assignCol struct {
	Member       domain.JuryMember
	Files, Leads int
	Hours        int // rounded up, from the edition's minutes per review
}

// assignView is the matrix and its figures.
type assignView struct {
	Full     bool
	K        int
	Minutes  int
	Rows     []assignRow
	Cols     []assignCol
	Total    int // assignments on the files shown
	Short    int // files with fewer than K reviewers or no rapporteur
	Gaps     int // files missing a diversity tag
	PerJuror int // the calculator: files per reviewer before any proposal
	PerHours int
}

func hoursOf(files, minutes int) int { return (files*minutes + 59) / 60 }

func (d *assignData) view() assignView {
	v := assignView{Full: d.settings.Mode == domain.AssignFullPanel, K: d.settings.Reviewers, Minutes: d.settings.MinutesPerReview}
	at := map[[2]int64]domain.Assignment{}
	for _, a := range d.rows {
		at[[2]int64{a.ApplicationID, a.UserID}] = a
	}
	v.Cols = make([]assignCol, len(d.reviewers))
	for i, m := range d.reviewers {
		v.Cols[i].Member = m
	}
	for _, f := range d.files {
		row := assignRow{ID: f.ID, Body: f.Body.Name, Cells: make([]string, len(d.reviewers))}
		tags := map[string]bool{}
		for i, m := range d.reviewers {
			a, ok := at[[2]int64{f.ID, m.UserID}]
			switch {
			case d.conflicts.Recused(m.UserID, f.ID):
				row.Cells[i] = cellRecused
				continue
			case !ok:
				continue
			case a.Rapporteur:
				row.Cells[i], row.HasLead = cellRapporteur, true
				v.Cols[i].Leads++
			default:
				row.Cells[i] = cellReviewer
			}
			row.Reviewers++
			v.Cols[i].Files++
			for _, t := range m.Tags {
				tags[t] = true
			}
		}
		for _, t := range d.settings.DiversityTags {
			if row.Reviewers > 0 && !tags[t] {
				row.Missing = append(row.Missing, t)
			}
		}
		v.Total += row.Reviewers
		if row.Reviewers > 0 && (row.Reviewers < v.K || !row.HasLead) {
			v.Short++
		}
		if len(row.Missing) > 0 {
			v.Gaps++
		}
		v.Rows = append(v.Rows, row)
	}
	for i := range v.Cols {
		v.Cols[i].Hours = hoursOf(v.Cols[i].Files, v.Minutes)
	}
	v.PerJuror = len(d.files)
	if !v.Full && len(d.reviewers) > 0 {
		v.PerJuror = (len(d.files)*v.K + len(d.reviewers) - 1) / len(d.reviewers)
	}
	v.PerHours = hoursOf(v.PerJuror, v.Minutes)
	return v
}
