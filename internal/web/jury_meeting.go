package web

// The deliberation meeting (issue 6 §6, jury.md §7): one page,
// /jury/{year}/seance, that every member of the jury keeps open during the
// meeting. The chair's screen (the president, or the vice-president on an
// item the president is recused from) drives the item on screen, marks
// attendance, and records the decision; every other screen follows it
// (jury_meeting_events.go, meeting.js) and shows the item, the aggregate
// and the voting form. A recused member's screen says to step out and
// shows nothing of the file. The agenda is prepared on
// /admin/jury/{year}/ordre-du-jour by the secretariat or the president.
//
// Every right comes from the policy: the page from ActSeeDecisions (so,
// in deliberation, the secretariat and the attested voters; observers and
// assessors get 404), the item from ActSeeAggregates with the file's facts,
// the vote from ActVote, the chair from ActChair. The store checks the
// votes again (recusal, role, attendance, item on screen).

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

func meetingPath(year int) string { return fmt.Sprintf("/jury/%d/seance", year) }

func agendaPath(year int) string { return fmt.Sprintf("/admin/jury/%d/ordre-du-jour", year) }

// meetingState is what every meeting handler loads: the person's standing,
// the jury, the agenda and the meeting (nil before it starts).
type meetingState struct {
	j       *juryAccess
	members []domain.JuryMember
	agenda  *store.Agenda
	meeting *store.Meeting
	current *store.AgendaItem // nil when nothing is on screen
}

// juryCan loads the person's standing in the edition's jury for a page
// the policy opens with act; anyone it keeps out gets 404, as for a page
// that does not exist.
func (s *Server) juryCan(w http.ResponseWriter, r *http.Request, act domain.Action) (*juryAccess, bool) {
	j, ok := s.juryFor(w, r)
	if ok && !j.Can(act) {
		s.notFound(w, r)
		return nil, false
	}
	return j, ok
}

// meetingFor loads the meeting for a handler; those the policy keeps out
// of the meeting get 404.
func (s *Server) meetingFor(w http.ResponseWriter, r *http.Request) (*meetingState, bool) {
	j, ok := s.juryCan(w, r, domain.ActSeeDecisions)
	if !ok {
		return nil, false
	}
	m, err := s.loadMeeting(r, j)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return m, true
}

// loadMeeting reads the jury, the agenda and the meeting, if started.
func (s *Server) loadMeeting(r *http.Request, j *juryAccess) (*meetingState, error) {
	m := &meetingState{j: j}
	ctx, year := r.Context(), j.Edition.Year
	var err error
	if m.members, err = s.db.JuryMembers(ctx, year); err == nil {
		m.agenda, err = s.db.ReadAgenda(ctx, year)
	}
	if err == nil {
		m.meeting, err = s.db.MeetingState(ctx, year)
		if errors.Is(err, store.ErrNoMeeting) {
			m.meeting, err = nil, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if m.meeting != nil {
		m.current, _ = m.agenda.Item(m.meeting.CurrentItem)
	}
	return m, nil
}

// viewer is the person's facts about an agenda item: a file's own facts,
// or for a mention the recusals of its nominees (everyone recused from a
// nominee is out of the room for the whole mention).
func (s *Server) itemViewer(r *http.Request, m *meetingState, it *store.AgendaItem) (domain.Viewer, error) {
	if it == nil {
		return m.j.Viewer(), nil
	}
	if it.ApplicationID != 0 {
		return s.fileViewer(r, m.j, it.ApplicationID)
	}
	v := m.j.Viewer()
	v.Recused = slices.Contains(it.Recused, m.j.User.ID)
	for _, mb := range m.members {
		if mb.Role == domain.JuryPresident && slices.Contains(it.Recused, mb.UserID) {
			v.PresidentRecused = true
		}
	}
	return v, nil
}

// can asks the policy about an item (or about no item when it is nil).
func (s *Server) canItem(r *http.Request, m *meetingState, it *store.AgendaItem, a domain.Action) bool {
	v, err := s.itemViewer(r, m, it)
	return err == nil && domain.Can(v, a, m.j.Edition.Phase)
}

// chairs reports whether the person chairs the item on screen: the
// president, or the vice-president when the president is recused from it.
func (s *Server) chairs(r *http.Request, m *meetingState) bool {
	return s.canItem(r, m, m.current, domain.ActChair)
}

func (m *meetingState) name(userID int64) string {
	for _, mb := range m.members {
		if mb.UserID == userID {
			return mb.Label()
		}
	}
	return "#" + strconv.FormatInt(userID, 10)
}

// meetingVoters lists the voting members.
func meetingVoters(m *meetingState) []int64 {
	var out []int64
	for _, mb := range m.members {
		if mb.Votes() {
			out = append(out, mb.UserID)
		}
	}
	return out
}

// meetingQuorum is the edition's quorum as the store applies it.
func meetingQuorum(m *meetingState) int {
	if q := m.j.Edition.Jury.Quorum; q > 0 {
		return q
	}
	return jury.QuorumForJury(len(meetingVoters(m)), 4)
}
