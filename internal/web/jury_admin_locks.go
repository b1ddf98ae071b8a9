package web

// The jury settings that can no longer change (issue 6 §3): a setting
// stays as it was once something the jury relies on has been done with it.
// The mode and the number of reviewers per file once the assignment is
// released (each juror's list of files comes from them); the quorum, the
// secret ballot, the disagreement threshold and the mention allotment once
// the deliberation meeting has started (its votes, its agenda and its
// shortlists rest on them). The store holds the rule (SaveJurySettings
// refuses the change, whoever asks); the page says so beside each locked
// field, and a form that changes one anyway is refused with 422, kept as
// typed.

import (
	"errors"
	"net/http"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// juryLock is what the page says of a lock: the message ids beside the
// fields and when a change is refused.
type juryLock struct {
	hint, error string
}

var juryLockMessages = map[store.JuryLock]*juryLock{
	store.LockAssignment: {hint: "jury.settings.locked.assignment", error: "jury.settings.error.locked_assignment"},
	store.LockMeeting:    {hint: "jury.settings.locked.meeting", error: "jury.settings.error.locked_meeting"},
}

// juryLocks returns the locked settings of an edition, by form field name
// (the store's names for them).
func (s *Server) juryLocks(r *http.Request, e *domain.Edition) (map[string]*juryLock, error) {
	held, err := s.db.JurySettingsLocks(r.Context(), e.Year)
	if err != nil {
		return nil, err
	}
	locks := map[string]*juryLock{}
	for field, l := range held {
		locks[field] = juryLockMessages[l]
	}
	return locks, nil
}

// lockedProblems turns the store's refusal of locked settings into the
// form's messages; nil for any other error.
func lockedProblems(err error) map[string]string {
	var locked *store.LockedSettingsError
	if !errors.As(err, &locked) {
		return nil
	}
	errs := map[string]string{}
	for field, l := range locked.Fields {
		errs[field] = juryLockMessages[l].error
	}
	return errs
}

// LockHint is, for the template, the message id saying why a setting is
// locked; "" when it is not.
func (p *adminJuryPage) LockHint(field string) string {
	if l := p.locks[field]; l != nil {
		return l.hint
	}
	return ""
}
