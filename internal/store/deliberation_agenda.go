package store

// The agenda of the deliberation: built from the aggregates and the
// recusals, then edited item by item.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

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
		if err := checkUnsealed(ctx, tx, year); err != nil {
			return err
		}
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
		if err := checkUnsealed(ctx, tx, year); err != nil {
			return err
		}
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
