package store

// The automatic conflict suggestions (jury.md §3): the membership graph of
// the bodies table as jury.ConflictTerritory, and SuggestConflicts, which
// runs jury.SuggestConflicts over an edition's jury and applications and
// writes the new suggestions to the register.

import (
	"context"
	"database/sql"
	"fmt"

	"tnl/internal/domain"
	"tnl/internal/jury"
)

// ConflictTerritory is the bodies table seen as jury.ConflictTerritory: a
// commune's parent is its EPCI (epci_siren → body_key), and a body linked
// to a group outside the directory (body_links: the communes of a syndicat)
// has that group as a parent. Départements and régions are not parents: a
// commune is not a member of its département, and recusing every elected
// official of a département from its application would empty the jury.
// Lookups are lazy and cached; the interface has no error, so the first
// one is kept in Err.
type ConflictTerritory struct {
	ctx     context.Context
	db      *DB
	parents map[string][]string
	bodies  map[string]*jury.ConflictBody // nil: unknown
	err     error
}

// ConflictTerritory returns the membership graph for one run of the rules.
func (db *DB) ConflictTerritory(ctx context.Context) *ConflictTerritory {
	return &ConflictTerritory{ctx: ctx, db: db, parents: map[string][]string{}, bodies: map[string]*jury.ConflictBody{}}
}

// Err is the first error met by a lookup.
func (t *ConflictTerritory) Err() error { return t.err }

// Parents lists the keys of the bodies key is a direct member of.
func (t *ConflictTerritory) Parents(key string) []string {
	if p, ok := t.parents[key]; ok {
		return p
	}
	rows, err := t.db.sql.QueryContext(t.ctx, `SELECT p.body_key FROM bodies c JOIN bodies p ON p.body_key = c.epci_siren
		WHERE c.body_key = $1 AND c.epci_siren <> ''
		UNION SELECT g.body_key FROM bodies m JOIN body_links l ON l.member_id = m.id JOIN bodies g ON g.id = l.group_id
		WHERE m.body_key = $1`, key)
	if err != nil {
		t.fail(err)
		return nil
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.fail(err)
			return nil
		}
		out = append(out, k)
	}
	t.fail(rows.Err())
	t.parents[key] = out
	return out
}

// Body names a body for the reasons, in French.
func (t *ConflictTerritory) Body(key string) (jury.ConflictBody, bool) {
	if b, ok := t.bodies[key]; ok {
		if b == nil {
			return jury.ConflictBody{}, false
		}
		return *b, true
	}
	var name, kind string
	err := t.db.sql.QueryRowContext(t.ctx, `SELECT name, kind FROM bodies WHERE body_key = $1`, key).Scan(&name, &kind)
	if err != nil {
		if err != sql.ErrNoRows {
			t.fail(err)
		}
		t.bodies[key] = nil
		return jury.ConflictBody{}, false
	}
	b := &jury.ConflictBody{Name: name, KindLabel: conflictKindLabels[kind], Organisation: kind == "association"}
	t.bodies[key] = b
	return *b, true
}

func (t *ConflictTerritory) fail(err error) {
	if t.err == nil && err != nil {
		t.err = err
	}
}

// conflictKindLabels name a body's kind inside a French sentence (« commune
// membre de … »); the reasons are stored in French, as the register shows
// them to the secretariat.
var conflictKindLabels = map[string]string{
	"commune": "commune", "cc": "communauté de communes", "ca": "communauté d'agglomération",
	"cu": "communauté urbaine", "metropole": "métropole", "epci": "intercommunalité",
	"departement": "département", "region": "région", "csp": "collectivité à statut particulier",
	"com": "collectivité d'outre-mer", "syndicat": "syndicat", "gip": "groupement d'intérêt public",
	"agence": "agence", "parc": "parc naturel", "association": "association", "other": "organisme",
}

// SuggestConflicts runs the automatic rules on the affiliations of the
// edition's jury and its applications, with the edition's window and
// severities, and adds the new suggestions to the register. A (juror,
// application, type) already there, whatever its status, is never
// suggested again: a dismissed false positive stays dismissed. It returns
// how many were added, and is audited once.
//
// The applications' partner structures are not recorded yet (the
// questionnaire has no such question): the pooling-structure rule only
// fires once they are.
func (db *DB) SuggestConflicts(ctx context.Context, year int, by domain.Actor) (int, error) {
	in, err := db.conflictInput(ctx, year)
	if err != nil {
		return 0, err
	}
	found, err := jury.SuggestConflicts(in)
	if err == nil {
		// The territory has no error in its interface: a lookup that failed
		// would be a missing suggestion, so the run fails instead.
		err = in.Territory.(*ConflictTerritory).Err()
	}
	if err != nil {
		return 0, err
	}
	added := 0
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		added = 0
		now := db.now()
		for _, s := range found {
			res, err := tx.ExecContext(ctx, `INSERT INTO conflicts (year, user_id, application_id, type, source, status,
				severity, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (user_id, application_id, type) DO NOTHING`,
				year, s.Juror, s.Application, s.Type, s.Source, s.Status, s.Severity, s.Reason, now)
			if err != nil {
				return translate(err)
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.conflicts.suggest",
			ObjectType: "edition", ObjectID: fmt.Sprint(year), After: fmt.Sprintf(`{"added":%d}`, added)})
	})
	return added, err
}

// conflictInput gathers what the rules read for an edition.
func (db *DB) conflictInput(ctx context.Context, year int) (jury.ConflictInput, error) {
	e, err := db.FindEdition(ctx, year)
	if err != nil {
		return jury.ConflictInput{}, err
	}
	settings := e.Jury.WithDefaults()
	in := jury.ConflictInput{Now: db.now(), WindowYears: settings.WindowYears,
		Severities: map[jury.ConflictType]jury.ConflictSeverity{}}
	for rule, sev := range settings.Severities {
		in.Severities[jury.ConflictType(rule)] = jury.ConflictSeverity(sev)
	}
	affs, err := db.juryAffiliations(ctx, year)
	if err != nil {
		return in, err
	}
	for _, a := range affs {
		in.Affiliations = append(in.Affiliations, a.Jury())
	}
	apps, err := db.ConflictApplicants(ctx, year)
	if err != nil {
		return in, err
	}
	for _, a := range apps {
		in.Applications = append(in.Applications, jury.ConflictApplication{ID: a.ID, BodyKey: a.BodyKey})
	}
	if in.Existing, err = db.registerOf(ctx, db.sql, year); err != nil {
		return in, err
	}
	in.Territory = db.ConflictTerritory(ctx)
	return in, nil
}
