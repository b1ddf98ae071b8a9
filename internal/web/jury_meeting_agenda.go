package web

// The agenda page, /admin/jury/{year}/ordre-du-jour: built from the
// aggregates and the conflicts during the discussion, then edited item by
// item by the secretariat or the president.

import (
	"net/http"
	"slices"

	"tnl/internal/domain"
	"tnl/internal/store"
)

type agendaPage struct {
	page
	Year     int
	Phase    domain.Phase
	Editable bool
	Started  bool
	Current  int64 // the item on screen, which cannot be removed
	Lines    []agendaLine
	StepOuts int
	Missing  []store.MeetingFile // files not on the agenda, to add
}

type agendaLine struct {
	store.AgendaItem
	First, Last bool
	Hidden      bool     // the reader is recused: nothing of the file, not even its name
	Leave       []string // who leaves the room before this item
	Return      []string // who comes back
}

// agendaFor loads the agenda for the secretariat and the president: the
// readers of everyone's statistics, from which the agenda is built.
func (s *Server) agendaFor(w http.ResponseWriter, r *http.Request) (*juryAccess, bool) {
	return s.juryCan(w, r, domain.ActSeeStatsAll)
}

func (s *Server) agendaShow(w http.ResponseWriter, r *http.Request) {
	j, ok := s.agendaFor(w, r)
	if !ok {
		return
	}
	s.renderAgenda(w, r, j, http.StatusOK, nil)
}

func (s *Server) renderAgenda(w http.ResponseWriter, r *http.Request, j *juryAccess, status int, errs map[string]string) {
	ctx, year := r.Context(), j.Edition.Year
	m, err := s.loadMeeting(r, j)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, meeting := m.agenda, m.meeting
	p := &agendaPage{page: page{TitleText: s.tr.T(requestLang(r), "agenda.title", "Year", year), Errors: errs},
		Year: year, Phase: j.Edition.Phase, StepOuts: a.StepOuts, Started: meeting != nil,
		Editable: j.Can(domain.ActEditAgenda)}
	if meeting != nil {
		p.Current = meeting.CurrentItem
	}
	on := map[int64]bool{}
	for i, it := range a.Items {
		l := agendaLine{AgendaItem: it, First: i == 0, Last: i == len(a.Items)-1,
			Hidden: slices.Contains(it.Recused, j.User.ID)}
		if l.Hidden {
			l.AgendaItem = store.AgendaItem{ID: it.ID, Position: it.Position, Status: it.Status}
		}
		if i < len(a.Changes) && !l.Hidden {
			for _, id := range a.Changes[i].Leave {
				l.Leave = append(l.Leave, m.name(id))
			}
			for _, id := range a.Changes[i].Return {
				l.Return = append(l.Return, m.name(id))
			}
		}
		on[it.ApplicationID] = true
		p.Lines = append(p.Lines, l)
	}
	conflicts, err := s.db.EffectiveConflicts(ctx, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, f := range a.Files {
		v := j.Viewer()
		v.Recused = conflicts.Recused(j.User.ID, f.ID)
		if !on[f.ID] && domain.Can(v, domain.ActEditAgenda, j.Edition.Phase) { // never offer a file one is recused from
			p.Missing = append(p.Missing, f)
		}
	}
	s.render(w, r, status, "jury_agenda", p)
}

// agendaAction runs one edit of the agenda, then shows it again.
func (s *Server) agendaAction(w http.ResponseWriter, r *http.Request, act func(j *juryAccess) error, flash string) {
	j, ok := s.agendaFor(w, r)
	if !ok {
		return
	}
	if !j.Can(domain.ActEditAgenda) {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	err := act(j)
	s.meetings.notify(j.Edition.Year) // once the meeting has started, its screens show the agenda
	if err != nil {
		id := meetingErrorID(err)
		if id == "" {
			s.fail(w, r, err)
			return
		}
		s.renderAgenda(w, r, j, statusOf(err), map[string]string{"form": id})
		return
	}
	s.redirect(w, r, agendaPath(j.Edition.Year), flash)
}

func (s *Server) agendaBuild(w http.ResponseWriter, r *http.Request) {
	s.agendaAction(w, r, func(j *juryAccess) error {
		return s.db.BuildAgenda(r.Context(), j.Edition.Year, actor(r))
	}, "agenda.flash.built")
}

func (s *Server) agendaMove(w http.ResponseWriter, r *http.Request) {
	s.agendaAction(w, r, func(j *juryAccess) error {
		delta := 1
		if r.PostFormValue("direction") == "up" {
			delta = -1
		}
		return s.db.MoveAgendaItem(r.Context(), j.Edition.Year, postedID(r, "item"), delta, actor(r))
	}, "")
}

func (s *Server) agendaRemove(w http.ResponseWriter, r *http.Request) {
	s.agendaAction(w, r, func(j *juryAccess) error {
		return s.db.RemoveAgendaItem(r.Context(), j.Edition.Year, postedID(r, "item"), actor(r))
	}, "agenda.flash.removed")
}

func (s *Server) agendaAdd(w http.ResponseWriter, r *http.Request) {
	s.agendaAction(w, r, func(j *juryAccess) error {
		app := postedID(r, "application")
		if app == 0 {
			return domain.Errorf(domain.ENOTFOUND, "Dossier introuvable.")
		}
		return s.db.AddAgendaItem(r.Context(), j.Edition.Year, app, actor(r))
	}, "agenda.flash.added")
}
