package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// definitionCache keeps decoded questionnaires. A stored version changes
// only while no application uses it, and each change renews its
// created_at, so id and time together name one definition for good: a
// questionnaire in use is frozen (issue 5 §3). Every page of an
// application reads its definition here, from many requests at once,
// hence a read lock.
type definitionCache struct {
	mu   sync.RWMutex
	byID map[definitionKey]*form.Questionnaire
}

type definitionKey struct {
	id int64
	at int64 // created_at in microseconds, the precision both engines keep
}

var definitions = &definitionCache{byID: map[definitionKey]*form.Questionnaire{}}

// definition returns the decoded questionnaire of a stored version. Stored
// definitions were validated when saved, so plain JSON decoding suffices.
func (s *Server) definition(r *http.Request, id int64) (*form.Questionnaire, error) {
	q, err := s.db.FindQuestionnaire(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return definitions.decode(q.ID, q.CreatedAt, q.Definition)
}

// applicationDefinition returns the definition an application answers,
// reading it from the database only when the cache lacks that version.
func (s *Server) applicationDefinition(r *http.Request, app *domain.Application) (*form.Questionnaire, error) {
	if d, ok := definitions.get(app.QuestionnaireID, app.QuestionnaireAt); ok {
		return d, nil
	}
	return s.definition(r, app.QuestionnaireID)
}

func keyOf(id int64, at time.Time) definitionKey { return definitionKey{id: id, at: at.UnixMicro()} }

func (c *definitionCache) get(id int64, at time.Time) (*form.Questionnaire, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	d, ok := c.byID[keyOf(id, at)]
	return d, ok
}

func (c *definitionCache) decode(id int64, at time.Time, raw []byte) (*form.Questionnaire, error) {
	if d, ok := c.get(id, at); ok {
		return d, nil
	}
	var d form.Questionnaire
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("questionnaire %d: %w", id, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byID[keyOf(id, at)] = &d
	return &d, nil
}
