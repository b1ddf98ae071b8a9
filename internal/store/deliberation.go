package store

// The deliberation meeting (jury.md §7): the agenda built from the
// post-discussion aggregates and the conflicts, the live meeting (the item
// on screen, attendance), the majority-judgment votes and the decisions.
// The rules are internal/jury's (BuildAgenda, CountLevelVote, DecideLevel,
// CountConfirmation, ShortlistMention); the store loads their input and
// keeps what they decide: this file what every step reads, and one file
// per part of the meeting — deliberation_aggregates.go, _agenda.go,
// _meeting.go, _votes.go, _decisions.go, _mentions.go. Who may chair,
// vote or see is domain.Can's, asked by the web layer; the store still
// refuses, whatever the caller, a vote from a recused juror, an assessor,
// an observer or an absent member, any change outside the phases where it
// makes sense, and any change at all once the decisions are sealed
// (ErrSealed, seals_guard.go).
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
	"context"
	"database/sql"

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
	return queryRows(ctx, q, func(rows *sql.Rows, id *int64) error {
		return rows.Scan(id)
	}, `SELECT user_id FROM jury_members WHERE year = $1
		AND role IN ('president', 'vice_president', 'juror') ORDER BY user_id`, year)
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
