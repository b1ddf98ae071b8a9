package store

// The seal's guard: once an edition's decisions are sealed, its
// deliberation record — decisions, votes, mentions, agenda, attendance,
// the meeting, the minutes — no longer changes, whoever calls the store.
// The one way through is a confirmed reopening (seals_reopen_confirm.go),
// which changes one decision and seals again in the same transaction.

import (
	"context"

	"tnl/internal/domain"
)

// ErrSealed refuses a change to the deliberation record of a sealed
// edition. The message is for the person who tried: a web page shows it
// as it is (domain.ErrorMessage, 409).
var ErrSealed = domain.Errorf(domain.ECONFLICT, "Les décisions de cette édition sont scellées : "+
	"elles ne changent plus que par une réouverture, demandée puis confirmée par la présidence du jury et un administrateur, "+
	"qui les scelle de nouveau.")

// checkUnsealed refuses, with ErrSealed, a write to the deliberation
// record of an edition in the phase "sealed" or later, or that has a seal
// at all, unless a confirmed reopening is open: confirmed, not yet closed
// by the seal that applies it. Such a reopening exists only inside
// ConfirmReopening's transaction, so no other writer ever sees one.
func checkUnsealed(ctx context.Context, q queryer, year int) error {
	var phase domain.Phase
	var sealed, open bool
	err := q.QueryRowContext(ctx, `SELECT e.phase,
		EXISTS (SELECT 1 FROM seals s WHERE s.year = e.year),
		EXISTS (SELECT 1 FROM seal_reopenings r WHERE r.year = e.year AND r.confirmed_at IS NOT NULL
			AND r.closed_by_seal IS NULL)
		FROM editions e WHERE e.year = $1`, year).Scan(&phase, &sealed, &open)
	if err != nil {
		return notFound(err, "Édition introuvable.")
	}
	if (phase.AtLeast(domain.PhaseSealed) || sealed) && !open {
		return ErrSealed
	}
	return nil
}
