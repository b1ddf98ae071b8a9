package web

// The jury settings that can no longer change (issue 6 §3): a setting
// stays as it was once something the jury relies on has been done with it.
// The mode and the number of reviewers per file once the assignment is
// released (each juror's list of files comes from them); the quorum, the
// secret ballot, the disagreement threshold and the mention allotment once
// the deliberation meeting has started (its votes, its agenda and its
// shortlists rest on them). The page says so beside each locked field; a
// form that changes one anyway is refused with 422, kept as typed.

import (
	"errors"
	"net/http"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// juryLock is the settings one event locks, with the message ids that say
// so beside the fields and when a change is refused.
type juryLock struct {
	fields      []string // form field names
	hint, error string
}

var (
	juryLockAssignment = &juryLock{fields: []string{"mode", "reviewers"},
		hint: "jury.settings.locked.assignment", error: "jury.settings.error.locked_assignment"}
	juryLockMeeting = &juryLock{fields: []string{"quorum", "secret_ballot", "std_dev_threshold", "mention_allotment"},
		hint: "jury.settings.locked.meeting", error: "jury.settings.error.locked_meeting"}
)

// juryLocks returns the locked settings of an edition, by form field name.
func (s *Server) juryLocks(r *http.Request, e *domain.Edition) (map[string]*juryLock, error) {
	locks := map[string]*juryLock{}
	lock := func(l *juryLock) {
		for _, f := range l.fields {
			locks[f] = l
		}
	}
	if e.AssignmentsReleasedAt != nil {
		lock(juryLockAssignment)
	}
	switch _, err := s.db.MeetingState(r.Context(), e.Year); {
	case err == nil:
		lock(juryLockMeeting)
	case !errors.Is(err, store.ErrNoMeeting):
		return nil, err
	}
	return locks, nil
}

// lockedChanges returns an error for each locked field whose value the
// form changes; f must have been validated. Values compare as they apply,
// defaults filled in, so that a field left empty for its default is no
// change.
func (f *jurySettingsForm) lockedChanges(cur domain.JurySettings, locks map[string]*juryLock) map[string]string {
	was, now := cur.WithDefaults(), f.settings.WithDefaults()
	changed := map[string]bool{
		"mode":              was.Mode != now.Mode,
		"reviewers":         was.Reviewers != now.Reviewers,
		"quorum":            was.Quorum != now.Quorum,
		"secret_ballot":     was.SecretBallot != now.SecretBallot,
		"std_dev_threshold": was.StdDevThreshold != now.StdDevThreshold,
		"mention_allotment": was.MentionAllotment != now.MentionAllotment,
	}
	errs := map[string]string{}
	for field, l := range locks {
		if changed[field] {
			errs[field] = l.error
		}
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
