package store

import (
	"slices"

	"tnl/internal/domain"
)

// SetSubmitHook lets tests inject a failure between the steps of a
// submission.
func SetSubmitHook(fn func(step string) error) { testHookSubmit = fn }

// CommitBatch commits saves as one group-commit batch, as if they had all
// queued during the previous commit, and returns each save's outcome.
func CommitBatch(db *DB, saves []domain.AnswerSave) ([]domain.SaveResult, []error) {
	batch := make([]*pendingSave, len(saves))
	for i, s := range saves {
		batch[i] = &pendingSave{save: s, done: make(chan struct{})}
	}
	db.commitBatch(slices.Clone(batch)) // it sorts the batch
	results, errs := make([]domain.SaveResult, len(saves)), make([]error, len(saves))
	for i, p := range batch {
		results[i], errs[i] = p.result, p.err
	}
	return results, errs
}
