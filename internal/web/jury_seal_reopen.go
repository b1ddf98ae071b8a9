package web

// The reopening of sealed decisions, two people: the requests, their
// confirmation and withdrawal (the page is jury_seal.go's). Each handler
// asks the policy about the file concerned; withdrawing is for whoever may
// ask (either party).

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// reopenParty reads a reopening form for one of its two parties: the
// jury access and the side the reader speaks for. ok is false once the
// answer (the error page, or the seal page's refusal) is written.
func (s *Server) reopenParty(w http.ResponseWriter, r *http.Request) (*juryAccess, store.ReopenSide, bool) {
	j, ok := s.juryFormFor(w, r)
	if !ok {
		return nil, "", false
	}
	side := reopenSide(j)
	if side == "" {
		s.refuseSeal(w, r, j)
		return nil, "", false
	}
	return j, side, true
}

// mayActOnPending says whether the reader may act on the pending
// request's file; when not (or when it cannot be read), the answer is
// written. No pending request is the store's refusal to give.
func (s *Server) mayActOnPending(w http.ResponseWriter, r *http.Request, j *juryAccess, a domain.Action) bool {
	pending, err := s.db.PendingReopening(r.Context(), j.Edition.Year)
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	if pending != nil && !s.canFile(r, j, pending.ApplicationID, a) {
		s.errorPage(w, r, http.StatusForbidden)
		return false
	}
	return true
}

// juryReopenRequest records one party's request for a change.
func (s *Server) juryReopenRequest(w http.ResponseWriter, r *http.Request) {
	j, side, ok := s.reopenParty(w, r)
	if !ok {
		return
	}
	f := reopenForm{Application: field(r, "application"), Level: field(r, "level"),
		Mentions: r.PostForm["mentions"], Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	p := &jurySealPage{Form: f}
	errs := f.Validate()
	var req store.ReopenRequest
	if len(errs) == 0 {
		app, err := s.db.FindApplication(r.Context(), must64(f.Application))
		switch {
		case err != nil || app.Year != j.Edition.Year || !s.canFile(r, j, app.ID, domain.ActRequestReopen):
			errs["application"] = "seal.error.application"
		default:
			var fits bool
			if req, fits = f.request(app.Track); !fits {
				errs["level"] = "seal.error.level_track"
			}
		}
	}
	if len(errs) > 0 {
		p.Errors = errs
		s.renderSeal(w, r, j, p, http.StatusUnprocessableEntity)
		return
	}
	if err := s.db.RequestReopening(r.Context(), j.Edition.Year, req, side, actor(r)); err != nil {
		s.sealRefused(w, r, j, p, err)
		return
	}
	s.redirect(w, r, sealPath(j.Edition.Year)+"#reouverture", "seal.flash.requested")
}

func must64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// juryReopenConfirm is the other party's confirmation: the change is
// applied and the decisions sealed again.
func (s *Server) juryReopenConfirm(w http.ResponseWriter, r *http.Request) {
	j, side, ok := s.reopenParty(w, r)
	if !ok {
		return
	}
	// A recused party cannot confirm a change to that file.
	if !s.mayActOnPending(w, r, j, domain.ActConfirmReopen) {
		return
	}
	if _, err := s.db.ConfirmReopening(r.Context(), j.Edition.Year, side, actor(r)); err != nil {
		s.sealRefused(w, r, j, &jurySealPage{}, err)
		return
	}
	s.redirect(w, r, sealPath(j.Edition.Year), "seal.flash.resealed")
}

// juryReopenCancel withdraws the pending request; either party may.
func (s *Server) juryReopenCancel(w http.ResponseWriter, r *http.Request) {
	j, side, ok := s.reopenParty(w, r)
	if !ok {
		return
	}
	if !s.mayActOnPending(w, r, j, domain.ActRequestReopen) {
		return
	}
	if err := s.db.CancelReopening(r.Context(), j.Edition.Year, side, actor(r)); err != nil {
		s.sealRefused(w, r, j, &jurySealPage{}, err)
		return
	}
	s.redirect(w, r, sealPath(j.Edition.Year)+"#reouverture", "seal.flash.cancelled")
}

// jurySealContent answers the exact bytes a seal's digest was computed
// on, for the parties to check it elsewhere (sha256sum). It lists every
// decision: ActSeeSealDetails, the president and the secretariat.
func (s *Server) jurySealContent(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || !j.Can(domain.ActSeeSealDetails) {
		s.notFound(w, r)
		return
	}
	if recused, err := s.recusedFromAny(r, j); err != nil || recused {
		s.notFound(w, r)
		return
	}
	rec, err := s.db.FindSeal(r.Context(), j.Edition.Year, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="scellement-%d-%d.json"`, rec.Year, rec.ID))
	w.Write([]byte(rec.Content))
}

// recusedFromAny tells whether the person is recused from any file of the
// edition. The sealed content lists every decision and cannot be redacted
// without breaking its digest, so a reader recused from one file does not
// get it at all (the page still shows the digest and the verification).
func (s *Server) recusedFromAny(r *http.Request, j *juryAccess) (bool, error) {
	conflicts, err := s.db.EffectiveConflicts(r.Context(), j.Edition.Year)
	if err != nil {
		return false, err
	}
	for pair := range conflicts {
		if pair.Juror == j.User.ID && conflicts.Recused(pair.Juror, pair.Application) {
			return true, nil
		}
	}
	return false, nil
}
