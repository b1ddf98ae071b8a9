package web

// Sealing (issue 6 §7, jury.md §8): the president seals the decision set
// at the end of the deliberation; /jury/{year}/scellement lists every
// seal with its time and SHA-256 digest and recomputes the digest of the
// decisions as they stand, so anyone on the jury can check that nothing
// changed. A change after sealing is a two-person procedure: the
// president or an admin asks for one precise change with a reason, the
// other confirms it, and the confirmation applies it and seals again.
//
// Every right here is domain.Can's: seeing the seals (ActSeeDecisions),
// sealing (ActSeal), reading the reopenings' reasons and the sealed
// content (ActSeeSealDetails), asking for and confirming a change to one
// file's decision (ActRequestReopen, ActConfirmReopen, asked with the
// person's facts about that file: the president, the vice-president for a
// file the president is recused from, the secretariat; never a recused
// party). The store checks on top that the two are different people on
// the two sides.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// jurySealPage is /jury/{year}/scellement.
type jurySealPage struct {
	page
	Edition    *domain.Edition
	Seals      []sealView
	Current    string // digest of the decisions as they stand
	Matches    bool   // Current is the last seal's digest
	CanSeal    bool
	Validation *store.MinutesValidation
	Decisions  int
	Side       store.ReopenSide // the person's side in a reopening, "" for none
	CanReopen  bool             // may ask for a change now
	Reopenings []reopenLine     // every request, for the parties who read their reasons
	Pending    *reopenView
	// PendingHidden: a request waits on a file the person may not see.
	PendingHidden bool
	Form          reopenForm
	Files         []reopenFile
	Tracks        []reopenTrack
	Mentions      []string
	Refusal       string
}

// sealView is one seal as listed: its number and, for the parties only,
// its reason (which may name a file).
type sealView struct {
	store.SealRecord
	Number     int
	ShowReason bool
}

// reopenView is the pending request as the parties see it.
type reopenView struct {
	*store.Reopening
	Body          string
	FromLevel     string
	ToLevel       string
	FromMentions  []string
	CanConfirm    bool
	OwnRequest    bool
	RequesterSide string // message id of the requester's side
}

// reopenLine is one request of the edition's history: who asked, why,
// and who confirmed or withdrew it, with the number of the seal that
// applied it.
type reopenLine struct {
	store.Reopening
	Body       string
	SealNumber int
}

// reopenFile is a decided file a party may ask to change.
type reopenFile struct {
	ID    int64
	Body  string
	Level string
}

// reopenTrack groups the levels of one track in the level list.
type reopenTrack struct {
	Name   string
	Levels []reopenLevel
}

type reopenLevel struct{ Value, Name string }

// reopenForm is the request form.
type reopenForm struct {
	Application string
	Level       string // "track:index", or "none"
	Mentions    []string
	Reason      string
}

// Validate checks the form; the store checks the rest (levels of the
// file's track, known mentions, an actual change).
func (f *reopenForm) Validate() map[string]string {
	errs := map[string]string{}
	if _, err := strconv.ParseInt(f.Application, 10, 64); err != nil {
		errs["application"] = "seal.error.application"
	}
	if f.Level == "" {
		errs["level"] = "seal.error.level"
	}
	if f.Reason == "" {
		errs["reason"] = "seal.error.reason"
	} else if len([]rune(f.Reason)) > store.MaxReopenReason {
		errs["reason"] = "seal.error.reason_long"
	}
	return errs
}

// request turns the form into the store's request; track is the file's.
func (f *reopenForm) request(track string) (store.ReopenRequest, bool) {
	id, _ := strconv.ParseInt(f.Application, 10, 64)
	req := store.ReopenRequest{ApplicationID: id, Mentions: f.Mentions, Reason: f.Reason}
	if f.Level == "none" {
		return req, true
	}
	t, idx, ok := strings.Cut(f.Level, ":")
	n, err := strconv.Atoi(idx)
	if !ok || err != nil || t != track {
		return req, false
	}
	req.Level = &n
	return req, true
}

func sealPath(year int) string { return fmt.Sprintf("/jury/%d/scellement", year) }

// reopenSide is the side a person takes in a reopening if the policy
// lets their role take part at all (domain.Holds): the jury's chair, or
// the secretariat; "" for everyone else. Which files they may act on is
// asked file by file (canFile).
func reopenSide(j *juryAccess) store.ReopenSide {
	switch r := j.Role(); {
	case !domain.Holds(r, domain.ActRequestReopen):
		return ""
	case r == domain.JurySecretariat:
		return store.ReopenAdmin
	}
	return store.ReopenPresident
}

// sealSeen tells whether the person may see the seals page at all.
func sealSeen(j *juryAccess) bool { return j.Can(domain.ActSeeDecisions) || j.Can(domain.ActSeal) }

// jurySeal shows the seals and their verification.
func (s *Server) jurySeal(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	if !sealSeen(j) {
		s.notFound(w, r)
		return
	}
	s.renderSeal(w, r, j, &jurySealPage{}, http.StatusOK)
}

// renderSeal completes the page with what comes from the database.
func (s *Server) renderSeal(w http.ResponseWriter, r *http.Request, j *juryAccess, p *jurySealPage, status int) {
	ctx, year := r.Context(), j.Edition.Year
	p.Edition, p.CanSeal, p.Side = j.Edition, j.Can(domain.ActSeal), reopenSide(j)
	p.TitleText = s.tr.T(requestLang(r), "seal.title", "Year", year)
	seals, err := s.db.Seals(ctx, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i, rec := range seals {
		p.Seals = append(p.Seals, sealView{SealRecord: rec, Number: i + 1, ShowReason: j.Can(domain.ActSeeSealDetails)})
	}
	if p.Current, err = s.db.DecisionSetDigest(ctx, year); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Matches = len(seals) > 0 && seals[len(seals)-1].Digest == p.Current
	if p.Validation, err = s.db.MinutesValidated(ctx, year); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.reopenParts(r, j, p, len(seals) > 0); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.reopenHistory(r, j, p, seals); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "jury_seal", p)
}

// reopenParts adds, for the two parties, the pending request and the
// request form with the files they may see.
func (s *Server) reopenParts(r *http.Request, j *juryAccess, p *jurySealPage, sealed bool) error {
	ctx, e := r.Context(), j.Edition
	ds, err := s.db.Decisions(ctx, e.Year)
	if err != nil {
		return err
	}
	p.Decisions = len(ds)
	if p.Side == "" || !sealed || !domain.During(domain.ActRequestReopen, e.Phase) {
		return nil
	}
	pending, err := s.db.PendingReopening(ctx, e.Year)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if !s.canFile(r, j, d.ApplicationID, domain.ActRequestReopen) {
			continue
		}
		app, err := s.db.FindApplication(ctx, d.ApplicationID)
		if err != nil {
			return err
		}
		f := reopenFile{ID: app.ID, Body: app.Body.Name, Level: levelName(e, app.Track, d.Level)}
		p.Files = append(p.Files, f)
		if pending != nil && pending.ApplicationID == d.ApplicationID {
			p.Pending = &reopenView{Reopening: pending, Body: f.Body, FromLevel: f.Level,
				ToLevel: levelName(e, app.Track, pending.Level), FromMentions: d.Mentions,
				OwnRequest: pending.By.ID == j.User.ID, RequesterSide: "seal.side." + string(pending.Side)}
			p.Pending.CanConfirm = !p.Pending.OwnRequest && pending.Side != p.Side &&
				s.canFile(r, j, d.ApplicationID, domain.ActConfirmReopen)
		}
	}
	p.PendingHidden = pending != nil && p.Pending == nil
	p.CanReopen = pending == nil && len(p.Files) > 0
	p.Mentions = e.Mentions
	for _, t := range e.Tracks {
		rt := reopenTrack{Name: t.Name}
		for i, l := range t.Levels {
			rt.Levels = append(rt.Levels, reopenLevel{Value: fmt.Sprintf("%s:%d", t.Key, i), Name: l.Name})
		}
		p.Tracks = append(p.Tracks, rt)
	}
	return nil
}

// reopenHistory lists the edition's requests for those who read the
// reasons (ActSeeSealDetails): who asked, why, and who confirmed or
// withdrew, with the seal that applied each confirmed change. A request
// about a file the reader is recused from is left out.
func (s *Server) reopenHistory(r *http.Request, j *juryAccess, p *jurySealPage, seals []store.SealRecord) error {
	if !j.Can(domain.ActSeeSealDetails) {
		return nil
	}
	all, err := s.db.Reopenings(r.Context(), j.Edition.Year)
	if err != nil {
		return err
	}
	for _, rq := range all {
		if !s.canFile(r, j, rq.ApplicationID, domain.ActSeeDecisions) {
			continue
		}
		app, err := s.db.FindApplication(r.Context(), rq.ApplicationID)
		if err != nil {
			return err
		}
		line := reopenLine{Reopening: rq, Body: app.Body.Name}
		for i, seal := range seals {
			if seal.ID == rq.SealID {
				line.SealNumber = i + 1
			}
		}
		p.Reopenings = append(p.Reopenings, line)
	}
	return nil
}

// levelName names a level index of a track; "" for none.
func levelName(e *domain.Edition, track string, l *int) string {
	t, ok := e.Track(track)
	if !ok || l == nil || *l < 0 || *l >= len(t.Levels) {
		return ""
	}
	return t.Levels[*l].Name
}

// jurySealCreate seals the decision set: the president, at the end of the
// deliberation (the store checks the minutes and the agenda).
func (s *Server) jurySealCreate(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFormFor(w, r)
	if !ok {
		return
	}
	if !j.Can(domain.ActSeal) {
		s.refuseSeal(w, r, j)
		return
	}
	if _, err := s.db.Seal(r.Context(), j.Edition.Year, j.User.ID, actor(r)); err != nil {
		s.sealRefused(w, r, j, &jurySealPage{}, err)
		return
	}
	s.redirect(w, r, sealPath(j.Edition.Year), "seal.flash.sealed")
}

// refuseSeal answers a seal action the person may not take.
func (s *Server) refuseSeal(w http.ResponseWriter, r *http.Request, j *juryAccess) {
	if sealSeen(j) {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	s.notFound(w, r)
}

// sealRefused shows the page again with the store's reason.
func (s *Server) sealRefused(w http.ResponseWriter, r *http.Request, j *juryAccess, p *jurySealPage, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.fail(w, r, err)
		return
	}
	p.Refusal = domain.ErrorMessage(err)
	s.renderSeal(w, r, j, p, status)
}
