package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tnl/internal/directory"
	"tnl/internal/domain"
)

// The form of an edition. Dates are typed as Paris dates and times; the
// last day of applications is a date, stored as the first refused instant
// (midnight after it, domain.ParisDeadline). Tracks and their levels are
// rows, with a few empty ones to add more without JavaScript.

const (
	minEditionYear  = 2000
	maxEditionYear  = 2100
	maxTrackRows    = 8
	maxLevelRows    = 12
	emptyLevelRows  = 2 // blank level rows offered under each track
	maxRulesBytes   = 60000
	maxMentions     = 30
	maxMentionRunes = 200
	maxTitleRunes   = 200
)

type editionForm struct {
	Year, Title                string
	OpensDate, OpensTime       string
	LastDay                    string
	JuryDate, JuryTime         string
	CeremonyDate, CeremonyTime string
	CeremonyPlace              string
	PublishDate, PublishTime   string
	Rules, Mentions            string
	ResponsableMaySubmit       bool
	Tracks                     []trackRow
	edition                    *domain.Edition // the valid result, set by Validate
}

// trackRow is one track of the form; Existing tracks keep their key (their
// questionnaire and applications hang on it) and may be deleted instead.
type trackRow struct {
	Index    int
	Key      string
	Name     string
	Existing bool
	Delete   bool
	Levels   []levelRow
}

// levelRow is one level of a track's award scale. Key is kept from the
// stored level, or made from the name for a new one.
type levelRow struct {
	Index                int
	Key, Name, Threshold string
}

// Field names of a track's and a level's inputs, shared with the template.
func (t trackRow) Field(name string) string { return fmt.Sprintf("track-%d-%s", t.Index, name) }
func (t trackRow) LevelField(l levelRow, name string) string {
	return fmt.Sprintf("track-%d-level-%d-%s", t.Index, l.Index, name)
}

// Number is the track's position as people count (1, 2…).
func (t trackRow) Number() int { return t.Index + 1 }

// Number is the level's position as people count.
func (l levelRow) Number() int { return l.Index + 1 }

func (t trackRow) blank() bool {
	if t.Key != "" || t.Name != "" {
		return false
	}
	for _, l := range t.Levels {
		if !l.blank() {
			return false
		}
	}
	return true
}

func (l levelRow) blank() bool { return l.Name == "" && l.Threshold == "" }

// newEditionForm is the form of a new edition: two empty tracks.
func newEditionForm() editionForm {
	f := editionForm{}
	f.Tracks = padTrackRows(nil, 2)
	return f
}

// padTracks numbers the rows and adds empty tracks up to at least n rows
// and one blank row more, and blank levels under each track.
func padTrackRows(rows []trackRow, n int) []trackRow {
	out := append([]trackRow(nil), rows...)
	if len(out) == 0 || !out[len(out)-1].blank() || len(out) < n {
		out = append(out, trackRow{})
	}
	for len(out) < n {
		out = append(out, trackRow{})
	}
	out = out[:min(len(out), maxTrackRows)]
	for i := range out {
		out[i].Index = i
		levels := append([]levelRow(nil), out[i].Levels...)
		for len(levels) < maxLevelRows && (len(levels) < 3 || blankLevelTail(levels) < emptyLevelRows) {
			levels = append(levels, levelRow{})
		}
		for j := range levels {
			levels[j].Index = j
		}
		out[i].Levels = levels
	}
	return out
}

// blankTail counts the blank level rows at the end of levels.
func blankLevelTail(levels []levelRow) int {
	n := 0
	for i := len(levels) - 1; i >= 0 && levels[i].blank(); i-- {
		n++
	}
	return n
}

// editionFormOf fills the form from a stored edition.
func editionFormOf(e *domain.Edition) editionForm {
	f := editionForm{Year: strconv.Itoa(e.Year), Title: e.Title, CeremonyPlace: e.CeremonyPlace,
		Rules: e.Rules, Mentions: strings.Join(e.Mentions, "\n"), ResponsableMaySubmit: e.ResponsableMaySubmit}
	f.OpensDate, f.OpensTime = parisDateField(e.OpensAt), parisClockField(e.OpensAt)
	if e.ClosesAt != nil {
		last := e.Deadline()
		f.LastDay = parisDateField(&last)
	}
	f.JuryDate, f.JuryTime = parisDateField(e.JuryAt), parisClockField(e.JuryAt)
	f.CeremonyDate, f.CeremonyTime = parisDateField(e.CeremonyAt), parisClockField(e.CeremonyAt)
	f.PublishDate, f.PublishTime = parisDateField(e.PublishAt), parisClockField(e.PublishAt)
	var rows []trackRow
	for _, t := range e.Tracks {
		row := trackRow{Key: t.Key, Name: t.Name, Existing: true}
		for _, l := range t.Levels {
			row.Levels = append(row.Levels, levelRow{Key: l.Key, Name: l.Name, Threshold: decimalText(l.Threshold)})
		}
		rows = append(rows, row)
	}
	f.Tracks = padTrackRows(rows, 1)
	return f
}

func parisDateField(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(domain.Paris).Format(time.DateOnly)
}

func parisClockField(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(domain.Paris).Format("15:04")
}

// numberText writes a number without useless decimals, as typed back.
func decimalText(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// parseNumber reads a number typed with a decimal point or comma.
func parseDecimal(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	return v, err == nil && v == v && v < 1e12 && v > -1e12
}

// readEditionForm reads the posted form; stored tells which track rows are
// the edition's existing tracks (their key cannot be changed).
func readEditionForm(r *http.Request, stored *domain.Edition) editionForm {
	f := editionForm{Year: field(r, "year"), Title: field(r, "title"),
		OpensDate: field(r, "opens_date"), OpensTime: field(r, "opens_time"), LastDay: field(r, "last_day"),
		JuryDate: field(r, "jury_date"), JuryTime: field(r, "jury_time"),
		CeremonyDate: field(r, "ceremony_date"), CeremonyTime: field(r, "ceremony_time"),
		CeremonyPlace: field(r, "ceremony_place"), PublishDate: field(r, "publish_date"), PublishTime: field(r, "publish_time"),
		Rules: longField(r, "rules"), Mentions: longField(r, "mentions"),
		ResponsableMaySubmit: r.PostFormValue("responsable_may_submit") == "1"}
	var rows []trackRow
	for i := 0; i < maxTrackRows; i++ {
		t := trackRow{Index: i}
		if _, ok := r.PostForm[t.Field("key")]; !ok {
			continue
		}
		t.Key, t.Name = field(r, t.Field("key")), field(r, t.Field("name"))
		t.Delete = r.PostFormValue(t.Field("delete")) == "1"
		t.Existing = stored != nil && i < len(stored.Tracks) && stored.Tracks[i].Key == t.Key
		for j := 0; j < maxLevelRows; j++ {
			l := levelRow{Index: j}
			l.Key = field(r, t.LevelField(l, "key"))
			l.Name, l.Threshold = field(r, t.LevelField(l, "name")), field(r, t.LevelField(l, "threshold"))
			t.Levels = append(t.Levels, l)
		}
		t.Levels = t.Levels[:len(t.Levels)-blankLevelTail(t.Levels)]
		rows = append(rows, t)
	}
	// Keep the rows as typed, with their numbers, so that error links match.
	for len(rows) > 0 && rows[len(rows)-1].blank() && len(rows) > 1 && rows[len(rows)-2].blank() {
		rows = rows[:len(rows)-1]
	}
	f.Tracks = padTrackRows(rows, 1)
	return f
}

// Validate checks the form and, when it is valid, builds the edition to
// save. creating says whether the year is typed (a new edition).
func (f *editionForm) Validate(creating bool) map[string]string {
	errs := map[string]string{}
	e := &domain.Edition{Title: f.Title, CeremonyPlace: f.CeremonyPlace, Rules: f.Rules,
		ResponsableMaySubmit: f.ResponsableMaySubmit}
	year, err := strconv.Atoi(f.Year)
	if creating && (err != nil || year < minEditionYear || year > maxEditionYear) {
		errs["year"] = "editions.error.year"
	}
	e.Year = year
	switch n := utf8.RuneCountInString(f.Title); {
	case n == 0:
		errs["title"] = "editions.error.title"
	case n > maxTitleRunes:
		errs["title"] = "editions.error.title_long"
	}
	if utf8.RuneCountInString(f.CeremonyPlace) > maxTitleRunes {
		errs["ceremony_place"] = "editions.error.place_long"
	}
	if len(f.Rules) > maxRulesBytes {
		errs["rules"] = "editions.error.rules_long"
	}
	f.validateCalendar(e, errs)
	f.validateMentions(e, errs)
	f.validateTracks(e, errs)
	if len(errs) == 0 {
		f.edition = e
	}
	return errs
}

// instant reads a Paris date and time; both are needed when either is
// typed. Problems are recorded on the field concerned.
func parisInstant(errs map[string]string, dateField, date, clockField, clock string) *time.Time {
	if date == "" && clock == "" {
		return nil
	}
	d, err := time.ParseInLocation(time.DateOnly, date, domain.Paris)
	if err != nil {
		errs[dateField] = "editions.error.date"
		if date == "" {
			errs[dateField] = "editions.error.date_required"
		}
		return nil
	}
	c, err := time.Parse("15:04", clock)
	if err != nil {
		errs[clockField] = "editions.error.time"
		if clock == "" {
			errs[clockField] = "editions.error.time_required"
		}
		return nil
	}
	t := time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, domain.Paris).UTC()
	return &t
}

// validateCalendar reads the dates and checks that they come in the order
// of the year: opening, last day, jury, then ceremony and publication.
func (f *editionForm) validateCalendar(e *domain.Edition, errs map[string]string) {
	e.OpensAt = parisInstant(errs, "opens_date", f.OpensDate, "opens_time", f.OpensTime)
	if f.LastDay != "" {
		if d, err := time.Parse(time.DateOnly, f.LastDay); err != nil {
			errs["last_day"] = "editions.error.date"
		} else {
			closes := domain.ParisDeadline(d.Year(), d.Month(), d.Day())
			e.ClosesAt = &closes
		}
	}
	e.JuryAt = parisInstant(errs, "jury_date", f.JuryDate, "jury_time", f.JuryTime)
	e.CeremonyAt = parisInstant(errs, "ceremony_date", f.CeremonyDate, "ceremony_time", f.CeremonyTime)
	e.PublishAt = parisInstant(errs, "publish_date", f.PublishDate, "publish_time", f.PublishTime)
	if len(errs) > 0 {
		return
	}
	switch {
	case e.OpensAt != nil && e.ClosesAt == nil:
		errs["last_day"] = "editions.error.last_day_required"
	case e.OpensAt == nil && e.ClosesAt != nil:
		errs["opens_date"] = "editions.error.opens_required"
	case e.OpensAt != nil && !e.ClosesAt.After(*e.OpensAt):
		errs["last_day"] = "editions.error.closes_before_opens"
	}
	before := func(a, b *time.Time) bool { return a != nil && b != nil && a.Before(*b) }
	if before(e.JuryAt, e.ClosesAt) {
		errs["jury_date"] = "editions.error.jury_before_closes"
	}
	if before(e.CeremonyAt, e.ClosesAt) || before(e.CeremonyAt, e.JuryAt) {
		errs["ceremony_date"] = "editions.error.ceremony_early"
	}
	if before(e.PublishAt, e.ClosesAt) || before(e.PublishAt, e.JuryAt) {
		errs["publish_date"] = "editions.error.publish_early"
	}
}

func (f *editionForm) validateMentions(e *domain.Edition, errs map[string]string) {
	for _, line := range strings.Split(f.Mentions, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > maxMentionRunes {
			errs["mentions"] = "editions.error.mention_long"
		}
		e.Mentions = append(e.Mentions, line)
	}
	if len(e.Mentions) > maxMentions {
		errs["mentions"] = "editions.error.mentions_many"
	}
}

// validateTracks keeps the rows that are not blank nor deleted: a valid,
// unique key, a name and at least one level, thresholds increasing.
func (f *editionForm) validateTracks(e *domain.Edition, errs map[string]string) {
	seen := map[string]bool{}
	for _, t := range f.Tracks {
		if t.Delete || t.blank() {
			continue
		}
		switch {
		case !domain.TrackKeyValid(t.Key):
			errs[t.Field("key")] = "editions.error.track_key"
		case seen[t.Key]:
			errs[t.Field("key")] = "editions.error.track_key_taken"
		}
		seen[t.Key] = true
		switch n := utf8.RuneCountInString(t.Name); {
		case n == 0:
			errs[t.Field("name")] = "editions.error.track_name"
		case n > maxTitleRunes:
			errs[t.Field("name")] = "editions.error.title_long"
		}
		e.Tracks = append(e.Tracks, domain.Track{Key: t.Key, Name: t.Name, Levels: t.validLevels(errs)})
	}
	if len(e.Tracks) == 0 {
		errs[f.Tracks[0].Field("name")] = "editions.error.no_track"
	}
}

// validLevels reads a track's award scale: named levels with thresholds
// that increase from row to row, each with a distinct key.
func (t trackRow) validLevels(errs map[string]string) []domain.Level {
	var out []domain.Level
	keys := map[string]bool{}
	for _, l := range t.Levels {
		if l.blank() {
			continue
		}
		name, threshold := t.LevelField(l, "name"), t.LevelField(l, "threshold")
		v, ok := parseDecimal(l.Threshold)
		switch {
		case l.Name == "":
			errs[name] = "editions.error.level_name"
		case utf8.RuneCountInString(l.Name) > maxTitleRunes:
			errs[name] = "editions.error.title_long"
		case !ok || v < 0:
			errs[threshold] = "editions.error.threshold"
		case len(out) > 0 && v <= out[len(out)-1].Threshold:
			errs[threshold] = "editions.error.threshold_order"
		}
		key := l.Key
		if key == "" {
			key = newLevelKey(l.Name, l.Index)
		}
		if keys[key] {
			errs[name] = "editions.error.level_taken"
		}
		keys[key] = true
		out = append(out, domain.Level{Key: key, Name: l.Name, Threshold: v})
	}
	if len(out) == 0 {
		errs[t.LevelField(t.Levels[0], "name")] = "editions.error.no_level"
	}
	return out
}

// levelKey names a new level after its name ("Argent" → "argent"), which
// stays its key when the name is later changed.
func newLevelKey(name string, index int) string {
	if k := strings.ReplaceAll(directory.Normalize(name), " ", "-"); k != "" {
		return k
	}
	return fmt.Sprintf("niveau-%d", index+1)
}
