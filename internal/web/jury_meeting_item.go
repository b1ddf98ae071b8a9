package web

// The item on screen: a file with its aggregate, ballots, overrides and
// decision, or a mention with its nominees.

import (
	"net/http"
	"slices"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// meetingItem is the item on screen as one person may see it. When
// Recused is true nothing else is filled: the page says to step out.
type meetingItem struct {
	ID, ApplicationID int64
	Position, Total   int
	Kind, Status      string
	Recused           bool
	Title             string // the body's name, or the mention's
	Rapporteur        string
	Levels            []domain.Level
	Aggregate         *jury.FileAggregate
	Distribution      []meetingBar
	Median            string
	Reasons           []jury.DisagreementReason
	Out               []string // who is out of the room for this item
	Ballots, Expected int      // votes cast; members present who may vote
	Quorum            int
	CanVote, Absent   bool
	MyGrade           int // -1: not voted
	Overrides         []meetingOverride
	Decision          *meetingDecision
	Nominees          []meetingNominee // a mention's shortlist
	Awarded           []string         // once the mention is decided
}

// meetingNominee is one file proposed for the mention on screen.
type meetingNominee struct {
	ApplicationID         int64
	Body                  string
	For, Against, Abstain int
	Mine                  string
}

type meetingBar struct {
	Name  string
	Count int
	Total int
}

type meetingOverride struct {
	Level                 int
	Name                  string
	For, Against, Abstain int
	Mine                  string // the person's ballot, "" if none
}

type meetingDecision struct {
	Level, Median string
	Postponed     bool
	Reason        string
	Tally         []meetingBar
}

func (s *Server) meetingItemView(r *http.Request, m *meetingState, it *store.AgendaItem) (*meetingItem, error) {
	v := &meetingItem{ID: it.ID, ApplicationID: it.ApplicationID, Position: it.Position, Total: len(m.agenda.Items),
		Kind: it.Kind, Status: it.Status, MyGrade: -1}
	viewer, err := s.itemViewer(r, m, it)
	if err != nil {
		return nil, err
	}
	phase := m.j.Edition.Phase
	if viewer.Recused || !domain.Can(viewer, domain.ActSeeAggregates, phase) {
		// Nothing of the file: not its name, not its aggregate, not its votes.
		v.Recused = true
		v.ApplicationID, v.Kind, v.Status = 0, "", ""
		return v, nil
	}
	for _, id := range it.Recused {
		v.Out = append(v.Out, m.name(id))
	}
	if it.ApplicationID == 0 {
		return v, s.mentionView(r, m, it, viewer, v)
	}
	ctx, year := r.Context(), m.j.Edition.Year
	v.Title = it.Body
	if t, ok := m.j.Edition.Track(it.Track); ok {
		v.Levels = t.Levels
	}
	agg, err := s.db.FileAggregate(ctx, year, it.ApplicationID)
	if err != nil {
		return nil, err
	}
	v.Aggregate, v.Reasons = &agg, agg.Disagreement
	v.Distribution = meetingBars(agg.Histogram, v.Levels)
	v.Median = meetingLevel(v.Levels, agg.Median)
	if v.Rapporteur, err = s.rapporteur(r, m, it.ApplicationID); err != nil {
		return nil, err
	}
	ballots, err := s.db.LevelBallots(ctx, it.ApplicationID)
	if err != nil {
		return nil, err
	}
	for _, id := range meetingVoters(m) {
		if !slices.Contains(it.Recused, id) && m.meeting.Present[id] {
			v.Expected++
		}
	}
	for _, b := range ballots {
		if !slices.Contains(it.Recused, b.JurorID) && m.meeting.Present[b.JurorID] {
			v.Ballots++
		}
		if b.JurorID == m.j.User.ID {
			v.MyGrade = b.Level
		}
	}
	v.Quorum = meetingQuorum(m)
	v.CanVote = domain.Can(viewer, domain.ActVote, phase)
	v.Absent = v.CanVote && !m.meeting.Present[m.j.User.ID]
	overrides, err := s.db.Overrides(ctx, it.ApplicationID)
	if err != nil {
		return nil, err
	}
	for _, o := range overrides {
		ov := meetingOverride{Level: o.Level, Name: meetingLevel(v.Levels, o.Level), Mine: string(o.Ballots[m.j.User.ID])}
		ov.For, ov.Against, ov.Abstain = countChoices(o.Ballots)
		v.Overrides = append(v.Overrides, ov)
	}
	d, err := s.db.Decision(ctx, it.ApplicationID)
	switch {
	case domain.IsNotFound(err):
	case err != nil:
		return nil, err
	case it.Status != store.ItemPending:
		v.Decision = meetingDecisionView(d, v.Levels)
	}
	return v, nil
}

// mentionView fills the item view of a mention: its nominees with the
// ballots so far, or the files awarded once it is decided.
func (s *Server) mentionView(r *http.Request, m *meetingState, it *store.AgendaItem, viewer domain.Viewer, v *meetingItem) error {
	v.Title = it.Mention
	v.CanVote = domain.Can(viewer, domain.ActVote, m.j.Edition.Phase)
	v.Absent = v.CanVote && !m.meeting.Present[m.j.User.ID]
	v.Quorum = meetingQuorum(m)
	ballots, err := s.db.MentionBallots(r.Context(), it.Mention, it.Nominees)
	if err != nil {
		return err
	}
	bodies := map[int64]string{}
	for _, f := range m.agenda.Files {
		bodies[f.ID] = f.Body
	}
	for _, id := range it.Nominees {
		n := meetingNominee{ApplicationID: id, Body: bodies[id], Mine: string(ballots[id][m.j.User.ID])}
		n.For, n.Against, n.Abstain = countChoices(ballots[id])
		v.Nominees = append(v.Nominees, n)
	}
	if it.Status == store.ItemPending {
		return nil
	}
	decisions, err := s.db.Decisions(r.Context(), m.j.Edition.Year)
	if err != nil {
		return err
	}
	for _, d := range decisions {
		if slices.Contains(d.Mentions, it.Mention) {
			v.Awarded = append(v.Awarded, bodies[d.ApplicationID])
		}
	}
	return nil
}

// countChoices counts the ballots of a confirmation vote, by voter.
func countChoices(ballots map[int64]jury.ConfirmationChoice) (yes, no, abstain int) {
	for _, c := range ballots {
		switch c {
		case jury.ConfirmFor:
			yes++
		case jury.ConfirmAgainst:
			no++
		default:
			abstain++
		}
	}
	return yes, no, abstain
}

func meetingDecisionView(d *domain.Decision, levels []domain.Level) *meetingDecision {
	out := &meetingDecision{Postponed: d.Level == nil, Reason: d.OverrideReason}
	if d.Level != nil {
		out.Level = meetingLevel(levels, *d.Level)
	}
	if d.Median != nil {
		out.Median = meetingLevel(levels, *d.Median)
	}
	counts := make([]int, len(levels))
	for l, n := range d.Tally {
		if l >= 0 && l < len(counts) {
			counts[l] = n
		}
	}
	out.Tally = meetingBars(counts, levels)
	return out
}

func meetingBars(counts []int, levels []domain.Level) []meetingBar {
	total := 0
	for _, n := range counts {
		total += n
	}
	out := make([]meetingBar, len(counts))
	for i, n := range counts {
		out[i] = meetingBar{Name: meetingLevel(levels, i), Count: n, Total: max(total, 1)}
	}
	return out
}

func meetingLevel(levels []domain.Level, i int) string {
	if i >= 0 && i < len(levels) {
		return levels[i].Name
	}
	return ""
}

func (s *Server) rapporteur(r *http.Request, m *meetingState, applicationID int64) (string, error) {
	rows, err := s.db.Assignments(r.Context(), m.j.Edition.Year)
	if err != nil {
		return "", err
	}
	for _, a := range rows {
		if a.ApplicationID == applicationID && a.Rapporteur {
			return m.name(a.UserID), nil
		}
	}
	return "", nil
}
