package store

// Sealing (jury.md §8, issue 6 §7): the president seals the decision set
// at the end of the deliberation — a canonical JSON of every decision, its
// SHA-256, a timestamp — and the edition enters the phase "sealed". Every
// seal is kept. A later change needs two people: the president and an
// admin, one asking, the other confirming the exact change; the
// confirmation applies it and seals again, with a new digest
// (seals_reopen*.go; the requests are rows of seal_reopenings). Between
// the two, nothing of the deliberation's record changes (seals_guard.go).

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"tnl/internal/domain"
)

// SealRecord is one sealing of an edition's decision set.
type SealRecord struct {
	ID          int64
	Year        int
	Digest      string // SHA-256 of Content, hex
	Content     string // the canonical JSON of the decision set
	Reason      string // why the set was reopened; "" for the first seal
	PresidentID int64
	President   string
	AdminID     int64 // the admin who took part in a reopening; 0 for the first seal
	Admin       string
	SealedAt    time.Time
	// Intact reports that Content still hashes to Digest.
	Intact bool
}

// sealedDecision is one decision as sealed: what the jury decided and how,
// without its status (sealing and publishing change it) or anything read
// from elsewhere (body names change; the digest must not).
type sealedDecision struct {
	ApplicationID  int64        `json:"application_id"`
	Level          *int         `json:"level"`
	Median         *int         `json:"median"`
	Tally          []sealedVote `json:"tally"`
	Voters         []int64      `json:"voters"`
	Recused        []int64      `json:"recused"`
	OverrideReason string       `json:"override_reason"`
	Mentions       []string     `json:"mentions"`
	DecidedBy      int64        `json:"decided_by"`
	DecidedAt      string       `json:"decided_at"`
}

type sealedVote struct {
	Grade int `json:"grade"`
	Votes int `json:"votes"`
}

// sealContent is the canonical JSON of a decision set and its digest:
// decisions by application, lists sorted, times in UTC to the microsecond,
// so that the same decisions always give the same bytes.
func sealContent(year int, ds []domain.Decision) ([]byte, string, error) {
	out := struct {
		Year      int              `json:"year"`
		Decisions []sealedDecision `json:"decisions"`
	}{Year: year, Decisions: []sealedDecision{}}
	for _, d := range ds {
		s := sealedDecision{ApplicationID: d.ApplicationID, Level: d.Level, Median: d.Median,
			Tally: []sealedVote{}, Voters: sortedIDs(d.Voters), Recused: sortedIDs(d.Recused),
			OverrideReason: d.OverrideReason, Mentions: slices.Sorted(slices.Values(d.Mentions)),
			DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt.UTC().Format("2006-01-02T15:04:05.000000Z")}
		if s.Mentions == nil {
			s.Mentions = []string{}
		}
		for _, g := range slices.Sorted(maps.Keys(d.Tally)) {
			if d.Tally[g] != 0 {
				s.Tally = append(s.Tally, sealedVote{Grade: g, Votes: d.Tally[g]})
			}
		}
		out.Decisions = append(out.Decisions, s)
	}
	slices.SortFunc(out.Decisions, func(a, b sealedDecision) int { return cmp.Compare(a.ApplicationID, b.ApplicationID) })
	raw, err := json.Marshal(out)
	if err != nil {
		return nil, "", err
	}
	return raw, sha256Hex(raw), nil
}

func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	if out == nil {
		out = []int64{}
	}
	slices.Sort(out)
	return out
}

// DecisionSetDigest recomputes the digest of an edition's decisions as
// they stand: equal to the last seal's digest when nothing changed.
func (db *DB) DecisionSetDigest(ctx context.Context, year int) (string, error) {
	ds, err := db.Decisions(ctx, year)
	if err != nil {
		return "", err
	}
	_, digest, err := sealContent(year, ds)
	return digest, err
}

// Seal seals an edition's decisions at the end of the deliberation: the
// president must have validated the minutes, and the decisions must be
// those the minutes recorded. One transaction stores the seal, marks the
// decisions sealed and moves the edition to the phase "sealed" (the
// meeting is over: nothing can be voted any more), with an audit entry
// for the seal and one for the phase.
func (db *DB) Seal(ctx context.Context, year int, presidentID int64, by domain.Actor) (*SealRecord, error) {
	var rec *SealRecord
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		phase, err := lockEdition(ctx, tx, year)
		if err != nil {
			return err
		}
		if err := db.checkSealable(ctx, tx, year, phase, presidentID); err != nil {
			return err
		}
		ds, err := db.queryDecisions(ctx, tx, `year = $1`, year)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			return domain.Errorf(domain.ECONFLICT, "Aucune décision n'a été prise : il n'y a rien à sceller.")
		}
		content, digest, err := sealContent(year, ds)
		if err != nil {
			return err
		}
		if err := checkMinutesCover(ctx, tx, year, digest); err != nil {
			return err
		}
		if rec, err = db.insertSeal(ctx, tx, year, content, digest, "", presidentID, 0); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET status = 'sealed' WHERE year = $1 AND status = 'draft'`, year); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE editions SET phase = $1 WHERE year = $2`, domain.PhaseSealed, year); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.seal", ObjectType: "seal",
			ObjectID: fmt.Sprint(year), After: snapshot(map[string]any{"digest": digest, "decisions": len(ds)})}); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, &domain.AuditEntry{Actor: by, Action: "jury.phase", ObjectType: "edition",
			ObjectID: fmt.Sprint(year), Before: string(phase), After: string(domain.PhaseSealed)})
	})
	return rec, err
}

// checkSealable refuses a first seal out of its moment: outside the
// deliberation, a second time (that is the reopening), by anyone but the
// president, or with agenda items still to deliberate.
func (db *DB) checkSealable(ctx context.Context, tx *sql.Tx, year int, phase domain.Phase, presidentID int64) error {
	var seals, pending int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM seals WHERE year = $1),
		(SELECT COUNT(*) FROM agenda_items WHERE year = $1 AND status = 'pending')`, year).Scan(&seals, &pending); err != nil {
		return err
	}
	switch {
	case seals > 0:
		return domain.Errorf(domain.ECONFLICT, "Les décisions sont déjà scellées : une modification passe par la procédure de réouverture.")
	case phase != domain.PhaseDeliberation:
		return domain.Errorf(domain.ECONFLICT, "Les décisions se scellent à la fin de la délibération.")
	case pending > 0:
		return domain.Errorf(domain.ECONFLICT, "%d point(s) de l'ordre du jour restent à délibérer : traitez-les ou reportez-les avant de sceller.", pending)
	}
	return checkPresident(ctx, tx, year, presidentID)
}

// checkMinutesCover refuses to seal decisions other than those the
// president validated in the minutes.
func checkMinutesCover(ctx context.Context, tx *sql.Tx, year int, digest string) error {
	var content string
	var at sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT content, validated_at FROM minutes WHERE year = $1`, year).Scan(&content, &at)
	if err == sql.ErrNoRows || (err == nil && !at.Valid) {
		return domain.Errorf(domain.ECONFLICT, "Validez d'abord le procès-verbal : le scellement porte sur les décisions qu'il consigne.")
	} else if err != nil {
		return err
	}
	var head struct {
		DecisionsDigest string `json:"decisions_digest"`
	}
	if err := json.Unmarshal([]byte(content), &head); err != nil {
		return err
	}
	if head.DecisionsDigest != digest {
		return domain.Errorf(domain.ECONFLICT, "Les décisions ont changé depuis la validation du procès-verbal : relisez-le et validez-le de nouveau avant de sceller.")
	}
	return nil
}

func (db *DB) insertSeal(ctx context.Context, tx *sql.Tx, year int, content []byte, digest, reason string, presidentID, adminID int64) (*SealRecord, error) {
	rec := &SealRecord{Year: year, Digest: digest, Content: string(content), Reason: reason,
		PresidentID: presidentID, AdminID: adminID, SealedAt: db.now(), Intact: true}
	err := tx.QueryRowContext(ctx, `INSERT INTO seals (year, digest, content, reason, president_id, admin_id, sealed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		year, digest, string(content), reason, presidentID, nullID(adminID), rec.SealedAt).Scan(&rec.ID)
	return rec, err
}

const sealColumns = `s.id, s.year, s.digest, s.content, s.reason, s.president_id,
	COALESCE(NULLIF(p.name, ''), p.email), COALESCE(s.admin_id, 0), COALESCE(NULLIF(a.name, ''), a.email, ''), s.sealed_at`

const sealFrom = ` FROM seals s JOIN users p ON p.id = s.president_id LEFT JOIN users a ON a.id = s.admin_id`

func scanSeal(row interface{ Scan(...any) error }) (SealRecord, error) {
	var s SealRecord
	err := row.Scan(&s.ID, &s.Year, &s.Digest, &s.Content, &s.Reason, &s.PresidentID, &s.President,
		&s.AdminID, &s.Admin, &s.SealedAt)
	s.SealedAt = s.SealedAt.UTC()
	s.Intact = sha256Hex([]byte(s.Content)) == s.Digest
	return s, err
}

// Seals lists every seal of an edition, oldest first, each checked
// against its own content.
func (db *DB) Seals(ctx context.Context, year int) ([]SealRecord, error) {
	return queryRows(ctx, db.sql, func(rows *sql.Rows, s *SealRecord) (err error) {
		*s, err = scanSeal(rows)
		return err
	}, `SELECT `+sealColumns+sealFrom+` WHERE s.year = $1 ORDER BY s.id`, year)
}

// FindSeal returns one seal of an edition, or a not-found error.
func (db *DB) FindSeal(ctx context.Context, year int, id int64) (SealRecord, error) {
	s, err := scanSeal(db.sql.QueryRowContext(ctx, `SELECT `+sealColumns+sealFrom+` WHERE s.year = $1 AND s.id = $2`, year, id))
	if err != nil {
		return s, notFound(err, "Scellement introuvable.")
	}
	return s, nil
}
