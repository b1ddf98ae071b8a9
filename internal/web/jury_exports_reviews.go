package web

// The two jury exports built from reviews (see jury_exports.go): every
// review, and the aggregates per file. Both name a column per section of
// the edition's questionnaires, so that sections line up across files.

import (
	"slices"
	"strconv"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/render"
	"tnl/internal/store"
)

// exportSection is a section of the edition's questionnaires, with its
// review criteria, in the reader's language.
type exportSection struct {
	id, title string
	criteria  [][2]string // criterion id, label
}

// exportSections lists the sections of the current questionnaire of each
// track that has files for the jury, in the edition's order of tracks and
// form order, each once: the columns of the reviews and aggregates
// exports. A section a review names that is not among them (a
// questionnaire changed since) goes to a last column.
func (s *Server) exportSections(x *juryExportJob) ([]exportSection, error) {
	tracks, err := s.db.JuryExportTracks(x.r.Context(), x.j.Edition.Year)
	if err != nil {
		return nil, err
	}
	var out []exportSection
	index := map[string]int{}
	for _, t := range x.j.Edition.Tracks {
		if !slices.Contains(tracks, t.Key) {
			continue
		}
		q, err := s.db.CurrentQuestionnaire(x.r.Context(), x.j.Edition.Year, t.Key)
		if domain.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		def, err := s.definition(x.r, q.ID)
		if err != nil {
			return nil, err
		}
		for _, sc := range jury.Criteria(def) {
			i, ok := index[sc.Section]
			if !ok {
				i = len(out)
				index[sc.Section] = i
				out = append(out, exportSection{id: sc.Section, title: sc.Title.In(x.lang)})
			}
			for _, c := range sc.Criteria {
				if !exportHasCriterion(out[i].criteria, c.ID) {
					out[i].criteria = append(out[i].criteria, [2]string{c.ID, c.Label.In(x.lang)})
				}
			}
		}
	}
	return out, nil
}

func exportHasCriterion(cs [][2]string, id string) bool {
	return slices.ContainsFunc(cs, func(c [2]string) bool { return c[0] == id })
}

// exportOtherSections writes the sections of a review that have no column, as
// "section : level".
func exportOtherSections(x *juryExportJob, track string, criteria map[string]domain.SectionReview, known []exportSection) string {
	var parts []string
	for id, sr := range criteria {
		if !slices.ContainsFunc(known, func(s exportSection) bool { return s.id == id }) && sr.Level != nil {
			parts = append(parts, id+" : "+x.levelName(track, sr.Level))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, " ; ")
}

// writeJuryReviews writes one row per review, by file then juror. A draft
// is its author's alone (domain.ReviewStatus): others see that it exists,
// its stage and its date, never what it says. The note to the secretariat
// goes to the secretariat only (jury.md §5, ActSeeSecretariatNote), as a
// column others do not get.
func (s *Server) writeJuryReviews(x *juryExportJob, sw render.SheetWriter) error {
	sections, err := s.exportSections(x)
	if err != nil {
		return err
	}
	secretariat := x.j.Can(domain.ActSeeSecretariatNote)
	header := s.exportHeaderOf(x, "jexports.col.file", "jexports.col.body", "jexports.col.kind", "jexports.col.track",
		"jexports.col.juror", "jexports.col.role", "jexports.col.disclosed", "jexports.col.stage", "jexports.col.status",
		"jexports.col.level", "jexports.col.abstain_reason")
	for _, sec := range sections {
		header = append(header, render.Text(s.tr.T(x.lang, "jexports.col.section_level", "Section", sec.title)))
		for _, c := range sec.criteria {
			header = append(header, render.Text(sec.title+" – "+c[1]))
		}
	}
	header = append(header, s.exportHeaderOf(x, "jexports.col.other_sections", "jexports.col.mentions",
		"jexports.col.strengths", "jexports.col.suggestions", "jexports.col.jury_note")...)
	if secretariat {
		header = append(header, s.exportHeaderOf(x, "jexports.col.secretariat_note")...)
	}
	header = append(header, s.exportHeaderOf(x, "jexports.col.version", "jexports.col.updated_at", "jexports.col.submitted_at")...)
	if err := sw.WriteRow(header...); err != nil {
		return err
	}
	row := make([]render.Cell, 0, len(header))
	return s.db.ExportJuryReviews(x.r.Context(), x.j.Edition.Year, func(e *store.JuryExportReview) error {
		if !x.sees(e.File.ApplicationID) {
			return nil
		}
		row = s.exportReviewRow(row[:0], x, sections, secretariat, e)
		return sw.WriteRow(row...)
	})
}

// exportReviewRow appends the cells of one review to row.
func (s *Server) exportReviewRow(row []render.Cell, x *juryExportJob, sections []exportSection, secretariat bool, e *store.JuryExportReview) []render.Cell {
	rv, f := &e.Review, &e.File
	role, disclosed := "", ""
	if m, ok := x.member(rv.UserID); ok {
		role = x.t(s.tr, m.Role.Key())
	}
	if x.conflicts.Disclosed(rv.UserID, f.ApplicationID) {
		disclosed = x.t(s.tr, "jexports.yes")
	}
	row = append(row, render.Num(strconv.FormatInt(f.ApplicationID, 10)), render.Text(f.Body),
		render.Text(x.t(s.tr, "kind."+f.Kind)), render.Text(x.trackName(f.Track)), render.Text(e.JurorLabel()),
		render.Text(role), render.Text(disclosed), render.Text(x.t(s.tr, "jexports.stage."+string(rv.Stage))),
		render.Text(x.t(s.tr, "jexports.status."+string(rv.Status))))
	content := rv.Status == domain.ReviewSubmitted || rv.UserID == x.j.User.ID
	if !content {
		var empty domain.Review
		empty.Version, empty.UpdatedAt = rv.Version, rv.UpdatedAt
		rv = &empty
	}
	row = append(row, render.Text(x.levelName(f.Track, rv.Level)), render.Text(rv.AbstainReason))
	for _, sec := range sections {
		sr := rv.Criteria[sec.id]
		row = append(row, render.Text(x.levelName(f.Track, sr.Level)))
		for _, c := range sec.criteria {
			if v, ok := sr.Values[c[0]]; ok {
				row = append(row, exportNum(v))
			} else {
				row = append(row, render.Cell{})
			}
		}
	}
	row = append(row, render.Text(exportOtherSections(x, f.Track, rv.Criteria, sections)),
		render.Text(strings.Join(rv.Mentions, " ; ")), render.Text(rv.Strengths), render.Text(rv.Suggestions),
		render.Text(rv.JuryNote))
	if secretariat {
		row = append(row, render.Text(rv.SecretariatNote))
	}
	updated := rv.UpdatedAt
	return append(row, exportNum(rv.Version), exportDate(&updated), exportDate(e.Review.SubmittedAt))
}

// exportScores turns submitted reviews into what the aggregates read.
func exportScores(reviews []domain.Review) []jury.ReviewScore {
	out := make([]jury.ReviewScore, 0, len(reviews))
	for _, r := range reviews {
		sc := jury.ReviewScore{ApplicationID: r.ApplicationID, JurorID: r.UserID, Abstained: r.Abstains()}
		if r.Stage == domain.ReviewPost {
			sc.Stage = jury.PostDiscussion
		}
		if !sc.Abstained {
			if r.Level == nil { // a submitted review proposes: none is a stray row
				continue
			}
			sc.Level = *r.Level
			for id, sr := range r.Criteria {
				if sr.Level != nil {
					if sc.Sections == nil {
						sc.Sections = map[string]int{}
					}
					sc.Sections[id] = *sr.Level
				}
			}
		}
		out = append(out, sc)
	}
	return out
}

// writeJuryAggregates writes one row per file that reached the jury: its
// aggregate before discussion and, from the discussion phase on, after it
// (jury.PostDiscussionScores: a proposal not revised stands).
func (s *Server) writeJuryAggregates(x *juryExportJob, sw render.SheetWriter) error {
	sections, err := s.exportSections(x)
	if err != nil {
		return err
	}
	stages := []jury.ReviewStage{jury.PreDiscussion}
	if x.j.Edition.Phase.AtLeast(domain.PhaseDiscussion) {
		stages = append(stages, jury.PostDiscussion)
	}
	header := s.exportHeaderOf(x, "jexports.col.file", "jexports.col.body", "jexports.col.kind", "jexports.col.track")
	for _, st := range stages {
		word := x.t(s.tr, exportStageWord(st))
		for _, id := range []string{"jexports.agg.reviews", "jexports.agg.abstentions", "jexports.agg.median",
			"jexports.agg.mean", "jexports.agg.min", "jexports.agg.max", "jexports.agg.std_dev",
			"jexports.agg.disagreement", "jexports.agg.reasons"} {
			header = append(header, render.Text(s.tr.T(x.lang, id, "Stage", word)))
		}
		for _, sec := range sections {
			header = append(header, render.Text(s.tr.T(x.lang, "jexports.agg.section_median", "Section", sec.title, "Stage", word)))
		}
	}
	if err := sw.WriteRow(header...); err != nil {
		return err
	}
	threshold := x.j.Edition.Jury.WithDefaults().StdDevThreshold
	row := make([]render.Cell, 0, len(header))
	return s.db.ExportJuryFiles(x.r.Context(), x.j.Edition.Year, func(f *store.JuryExportFile, reviews []domain.Review) error {
		if !x.sees(f.ApplicationID) {
			return nil
		}
		levels := 0
		if t, ok := x.j.Edition.Track(f.Track); ok {
			levels = len(t.Levels)
		}
		rules := jury.AggregationRules{Levels: max(levels, 1), StdDevThreshold: threshold}
		scores := exportScores(reviews)
		row = append(row[:0], render.Num(strconv.FormatInt(f.ApplicationID, 10)), render.Text(f.Body),
			render.Text(x.t(s.tr, "kind."+f.Kind)), render.Text(x.trackName(f.Track)))
		for _, st := range stages {
			in := scores
			if st == jury.PostDiscussion {
				in = jury.PostDiscussionScores(scores)
			}
			a, err := jury.AggregateFile(f.ApplicationID, st, in, rules)
			if err != nil {
				return err
			}
			row = s.exportAggregateCells(row, x, f.Track, a, sections)
		}
		return sw.WriteRow(row...)
	})
}

func exportStageWord(st jury.ReviewStage) string {
	if st == jury.PostDiscussion {
		return "jexports.stage.post"
	}
	return "jexports.stage.pre"
}

// exportAggregateCells appends one stage's figures. Levels are named; the mean
// is on the scale numbered from 1 (the lowest level), as people count
// levels; the spread needs no shift.
func (s *Server) exportAggregateCells(row []render.Cell, x *juryExportJob, track string, a jury.FileAggregate, sections []exportSection) []render.Cell {
	row = append(row, exportNum(a.Reviews), exportNum(a.Abstentions))
	if a.Reviews == 0 {
		row = append(row, make([]render.Cell, 7+len(sections))...)
		return row
	}
	flag := x.t(s.tr, "jexports.no")
	var reasons []string
	if a.Disagrees() {
		flag = x.t(s.tr, "jexports.yes")
		for _, r := range a.Disagreement {
			reasons = append(reasons, x.t(s.tr, "jexports.disagreement."+string(r)))
		}
	}
	median, lo, hi := a.Median, a.Min, a.Max
	row = append(row, render.Text(x.levelName(track, &median)), render.Num(strconv.FormatFloat(a.Mean+1, 'f', 2, 64)),
		render.Text(x.levelName(track, &lo)), render.Text(x.levelName(track, &hi)),
		render.Num(strconv.FormatFloat(a.StdDev, 'f', 2, 64)), render.Text(flag), render.Text(strings.Join(reasons, " ; ")))
	for _, sec := range sections {
		cell := render.Cell{}
		for _, sa := range a.Sections {
			if sa.Section == sec.id && sa.Reviews > 0 {
				m := sa.Median
				cell = render.Text(x.levelName(track, &m))
			}
		}
		row = append(row, cell)
	}
	return row
}
