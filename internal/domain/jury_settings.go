package domain

import (
	"fmt"
	"time"
)

// JurySettings are an edition's choices for its jury, kept as JSON on the
// edition. The zero value of each field means "the default" (WithDefaults).
type JurySettings struct {
	// Mode is "full" (every juror without a conflict reviews every file) or
	// "k" (Reviewers reviewers per file plus one rapporteur among them).
	Mode      string `json:"mode,omitempty"`
	Reviewers int    `json:"reviewers,omitempty"`
	// Quorum is the least number of non-recused voters present for a level
	// vote; 0 means half the jury, at least 4.
	Quorum int `json:"quorum,omitempty"`
	// WindowYears: affiliations ended longer ago than this are ignored by
	// the conflict suggestions.
	WindowYears int `json:"window_years,omitempty"`
	// Severities override the default severity of a conflict rule
	// ("territorial-hierarchy": "disclose"…).
	Severities map[string]string `json:"severities,omitempty"`
	// StdDevThreshold raises the disagreement flag at this standard
	// deviation of proposed levels; 0 leaves that rule out.
	StdDevThreshold float64 `json:"std_dev_threshold,omitempty"`
	SecretBallot    bool    `json:"secret_ballot,omitempty"`
	// MinutesPerReview feeds the workload estimate shown before release.
	MinutesPerReview int `json:"minutes_per_review,omitempty"`
	// MentionAllotment is how many nominations a juror may make per mention.
	MentionAllotment int `json:"mention_allotment,omitempty"`
	// DiversityTags: each file should get at least one reviewer with each.
	// nil means the default; an empty list, no diversity rule (kept in the
	// JSON, not omitted, so that the two stay apart).
	DiversityTags []string `json:"diversity_tags"`
}

// The assignment modes.
const (
	AssignFullPanel = "full"
	AssignK         = "k"
)

// WithDefaults fills the fields left at zero.
func (s JurySettings) WithDefaults() JurySettings {
	if s.Mode == "" {
		s.Mode = AssignFullPanel
	}
	if s.Reviewers == 0 {
		s.Reviewers = 3
	}
	if s.WindowYears == 0 {
		s.WindowYears = 5
	}
	if s.MinutesPerReview == 0 {
		s.MinutesPerReview = 45
	}
	if s.MentionAllotment == 0 {
		s.MentionAllotment = 3
	}
	if s.DiversityTags == nil {
		s.DiversityTags = []string{"technique", "elu"}
	}
	return s
}

// Validate returns a problem per field, in French, keyed by field name.
func (s JurySettings) Validate() map[string]string {
	p := map[string]string{}
	if s.Mode != "" && s.Mode != AssignFullPanel && s.Mode != AssignK {
		p["mode"] = "Choisissez « tous les jurés » ou « k relecteurs par dossier »."
	}
	if s.Reviewers < 0 || s.Reviewers > 20 {
		p["reviewers"] = "Indiquez entre 1 et 20 relecteurs par dossier."
	}
	if s.Quorum < 0 || s.Quorum > 100 {
		p["quorum"] = "Le quorum est un nombre de jurés entre 1 et 100 (0 : la moitié du jury, au moins 4)."
	}
	if s.WindowYears < 0 || s.WindowYears > 30 {
		p["window_years"] = "Indiquez une durée entre 1 et 30 ans."
	}
	if s.StdDevThreshold < 0 || s.StdDevThreshold > 10 {
		p["std_dev_threshold"] = "Indiquez un écart type entre 0 et 10."
	}
	if s.MinutesPerReview < 0 || s.MinutesPerReview > 600 {
		p["minutes_per_review"] = "Indiquez une durée entre 1 et 600 minutes."
	}
	if s.MentionAllotment < 0 || s.MentionAllotment > 50 {
		p["mention_allotment"] = "Indiquez entre 1 et 50 propositions par mention."
	}
	for rule, sev := range s.Severities {
		if sev != "recuse" && sev != "disclose" {
			p["severities"] = fmt.Sprintf("Sévérité inconnue pour la règle « %s ».", rule)
		}
	}
	return p
}

// JuryMember is one person's place in an edition's jury. The secretariat
// (admins) is not listed: its rights come from the admin role.
type JuryMember struct {
	Year       int
	UserID     int64
	Email      string
	Name       string
	Role       JuryRole
	Tags       []string // e.g. "technique", "elu": for the diversity rule
	MinLoad    int
	MaxLoad    int        // 0: no cap
	AttestedAt *time.Time // conflicts attested for this edition
	CreatedAt  time.Time
}

// Label is the member's name, or email when the name is unknown.
func (m JuryMember) Label() string {
	if m.Name != "" {
		return m.Name
	}
	return m.Email
}

// Votes reports whether the member's role votes in deliberation.
func (m JuryMember) Votes() bool {
	return m.Role == JuryPresident || m.Role == JuryVicePresident || m.Role == JuryJuror
}
