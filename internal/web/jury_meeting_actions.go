package web

// What the chair and the jurors do during the meeting: each action is a
// POST that the store checks again, then a redirect to the meeting, and a
// signal to the screens that follow it (jury_meeting_events.go).

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// decisionForm is the chair's decision on the file on screen.
type decisionForm struct {
	Application int64
	Level       string
	Reason      string
}

func (f *decisionForm) Validate(levels int) map[string]string {
	errs := map[string]string{}
	if l, err := strconv.Atoi(f.Level); err != nil || l < 0 || l >= levels {
		errs["level"] = "meeting.error.level"
	}
	if len(f.Reason) > 4000 {
		errs["reason"] = "meeting.error.reason_long"
	}
	return errs
}

// chairAction runs an action of the chair of the item on screen, tells
// the screens, then goes back to the meeting; a refusal of the store is
// shown on the page. The screens are told even of a refusal: an action of
// several writes (attendance) may have made some before it.
func (s *Server) chairAction(w http.ResponseWriter, r *http.Request, act func(m *meetingState) error) {
	m, ok := s.chairFor(w, r)
	if !ok {
		return
	}
	err := act(m)
	s.meetings.notify(m.j.Edition.Year)
	if err != nil {
		s.meetingRefused(w, r, err)
		return
	}
	s.redirect(w, r, meetingPath(m.j.Edition.Year), "")
}

// chairFor loads the meeting for an action of the chair of the item on
// screen; anyone else is refused.
func (s *Server) chairFor(w http.ResponseWriter, r *http.Request) (*meetingState, bool) {
	m, ok := s.meetingFor(w, r)
	if ok && !s.chairs(r, m) {
		s.errorPage(w, r, http.StatusForbidden)
		return nil, false
	}
	return m, ok
}

// meetingRefused shows the meeting again with the store's refusal, or
// fails for an error that is not one.
func (s *Server) meetingRefused(w http.ResponseWriter, r *http.Request, err error) {
	id := meetingErrorID(err)
	if id == "" {
		s.fail(w, r, err)
		return
	}
	// Read again: the refused action may have raced with another change.
	if m, ok := s.meetingFor(w, r); ok {
		s.renderMeeting(w, r, m, statusOf(err), map[string]string{"form": id}, decisionForm{})
	}
}

// meetingErrorID translates the refusals of the meeting; "" for any other
// error.
func meetingErrorID(err error) string {
	for e, id := range map[error]string{
		store.ErrNotDeliberating: "meeting.error.not_deliberating", store.ErrNoMeeting: "meeting.error.not_started",
		store.ErrEmptyAgenda: "meeting.error.empty_agenda", store.ErrNotCurrentItem: "meeting.error.not_current",
		store.ErrItemDone: "meeting.error.item_done", store.ErrNotVoter: "meeting.error.not_voter",
		store.ErrAbsent: "meeting.error.absent", store.ErrNoOverride: "meeting.error.no_override",
		store.ErrAgendaLocked: "meeting.error.agenda_locked", store.ErrMeetingStarted: "meeting.error.meeting_started",
		store.ErrItemBusy: "meeting.error.item_busy", store.ErrAlreadyOnAgenda: "meeting.error.already_on_agenda",
		store.ErrSealed: "reopen.error.sealed",
	} {
		if errors.Is(err, e) {
			return id
		}
	}
	if code := jury.DeliberationCodeOf(err); code != "" {
		return "meeting.error." + string(code)
	}
	if domain.IsConflict(err) {
		return "meeting.error.conflict"
	}
	return ""
}

func postedID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

func (s *Server) meetingStart(w http.ResponseWriter, r *http.Request) {
	s.chairAction(w, r, func(m *meetingState) error {
		return s.db.StartMeeting(r.Context(), m.j.Edition.Year, actor(r))
	})
}

func (s *Server) meetingItem(w http.ResponseWriter, r *http.Request) {
	s.chairAction(w, r, func(m *meetingState) error {
		return s.db.SetCurrentItem(r.Context(), m.j.Edition.Year, postedID(r, "item"), actor(r))
	})
}

// meetingReopen puts the item on screen back to the vote.
func (s *Server) meetingReopen(w http.ResponseWriter, r *http.Request) {
	s.chairAction(w, r, func(m *meetingState) error {
		return s.db.ReopenItem(r.Context(), m.j.Edition.Year, postedID(r, "item"), actor(r))
	})
}

// meetingAttendance saves the attendance form: one checkbox per voting
// member, checked when present.
func (s *Server) meetingAttendance(w http.ResponseWriter, r *http.Request) {
	s.chairAction(w, r, func(m *meetingState) error {
		if err := r.ParseForm(); err != nil {
			return domain.Errorf(domain.EINVALID, "Formulaire illisible.")
		}
		present := r.PostForm["present"]
		for _, id := range meetingVoters(m) {
			p := slices.Contains(present, strconv.FormatInt(id, 10))
			if p == m.meeting.Present[id] {
				continue
			}
			if err := s.db.SetAttendance(r.Context(), m.j.Edition.Year, id, p, actor(r)); err != nil {
				return err
			}
		}
		return nil
	})
}

// meetingPropose opens the confirmation vote on another level than the
// median.
func (s *Server) meetingPropose(w http.ResponseWriter, r *http.Request) {
	s.chairAction(w, r, func(m *meetingState) error {
		level, err := strconv.Atoi(r.PostFormValue("level"))
		if err != nil || m.current == nil {
			return domain.Errorf(domain.EINVALID, "Niveau invalide.")
		}
		return s.db.ProposeOverride(r.Context(), m.current.ApplicationID, level, actor(r))
	})
}

// meetingDecide records the decision on the file on screen. A level other
// than the median without a reason is shown again with status 422 and the
// input kept.
func (s *Server) meetingDecide(w http.ResponseWriter, r *http.Request) {
	m, ok := s.chairFor(w, r)
	if !ok {
		return
	}
	f := decisionForm{Application: postedID(r, "application"), Level: r.PostFormValue("level"),
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	if m.current == nil || m.current.ApplicationID == 0 || f.Application != m.current.ApplicationID {
		s.renderMeeting(w, r, m, http.StatusConflict, map[string]string{"form": "meeting.error.not_current"}, decisionForm{})
		return
	}
	if errs := f.Validate(max(m.current.Levels, 1)); len(errs) > 0 {
		s.renderMeeting(w, r, m, http.StatusUnprocessableEntity, errs, f)
		return
	}
	level, _ := strconv.Atoi(f.Level)
	d, err := s.db.SaveDecision(r.Context(), m.j.Edition.Year, f.Application, level, f.Reason, actor(r))
	if err == nil {
		s.meetings.notify(m.j.Edition.Year)
	}
	switch code := jury.DeliberationCodeOf(err); {
	case code == jury.DelibOverrideWithoutReason:
		s.renderMeeting(w, r, m, http.StatusUnprocessableEntity, map[string]string{"reason": "meeting.error.reason_required"}, f)
		return
	case code == jury.DelibOverrideNotConfirmed:
		s.renderMeeting(w, r, m, http.StatusUnprocessableEntity, map[string]string{"level": "meeting.error.not_confirmed"}, f)
		return
	case err != nil:
		s.meetingRefused(w, r, err)
		return
	}
	flash := "meeting.flash.decided"
	if d.Level == nil {
		flash = "meeting.flash.postponed"
	}
	s.redirect(w, r, meetingPath(m.j.Edition.Year), flash)
}

// voterAction runs a ballot on the file on screen, for someone the policy
// lets vote on it, and tells the screens (the count of ballots changes).
func (s *Server) voterAction(w http.ResponseWriter, r *http.Request, act func(m *meetingState, app int64) error) {
	m, ok := s.meetingFor(w, r)
	if !ok {
		return
	}
	app := postedID(r, "application")
	if m.current == nil || app == 0 || app != m.current.ApplicationID {
		s.renderMeeting(w, r, m, http.StatusConflict, map[string]string{"form": "meeting.error.not_current"}, decisionForm{})
		return
	}
	if !s.canFile(r, m.j, app, domain.ActVote) {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	err := act(m, app)
	s.meetings.notify(m.j.Edition.Year)
	if err != nil {
		s.meetingRefused(w, r, err)
		return
	}
	s.redirect(w, r, meetingPath(m.j.Edition.Year), "meeting.flash.voted")
}

func (s *Server) meetingVote(w http.ResponseWriter, r *http.Request) {
	s.voterAction(w, r, func(m *meetingState, app int64) error {
		grade, err := strconv.Atoi(r.PostFormValue("grade"))
		if err != nil {
			return &jury.DeliberationError{Code: jury.DelibLevelOutOfRange, ApplicationID: app, Level: -1}
		}
		return s.db.CastVote(r.Context(), app, m.j.User.ID, grade)
	})
}

func (s *Server) meetingConfirm(w http.ResponseWriter, r *http.Request) {
	s.voterAction(w, r, func(m *meetingState, app int64) error {
		level, err := strconv.Atoi(r.PostFormValue("level"))
		if err != nil {
			return store.ErrNoOverride
		}
		choice := jury.ConfirmationChoice(r.PostFormValue("choice"))
		return s.db.CastConfirmation(r.Context(), app, m.j.User.ID, level, choice)
	})
}

// meetingMentionVote records a juror's ballots on the mention on screen:
// one choice per nominee (choice-<id>), those left blank unchanged.
func (s *Server) meetingMentionVote(w http.ResponseWriter, r *http.Request) {
	m, ok := s.meetingFor(w, r)
	if !ok {
		return
	}
	if m.current == nil || m.current.ApplicationID != 0 || postedID(r, "item") != m.current.ID {
		s.renderMeeting(w, r, m, http.StatusConflict, map[string]string{"form": "meeting.error.not_current"}, decisionForm{})
		return
	}
	if !s.canItem(r, m, m.current, domain.ActVote) {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	defer s.meetings.notify(m.j.Edition.Year) // even after a refusal: the ballots before it are saved
	for _, app := range m.current.Nominees {
		choice := r.PostFormValue("choice-" + strconv.FormatInt(app, 10))
		if choice == "" {
			continue
		}
		err := s.db.CastMentionVote(r.Context(), m.j.Edition.Year, m.current.ID, app, m.j.User.ID, jury.ConfirmationChoice(choice))
		if err != nil {
			s.meetingRefused(w, r, err)
			return
		}
	}
	s.redirect(w, r, meetingPath(m.j.Edition.Year), "meeting.flash.voted")
}

// meetingMentionAward closes the vote on the mention on screen.
func (s *Server) meetingMentionAward(w http.ResponseWriter, r *http.Request) {
	s.chairAction(w, r, func(m *meetingState) error {
		if m.current == nil || m.current.ApplicationID != 0 || postedID(r, "item") != m.current.ID {
			return store.ErrNotCurrentItem
		}
		_, err := s.db.AwardMention(r.Context(), m.j.Edition.Year, m.current.ID, actor(r))
		return err
	})
}
