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
	"strings"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

func meetingPath(year int) string { return fmt.Sprintf("/jury/%d/seance", year) }
func agendaPath(year int) string  { return fmt.Sprintf("/admin/jury/%d/ordre-du-jour", year) }

// meetingState is what every meeting handler loads: the person's standing,
// the jury, the agenda and the meeting (nil before it starts).
type meetingState struct {
	j       *juryAccess
	members []domain.JuryMember
	agenda  *store.Agenda
	meeting *store.Meeting
	current *store.AgendaItem // nil when nothing is on screen
}

// meetingFor loads the meeting for a handler; those the policy keeps out
// of the meeting get 404, as for a page that does not exist.
func (s *Server) meetingFor(w http.ResponseWriter, r *http.Request) (*meetingState, bool) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return nil, false
	}
	if !j.Can(domain.ActSeeDecisions) {
		s.notFound(w, r)
		return nil, false
	}
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
		s.fail(w, r, err)
		return nil, false
	}
	if m.meeting != nil {
		m.current, _ = m.agenda.Item(m.meeting.CurrentItem)
	}
	return m, true
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

// ---------------------------------------------------------------------
// The page

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
		for _, c := range o.Ballots {
			switch c {
			case jury.ConfirmFor:
				ov.For++
			case jury.ConfirmAgainst:
				ov.Against++
			default:
				ov.Abstain++
			}
		}
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
		for _, c := range ballots[id] {
			switch c {
			case jury.ConfirmFor:
				n.For++
			case jury.ConfirmAgainst:
				n.Against++
			default:
				n.Abstain++
			}
		}
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

// ---------------------------------------------------------------------
// The chair's actions

// chairAction runs an action of the chair of the item on screen, then
// goes back to the meeting; a refusal of the store is shown on the page.
func (s *Server) chairAction(w http.ResponseWriter, r *http.Request, act func(m *meetingState) error) {
	m, ok := s.meetingFor(w, r)
	if !ok {
		return
	}
	if !s.chairs(r, m) {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	if err := act(m); err != nil {
		s.meetingRefused(w, r, err)
		return
	}
	s.redirect(w, r, meetingPath(m.j.Edition.Year), "")
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
	m, ok := s.meetingFor(w, r)
	if !ok {
		return
	}
	if !s.chairs(r, m) {
		s.errorPage(w, r, http.StatusForbidden)
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

// ---------------------------------------------------------------------
// The jurors' ballots

// voterAction runs a ballot on the file on screen, for someone the policy
// lets vote on it.
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
	if err := act(m, app); err != nil {
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

// ---------------------------------------------------------------------
// The agenda page

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
	j, ok := s.juryFor(w, r)
	if !ok {
		return nil, false
	}
	if !j.Can(domain.ActSeeStatsAll) {
		s.notFound(w, r)
		return nil, false
	}
	return j, true
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
	a, err := s.db.ReadAgenda(ctx, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members, err := s.db.JuryMembers(ctx, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := &meetingState{j: j, members: members, agenda: a}
	meeting, err := s.db.MeetingState(ctx, year)
	if err != nil && !errors.Is(err, store.ErrNoMeeting) {
		s.fail(w, r, err)
		return
	}
	p := &agendaPage{page: page{TitleText: s.tr.T(requestLang(r), "agenda.title", "Year", year), Errors: errs},
		Year: year, Phase: j.Edition.Phase, StepOuts: a.StepOuts, Started: meeting != nil,
		Editable: j.Edition.Phase == domain.PhaseDiscussion || j.Edition.Phase == domain.PhaseDeliberation}
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
		if !on[f.ID] && domain.Can(v, domain.ActSeeStatsAll, j.Edition.Phase) { // never offer a file one is recused from
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
	if err := act(j); err != nil {
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
