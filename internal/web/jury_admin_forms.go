package web

// The forms of the jury's administration: the settings and a member. Each
// keeps what the person typed, as text, so that a refused form comes back
// as it was sent.

import (
	"net/http"
	"strconv"
	"strings"

	"tnl/internal/domain"
)

// jurySettingsForm is domain.JurySettings as typed. An empty number means
// the default (domain.JurySettings.WithDefaults).
type jurySettingsForm struct {
	Mode, Reviewers, Quorum, WindowYears, StdDevThreshold string
	MinutesPerReview, MentionAllotment, DiversityTags     string
	SecretBallot                                          bool
	settings                                              domain.JurySettings
}

// jurySettingsFormOf shows the settings in effect, defaults included, so
// that the secretariat sees what applies. A quorum and a threshold of 0
// mean "the rule's default" and "no such rule": they show empty.
func jurySettingsFormOf(st domain.JurySettings, lang string) jurySettingsForm {
	d := st.WithDefaults()
	f := jurySettingsForm{Mode: d.Mode, Reviewers: strconv.Itoa(d.Reviewers), WindowYears: strconv.Itoa(d.WindowYears),
		MinutesPerReview: strconv.Itoa(d.MinutesPerReview), MentionAllotment: strconv.Itoa(d.MentionAllotment),
		DiversityTags: strings.Join(d.DiversityTags, ", "), SecretBallot: d.SecretBallot}
	if d.Quorum > 0 {
		f.Quorum = strconv.Itoa(d.Quorum)
	}
	if d.StdDevThreshold > 0 {
		f.StdDevThreshold = strconv.FormatFloat(d.StdDevThreshold, 'f', -1, 64)
		if lang == "fr" {
			f.StdDevThreshold = strings.ReplaceAll(f.StdDevThreshold, ".", ",")
		}
	}
	return f
}

func readJurySettingsForm(r *http.Request) jurySettingsForm {
	return jurySettingsForm{Mode: field(r, "mode"), Reviewers: field(r, "reviewers"), Quorum: field(r, "quorum"),
		WindowYears: field(r, "window_years"), StdDevThreshold: field(r, "std_dev_threshold"),
		MinutesPerReview: field(r, "minutes_per_review"), MentionAllotment: field(r, "mention_allotment"),
		DiversityTags: field(r, "diversity_tags"), SecretBallot: r.PostFormValue("secret_ballot") == "1"}
}

// Validate reads the numbers, then asks the domain for the bounds. The
// fields are named as JurySettings.Validate keys its problems, and each
// problem's message id is jury.settings.error.<key>.
func (f *jurySettingsForm) Validate() map[string]string {
	errs := map[string]string{}
	whole := func(key, v string) int {
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[key] = "jury.settings.error.whole"
		}
		return n
	}
	st := domain.JurySettings{Mode: f.Mode, Reviewers: whole("reviewers", f.Reviewers), Quorum: whole("quorum", f.Quorum),
		WindowYears: whole("window_years", f.WindowYears), MinutesPerReview: whole("minutes_per_review", f.MinutesPerReview),
		MentionAllotment: whole("mention_allotment", f.MentionAllotment), SecretBallot: f.SecretBallot,
		DiversityTags: juryTagList(f.DiversityTags)}
	if st.DiversityTags == nil {
		// The field shows the tags in effect: emptied, it means no
		// diversity rule, not the default (domain.JurySettings).
		st.DiversityTags = []string{}
	}
	if f.StdDevThreshold != "" {
		v, err := strconv.ParseFloat(strings.ReplaceAll(f.StdDevThreshold, ",", "."), 64)
		if err != nil {
			errs["std_dev_threshold"] = "jury.settings.error.decimal"
		}
		st.StdDevThreshold = v
	}
	if f.Mode == "" {
		errs["mode"] = "jury.settings.error.mode"
	}
	if juryTagsProblem(st.DiversityTags) {
		errs["diversity_tags"] = "jury.settings.error.diversity_tags"
	}
	for key := range st.Validate() {
		if _, seen := errs[key]; !seen {
			errs[key] = "jury.settings.error." + key
		}
	}
	f.settings = st
	return errs
}

// Limits on the tags of jurors and the diversity rule: a few short words.
const (
	maxJuryTags      = 10
	maxJuryTagLength = 30
)

func juryTagsProblem(tags []string) bool {
	if len(tags) > maxJuryTags {
		return true
	}
	for _, t := range tags {
		if len([]rune(t)) > maxJuryTagLength {
			return true
		}
	}
	return false
}

// juryMemberForm adds a member (with Email) or changes one.
type juryMemberForm struct {
	Email, Role, Tags, MinLoad, MaxLoad string
	adding                              bool
	member                              domain.JuryMember
}

// maxJuryLoad bounds the files one person may be given: more than anyone reads.
const maxJuryLoad = 10000

func juryMemberFormOf(m domain.JuryMember) juryMemberForm {
	f := juryMemberForm{Email: m.Email, Role: string(m.Role), Tags: strings.Join(m.Tags, ", ")}
	if m.MinLoad > 0 {
		f.MinLoad = strconv.Itoa(m.MinLoad)
	}
	if m.MaxLoad > 0 {
		f.MaxLoad = strconv.Itoa(m.MaxLoad)
	}
	return f
}

func readJuryMemberForm(r *http.Request, adding bool) juryMemberForm {
	f := juryMemberForm{Role: field(r, "role"), Tags: field(r, "tags"), MinLoad: field(r, "min_load"),
		MaxLoad: field(r, "max_load"), adding: adding}
	if adding {
		f.Email = domain.NormalizeEmail(field(r, "email"))
	}
	return f
}

// Is tells the template which role to tick.
func (f juryMemberForm) Is(role domain.JuryRole) bool { return f.Role == string(role) }

func (f *juryMemberForm) Validate() map[string]string {
	errs := map[string]string{}
	if f.adding {
		if p := domain.EmailProblem(f.Email); p != "" {
			errs["email"] = p
		}
	}
	role, err := domain.ParseJuryRole(f.Role)
	if err != nil || !role.Assignable() || role == domain.JurySecretariat {
		errs["role"] = "jury.member.error.role"
	}
	load := func(key, v string) int {
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxJuryLoad {
			errs[key] = "jury.member.error.load"
		}
		return n
	}
	f.member = domain.JuryMember{Role: role, Tags: juryTagList(f.Tags),
		MinLoad: load("min_load", f.MinLoad), MaxLoad: load("max_load", f.MaxLoad)}
	if errs["min_load"] == "" && errs["max_load"] == "" && f.member.MaxLoad > 0 && f.member.MinLoad > f.member.MaxLoad {
		errs["max_load"] = "jury.member.error.loads_order"
	}
	if juryTagsProblem(f.member.Tags) {
		errs["tags"] = "jury.member.error.tags"
	}
	return errs
}
