package web

// The meeting page as each person sees it: the item on screen (nothing of
// it for a recused member), the next item, and the chair's panel.

import (
	"net/http"
	"slices"
	"strconv"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

type meetingPage struct {
	page
	Year      int
	Revision  int64
	Started   bool
	CanStart  bool
	Item      *meetingItem
	Next      *meetingNext
	Chair     *meetingChair
	Form      decisionForm // the chair's decision form, kept as typed on a 422
	StepOuts  int
	SecretBal bool
}

// meetingNext announces the next item, without its name to someone
// recused from it.
type meetingNext struct {
	Title   string
	Recused bool
}

// meetingChair is what only the chair's screen shows.
type meetingChair struct {
	Prev, Next int64
	Items      []meetingLine
	Attendance []meetingAttendee
	Vote       *jury.LevelVote
	Tally      []meetingBar
	Median     string
	Voted      []string // who voted (never what, under a secret ballot)
}

type meetingLine struct {
	ID       int64
	Position int
	Title    string
	Hidden   bool // the chair is recused from it: no name
	Kind     string
	Status   string
	Current  bool
}

type meetingAttendee struct {
	UserID  int64
	Name    string
	Role    domain.JuryRole
	Present bool
}

func (s *Server) meetingShow(w http.ResponseWriter, r *http.Request) {
	m, ok := s.meetingFor(w, r)
	if !ok {
		return
	}
	s.renderMeeting(w, r, m, http.StatusOK, nil, decisionForm{})
}

// renderMeeting builds the person's view of the meeting and renders it
// with status, errors and the chair's form as typed.
func (s *Server) renderMeeting(w http.ResponseWriter, r *http.Request, m *meetingState, status int, errs map[string]string, form decisionForm) {
	year := m.j.Edition.Year
	p := &meetingPage{page: page{TitleText: s.tr.T(requestLang(r), "meeting.title", "Year", year), Errors: errs,
		Scripts: []string{"meeting.js"}}, Year: year, Form: form, StepOuts: m.agenda.StepOuts,
		SecretBal: m.j.Edition.Jury.SecretBallot}
	if m.meeting == nil {
		p.CanStart = m.j.Edition.Phase == domain.PhaseDeliberation && m.j.Can(domain.ActChair)
		s.render(w, r, status, "jury_meeting", p)
		return
	}
	p.Started, p.Revision = true, m.meeting.Revision
	var err error
	if m.current != nil {
		if p.Item, err = s.meetingItemView(r, m, m.current); err != nil {
			s.fail(w, r, err)
			return
		}
		p.Next, err = s.meetingNextView(r, m)
	}
	if err == nil && s.chairs(r, m) {
		p.Chair, err = s.meetingChairView(r, m)
		if p.Chair != nil && p.Item != nil && p.Form.Application == 0 {
			p.Form = decisionForm{Application: p.Item.ApplicationID}
			if p.Chair.Vote != nil && p.Chair.Vote.Median >= 0 {
				p.Form.Level = strconv.Itoa(p.Chair.Vote.Median)
			}
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "jury_meeting", p)
}

// meetingNextView announces the next pending item after the one on screen.
func (s *Server) meetingNextView(r *http.Request, m *meetingState) (*meetingNext, error) {
	for _, it := range m.agenda.Items {
		if it.Position <= m.current.Position || it.Status != store.ItemPending {
			continue
		}
		v, err := s.itemViewer(r, m, &it)
		if err != nil {
			return nil, err
		}
		if v.Recused {
			return &meetingNext{Recused: true}, nil
		}
		return &meetingNext{Title: agendaTitle(&it)}, nil
	}
	return nil, nil
}

func agendaTitle(it *store.AgendaItem) string {
	if it.ApplicationID != 0 {
		return it.Body
	}
	return it.Mention
}

func (s *Server) meetingChairView(r *http.Request, m *meetingState) (*meetingChair, error) {
	c := &meetingChair{}
	for i, it := range m.agenda.Items {
		line := meetingLine{ID: it.ID, Position: it.Position, Kind: it.Kind, Status: it.Status,
			Current: m.current != nil && it.ID == m.current.ID}
		if slices.Contains(it.Recused, m.j.User.ID) {
			line.Hidden = true
		} else {
			line.Title = agendaTitle(&it)
		}
		c.Items = append(c.Items, line)
		if line.Current {
			if i > 0 {
				c.Prev = m.agenda.Items[i-1].ID
			}
			if i+1 < len(m.agenda.Items) {
				c.Next = m.agenda.Items[i+1].ID
			}
		}
	}
	if m.current == nil && len(m.agenda.Items) > 0 {
		c.Next = m.agenda.Items[0].ID
	}
	for _, mb := range m.members {
		if mb.Votes() {
			c.Attendance = append(c.Attendance, meetingAttendee{UserID: mb.UserID, Name: mb.Label(), Role: mb.Role,
				Present: m.meeting.Present[mb.UserID]})
		}
	}
	if m.current == nil || m.current.ApplicationID == 0 {
		return c, nil
	}
	vote, err := s.db.CountVote(r.Context(), m.j.Edition.Year, m.current.ApplicationID)
	if err != nil {
		return nil, err
	}
	c.Vote = &vote
	var levels []domain.Level
	if t, ok := m.j.Edition.Track(m.current.Track); ok {
		levels = t.Levels
	}
	c.Tally, c.Median = meetingBars(vote.Tally, levels), meetingLevel(levels, vote.Median)
	ballots, err := s.db.LevelBallots(r.Context(), m.current.ApplicationID)
	if err != nil {
		return nil, err
	}
	for _, b := range ballots {
		if !slices.Contains(m.current.Recused, b.JurorID) {
			c.Voted = append(c.Voted, m.name(b.JurorID))
		}
	}
	return c, nil
}
