package demo

// The jurors' reviews of the demo files: scores around each proposed
// level, texts by level, and a proposal revised during the discussion.

import (
	"encoding/json"
	"fmt"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/jury"
)

// reviews writes each juror's review of the files assigned to them, in
// the order of files, at most limit each (0: all): submitted when
// submit(juror, nth) says so (nth counts the juror's files from 0), else a
// draft, and only for jurors who attested (the others cannot open a file
// yet).
func (r *juryRun) reviews(year int, files []demoFile, at time.Time, limit int, submit func(juror, nth int) bool) error {
	rows, err := r.db.Assignments(r.ctx, year)
	if err != nil {
		return err
	}
	members, err := r.db.JuryMembers(r.ctx, year)
	if err != nil {
		return err
	}
	attested := map[int64]bool{}
	for _, m := range members {
		attested[m.UserID] = m.AttestedAt != nil
	}
	assigned := map[[2]int64]bool{}
	for _, a := range rows {
		assigned[[2]int64{a.ApplicationID, a.UserID}] = true
	}
	nth := make([]int, len(r.jurors))
	for k, f := range files {
		app := r.apps[f.body]
		for i, u := range r.jurors {
			if !assigned[[2]int64{app.ID, u.ID}] || !attested[u.ID] || (limit > 0 && nth[i] >= limit) {
				continue
			}
			r.at(at.Add(time.Duration(k*len(r.jurors)+i) * 37 * time.Minute))
			rv, err := r.review(app, u, f.proposals[i], k, i)
			if err != nil {
				return err
			}
			write := r.db.SaveReview
			if submit(i, nth[i]) {
				write = r.db.SubmitReview
			}
			if _, err := write(r.ctx, rv, 0, actorOf(u)); err != nil {
				return fmt.Errorf("review of %s by %s: %w", app.Body.Name, u.Email, err)
			}
			nth[i]++
		}
	}
	return nil
}

// demoTexts are what jurors write, by proposed level (Bronze, Argent, Or).
var demoTexts = [3]struct{ strengths, suggestions, note string }{
	{"Une première démarche sincère : des postes passés sous LibreOffice et un référent identifié.",
		"Formaliser une feuille de route votée et publier les premiers jeux de données.",
		"Dossier encore mince, mais la progression depuis l'an dernier est réelle."},
	{"Une stratégie votée, des logiciels libres métier en production et des agents formés chaque année.",
		"Mutualiser davantage avec les communes voisines et documenter les contributions.",
		"Solide sur les logiciels, plus léger sur les données ouvertes."},
	{"Une politique exemplaire : mutualisation, contributions reversées, données ouvertes de qualité.",
		"Partager la démarche dans les réseaux de collectivités pour qu'elle essaime.",
		"Candidat naturel au niveau Or ; à discuter pour une mention."},
}

// sectionShift moves a section's level from the proposed one, the same for
// every juror of a file, so that section medians differ without adding a
// disagreement the demo does not mean.
var sectionShift = []int{0, 0, -1, 0, 1}

// review is a juror's review of a file proposing level (or abstaining for
// -1), with criteria scored around the level in every section of the
// file's questionnaire; file and juror (their indexes) vary the scores.
func (r *juryRun) review(app *domain.Application, u *domain.User, level, file, juror int) (*domain.Review, error) {
	rv := &domain.Review{ApplicationID: app.ID, UserID: u.ID, Stage: domain.ReviewPre}
	if level < 0 {
		rv.AbstainReason = "Je connais trop peu ce territoire pour en juger équitablement."
		return rv, nil
	}
	q, err := r.db.FindQuestionnaire(r.ctx, app.QuestionnaireID)
	if err != nil {
		return nil, err
	}
	var qn form.Questionnaire
	if err := json.Unmarshal(q.Definition, &qn); err != nil {
		return nil, err
	}
	top := len(editionTracks()[0].Levels) - 1
	rv.Level = &level
	rv.Criteria = map[string]domain.SectionReview{}
	for s, sc := range jury.Criteria(&qn) {
		values := map[string]int{}
		for c, crit := range sc.Criteria {
			values[crit.ID] = min(max(level+(s+c+juror)%3, 0), jury.ScaleMax)
		}
		sectionLevel := min(max(level+sectionShift[(s+file)%len(sectionShift)], 0), top)
		rv.Criteria[sc.Section] = domain.SectionReview{Values: values, Level: &sectionLevel}
	}
	t := demoTexts[min(level, len(demoTexts)-1)]
	rv.Strengths, rv.Suggestions, rv.JuryNote = t.strengths, t.suggestions, t.note
	if level == 2 {
		rv.Mentions = []string{"Mutualisation"}
	}
	if (file+juror)%4 == 1 {
		rv.SecretariatNote = "La délibération citée en réponse n'est pas jointe : à vérifier."
	}
	return rv, nil
}

// revise has a juror change their proposal on a file during the
// discussion: the post-discussion review starts from the pre one.
func (r *juryRun) revise(body string, juror, level int) error {
	u, app := r.jurors[juror], r.apps[body]
	pre, err := r.db.FindReview(r.ctx, app.ID, u.ID, domain.ReviewPre)
	if err != nil {
		return err
	}
	post := *pre
	post.Level = &level
	post.JuryNote = "Après la discussion : je rejoins l'avis des autres jurés."
	_, err = r.db.SubmitReview(r.ctx, &post, pre.Version, actorOf(u))
	return err
}
