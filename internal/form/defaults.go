package form

import (
	"embed"
	"fmt"
)

// defaultFiles holds the questionnaires a new edition starts from, one per
// track, in the import format.
//
//go:embed defaults/label.json defaults/badge.json
var defaultFiles embed.FS

// defaultTracks lists the tracks that have a default questionnaire, in the
// order an organiser is offered them.
var defaultTracks = []string{"label", "badge"}

// DefaultTracks lists the tracks that have a default questionnaire: "label"
// (the five domains, levels Bronze, Argent, Or) and "badge" (ten questions
// for small bodies).
func DefaultTracks() []string { return append([]string(nil), defaultTracks...) }

// Default returns a fresh copy of the default questionnaire of track, which
// the caller may change freely.
func Default(track string) (*Questionnaire, error) {
	if !codePattern.MatchString(track) {
		return nil, fmt.Errorf("form: no default questionnaire for track %q", track)
	}
	data, err := defaultFiles.ReadFile("defaults/" + track + ".json")
	if err != nil {
		return nil, fmt.Errorf("form: no default questionnaire for track %q", track)
	}
	qn, problems, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("form: default questionnaire %q: %w", track, err)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("form: default questionnaire %q: %s (and %d more)", track, problems[0], len(problems)-1)
	}
	return qn, nil
}
