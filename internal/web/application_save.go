package web

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// maxSectionBytes bounds a section's form post: a few long texts of 10,000
// characters and a table of 200 rows fit with room to spare.
const maxSectionBytes = 2 << 20

// applicationSectionSave saves a section posted without JavaScript: every
// shown question whose value changed since the page was loaded, in one
// transaction, each checked against the version it was loaded at.
func (s *Server) applicationSectionSave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSectionBytes)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	sec := formSection(acc.Def, r.PathValue("section"))
	if sec == nil {
		s.notFound(w, r)
		return
	}
	if why := s.writeRefusal(acc, sec.ID); why != "" {
		s.renderAnswerSection(w, r, acc, sec, sectionState{status: http.StatusForbidden, refused: why})
		return
	}
	next := nextFormSection(s.appHeader(r, acc), sec.ID)
	plan := planSection(acc, sec, r.PostForm, currentUser(r).ID)
	if err := s.dropUntouched(r.Context(), acc, &plan); err != nil {
		s.fail(w, r, err)
		return
	}
	results, err := s.db.SaveAnswers(r.Context(), plan.saves)
	if domain.ErrorCode(err) == domain.ECLOSED {
		s.renderAnswerSection(w, r, acc, sec, sectionState{status: http.StatusForbidden, refused: "form.page.refused.closed"})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	st := savedState(plan, results, r.PostForm)
	if st.status == http.StatusOK {
		s.redirect(w, r, sectionSavedTarget(acc, sec, r.PostForm, next), sectionSavedFlash(r.PostForm, len(plan.saves)))
		return
	}
	if err := s.loadApplicationParts(r, acc); err != nil { // the answers just saved
		s.fail(w, r, err)
		return
	}
	s.renderAnswerSection(w, r, acc, sec, st)
}

// savedState is what to show after a section's save: the typed values
// with the versions just saved, the problems and the refused saves (409
// first, then 422; 200 when all went well).
func savedState(plan sectionPlan, results []domain.SaveResult, typed url.Values) sectionState {
	st := sectionState{status: http.StatusOK, typed: typed, problems: plan.problems,
		conflicts: map[string]*domain.Answer{}, mine: map[string]string{}}
	for i, res := range results {
		q := plan.saves[i].Question
		if res.Conflict != nil {
			st.conflicts[q], st.mine[q] = res.Conflict, plan.saves[i].Value
		} else {
			typed.Set(form.VersionField(q), strconv.Itoa(res.Version))
		}
	}
	switch {
	case len(st.conflicts) > 0:
		st.status = http.StatusConflict
	case len(st.problems) > 0:
		st.status = http.StatusUnprocessableEntity
	}
	return st
}

// writeRefusal says, as a message id, why the person may not change this
// section now, or "".
func (s *Server) writeRefusal(acc *appAccess, section string) string {
	switch {
	case s.closed(acc):
		return "form.page.refused.closed"
	case !acc.MayEditSection(section):
		return "form.page.refused.section"
	}
	return ""
}

// sectionPlan is what a section post asks to save, and what is wrong.
type sectionPlan struct {
	saves    []domain.AnswerSave
	problems map[string]string // question id → message id
}

// planSection parses the posted questions of a section (those that came
// with their version field). Visibility is judged on the answers as they
// would be after the save, so a question revealed and filled in on the
// same page is saved with it; a file may be removed from a hidden question
// all the same. Unchanged answers are left alone, as is the one whose
// saved version the person chose to take ("theirs").
func planSection(acc *appAccess, sec *form.Section, posted url.Values, userID int64) sectionPlan {
	p := sectionPlan{problems: map[string]string{}}
	parsed, bases := map[string]string{}, map[string]int{}
	after := maps.Clone(acc.Values)
	if after == nil {
		after = form.Answers{}
	}
	for i := range sec.Questions {
		q := &sec.Questions[i]
		base, err := strconv.Atoi(posted.Get(form.VersionField(q.ID)))
		if err != nil {
			continue // not on the page that was posted
		}
		value, problem := postedAnswer(acc, q, posted)
		if problem != "" {
			p.problems[q.ID] = problem
			continue
		}
		parsed[q.ID], bases[q.ID], after[q.ID] = value, base, value
	}
	for i := range sec.Questions {
		q := &sec.Questions[i]
		_, removing := removedAttachment(posted, q.ID)
		if !removing && !form.QuestionVisible(acc.Def, sec, q, after) {
			delete(p.problems, q.ID) // a hidden question's input does not count
			continue
		}
		value, ok := parsed[q.ID]
		if !ok || q.ID == posted.Get("theirs") || value == acc.Values[q.ID] {
			continue
		}
		p.saves = append(p.saves, domain.AnswerSave{ApplicationID: acc.App.ID, Question: q.ID,
			Value: value, BaseVersion: bases[q.ID], UserID: userID})
	}
	return p
}

// postedAnswer reads one question from the post. A file question keeps its
// saved files, less the one whose "Retirer" button was pressed.
func postedAnswer(acc *appAccess, q *form.Question, posted url.Values) (string, string) {
	if q.Type != form.File {
		return form.Parse(q, posted)
	}
	files := form.Files(acc.Values[q.ID])
	if id, ok := removedAttachment(posted, q.ID); ok {
		files = slices.DeleteFunc(files, func(f form.FileRef) bool { return f.ID == id })
	}
	return form.FileValue(files), ""
}

// removedAttachment reads the "Retirer" button: remove=<question>/<attachment id>.
func removedAttachment(posted url.Values, question string) (int64, bool) {
	q, idText, ok := strings.Cut(posted.Get("remove"), "/")
	id, err := strconv.ParseInt(idText, 10, 64)
	return id, ok && err == nil && q == question
}

// dropUntouched leaves out answers someone else changed since the page was
// loaded but that this person did not touch: the page posts every field,
// and re-saving what it showed would be a false conflict. The value the
// page was loaded with is read back from the answer's history.
func (s *Server) dropUntouched(ctx context.Context, acc *appAccess, p *sectionPlan) error {
	kept := p.saves[:0]
	for _, sv := range p.saves {
		cur := acc.Answers[sv.Question]
		if sv.BaseVersion != cur.Version {
			loaded, err := s.answerValueAt(ctx, acc.App.ID, sv.Question, sv.BaseVersion)
			if err != nil {
				return err
			}
			if loaded == sv.Value {
				continue
			}
		}
		kept = append(kept, sv)
	}
	p.saves = kept
	return nil
}

// answerValueAt is the accepted value of an answer at one version ("" before
// the first save).
func (s *Server) answerValueAt(ctx context.Context, appID int64, question string, version int) (string, error) {
	if version == 0 {
		return "", nil
	}
	revs, err := s.db.AnswerHistory(ctx, appID, question)
	if err != nil {
		return "", err
	}
	for _, rv := range revs {
		if rv.Accepted && rv.Version == version {
			return rv.Value, nil
		}
	}
	return "", nil
}

// sectionSavedTarget is where a successful save leads: the next section, the
// same section with more empty table rows, or the same section.
func sectionSavedTarget(acc *appAccess, sec *form.Section, posted url.Values, next string) string {
	here := sectionURL(acc.App.ID, sec.ID)
	if id := posted.Get("more"); id != "" {
		if q := formSectionQuestion(sec, id); q != nil && q.Type == form.Table {
			value, _ := form.Parse(q, posted)
			spare := shownTableRows(q, posted) - len(form.Rows(value)) + 3
			return fmt.Sprintf("%s?lignes=%s-%d#q-%s", here, url.QueryEscape(id), spare, id)
		}
	}
	if q, _, ok := strings.Cut(posted.Get("remove"), "/"); ok && formSectionQuestion(sec, q) != nil {
		return here + "#q-" + q
	}
	if posted.Get("next") != "" && next != "" {
		return next
	}
	return here
}

// shownTableRows counts the table rows the posted page showed, blank or not.
func shownTableRows(q *form.Question, posted url.Values) int {
	rows := map[string]bool{}
	prefix := form.AnswerField(q.ID) + "."
	for key := range posted {
		if rest, ok := strings.CutPrefix(key, prefix); ok {
			row, _, _ := strings.Cut(rest, ".")
			rows[row] = true
		}
	}
	return len(rows)
}

// sectionSavedFlash is the notice after a save; moving on to the next
// section without a change needs none.
func sectionSavedFlash(posted url.Values, saved int) string {
	switch {
	case posted.Get("remove") != "":
		return "form.flash.file_removed"
	case saved == 0 && posted.Get("next") != "":
		return ""
	case saved == 0:
		return "form.flash.unchanged"
	}
	return "form.flash.saved"
}

// autosaveReply is the JSON answer of the autosave endpoint.
type autosaveReply struct {
	Status  string      `json:"status"` // saved, conflict, invalid, closed
	Version int         `json:"version,omitempty"`
	Section *scoreReply `json:"section,omitempty"`
	Total   *scoreReply `json:"total,omitempty"`
	Value   *string     `json:"value,omitempty"` // conflict: the newer canonical value
	Display *string     `json:"display,omitempty"`
	SavedBy string      `json:"savedBy,omitempty"`
	SavedAt string      `json:"savedAt,omitempty"`
	Message string      `json:"message,omitempty"`
}

type scoreReply struct {
	Points float64 `json:"points"`
	Max    float64 `json:"max"`
}

// applicationAutosave saves one answer for autosave.js (and the load
// benchmark): q names the question, its fields and v.<q> follow as the
// form would post them. Saves go through the group committer unless the
// server was started to measure one commit per save.
func (s *Server) applicationAutosave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSectionBytes)
	if err := r.ParseForm(); err != nil {
		writeFormJSON(w, http.StatusRequestEntityTooLarge, autosaveReply{Status: "invalid", Message: s.tr.T(requestLang(r), "form.too_long")})
		return
	}
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	lang := requestLang(r)
	q, sec := acc.Def.Question(r.PostForm.Get("q"))
	if q == nil {
		writeFormJSON(w, http.StatusNotFound, autosaveReply{Status: "invalid", Message: s.tr.T(lang, "form.autosave.unknown")})
		return
	}
	if why := s.writeRefusal(acc, sec.ID); why != "" {
		writeFormJSON(w, http.StatusForbidden, autosaveReply{Status: "closed", Message: s.tr.T(lang, why)})
		return
	}
	base, err := strconv.Atoi(r.PostForm.Get(form.VersionField(q.ID)))
	value, problem := form.Parse(q, r.PostForm)
	switch {
	case q.Type == form.File:
		problem = "form.autosave.file"
	case err != nil:
		problem = form.ProblemInvalidValue
	}
	if problem != "" {
		writeFormJSON(w, http.StatusUnprocessableEntity, autosaveReply{Status: "invalid", Message: s.tr.T(lang, problem)})
		return
	}
	s.autosaveOne(w, r, acc, q, sec, domain.AnswerSave{ApplicationID: acc.App.ID, Question: q.ID,
		Value: value, BaseVersion: base, UserID: currentUser(r).ID})
}

// autosaveOne writes one save and answers with the new version and scores,
// or with the newer answer that refused it.
func (s *Server) autosaveOne(w http.ResponseWriter, r *http.Request, acc *appAccess, q *form.Question,
	sec *form.Section, save domain.AnswerSave) {
	lang := requestLang(r)
	var res domain.SaveResult
	var err error
	if s.autosaveOneCommit {
		var rs []domain.SaveResult
		if rs, err = s.db.SaveAnswers(r.Context(), []domain.AnswerSave{save}); err == nil {
			res = rs[0]
		}
	} else {
		res, err = s.db.Autosave(r.Context(), save)
	}
	switch {
	case domain.ErrorCode(err) == domain.ECLOSED:
		writeFormJSON(w, http.StatusForbidden, autosaveReply{Status: "closed", Message: s.tr.T(lang, "form.page.refused.closed")})
		return
	case err != nil:
		s.log.Error("autosave", "id", requestID(r), "error", err.Error())
		writeFormJSON(w, http.StatusInternalServerError, autosaveReply{Status: "error", Message: s.tr.T(lang, "form.autosave.failed")})
		return
	case res.Conflict != nil:
		s.autosaveConflict(w, r, q, res.Conflict)
		return
	}
	acc.Values[q.ID] = save.Value
	score := form.Score(acc.Def, acc.Values, acc.Profile)
	reply := autosaveReply{Status: "saved", Version: res.Version,
		Total: &scoreReply{Points: form.Round2(score.Total), Max: form.Round2(score.Max)}}
	for _, sc := range score.Sections {
		if sc.Section == sec.ID {
			reply.Section = &scoreReply{Points: form.Round2(sc.Points), Max: form.Round2(sc.Max)}
		}
	}
	writeFormJSON(w, http.StatusOK, reply)
}

func (s *Server) autosaveConflict(w http.ResponseWriter, r *http.Request, q *form.Question, newer *domain.Answer) {
	email, err := s.answerSavedBy(r, newer.SavedBy)
	if err != nil {
		s.log.Error("autosave", "id", requestID(r), "error", err.Error())
	}
	display := form.Display(q, newer.Value, requestLang(r))
	writeFormJSON(w, http.StatusConflict, autosaveReply{Status: "conflict", Version: newer.Version,
		Value: &newer.Value, Display: &display, SavedBy: email, SavedAt: newer.SavedAt.UTC().Format(time.RFC3339)})
}

// writeFormJSON sends v as JSON to this site's own pages.
func writeFormJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
