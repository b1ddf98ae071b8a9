package domain

import (
	"slices"
	"time"
	_ "time/tzdata" // Europe/Paris on machines without a time zone database
)

// Edition is one year of the label, with its calendar in UTC (shown in
// Europe/Paris). Historical editions may have no calendar.
type Edition struct {
	Year          int
	Title         string
	OpensAt       *time.Time
	ClosesAt      *time.Time // the first instant refused: midnight after the last day
	JuryAt        *time.Time
	CeremonyAt    *time.Time
	CeremonyPlace string
	PublishAt     *time.Time
	Rules         string   // the rules of the year, plain text
	Mentions      []string // the special mentions the jury may award
	// ResponsableMaySubmit lets the responsable de candidature confirm a
	// submission when the edition allows it; otherwise only the élu référent.
	ResponsableMaySubmit bool
	Tracks               []Track
	// The jury's side, read only here: the phase changes through
	// store.SwitchPhase, the settings through store.SaveJurySettings, the
	// release through the assignment pages.
	Phase                 Phase
	Jury                  JurySettings
	AssignmentsReleasedAt *time.Time
}

// OpenAt reports whether applications are accepted at t.
func (e *Edition) OpenAt(t time.Time) bool {
	return e.OpensAt != nil && e.ClosesAt != nil && !t.Before(*e.OpensAt) && t.Before(*e.ClosesAt)
}

// ClosedAt reports whether the deadline has passed at t.
func (e *Edition) ClosedAt(t time.Time) bool {
	return e.ClosesAt != nil && !t.Before(*e.ClosesAt)
}

// Track returns the edition's track with that key.
func (e *Edition) Track(key string) (*Track, bool) {
	for i := range e.Tracks {
		if e.Tracks[i].Key == key {
			return &e.Tracks[i], true
		}
	}
	return nil, false
}

// Track is one way to apply in an edition ("label", "badge"), with its own
// questionnaire and award scale.
type Track struct {
	Key    string
	Name   string
	Levels []Level // ordered from the lowest to the highest
}

// Level is one step of an award scale and the indicative score that
// reaches it.
type Level struct {
	Key       string  `json:"key"`
	Name      string  `json:"name"`
	Threshold float64 `json:"threshold"`
}

// LevelFor returns the highest level whose threshold score reaches, or nil.
func (t *Track) LevelFor(score float64) *Level {
	var best *Level
	for i := range t.Levels {
		if score >= t.Levels[i].Threshold && (best == nil || t.Levels[i].Threshold >= best.Threshold) {
			best = &t.Levels[i]
		}
	}
	return best
}

// NextLevel returns the lowest level above score, or nil at the top.
func (t *Track) NextLevel(score float64) *Level {
	var next *Level
	for i := range t.Levels {
		if score < t.Levels[i].Threshold && (next == nil || t.Levels[i].Threshold < next.Threshold) {
			next = &t.Levels[i]
		}
	}
	return next
}

// TrackKeyValid reports whether key may name a track (it appears in URLs).
func TrackKeyValid(key string) bool {
	if key == "" || len(key) > 31 || key[0] < 'a' || key[0] > 'z' {
		return false
	}
	return !slices.ContainsFunc([]byte(key), func(c byte) bool {
		return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')
	})
}

// ParisDeadline turns the last day of applications (in Europe/Paris) into
// the first refused instant: that day's midnight in Paris, whatever the
// daylight-saving offset.
func ParisDeadline(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day+1, 0, 0, 0, 0, Paris).UTC()
}

// Paris is the time zone of every date the label shows and enforces.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}()

// Deadline is the last instant still accepted, to show ("10 novembre à
// 23 h 59") — ClosesAt itself is the first instant refused.
func (e *Edition) Deadline() time.Time {
	if e.ClosesAt == nil {
		return time.Time{}
	}
	return e.ClosesAt.Add(-time.Second)
}
