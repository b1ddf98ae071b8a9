package store

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"tnl/internal/domain"
)

// Autosaves arrive one answer at a time from hundreds of browsers. Writing
// each in its own transaction costs one durable commit (an fsync) per save;
// the group committer queues them and writes whatever has queued up while
// the previous commit was on disk in one transaction, then acknowledges
// each save. Saves stay independent: a stale or refused save does not stop
// its neighbours, and a batch that fails as a whole is retried save by save.

// maxBatch bounds one group transaction.
const maxBatch = 512

type pendingSave struct {
	save   domain.AnswerSave
	result domain.SaveResult
	err    error
	done   chan struct{}
}

type groupCommitter struct {
	start sync.Once
	ended sync.Once
	queue chan *pendingSave
	stop  chan struct{}
	wg    sync.WaitGroup
}

// Autosave saves one answer through the group committer and returns once
// the transaction that holds it is committed.
func (db *DB) Autosave(ctx context.Context, s domain.AnswerSave) (domain.SaveResult, error) {
	g := &db.group
	g.start.Do(func() { db.startGroupCommit() })
	p := &pendingSave{save: s, done: make(chan struct{})}
	select {
	case g.queue <- p:
	case <-g.stop:
		return domain.SaveResult{}, domain.Errorf(domain.EINTERNAL, "Le serveur s'arrête.")
	case <-ctx.Done():
		return domain.SaveResult{}, ctx.Err()
	}
	select {
	case <-p.done:
		return p.result, p.err
	case <-ctx.Done():
		return domain.SaveResult{}, ctx.Err()
	}
}

func (db *DB) startGroupCommit() {
	g := &db.group
	g.queue = make(chan *pendingSave, 4*maxBatch)
	for range db.dialect.commitWorkers {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			db.groupCommitLoop()
		}()
	}
}

// stopGroupCommit lets the workers finish the batch in hand.
func (db *DB) stopGroupCommit() {
	g := &db.group
	g.start.Do(func() {}) // a committer never started must not start now
	g.ended.Do(func() { close(g.stop) })
	g.wg.Wait()
}

func (db *DB) groupCommitLoop() {
	g := &db.group
	for {
		var first *pendingSave
		select {
		case first = <-g.queue:
		case <-g.stop:
			return
		}
		batch := []*pendingSave{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case p := <-g.queue:
				batch = append(batch, p)
			default:
				break drain
			}
		}
		db.commitBatch(batch)
	}
}

// commitBatch writes a batch in one transaction and wakes its savers.
func (db *DB) commitBatch(batch []*pendingSave) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sortSaves(batch)
	err := db.inTx(ctx, func(tx *sql.Tx) error { return db.applyBatch(ctx, tx, batch) })
	if err != nil {
		for _, p := range batch {
			results, err := db.SaveAnswers(ctx, []domain.AnswerSave{p.save})
			p.result, p.err = domain.SaveResult{}, err
			if err == nil {
				p.result = results[0]
			}
		}
	}
	for _, p := range batch {
		close(p.done)
	}
}
