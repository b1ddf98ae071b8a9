package store

// The deliberation meeting (jury.md §7): the agenda built from the
// post-discussion aggregates and the conflicts, the live meeting (the item
// on screen, attendance), the majority-judgment votes and the decisions.
// The rules are internal/jury's (BuildAgenda, CountLevelVote, DecideLevel,
// CountConfirmation, ShortlistMention); this file loads their input and
// keeps what they decide. Who may chair, vote or see is domain.Can's,
// asked by the web layer; the store still refuses, whatever the caller, a
// vote from a recused juror, an assessor, an observer or an absent member,
// and any change outside the phases where it makes sense.
//
// Every change that a screen in the room shows bumps meetings.revision:
// the screens follow the meeting by watching that one number.
//
// Two things have no column of their own in the schema and are kept as
// follows. Who voted and who was recused, as the decision was taken, go
// in decisions.tally with the grade counts (decisionTally). A proposed
// override (the chair proposes a level other than the median) is the
// confirmation vote itself: votes of kind 'override' whose mention column
// holds the proposed level; the chair's proposal is their own ballot "for".
//
// Under a secret ballot the individual grades are deleted once the
// decision is recorded: only the tally remains (jury.md §7).

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// The refusals of the meeting, each with its French message; the web
// layer recognises them (errors.Is) to show its own translated text.
var (
	ErrNotDeliberating = domain.Errorf(domain.ECONFLICT, "La délibération n'est pas ouverte pour cette édition.")
	ErrAgendaLocked    = domain.Errorf(domain.ECONFLICT, "L'ordre du jour ne se modifie plus : l'édition n'est plus en discussion ni en délibération.")
	ErrMeetingStarted  = domain.Errorf(domain.ECONFLICT, "La séance a commencé : modifiez l'ordre du jour point par point.")
	ErrNoMeeting       = domain.Errorf(domain.ECONFLICT, "La séance n'a pas commencé.")
	ErrEmptyAgenda     = domain.Errorf(domain.ECONFLICT, "L'ordre du jour est vide : construisez-le avant d'ouvrir la séance.")
	ErrNotCurrentItem  = domain.Errorf(domain.ECONFLICT, "Ce point n'est pas celui en cours de séance.")
	ErrItemDone        = domain.Errorf(domain.ECONFLICT, "Ce point est déjà tranché : rappelez-le à l'écran pour le revoter.")
	ErrItemBusy        = domain.Errorf(domain.ECONFLICT, "Ce point est en cours ou déjà tranché : il ne peut pas être retiré.")
	ErrAlreadyOnAgenda = domain.Errorf(domain.ECONFLICT, "Ce dossier est déjà à l'ordre du jour.")
	ErrNotVoter        = domain.Errorf(domain.EFORBIDDEN, "Seuls les membres votants du jury votent : les experts et les observateurs ne votent pas.")
	ErrAbsent          = domain.Errorf(domain.ECONFLICT, "Vous êtes noté(e) absent(e) : la présidence doit vous marquer présent(e) pour que vous votiez.")
	ErrNoOverride      = domain.Errorf(domain.ECONFLICT, "Aucun autre niveau n'est proposé au vote de confirmation pour ce dossier.")
)

// The kinds of agenda items as stored (agenda_items.kind), in agenda order.
const (
	AgendaConsent    = "consent"    // confirmed together unless pulled out
	AgendaDiscussion = "discussion" // disagreement, or no proposal
	AgendaTop        = "top"        // candidates for the highest level
	AgendaMention    = "mention"    // one special mention and its shortlist
)

// The statuses of an agenda item.
const (
	ItemPending   = "pending"
	ItemDecided   = "decided"
	ItemPostponed = "postponed" // no quorum: to come back to
)

// kindOf maps the blocks of jury.BuildAgenda onto the stored kinds.
var kindOf = map[jury.AgendaKind]string{
	jury.AgendaConsent: AgendaConsent, jury.AgendaDisagreement: AgendaDiscussion,
	jury.AgendaTopLevel: AgendaTop, jury.AgendaMention: AgendaMention,
}

// ---------------------------------------------------------------------
// Decisions

// decisionTally is the JSON kept in decisions.tally: the grade counts and,
// because the schema has no columns for them, who voted and who was
// recused when the decision was taken, so that the minutes record the
// meeting as it was, not as the conflicts register reads later.
type decisionTally struct {
	Grades  map[int]int `json:"grades"`
	Voters  []int64     `json:"voters,omitempty"`
	Recused []int64     `json:"recused,omitempty"`
}

const decisionColumns = `application_id, year, level, median, tally, override_reason, mentions, status,
	decided_by, decided_at`

func scanDecision(row interface{ Scan(...any) error }) (*domain.Decision, error) {
	var d domain.Decision
	var level, median, by sql.NullInt64
	var tally, mentions string
	if err := row.Scan(&d.ApplicationID, &d.Year, &level, &median, &tally, &d.OverrideReason, &mentions,
		&d.Status, &by, &d.DecidedAt); err != nil {
		return nil, err
	}
	d.Level, d.Median = nullInt(level), nullInt(median)
	var t decisionTally
	if err := json.Unmarshal([]byte(tally), &t); err != nil {
		return nil, fmt.Errorf("decision %d: tally: %w", d.ApplicationID, err)
	}
	d.Tally, d.Voters, d.Recused = t.Grades, t.Voters, t.Recused
	if d.Tally == nil {
		d.Tally = map[int]int{}
	}
	if mentions != "" {
		d.Mentions = strings.Split(mentions, "\n") // one mention name a line, as in reviews
	}
	d.DecidedBy = by.Int64
	d.DecidedAt = d.DecidedAt.UTC()
	return &d, nil
}

func nullInt(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	i := int(v.Int64)
	return &i
}

// Decisions lists an edition's decisions, by file: the drafts of the
// meeting (a nil Level is a file postponed for want of quorum), then
// sealed and published ones. Who may read them is domain.Can's
// (ActSeeDecisions), asked by the caller, which also leaves out the files
// a reader is recused from.
func (db *DB) Decisions(ctx context.Context, year int) ([]domain.Decision, error) {
	return db.queryDecisions(ctx, db.sql, `year = $1`, year)
}

// queryDecisions reads the decisions matching where, by file, with q (a
// transaction when the caller needs a consistent read).
func (db *DB) queryDecisions(ctx context.Context, q queryer, where string, args ...any) ([]domain.Decision, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+decisionColumns+` FROM decisions WHERE `+where+`
		ORDER BY application_id`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []domain.Decision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// Decision returns the decision on one file, or a not-found error.
func (db *DB) Decision(ctx context.Context, applicationID int64) (*domain.Decision, error) {
	d, err := scanDecision(db.sql.QueryRowContext(ctx, `SELECT `+decisionColumns+` FROM decisions
		WHERE application_id = $1`, applicationID))
	if err != nil {
		return nil, notFound(err, "Décision introuvable.")
	}
	return d, nil
}

// ---------------------------------------------------------------------
// What every step reads: the edition, its voting members, conflicts and
// files.

// MeetingFile is a file that may be deliberated: submitted at least once.
type MeetingFile struct {
	ID     int64
	Track  string
	Body   string
	Levels int // the number of levels of its track's scale
}

type deliberation struct {
	edition   *domain.Edition
	voters    []int64 // president, vice-president and jurors: who votes, by user id
	conflicts jury.ConflictMap
	files     []MeetingFile // by body name
	byID      map[int64]MeetingFile
}

func (db *DB) loadDeliberation(ctx context.Context, q queryer, year int) (*deliberation, error) {
	e, err := db.scanEdition(ctx, q, `SELECT `+editionRead+` FROM editions WHERE year = $1`, year)
	if err != nil {
		return nil, err
	}
	d := &deliberation{edition: e, byID: map[int64]MeetingFile{}}
	if d.voters, err = votingMembers(ctx, q, year); err != nil {
		return nil, err
	}
	all, err := db.registerOf(ctx, q, year)
	if err != nil {
		return nil, err
	}
	d.conflicts = jury.EffectiveConflicts(all)
	levels := map[string]int{}
	for _, t := range e.Tracks {
		levels[t.Key] = len(t.Levels)
	}
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.track, b.name FROM applications a
		JOIN bodies b ON b.id = a.body_id WHERE a.year = $1 AND (a.status = 'submitted' OR a.submissions > 0)
		ORDER BY b.search_name, b.name, a.id`, year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var f MeetingFile
		if err := rows.Scan(&f.ID, &f.Track, &f.Body); err != nil {
			return nil, err
		}
		f.Levels = levels[f.Track]
		d.files = append(d.files, f)
		d.byID[f.ID] = f
	}
	return d, rows.Err()
}

func votingMembers(ctx context.Context, q queryer, year int) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id FROM jury_members WHERE year = $1
		AND role IN ('president', 'vice_president', 'juror') ORDER BY user_id`, year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// recused lists the voting members recused from a file, increasing.
func (d *deliberation) recused(applicationID int64) []int64 {
	var out []int64
	for _, id := range d.voters {
		if d.conflicts.Recused(id, applicationID) {
			out = append(out, id)
		}
	}
	return out
}

func (d *deliberation) recusedByFile() jury.RecusedByFile {
	m := jury.RecusedByFile{}
	for _, f := range d.files {
		m[f.ID] = d.recused(f.ID)
	}
	return m
}

// quorum is the edition's quorum, or half the voting jury and at least 4.
func (d *deliberation) quorum() int {
	if q := d.edition.Jury.Quorum; q > 0 {
		return q
	}
	return jury.QuorumForJury(len(d.voters), 4)
}

// ---------------------------------------------------------------------
// Aggregates

// scores turns the submitted reviews of the edition into the aggregates'
// input, by file.
func (db *DB) scores(ctx context.Context, q queryer, year int) (map[int64][]jury.ReviewScore, []domain.Review, error) {
	reviews, err := db.queryReviews(ctx, q, `status = 'submitted' AND application_id IN
		(SELECT id FROM applications WHERE year = $1)`, year)
	if err != nil {
		return nil, nil, err
	}
	out := map[int64][]jury.ReviewScore{}
	for _, r := range reviews {
		if s, ok := reviewScore(r); ok {
			out[r.ApplicationID] = append(out[r.ApplicationID], s)
		}
	}
	return out, reviews, nil
}

// reviewScore is what the aggregates read of a submitted review: its
// level (and each section's) or its abstention, at its stage.
func reviewScore(r domain.Review) (jury.ReviewScore, bool) {
	s := jury.ReviewScore{ApplicationID: r.ApplicationID, JurorID: r.UserID, Abstained: r.Abstains()}
	if r.Stage == domain.ReviewPost {
		s.Stage = jury.PostDiscussion
	}
	switch {
	case s.Abstained:
	case r.Level == nil:
		return s, false // cannot happen for a submitted review; never counted as a level
	default:
		s.Level = *r.Level
		for name, sec := range r.Criteria {
			if sec.Level != nil {
				if s.Sections == nil {
					s.Sections = map[string]int{}
				}
				s.Sections[name] = *sec.Level
			}
		}
	}
	return s, true
}

// aggregates computes the post-discussion aggregate of every file: the
// revised reviews, and the first ones of jurors who did not revise.
func (db *DB) aggregates(ctx context.Context, q queryer, d *deliberation) (map[int64]jury.FileAggregate, []domain.Review, error) {
	byFile, reviews, err := db.scores(ctx, q, d.edition.Year)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[int64]jury.FileAggregate, len(d.files))
	for _, f := range d.files {
		if f.Levels < 1 { // a track without a scale: nothing to aggregate
			out[f.ID] = jury.FileAggregate{ApplicationID: f.ID, Stage: jury.PostDiscussion, Median: -1, Min: -1, Max: -1}
			continue
		}
		rules := jury.AggregationRules{Levels: f.Levels, StdDevThreshold: d.edition.Jury.StdDevThreshold}
		a, err := jury.AggregateFile(f.ID, jury.PostDiscussion, jury.PostDiscussionScores(byFile[f.ID]), rules)
		if err != nil {
			return nil, nil, err
		}
		out[f.ID] = a
	}
	return out, reviews, nil
}

// FileAggregate returns the post-discussion aggregate of one file of the
// edition, as the meeting screens show it.
func (db *DB) FileAggregate(ctx context.Context, year int, applicationID int64) (jury.FileAggregate, error) {
	d, err := db.loadDeliberation(ctx, db.sql, year)
	if err != nil {
		return jury.FileAggregate{}, err
	}
	f, ok := d.byID[applicationID]
	if !ok {
		return jury.FileAggregate{}, domain.Errorf(domain.ENOTFOUND, "Dossier introuvable.")
	}
	if f.Levels < 1 {
		return jury.FileAggregate{ApplicationID: f.ID, Median: -1, Min: -1, Max: -1}, nil
	}
	reviews, err := db.queryReviews(ctx, db.sql, `status = 'submitted' AND application_id = $1`, applicationID)
	if err != nil {
		return jury.FileAggregate{}, err
	}
	var scores []jury.ReviewScore
	for _, r := range reviews {
		if s, ok := reviewScore(r); ok {
			scores = append(scores, s)
		}
	}
	rules := jury.AggregationRules{Levels: f.Levels, StdDevThreshold: d.edition.Jury.StdDevThreshold}
	return jury.AggregateFile(applicationID, jury.PostDiscussion, jury.PostDiscussionScores(scores), rules)
}

// shortlists orders the nominees of each of the edition's mentions, from
// the standing reviews (the revised one when there is one). A nomination
// that the rules refuse now (a juror recused since) is left out rather
// than failing the whole list.
func (d *deliberation) shortlists(reviews []domain.Review) (map[string][]int64, error) {
	standing := map[[2]int64]domain.Review{}
	for _, r := range reviews {
		k := [2]int64{r.ApplicationID, r.UserID}
		if cur, ok := standing[k]; !ok || cur.Stage == domain.ReviewPre {
			standing[k] = r
		}
	}
	keys := make([][2]int64, 0, len(standing))
	for k := range standing {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	allotment := d.edition.Jury.WithDefaults().MentionAllotment
	recused := d.recusedByFile()
	out := map[string][]int64{}
	for i, name := range d.edition.Mentions {
		id := int64(i + 1)
		var accepted []jury.MentionNomination
		for _, k := range keys {
			r := standing[k]
			if _, ok := d.byID[r.ApplicationID]; !ok || !slices.Contains(r.Mentions, name) {
				continue
			}
			n := jury.MentionNomination{MentionID: id, ApplicationID: r.ApplicationID, JurorID: r.UserID}
			if jury.CheckNomination(accepted, n, allotment, recused) == nil {
				accepted = append(accepted, n)
			}
		}
		list, err := jury.ShortlistMention(id, accepted, allotment, recused, nil)
		if err != nil {
			return nil, err
		}
		for _, e := range list.Entries {
			out[name] = append(out[name], e.ApplicationID)
		}
	}
	return out, nil
}

// ---------------------------------------------------------------------
// The agenda

// AgendaItem is one item of the agenda as the pages show it.
type AgendaItem struct {
	ID            int64
	Position      int
	Kind          string // AgendaConsent…
	ApplicationID int64  // 0 for a mention
	Mention       string // the mention's name, for a mention
	Status        string // ItemPending…
	Body          string // the file's body, for a file
	Track         string
	Levels        int
	// Recused are the voting members who step out for the item, as the
	// conflicts read now; for a mention, those recused from any nominee.
	Recused  []int64
	Nominees []int64 // a mention's shortlist, most nominated first
}

// Agenda is an edition's agenda with what the room display needs.
type Agenda struct {
	Items    []AgendaItem
	StepOuts int               // how many times someone leaves the room, in this order
	Changes  []jury.RoomChange // who leaves and who comes back before each item
	Files    []MeetingFile     // every file that may be put on it
}

// Item returns the item with that id.
func (a *Agenda) Item(id int64) (*AgendaItem, bool) {
	for i := range a.Items {
		if a.Items[i].ID == id {
			return &a.Items[i], true
		}
	}
	return nil, false
}

// ItemOf returns the file item of an application.
func (a *Agenda) ItemOf(applicationID int64) (*AgendaItem, bool) {
	for i := range a.Items {
		if a.Items[i].ApplicationID == applicationID && applicationID != 0 {
			return &a.Items[i], true
		}
	}
	return nil, false
}

// ReadAgenda returns an edition's agenda, in order, with recusals as the
// register reads now.
func (db *DB) ReadAgenda(ctx context.Context, year int) (*Agenda, error) {
	d, err := db.loadDeliberation(ctx, db.sql, year)
	if err != nil {
		return nil, err
	}
	return db.readAgenda(ctx, db.sql, d)
}

func (db *DB) readAgenda(ctx context.Context, q queryer, d *deliberation) (*Agenda, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, position, kind, application_id, mention, status
		FROM agenda_items WHERE year = $1 ORDER BY position, id`, d.edition.Year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	a := &Agenda{Files: d.files}
	mentions := false
	for rows.Next() {
		var it AgendaItem
		var app sql.NullInt64
		if err := rows.Scan(&it.ID, &it.Position, &it.Kind, &app, &it.Mention, &it.Status); err != nil {
			return nil, err
		}
		it.ApplicationID = app.Int64
		if f, ok := d.byID[it.ApplicationID]; ok {
			it.Body, it.Track, it.Levels = f.Body, f.Track, f.Levels
			it.Recused = d.recused(f.ID)
		}
		mentions = mentions || it.Kind == AgendaMention
		a.Items = append(a.Items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if mentions {
		_, reviews, err := db.scores(ctx, q, d.edition.Year)
		if err != nil {
			return nil, err
		}
		lists, err := d.shortlists(reviews)
		if err != nil {
			return nil, err
		}
		for i := range a.Items {
			it := &a.Items[i]
			if it.Kind != AgendaMention {
				continue
			}
			it.Nominees = lists[it.Mention]
			var union []int64
			for _, id := range it.Nominees {
				union = append(union, d.recused(id)...)
			}
			slices.Sort(union)
			it.Recused = slices.Compact(union)
		}
	}
	items := make([]jury.AgendaItem, len(a.Items))
	for i, it := range a.Items {
		items[i] = jury.AgendaItem{ApplicationID: it.ApplicationID, Recused: it.Recused}
	}
	a.StepOuts, a.Changes = jury.CountStepOuts(items), jury.RoomChanges(items)
	return a, nil
}

// BuildAgenda replaces an edition's agenda by the one jury.BuildAgenda
// orders from the post-discussion aggregates, the recusals of the voting
// members and the mentions' shortlists. It is refused once the meeting has
// started: from then on the agenda changes item by item.
func (db *DB) BuildAgenda(ctx context.Context, year int, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.loadDeliberation(ctx, tx, year)
		if err != nil {
			return err
		}
		if err := agendaEditable(d.edition.Phase); err != nil {
			return err
		}
		if m, err := meetingIn(ctx, tx, year); err != nil {
			return err
		} else if m != nil && m.StartedAt != nil {
			return ErrMeetingStarted
		}
		aggs, reviews, err := db.aggregates(ctx, tx, d)
		if err != nil {
			return err
		}
		built, err := d.buildAgenda(aggs, reviews)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meetings SET current_item = NULL WHERE year = $1`, year); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agenda_items WHERE year = $1`, year); err != nil {
			return err
		}
		names := map[int64]string{}
		for i, m := range d.edition.Mentions {
			names[int64(i+1)] = m
		}
		for i, it := range built.Items {
			var app any
			if it.ApplicationID != 0 {
				app = it.ApplicationID
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO agenda_items (year, position, kind, application_id, mention)
				VALUES ($1, $2, $3, $4, $5)`, year, i+1, kindOf[it.Kind], app, names[it.MentionID]); err != nil {
				return translate(err)
			}
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.agenda.build", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{"items": len(built.Items), "step_outs": built.StepOuts})})
	})
}

// buildAgenda feeds jury.BuildAgenda. It takes one scale: a track whose
// scale is shorter than the longest one has its top level mapped onto the
// common top, so that its top candidates are recognised as such.
func (d *deliberation) buildAgenda(aggs map[int64]jury.FileAggregate, reviews []domain.Review) (jury.Agenda, error) {
	top := 0
	for _, f := range d.files {
		top = max(top, f.Levels-1)
	}
	files := make([]jury.AgendaFile, 0, len(d.files))
	for _, f := range d.files {
		a := aggs[f.ID]
		if a.Reviews > 0 && a.Median == f.Levels-1 {
			a.Median = top
		}
		files = append(files, jury.AgendaFile{Aggregate: a, Recused: d.recused(f.ID)})
	}
	lists, err := d.shortlists(reviews)
	if err != nil {
		return jury.Agenda{}, err
	}
	var mentions []jury.AgendaMentionEntry
	for i, name := range d.edition.Mentions {
		if len(lists[name]) > 0 {
			mentions = append(mentions, jury.AgendaMentionEntry{MentionID: int64(i + 1), Nominees: lists[name]})
		}
	}
	return jury.BuildAgenda(files, top, mentions)
}

// agendaEditable: the agenda is prepared during the discussion and used in
// the deliberation; after that it is part of the record.
func agendaEditable(p domain.Phase) error {
	if p != domain.PhaseDiscussion && p != domain.PhaseDeliberation {
		return ErrAgendaLocked
	}
	return nil
}

// MoveAgendaItem moves an item one place up (delta −1) or down (+1).
func (db *DB) MoveAgendaItem(ctx context.Context, year int, itemID int64, delta int, by domain.Actor) error {
	if delta != -1 && delta != 1 {
		return domain.Errorf(domain.EINVALID, "Déplacement invalide.")
	}
	return db.editAgenda(ctx, year, func(tx *sql.Tx, items []storedItem) (string, any, error) {
		i := slices.IndexFunc(items, func(it storedItem) bool { return it.id == itemID })
		if i < 0 {
			return "", nil, domain.Errorf(domain.ENOTFOUND, "Point de l'ordre du jour introuvable.")
		}
		j := i + delta
		if j < 0 || j >= len(items) {
			return "", nil, nil // already first or last: nothing to do, nothing to log
		}
		items[i], items[j] = items[j], items[i]
		return "jury.agenda.move", map[string]any{"item": itemID, "delta": delta}, renumber(ctx, tx, items)
	}, by)
}

// RemoveAgendaItem takes an item off the agenda, unless it is on screen or
// already decided.
func (db *DB) RemoveAgendaItem(ctx context.Context, year int, itemID int64, by domain.Actor) error {
	return db.editAgenda(ctx, year, func(tx *sql.Tx, items []storedItem) (string, any, error) {
		i := slices.IndexFunc(items, func(it storedItem) bool { return it.id == itemID })
		if i < 0 {
			return "", nil, domain.Errorf(domain.ENOTFOUND, "Point de l'ordre du jour introuvable.")
		}
		var current sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT current_item FROM meetings WHERE year = $1`, year).Scan(&current)
		if err != nil && err != sql.ErrNoRows {
			return "", nil, err
		}
		if items[i].status == ItemDecided || current.Int64 == itemID {
			return "", nil, ErrItemBusy
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agenda_items WHERE id = $1`, itemID); err != nil {
			return "", nil, err
		}
		return "jury.agenda.remove", map[string]any{"item": itemID, "application": items[i].app},
			renumber(ctx, tx, slices.Delete(items, i, i+1))
	}, by)
}

// AddAgendaItem puts a file on the agenda for discussion, after the other
// files and before the mentions.
func (db *DB) AddAgendaItem(ctx context.Context, year int, applicationID int64, by domain.Actor) error {
	return db.editAgenda(ctx, year, func(tx *sql.Tx, items []storedItem) (string, any, error) {
		var ok bool
		err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM applications WHERE id = $1 AND year = $2
			AND (status = 'submitted' OR submissions > 0))`, applicationID, year).Scan(&ok)
		if err != nil {
			return "", nil, err
		}
		if !ok {
			return "", nil, domain.Errorf(domain.ENOTFOUND, "Dossier introuvable.")
		}
		if slices.ContainsFunc(items, func(it storedItem) bool { return it.app == applicationID }) {
			return "", nil, ErrAlreadyOnAgenda
		}
		at := slices.IndexFunc(items, func(it storedItem) bool { return it.kind == AgendaMention })
		if at < 0 {
			at = len(items)
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO agenda_items (year, position, kind, application_id)
			VALUES ($1, $2, $3, $4) RETURNING id`, year, at+1, AgendaDiscussion, applicationID).Scan(&id)
		if err != nil {
			return "", nil, translate(err)
		}
		items = slices.Insert(items, at, storedItem{id: id, kind: AgendaDiscussion, app: applicationID, status: ItemPending})
		return "jury.agenda.add", map[string]any{"item": id, "application": applicationID}, renumber(ctx, tx, items)
	}, by)
}

type storedItem struct {
	id, app      int64
	kind, status string
}

// editAgenda runs one edit of the agenda in a transaction: edit returns
// the audit action and details ("" for an edit that changed nothing).
// Screens in the room are told (revision) when a meeting exists.
func (db *DB) editAgenda(ctx context.Context, year int, edit func(*sql.Tx, []storedItem) (string, any, error), by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var phase domain.Phase
		if err := tx.QueryRowContext(ctx, `SELECT phase FROM editions WHERE year = $1`, year).Scan(&phase); err != nil {
			return notFound(err, "Édition introuvable.")
		}
		if err := agendaEditable(phase); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, kind, application_id, status FROM agenda_items
			WHERE year = $1 ORDER BY position, id`, year)
		if err != nil {
			return err
		}
		var items []storedItem
		for rows.Next() {
			var it storedItem
			var app sql.NullInt64
			if err := rows.Scan(&it.id, &it.kind, &app, &it.status); err != nil {
				rows.Close()
				return err
			}
			it.app = app.Int64
			items = append(items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		action, details, err := edit(tx, items)
		if err != nil || action == "" {
			return err
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: action, ObjectType: "edition",
			ObjectID: fmt.Sprint(year), After: snapshot(details)})
	})
}

// renumber writes positions 1…n in the order of items.
func renumber(ctx context.Context, tx *sql.Tx, items []storedItem) error {
	for i, it := range items {
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET position = $1 WHERE id = $2`, i+1, it.id); err != nil {
			return err
		}
	}
	return nil
}

// ---------------------------------------------------------------------
// The meeting

// Meeting is the live state of an edition's deliberation meeting.
type Meeting struct {
	Year        int
	CurrentItem int64 // 0: none on screen
	Revision    int64 // bumped by every change a screen shows
	StartedAt   *time.Time
	EndedAt     *time.Time
	Present     map[int64]bool // voting members by user id: true present, false absent
}

func meetingIn(ctx context.Context, q queryer, year int) (*Meeting, error) {
	m := &Meeting{Year: year, Present: map[int64]bool{}}
	var current sql.NullInt64
	var started, ended sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT current_item, revision, started_at, ended_at FROM meetings
		WHERE year = $1`, year).Scan(&current, &m.Revision, &started, &ended)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	m.CurrentItem, m.StartedAt, m.EndedAt = current.Int64, nullTime(started), nullTime(ended)
	return m, nil
}

// MeetingState returns the meeting of an edition with its attendance, or
// ErrNoMeeting before it starts.
func (db *DB) MeetingState(ctx context.Context, year int) (*Meeting, error) {
	m, err := meetingIn(ctx, db.sql, year)
	if err != nil {
		return nil, err
	}
	if m == nil || m.StartedAt == nil {
		return nil, ErrNoMeeting
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT user_id, present FROM attendance WHERE year = $1`, year)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var present bool
		if err := rows.Scan(&id, &present); err != nil {
			return nil, err
		}
		m.Present[id] = present
	}
	return m, rows.Err()
}

// MeetingRevision is the meeting's revision, 0 before it starts: the one
// cheap read that the screens' event streams repeat.
func (db *DB) MeetingRevision(ctx context.Context, year int) (int64, error) {
	var rev int64
	err := db.sql.QueryRowContext(ctx, `SELECT revision FROM meetings WHERE year = $1`, year).Scan(&rev)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return rev, translate(err)
}

func bumpRevision(ctx context.Context, tx *sql.Tx, year int) error {
	_, err := tx.ExecContext(ctx, `UPDATE meetings SET revision = revision + 1 WHERE year = $1`, year)
	return err
}

// StartMeeting opens the meeting of an edition in deliberation: the first
// pending item goes on screen and every voting member is marked present
// (the chair then marks the absent).
func (db *DB) StartMeeting(ctx context.Context, year int, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.loadDeliberation(ctx, tx, year)
		if err != nil {
			return err
		}
		if d.edition.Phase != domain.PhaseDeliberation {
			return ErrNotDeliberating
		}
		m, err := meetingIn(ctx, tx, year)
		if err != nil {
			return err
		}
		if m != nil && m.StartedAt != nil {
			return domain.Errorf(domain.ECONFLICT, "La séance est déjà ouverte.")
		}
		var first sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT id FROM agenda_items WHERE year = $1 AND status = 'pending'
			ORDER BY position, id LIMIT 1`, year).Scan(&first)
		if err == sql.ErrNoRows {
			return ErrEmptyAgenda
		} else if err != nil {
			return err
		}
		now := db.now()
		if m == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO meetings (year, current_item, revision, started_at)
				VALUES ($1, $2, 1, $3)`, year, first, now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE meetings SET current_item = $1, revision = revision + 1,
				started_at = $2 WHERE year = $3`, first, now, year)
		}
		if err != nil {
			return translate(err)
		}
		for _, id := range d.voters {
			if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (year, user_id, present, updated_at)
				VALUES ($1, $2, TRUE, $3) ON CONFLICT (year, user_id) DO NOTHING`, year, id, now); err != nil {
				return translate(err)
			}
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.meeting.start", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{"item": first.Int64, "present": d.voters})})
	})
}

// SetCurrentItem puts an agenda item on every screen. A decided or
// postponed item may be called back, to read it or, with ReopenItem, to
// vote again.
func (db *DB) SetCurrentItem(ctx context.Context, year int, itemID int64, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		m, err := startedMeeting(ctx, tx, year)
		if err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM agenda_items WHERE id = $1 AND year = $2)`,
			itemID, year).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.ENOTFOUND, "Point de l'ordre du jour introuvable.")
		}
		if m.CurrentItem == itemID {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meetings SET current_item = $1, revision = revision + 1
			WHERE year = $2`, itemID, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.meeting.item", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), Before: fmt.Sprint(m.CurrentItem), After: fmt.Sprint(itemID)})
	})
}

// ReopenItem puts the item on screen, decided or postponed, back to the
// vote: ballots are accepted again and the next decision replaces the
// recorded one, which stays until then.
func (db *DB) ReopenItem(ctx context.Context, year int, itemID int64, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		m, err := startedMeeting(ctx, tx, year)
		if err != nil {
			return err
		}
		if m.CurrentItem != itemID {
			return ErrNotCurrentItem
		}
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM agenda_items WHERE id = $1`, itemID).Scan(&status); err != nil {
			return notFound(err, "Point de l'ordre du jour introuvable.")
		}
		if status == ItemPending {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET status = 'pending' WHERE id = $1`, itemID); err != nil {
			return err
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.meeting.reopen", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), Before: status, After: fmt.Sprint(itemID)})
	})
}

// startedMeeting reads the meeting in tx and checks that it is running in
// an edition in deliberation.
func startedMeeting(ctx context.Context, tx *sql.Tx, year int) (*Meeting, error) {
	var phase domain.Phase
	if err := tx.QueryRowContext(ctx, `SELECT phase FROM editions WHERE year = $1`, year).Scan(&phase); err != nil {
		return nil, notFound(err, "Édition introuvable.")
	}
	if phase != domain.PhaseDeliberation {
		return nil, ErrNotDeliberating
	}
	m, err := meetingIn(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	if m == nil || m.StartedAt == nil {
		return nil, ErrNoMeeting
	}
	return m, nil
}

// SetAttendance marks a voting member present or absent. An absent member
// cannot vote and does not count towards the quorum.
func (db *DB) SetAttendance(ctx context.Context, year int, userID int64, present bool, by domain.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := startedMeeting(ctx, tx, year); err != nil {
			return err
		}
		voters, err := votingMembers(ctx, tx, year)
		if err != nil {
			return err
		}
		if !slices.Contains(voters, userID) {
			return ErrNotVoter
		}
		var before sql.NullBool
		err = tx.QueryRowContext(ctx, `SELECT present FROM attendance WHERE year = $1 AND user_id = $2`, year, userID).Scan(&before)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if before.Valid && before.Bool == present {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (year, user_id, present, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (year, user_id) DO UPDATE SET present = excluded.present, updated_at = excluded.updated_at`,
			year, userID, present, db.now()); err != nil {
			return translate(err)
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.meeting.attendance", ObjectType: "user",
			ObjectID: fmt.Sprint(userID), Before: fmt.Sprint(before.Bool), After: fmt.Sprint(present)})
	})
}

// ---------------------------------------------------------------------
// Votes

// The grades of a confirmation ballot (votes of kind 'override' or
// 'mention').
const (
	gradeAgainst = 0
	gradeFor     = 1
	gradeAbstain = 2
)

var choiceGrade = map[jury.ConfirmationChoice]int{
	jury.ConfirmAgainst: gradeAgainst, jury.ConfirmFor: gradeFor, jury.ConfirmAbstain: gradeAbstain,
}

// voteContext is what a ballot on a file is checked against.
type voteContext struct {
	d       *deliberation
	file    MeetingFile
	meeting *Meeting
	item    storedItem
	recused []int64
}

// loadVote checks that the file is the item on screen of a running
// meeting, and, for a voter (0: none), that they vote: a voting member,
// present, not recused.
func (db *DB) loadVote(ctx context.Context, tx *sql.Tx, applicationID, voter int64) (*voteContext, error) {
	var year int
	if err := tx.QueryRowContext(ctx, `SELECT year FROM applications WHERE id = $1`, applicationID).Scan(&year); err != nil {
		return nil, notFound(err, "Dossier introuvable.")
	}
	m, err := startedMeeting(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	d, err := db.loadDeliberation(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	v := &voteContext{d: d, meeting: m, recused: d.recused(applicationID)}
	var ok bool
	if v.file, ok = d.byID[applicationID]; !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "Dossier introuvable.")
	}
	var app sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT id, kind, application_id, status FROM agenda_items WHERE id = $1`,
		m.CurrentItem).Scan(&v.item.id, &v.item.kind, &app, &v.item.status)
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	if err == sql.ErrNoRows || app.Int64 != applicationID {
		return nil, ErrNotCurrentItem
	}
	v.item.app = app.Int64
	if voter == 0 {
		return v, nil
	}
	if !slices.Contains(d.voters, voter) {
		return nil, ErrNotVoter
	}
	if slices.Contains(v.recused, voter) {
		return nil, &jury.DeliberationError{Code: jury.DelibRecusedVoter, ApplicationID: applicationID, JurorID: voter}
	}
	var present bool
	err = tx.QueryRowContext(ctx, `SELECT present FROM attendance WHERE year = $1 AND user_id = $2`, year, voter).Scan(&present)
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	if !present {
		return nil, ErrAbsent
	}
	return v, nil
}

// CastVote records (or changes) a juror's grade in the level vote of the
// file on screen, while its item is pending. The grade is a level index
// of the file's track. Recused jurors, assessors, observers and absent
// members are refused; the ballot is checked by jury.CountLevelVote with
// the others, so that its refusals are the vote's own.
func (db *DB) CastVote(ctx context.Context, applicationID, userID int64, grade int) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := db.loadVote(ctx, tx, applicationID, userID)
		if err != nil {
			return err
		}
		if v.item.status != ItemPending {
			return ErrItemDone
		}
		ballots, err := levelBallots(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		ballots = slices.DeleteFunc(ballots, func(b jury.LevelBallot) bool { return b.JurorID == userID })
		ballots = append(ballots, jury.LevelBallot{JurorID: userID, Level: grade})
		if _, err := jury.CountLevelVote(applicationID, ballots, jury.VoteRules{Levels: v.file.Levels, Quorum: 1}, v.recused); err != nil {
			return err
		}
		if err := putVote(ctx, tx, applicationID, "level", "", userID, grade, db.now()); err != nil {
			return err
		}
		if err := bumpRevision(ctx, tx, v.d.edition.Year); err != nil {
			return err
		}
		// The grade stays out of the log: under a secret ballot it must
		// not outlive the tally.
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: domain.Actor{ID: userID}, Action: "jury.vote",
			ObjectType: "application", ObjectID: fmt.Sprint(applicationID)})
	})
}

func putVote(ctx context.Context, tx *sql.Tx, applicationID int64, kind, mention string, userID int64, grade int, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO votes (application_id, kind, mention, user_id, grade, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (application_id, kind, mention, user_id)
		DO UPDATE SET grade = excluded.grade, created_at = excluded.created_at`,
		applicationID, kind, mention, userID, grade, now)
	return translate(err)
}

func levelBallots(ctx context.Context, q queryer, applicationID int64) ([]jury.LevelBallot, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id, grade FROM votes WHERE application_id = $1 AND kind = 'level'
		ORDER BY user_id`, applicationID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []jury.LevelBallot
	for rows.Next() {
		var b jury.LevelBallot
		if err := rows.Scan(&b.JurorID, &b.Level); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// LevelBallots lists the ballots of a file's level vote, by juror: the
// chair's screen shows who voted (and, under an open ballot, what); a
// juror's screen shows their own grade.
func (db *DB) LevelBallots(ctx context.Context, applicationID int64) ([]jury.LevelBallot, error) {
	return levelBallots(ctx, db.sql, applicationID)
}

// CountVote counts the level vote of a file as it stands, with the
// edition's quorum, leaving out the ballots of members recused or marked
// absent since they voted (they do not count, and jury.CountLevelVote
// would refuse them).
func (db *DB) CountVote(ctx context.Context, year int, applicationID int64) (jury.LevelVote, error) {
	var v jury.LevelVote
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.loadDeliberation(ctx, tx, year)
		if err != nil {
			return err
		}
		f, ok := d.byID[applicationID]
		if !ok {
			return domain.Errorf(domain.ENOTFOUND, "Dossier introuvable.")
		}
		v, err = countLevelVote(ctx, tx, d, f)
		return err
	})
	return v, err
}

func countLevelVote(ctx context.Context, tx *sql.Tx, d *deliberation, f MeetingFile) (jury.LevelVote, error) {
	ballots, err := levelBallots(ctx, tx, f.ID)
	if err != nil {
		return jury.LevelVote{}, err
	}
	valid, err := validBallots(ctx, tx, d, f.ID, ballots, func(b jury.LevelBallot) int64 { return b.JurorID })
	if err != nil {
		return jury.LevelVote{}, err
	}
	return jury.CountLevelVote(f.ID, valid, jury.VoteRules{Levels: max(f.Levels, 1), Quorum: d.quorum()}, d.recused(f.ID))
}

// validBallots keeps the ballots of voting members present and not
// recused from the file.
func validBallots[B any](ctx context.Context, tx *sql.Tx, d *deliberation, applicationID int64, ballots []B, juror func(B) int64) ([]B, error) {
	absent := map[int64]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT user_id FROM attendance WHERE year = $1 AND NOT present`, d.edition.Year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		absent[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	recused := d.recused(applicationID)
	return slices.DeleteFunc(ballots, func(b B) bool {
		id := juror(b)
		return absent[id] || slices.Contains(recused, id) || !slices.Contains(d.voters, id)
	}), nil
}

// ProposeOverride opens the confirmation vote on retaining another level
// than the median for the file on screen: the chair's own ballot "for"
// that level is the proposal (see the file comment).
func (db *DB) ProposeOverride(ctx context.Context, applicationID int64, level int, by domain.Actor) error {
	return db.castConfirmation(ctx, applicationID, by.ID, level, jury.ConfirmFor, "jury.override.propose")
}

// CastConfirmation records a juror's ballot in the confirmation vote on a
// proposed override of the file on screen.
func (db *DB) CastConfirmation(ctx context.Context, applicationID, userID int64, level int, choice jury.ConfirmationChoice) error {
	return db.castConfirmation(ctx, applicationID, userID, level, choice, "jury.override.vote")
}

func (db *DB) castConfirmation(ctx context.Context, applicationID, userID int64, level int, choice jury.ConfirmationChoice, action string) error {
	grade, ok := choiceGrade[choice]
	if !ok {
		return &jury.DeliberationError{Code: jury.DelibInvalidBallot, ApplicationID: applicationID, JurorID: userID, Detail: string(choice)}
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := db.loadVote(ctx, tx, applicationID, userID)
		if err != nil {
			return err
		}
		if v.item.status != ItemPending {
			return ErrItemDone
		}
		if level < 0 || level >= v.file.Levels {
			return &jury.DeliberationError{Code: jury.DelibLevelOutOfRange, ApplicationID: applicationID, Level: level}
		}
		if action == "jury.override.vote" {
			proposed, err := proposedOverrides(ctx, tx, applicationID)
			if err != nil {
				return err
			}
			if !slices.Contains(proposed, level) {
				return ErrNoOverride
			}
		}
		if err := putVote(ctx, tx, applicationID, "override", strconv.Itoa(level), userID, grade, db.now()); err != nil {
			return err
		}
		if err := bumpRevision(ctx, tx, v.d.edition.Year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: domain.Actor{ID: userID}, Action: action,
			ObjectType: "application", ObjectID: fmt.Sprint(applicationID), After: fmt.Sprint(level)})
	})
}

// proposedOverrides lists the levels proposed for confirmation on a file.
func proposedOverrides(ctx context.Context, q queryer, applicationID int64) ([]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT mention FROM votes WHERE application_id = $1 AND kind = 'override'`,
		applicationID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if l, err := strconv.Atoi(s); err == nil {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out, rows.Err()
}

// Override is a proposed override of a file's level and its ballots.
type Override struct {
	Level   int
	Ballots map[int64]jury.ConfirmationChoice // by juror
}

// Overrides lists the overrides proposed on a file, by level.
func (db *DB) Overrides(ctx context.Context, applicationID int64) ([]Override, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT mention, user_id, grade FROM votes
		WHERE application_id = $1 AND kind = 'override' ORDER BY mention, user_id`, applicationID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		var s string
		var user int64
		var grade int
		if err := rows.Scan(&s, &user, &grade); err != nil {
			return nil, err
		}
		l, err := strconv.Atoi(s)
		if err != nil {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Level != l {
			out = append(out, Override{Level: l, Ballots: map[int64]jury.ConfirmationChoice{}})
		}
		for c, g := range choiceGrade {
			if g == grade {
				out[len(out)-1].Ballots[user] = c
			}
		}
	}
	return out, rows.Err()
}

func countConfirmation(ctx context.Context, tx *sql.Tx, d *deliberation, applicationID int64, level int) (jury.ConfirmationVote, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id, grade FROM votes WHERE application_id = $1
		AND kind = 'override' AND mention = $2 ORDER BY user_id`, applicationID, strconv.Itoa(level))
	if err != nil {
		return jury.ConfirmationVote{}, err
	}
	var ballots []jury.ConfirmationBallot
	for rows.Next() {
		var b jury.ConfirmationBallot
		var grade int
		if err := rows.Scan(&b.JurorID, &grade); err != nil {
			rows.Close()
			return jury.ConfirmationVote{}, err
		}
		for c, g := range choiceGrade {
			if g == grade {
				b.Choice = c
			}
		}
		ballots = append(ballots, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return jury.ConfirmationVote{}, err
	}
	valid, err := validBallots(ctx, tx, d, applicationID, ballots, func(b jury.ConfirmationBallot) int64 { return b.JurorID })
	if err != nil {
		return jury.ConfirmationVote{}, err
	}
	return jury.CountConfirmation(applicationID, 0, valid, d.quorum(), d.recused(applicationID))
}

// ---------------------------------------------------------------------
// Decisions

// SaveDecision records the jury's decision on the file on screen from its
// level vote, as a draft. Without quorum no level is decided: the decision
// is stored with a nil Level and the item is postponed. Otherwise level
// must be the vote's median, or another level with a written reason and
// an adopted confirmation vote (jury.DecideLevel's refusals, EINVALID for
// the reason). The item must be pending: to decide again, ReopenItem
// first; the file's mentions are kept. It returns the decision stored.
func (db *DB) SaveDecision(ctx context.Context, year int, applicationID int64, level int, reason string, by domain.Actor) (*domain.Decision, error) {
	var out *domain.Decision
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := db.loadVote(ctx, tx, applicationID, 0)
		if err != nil {
			return err
		}
		if v.d.edition.Year != year {
			return domain.Errorf(domain.ENOTFOUND, "Dossier introuvable.")
		}
		if v.item.status != ItemPending {
			return ErrItemDone
		}
		vote, err := countLevelVote(ctx, tx, v.d, v.file)
		if err != nil {
			return err
		}
		dec := &domain.Decision{ApplicationID: applicationID, Year: year, Tally: map[int]int{},
			Recused: v.recused, Status: domain.DecisionDraft, DecidedBy: by.ID, DecidedAt: db.now()}
		for l, n := range vote.Tally {
			if n > 0 {
				dec.Tally[l] = n
			}
		}
		ballots, err := levelBallots(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		valid, err := validBallots(ctx, tx, v.d, applicationID, ballots, func(b jury.LevelBallot) int64 { return b.JurorID })
		if err != nil {
			return err
		}
		for _, b := range valid {
			dec.Voters = append(dec.Voters, b.JurorID)
		}
		status, action := ItemPostponed, "jury.decision.postpone"
		if vote.Outcome == jury.VoteDecided {
			var confirmation *jury.ConfirmationVote
			if level != vote.Median {
				c, err := countConfirmation(ctx, tx, v.d, applicationID, level)
				if err != nil {
					return err
				}
				confirmation = &c
			}
			ld, err := jury.DecideLevel(vote, level, reason, confirmation)
			if err != nil {
				return err
			}
			dec.Level, dec.Median = &ld.Level, &ld.Median
			if ld.Overridden {
				dec.OverrideReason = ld.Reason
			}
			status, action = ItemDecided, "jury.decision"
		}
		if dec.Mentions, err = keptMentions(ctx, tx, applicationID); err != nil {
			return err
		}
		if err := db.putDecision(ctx, tx, dec); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET status = $1 WHERE id = $2`, status, v.item.id); err != nil {
			return err
		}
		if v.d.edition.Jury.SecretBallot && status == ItemDecided {
			if _, err := tx.ExecContext(ctx, `DELETE FROM votes WHERE application_id = $1 AND kind IN ('level', 'override')`,
				applicationID); err != nil {
				return err
			}
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		out = dec
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: action, ObjectType: "application",
			ObjectID: fmt.Sprint(applicationID), After: snapshot(map[string]any{"level": dec.Level, "median": dec.Median,
				"tally": dec.Tally, "voters": len(dec.Voters), "quorum": vote.Quorum, "reason": dec.OverrideReason})})
	})
	return out, err
}

func keptMentions(ctx context.Context, tx *sql.Tx, applicationID int64) ([]string, error) {
	var mentions string
	err := tx.QueryRowContext(ctx, `SELECT mentions FROM decisions WHERE application_id = $1`, applicationID).Scan(&mentions)
	if err == sql.ErrNoRows || mentions == "" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return strings.Split(mentions, "\n"), nil
}

func (db *DB) putDecision(ctx context.Context, tx *sql.Tx, d *domain.Decision) error {
	tally, err := json.Marshal(decisionTally{Grades: d.Tally, Voters: d.Voters, Recused: d.Recused})
	if err != nil {
		return err
	}
	var level, median any
	if d.Level != nil {
		level = *d.Level
	}
	if d.Median != nil {
		median = *d.Median
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO decisions (application_id, year, level, median, tally, override_reason,
			mentions, status, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (application_id) DO UPDATE SET level = excluded.level, median = excluded.median,
			tally = excluded.tally, override_reason = excluded.override_reason, mentions = excluded.mentions,
			status = excluded.status, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
		d.ApplicationID, d.Year, level, median, string(tally), d.OverrideReason, strings.Join(d.Mentions, "\n"),
		d.Status, nullID(d.DecidedBy), d.DecidedAt)
	return translate(err)
}

// ---------------------------------------------------------------------
// Mentions

// mentionContext checks that itemID is the mention item on screen of a
// running meeting, and loads its shortlist and who is out of the room.
type mentionContext struct {
	d        *deliberation
	item     storedItem
	mention  string
	id       int64 // the mention's number in the edition's list, from 1
	nominees []int64
	recused  []int64 // recused from any nominee: out of the room for the item
}

func (db *DB) loadMention(ctx context.Context, tx *sql.Tx, year int, itemID int64) (*mentionContext, error) {
	m, err := startedMeeting(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	if m.CurrentItem != itemID {
		return nil, ErrNotCurrentItem
	}
	c := &mentionContext{item: storedItem{id: itemID}}
	err = tx.QueryRowContext(ctx, `SELECT kind, mention, status FROM agenda_items WHERE id = $1 AND year = $2`,
		itemID, year).Scan(&c.item.kind, &c.mention, &c.item.status)
	if err != nil {
		return nil, notFound(err, "Point de l'ordre du jour introuvable.")
	}
	if c.item.kind != AgendaMention {
		return nil, ErrNotCurrentItem
	}
	if c.d, err = db.loadDeliberation(ctx, tx, year); err != nil {
		return nil, err
	}
	c.id = int64(slices.Index(c.d.edition.Mentions, c.mention) + 1)
	_, reviews, err := db.scores(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	lists, err := c.d.shortlists(reviews)
	if err != nil {
		return nil, err
	}
	c.nominees = lists[c.mention]
	for _, id := range c.nominees {
		c.recused = append(c.recused, c.d.recused(id)...)
	}
	slices.Sort(c.recused)
	c.recused = slices.Compact(c.recused)
	return c, nil
}

// CastMentionVote records a juror's ballot on awarding the mention of the
// item on screen to one of its nominees. A juror recused from any nominee
// is out of the room for the whole mention and cannot vote on it.
func (db *DB) CastMentionVote(ctx context.Context, year int, itemID, applicationID, userID int64, choice jury.ConfirmationChoice) error {
	grade, ok := choiceGrade[choice]
	if !ok {
		return &jury.DeliberationError{Code: jury.DelibInvalidBallot, ApplicationID: applicationID, JurorID: userID, Detail: string(choice)}
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		c, err := db.loadMention(ctx, tx, year, itemID)
		if err != nil {
			return err
		}
		if c.item.status != ItemPending {
			return ErrItemDone
		}
		if !slices.Contains(c.nominees, applicationID) {
			return &jury.DeliberationError{Code: jury.DelibUnknownFile, MentionID: c.id, ApplicationID: applicationID}
		}
		if !slices.Contains(c.d.voters, userID) {
			return ErrNotVoter
		}
		if slices.Contains(c.recused, userID) {
			return &jury.DeliberationError{Code: jury.DelibRecusedVoter, ApplicationID: applicationID, JurorID: userID, MentionID: c.id}
		}
		var present bool
		err = tx.QueryRowContext(ctx, `SELECT present FROM attendance WHERE year = $1 AND user_id = $2`, year, userID).Scan(&present)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if !present {
			return ErrAbsent
		}
		if err := putVote(ctx, tx, applicationID, "mention", c.mention, userID, grade, db.now()); err != nil {
			return err
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: domain.Actor{ID: userID}, Action: "jury.mention.vote",
			ObjectType: "application", ObjectID: fmt.Sprint(applicationID), After: c.mention})
	})
}

// MentionBallots returns the ballots on a mention, by nominee then juror.
func (db *DB) MentionBallots(ctx context.Context, mention string, nominees []int64) (map[int64]map[int64]jury.ConfirmationChoice, error) {
	out := map[int64]map[int64]jury.ConfirmationChoice{}
	for _, app := range nominees {
		rows, err := db.sql.QueryContext(ctx, `SELECT user_id, grade FROM votes WHERE application_id = $1
			AND kind = 'mention' AND mention = $2`, app, mention)
		if err != nil {
			return nil, translate(err)
		}
		out[app] = map[int64]jury.ConfirmationChoice{}
		for rows.Next() {
			var user int64
			var grade int
			if err := rows.Scan(&user, &grade); err != nil {
				rows.Close()
				return nil, err
			}
			for c, g := range choiceGrade {
				if g == grade {
					out[app][user] = c
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AwardMention closes the vote on the mention of the item on screen: each
// nominee whose confirmation vote is adopted (jury.CountConfirmation, with
// the edition's quorum) gets the mention in its decision. If any nominee's
// vote lacks the quorum nothing is awarded and the item is postponed.
// Closing again (after ReopenItem) replaces the previous award. A nominee needs a decision on its level first. It returns the
// files awarded.
func (db *DB) AwardMention(ctx context.Context, year int, itemID int64, by domain.Actor) ([]int64, error) {
	var awarded []int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		c, err := db.loadMention(ctx, tx, year, itemID)
		if err != nil {
			return err
		}
		if c.item.status != ItemPending {
			return ErrItemDone
		}
		status := ItemDecided
		for _, app := range c.nominees {
			ballots, err := mentionBallots(ctx, tx, app, c.mention)
			if err != nil {
				return err
			}
			valid, err := validBallots(ctx, tx, c.d, app, ballots, func(b jury.ConfirmationBallot) int64 { return b.JurorID })
			if err != nil {
				return err
			}
			valid = slices.DeleteFunc(valid, func(b jury.ConfirmationBallot) bool { return slices.Contains(c.recused, b.JurorID) })
			v, err := jury.CountConfirmation(app, c.id, valid, c.d.quorum(), c.recused)
			if err != nil {
				return err
			}
			switch v.Outcome {
			case jury.VoteNoQuorum:
				status = ItemPostponed
			case jury.VoteAdopted:
				awarded = append(awarded, app)
			}
		}
		if status == ItemPostponed {
			awarded = nil
		}
		decisions, err := db.queryDecisions(ctx, tx, `year = $1`, year)
		if err != nil {
			return err
		}
		for _, app := range awarded {
			if !slices.ContainsFunc(decisions, func(d domain.Decision) bool { return d.ApplicationID == app }) {
				return domain.Errorf(domain.ECONFLICT, "Le niveau de « %s » n'est pas encore décidé : traitez ce dossier avant la mention.", c.d.byID[app].Body)
			}
		}
		for _, d := range decisions {
			has, gets := slices.Contains(d.Mentions, c.mention), slices.Contains(awarded, d.ApplicationID)
			if has == gets {
				continue
			}
			if gets {
				d.Mentions = append(d.Mentions, c.mention)
			} else {
				d.Mentions = slices.DeleteFunc(d.Mentions, func(m string) bool { return m == c.mention })
			}
			if _, err := tx.ExecContext(ctx, `UPDATE decisions SET mentions = $1 WHERE application_id = $2`,
				strings.Join(d.Mentions, "\n"), d.ApplicationID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET status = $1 WHERE id = $2`, status, itemID); err != nil {
			return err
		}
		if c.d.edition.Jury.SecretBallot && status == ItemDecided {
			if _, err := tx.ExecContext(ctx, `DELETE FROM votes WHERE kind = 'mention' AND mention = $1 AND application_id IN
				(SELECT id FROM applications WHERE year = $2)`, c.mention, year); err != nil {
				return err
			}
		}
		if err := bumpRevision(ctx, tx, year); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.mention.award", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{"mention": c.mention, "awarded": awarded, "status": status})})
	})
	return awarded, err
}

func mentionBallots(ctx context.Context, tx *sql.Tx, applicationID int64, mention string) ([]jury.ConfirmationBallot, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id, grade FROM votes WHERE application_id = $1 AND kind = 'mention'
		AND mention = $2 ORDER BY user_id`, applicationID, mention)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []jury.ConfirmationBallot
	for rows.Next() {
		var b jury.ConfirmationBallot
		var grade int
		if err := rows.Scan(&b.JurorID, &grade); err != nil {
			return nil, err
		}
		for c, g := range choiceGrade {
			if g == grade {
				b.Choice = c
			}
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
