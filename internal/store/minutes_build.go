package store

// Building the minutes from the meeting's records: the jury and its
// attendance, the agenda, the register of conflicts and the decisions.

import (
	"context"
	"database/sql"
	"slices"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// minutesFile is an application as the minutes name it.
type minutesFile struct {
	body, track string
}

// buildMinutes assembles the minutes with q (the pool, or a transaction
// for the validation).
func (db *DB) buildMinutes(ctx context.Context, q queryer, e *domain.Edition) (*Minutes, error) {
	m := &Minutes{Year: e.Year, SecretBallot: e.Jury.SecretBallot, Members: []MinutesMember{}, Items: []MinutesItem{}}
	if err := minutesMeeting(ctx, q, m); err != nil {
		return nil, err
	}
	voting := 0
	for _, mm := range m.Members {
		if mm.Role == domain.JuryPresident || mm.Role == domain.JuryVicePresident || mm.Role == domain.JuryJuror {
			voting++
		}
	}
	m.Quorum = e.Jury.Quorum
	if m.Quorum == 0 {
		m.Quorum = jury.QuorumForJury(voting, 4)
	}
	files, err := minutesFiles(ctx, q, e.Year)
	if err != nil {
		return nil, err
	}
	register, err := db.registerOf(ctx, q, e.Year)
	if err != nil {
		return nil, err
	}
	decisions, err := db.queryDecisions(ctx, q, `year = $1`, e.Year)
	if err != nil {
		return nil, err
	}
	if _, m.DecisionsDigest, err = sealContent(e.Year, decisions); err != nil {
		return nil, err
	}
	b := minutesBuilder{m: m, e: e, files: files, conflicts: jury.EffectiveConflicts(register),
		decisions: map[int64]*domain.Decision{}, names: map[int64]string{}}
	for i := range decisions {
		b.decisions[decisions[i].ApplicationID] = &decisions[i]
	}
	for _, mm := range m.Members {
		b.names[mm.UserID] = mm.Name
	}
	if err := b.namesOf(ctx, q, register, decisions); err != nil {
		return nil, err
	}
	if err := b.items(ctx, q); err != nil {
		return nil, err
	}
	return m, nil
}

// minutesMeeting reads the meeting's times and the jury with attendance.
func minutesMeeting(ctx context.Context, q queryer, m *Minutes) error {
	var started, ended sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT started_at, ended_at FROM meetings WHERE year = $1`, m.Year).Scan(&started, &ended)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	m.StartedAt, m.EndedAt = nullTime(started), nullTime(ended)
	rows, err := q.QueryContext(ctx, `SELECT j.user_id, COALESCE(NULLIF(u.name, ''), u.email), j.role, a.present
		FROM jury_members j JOIN users u ON u.id = j.user_id
		LEFT JOIN attendance a ON a.year = j.year AND a.user_id = j.user_id
		WHERE j.year = $1
		ORDER BY CASE j.role WHEN 'president' THEN 0 WHEN 'vice_president' THEN 1 WHEN 'juror' THEN 2
			WHEN 'assessor' THEN 3 ELSE 4 END, u.name, u.email`, m.Year)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var mm MinutesMember
		var present sql.NullBool
		if err := rows.Scan(&mm.UserID, &mm.Name, &mm.Role, &present); err != nil {
			return err
		}
		if present.Valid {
			mm.Present = &present.Bool
		}
		m.Members = append(m.Members, mm)
	}
	return rows.Err()
}

// minutesFiles names every application of the edition.
func minutesFiles(ctx context.Context, q queryer, year int) (map[int64]minutesFile, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.id, b.name, a.track FROM applications a
		JOIN bodies b ON b.id = a.body_id WHERE a.year = $1`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]minutesFile{}
	for rows.Next() {
		var id int64
		var f minutesFile
		if err := rows.Scan(&id, &f.body, &f.track); err != nil {
			return nil, err
		}
		out[id] = f
	}
	return out, rows.Err()
}

// minutesBuilder holds what the items are made of.
type minutesBuilder struct {
	m         *Minutes
	e         *domain.Edition
	files     map[int64]minutesFile
	conflicts jury.ConflictMap
	decisions map[int64]*domain.Decision
	names     map[int64]string
}

// namesOf completes names with the people of the register and the
// decisions who are no longer on the jury.
func (b *minutesBuilder) namesOf(ctx context.Context, q queryer, register []jury.Conflict, decisions []domain.Decision) error {
	var missing []int64
	add := func(id int64) {
		if _, ok := b.names[id]; !ok && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	for _, c := range register {
		add(c.Juror)
	}
	for _, d := range decisions {
		for _, id := range d.Recused {
			add(id)
		}
	}
	for _, id := range missing {
		var name string
		err := q.QueryRowContext(ctx, `SELECT COALESCE(NULLIF(name, ''), email) FROM users WHERE id = $1`, id).Scan(&name)
		if err != nil {
			return notFound(err, "Personne introuvable.")
		}
		b.names[id] = name
	}
	return nil
}

// items walks the agenda, then adds the decisions taken outside it.
func (b *minutesBuilder) items(ctx context.Context, q queryer) error {
	rows, err := q.QueryContext(ctx, `SELECT position, kind, application_id, mention, status FROM agenda_items
		WHERE year = $1 ORDER BY position, id`, b.m.Year)
	if err != nil {
		return err
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var it MinutesItem
		var app sql.NullInt64
		if err := rows.Scan(&it.Position, &it.Kind, &app, &it.Mention, &it.Status); err != nil {
			return err
		}
		if app.Valid {
			seen[app.Int64] = true
			b.fileItem(&it, app.Int64)
		} else {
			b.mentionItem(&it)
		}
		b.m.Items = append(b.m.Items, it)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var rest []int64
	for id := range b.decisions {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	for _, id := range rest {
		it := MinutesItem{Position: len(b.m.Items) + 1, Kind: "other", Status: "decided"}
		b.fileItem(&it, id)
		b.m.Items = append(b.m.Items, it)
	}
	return nil
}

// fileItem fills an item about one file: the recusals as recorded at the
// decision (today's register before it), the disclosed links, the vote.
func (b *minutesBuilder) fileItem(it *MinutesItem, app int64) {
	it.ApplicationID, it.Body = app, b.files[app].body
	d := b.decisions[app]
	var recused []int64
	if d != nil {
		recused = slices.Clone(d.Recused)
	}
	var disclosed []int64
	for pair, sev := range b.conflicts {
		if pair.Application != app {
			continue
		}
		if sev == jury.ConflictRecuse && d == nil {
			recused = append(recused, pair.Juror)
		} else if sev == jury.ConflictDisclose {
			disclosed = append(disclosed, pair.Juror)
		}
	}
	it.RecusedFrom = b.recusedFrom(app, d)
	it.Recused, it.Disclosed = b.people(recused), b.people(disclosed)
	if d != nil {
		it.Decision = b.decision(d, app)
	}
}

// recusedFrom is everyone who must not read about the file: recused when
// the decision was taken, or recused since.
func (b *minutesBuilder) recusedFrom(app int64, d *domain.Decision) []int64 {
	var out []int64
	if d != nil {
		out = slices.Clone(d.Recused)
	}
	for pair, sev := range b.conflicts {
		if pair.Application == app && sev == jury.ConflictRecuse && !slices.Contains(out, pair.Juror) {
			out = append(out, pair.Juror)
		}
	}
	slices.Sort(out)
	return out
}

// people names a set of users, by name.
func (b *minutesBuilder) people(ids []int64) []MinutesPerson {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]MinutesPerson, 0, len(ids))
	for _, id := range ids {
		out = append(out, MinutesPerson{UserID: id, Name: b.names[id]})
	}
	slices.SortStableFunc(out, func(x, y MinutesPerson) int {
		if x.Name < y.Name {
			return -1
		} else if x.Name > y.Name {
			return 1
		}
		return 0
	})
	return out
}

// mentionItem lists the files the decisions awarded the mention.
func (b *minutesBuilder) mentionItem(it *MinutesItem) {
	var ids []int64
	for id, d := range b.decisions {
		if slices.Contains(d.Mentions, it.Mention) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		it.Awarded = append(it.Awarded, MinutesAward{ApplicationID: id, Body: b.files[id].body,
			recusedFrom: b.recusedFrom(id, b.decisions[id])})
	}
}

// decision turns a stored decision into the minutes' words.
func (b *minutesBuilder) decision(d *domain.Decision, app int64) *MinutesDecision {
	var levels []domain.Level
	if t, ok := b.e.Track(b.files[app].track); ok {
		levels = t.Levels
	}
	name := func(l *int) string {
		if l == nil || *l < 0 || *l >= len(levels) {
			return ""
		}
		return levels[*l].Name
	}
	md := &MinutesDecision{Level: d.Level, LevelName: name(d.Level), Median: d.Median, MedianName: name(d.Median),
		Tally: []MinutesGrade{}, OverrideReason: d.OverrideReason, Mentions: slices.Sorted(slices.Values(d.Mentions)),
		Status: d.Status, DecidedAt: d.DecidedAt.UTC()}
	if md.Mentions == nil {
		md.Mentions = []string{}
	}
	lowest, highest := -1, -1
	for grade := 0; grade < max(len(levels), maxGrade(d.Tally)+1); grade++ {
		n := d.Tally[grade]
		md.Voters += n
		if n > 0 {
			if lowest < 0 {
				lowest = grade
			}
			highest = grade
		}
		g := grade
		md.Tally = append(md.Tally, MinutesGrade{Level: grade, Name: name(&g), Votes: n})
	}
	if lowest >= 0 {
		md.Lowest, md.Highest = name(&lowest), name(&highest)
	}
	md.QuorumReached = md.Voters >= b.m.Quorum
	return md
}

func maxGrade(t map[int]int) int {
	m := -1
	for g := range t {
		m = max(m, g)
	}
	return m
}

// RedactFor returns a copy of m for a reader who may not read about the
// files hidden says (given each file's RecusedFrom): their items keep only
// their position and kind, and the mentions' lists leave them out.
func (m *Minutes) RedactFor(hidden func(appID int64, recusedFrom []int64) bool) *Minutes {
	out := *m
	out.Items = make([]MinutesItem, 0, len(m.Items))
	for _, it := range m.Items {
		if it.ApplicationID != 0 && hidden(it.ApplicationID, it.RecusedFrom) {
			it = MinutesItem{Position: it.Position, Kind: it.Kind, Redacted: true}
		}
		var kept []MinutesAward
		for _, a := range it.Awarded {
			if !hidden(a.ApplicationID, a.recusedFrom) {
				kept = append(kept, a)
			}
		}
		it.Awarded = kept
		out.Items = append(out.Items, it)
	}
	return &out
}
