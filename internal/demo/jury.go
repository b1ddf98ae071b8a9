package demo

// The jury at work (issue 6 §10): two editions whose jury a visitor can
// follow from both sides, written through the same store calls as the site
// so that the audit log tells each step.
//
//   - An earlier edition, two years back, in the phase "deliberation": six
//     files reviewed by the whole panel, conflicts suggested from the
//     jurors' real affiliations and confirmed, one disagreement left for
//     the meeting, one proposal revised during the discussion, the agenda
//     built. Last year's edition stays as it is: Saint-Martin-d'Uriage's
//     current application starts from it.
//   - The current edition in the phase "review": three more files, two
//     reviewers per file chosen by the solver and released, attestations
//     signed by jure1–3 (jure4 not yet), reviews in draft and submitted,
//     two suggested conflicts still waiting for the secretariat.
//
// The jury is the same in both: jure1 presides, jure2 is vice-president
// and an elected official of Échirolles, jure3 works for
// Grenoble-Alpes-Métropole, jure4 is a juror.

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// More bodies of the directory for the jury's files.
const (
	bodyMetropole = "200040715" // Grenoble-Alpes-Métropole
	bodyVoiron    = "213805633"
	bodyAlbi      = "218100048"
	bodyAngouleme = "211600150"
	bodyNancy     = "215403957"
)

// demoJurors are the jury of both editions, president first.
var demoJurors = []struct {
	email string
	role  domain.JuryRole
	tags  []string
}{
	{"jure1@example.org", domain.JuryPresident, []string{"elu"}},
	{"jure2@example.org", domain.JuryVicePresident, []string{"elu"}},
	{"jure3@example.org", domain.JuryJuror, []string{"technique"}},
	{"jure4@example.org", domain.JuryJuror, []string{"technique"}},
}

// demoFile is an application for the jury: its body, who fills it in, and
// the level each juror proposes (index in demoJurors; -1 abstains).
type demoFile struct {
	body, by  string
	variant   int
	proposals [4]int
}

// The earlier edition's files. Recused jurors' proposals are never used:
// jure2 and jure3 are recused from Échirolles and the métropole, jure3 from
// Grenoble. Voiron splits the jury (Bronze to Or); jure4 abstains on
// Angoulême.
var earlierFiles = []demoFile{
	{bodyGrenoble, "candidat2@example.org", 2, [4]int{2, 2, 0, 1}},
	{bodyEchirolles, "candidat4@example.org", 3, [4]int{1, 0, 0, 1}},
	{bodyMetropole, "admin@example.org", 1, [4]int{2, 0, 0, 2}},
	{bodyVoiron, "admin@example.org", 0, [4]int{0, 2, 1, 1}},
	{bodyAlbi, "admin@example.org", 1, [4]int{0, 0, 1, 0}},
	{bodyAngouleme, "admin@example.org", 2, [4]int{1, 1, 1, -1}},
}

// The current edition's new files, beside Grenoble's and Échirolles'.
var currentFiles = []demoFile{
	{bodyVoiron, "admin@example.org", 1, [4]int{1, 1, 2, 1}},
	{bodyNancy, "admin@example.org", 0, [4]int{2, 2, 1, 2}},
	{bodyAlbi, "admin@example.org", 3, [4]int{0, 1, 0, 0}},
}

// juryRun is the state of the loading: the store, its clock, the jurors
// and the files by body key.
type juryRun struct {
	ctx    context.Context
	db     *store.DB
	jurors []*domain.User
	admin  domain.Actor
	apps   map[string]*domain.Application
}

// at sets the store's clock, so that each step is dated in its edition.
func (r *juryRun) at(t time.Time) { r.db.Now = func() time.Time { return t } }

func actorOf(u *domain.User) domain.Actor { return domain.Actor{ID: u.ID, Label: u.Email} }

// loadJury writes both editions' jury work. It runs after the
// applications, whose ids the browser tests name.
func loadJury(ctx context.Context, db *store.DB, now time.Time) error {
	realNow := db.Now
	defer func() { db.Now = realNow }()
	r := &juryRun{ctx: ctx, db: db}
	admin, err := db.FindUserByEmail(ctx, "admin@example.org")
	if err != nil {
		return err
	}
	r.admin = actorOf(admin)
	for _, j := range demoJurors {
		u, err := db.FindUserByEmail(ctx, j.email)
		if err != nil {
			return err
		}
		r.jurors = append(r.jurors, u)
	}
	if err := r.affiliations(now); err != nil {
		return err
	}
	cur, err := db.FindEdition(ctx, now.In(domain.Paris).Year())
	if err != nil {
		return err
	}
	if err := r.earlierEdition(cur); err != nil {
		return fmt.Errorf("the jury of %d: %w", cur.Year-2, err)
	}
	if err := r.currentEdition(cur, now); err != nil {
		return fmt.Errorf("the jury of %d: %w", cur.Year, err)
	}
	return nil
}

// affiliations records the links the conflict rules read: jure2 is an
// elected official of Échirolles, jure3 an employee of the métropole, both
// for years (affiliations are kept across editions).
func (r *juryRun) affiliations(now time.Time) error {
	r.at(now.AddDate(-3, 0, 0))
	for _, a := range []struct {
		juror int
		body  string
		role  jury.AffiliationRole
		years int
	}{{1, bodyEchirolles, jury.AffiliationElected, 6}, {2, bodyMetropole, jury.AffiliationEmployee, 9}} {
		since := now.AddDate(-a.years, 0, 0)
		aff := &store.Affiliation{UserID: r.jurors[a.juror].ID, BodyKey: a.body, Role: a.role, StartsAt: &since}
		if err := r.db.AddAffiliation(r.ctx, aff, r.admin); err != nil {
			return err
		}
	}
	return nil
}

// earlierEdition gives the edition two years back a calendar, its
// questionnaires, six files and a jury that reached the deliberation.
func (r *juryRun) earlierEdition(cur *domain.Edition) error {
	year := cur.Year - 2
	e, err := r.db.FindEdition(r.ctx, year)
	if domain.IsNotFound(err) {
		e, err = &domain.Edition{Year: year, Title: fmt.Sprintf("Édition %d", year)}, nil
	}
	if err != nil {
		return err
	}
	back := func(t *time.Time) *time.Time { v := t.AddDate(-2, 0, 0); return &v }
	e.OpensAt, e.ClosesAt, e.JuryAt = back(cur.OpensAt), back(cur.ClosesAt), back(cur.JuryAt)
	e.CeremonyAt, e.CeremonyPlace, e.PublishAt = back(cur.CeremonyAt), cur.CeremonyPlace, back(cur.PublishAt)
	e.Rules, e.Mentions, e.Tracks = cur.Rules, cur.Mentions, editionTracks()
	if err := r.db.SaveEdition(r.ctx, e); err != nil {
		return err
	}
	if err := saveDefaults(r.ctx, r.db, year, nil); err != nil {
		return err
	}
	// A full panel: every juror without a conflict reviews every file, at
	// least two per file.
	if err := r.db.SaveJurySettings(r.ctx, year, domain.JurySettings{Mode: domain.AssignFullPanel, Reviewers: 2}, r.admin); err != nil {
		return err
	}
	r.apps = map[string]*domain.Application{}
	r.at(e.OpensAt.AddDate(0, 0, 20))
	for _, f := range earlierFiles {
		app, err := fillApplication(r.ctx, r.db, year, "label", f.body, f.by, f.variant, 1.0, 1)
		if err != nil {
			return err
		}
		r.apps[f.body] = app
	}
	if err := r.members(year, 0); err != nil {
		return err
	}
	day := e.ClosesAt.AddDate(0, 0, 1)
	if err := r.toPhase(year, domain.PhaseClosed, day); err != nil {
		return err
	}
	if err := r.conflicts(year, true); err != nil {
		return err
	}
	if err := r.declareVoiron(year); err != nil {
		return err
	}
	if err := r.attestAndAssign(year, 4, jury.AssignModeFullPanel, day.AddDate(0, 0, 3)); err != nil {
		return err
	}
	if err := r.toPhase(year, domain.PhaseReview, day.AddDate(0, 0, 8)); err != nil {
		return err
	}
	if err := r.reviews(year, earlierFiles, day.AddDate(0, 0, 9), 0, func(int, int) bool { return true }); err != nil {
		return err
	}
	if err := r.toPhase(year, domain.PhaseDiscussion, day.AddDate(0, 0, 30)); err != nil {
		return err
	}
	// In the discussion jure4 joins the others on Grenoble: Argent → Or.
	if err := r.revise(bodyGrenoble, 3, 2); err != nil {
		return err
	}
	if err := r.toPhase(year, domain.PhaseDeliberation, e.JuryAt.AddDate(0, 0, -1)); err != nil {
		return err
	}
	return r.db.BuildAgenda(r.ctx, year, r.admin)
}

// currentEdition takes this year's edition to the review phase, with three
// more submitted files.
func (r *juryRun) currentEdition(cur *domain.Edition, now time.Time) error {
	year := cur.Year
	if err := r.db.SaveJurySettings(r.ctx, year, domain.JurySettings{Mode: domain.AssignK, Reviewers: 2}, r.admin); err != nil {
		return err
	}
	r.apps = map[string]*domain.Application{}
	apps, err := r.db.ListApplications(r.ctx, store.ApplicationFilter{Year: year, Track: "label"})
	if err != nil {
		return err
	}
	for _, a := range apps {
		r.apps[a.Body.Key] = a
	}
	r.at(now.AddDate(0, 0, -6))
	for _, f := range currentFiles {
		app, err := fillApplication(r.ctx, r.db, year, "label", f.body, f.by, f.variant, 1.0, 1)
		if err != nil {
			return err
		}
		r.apps[f.body] = app
	}
	// Ten reviews among four jurors: three files each at most, so that the
	// solver spreads them.
	if err := r.members(year, 3); err != nil {
		return err
	}
	if err := r.toPhase(year, domain.PhaseClosed, now.AddDate(0, 0, -5)); err != nil {
		return err
	}
	if err := r.conflicts(year, false); err != nil {
		return err
	}
	if err := r.attestAndAssign(year, 3, jury.AssignModeReviewers, now.AddDate(0, 0, -4)); err != nil {
		return err
	}
	if err := r.toPhase(year, domain.PhaseReview, now.AddDate(0, 0, -2)); err != nil {
		return err
	}
	files := append([]demoFile{{bodyGrenoble, "", 2, [4]int{2, 1, 1, 1}}, {bodyEchirolles, "", 3, [4]int{1, 1, 1, 1}}}, currentFiles...)
	// jure1 and jure2 submit their first file and keep a draft of the
	// second; jure3 has drafts only; jure4 has not attested yet.
	return r.reviews(year, files, now.AddDate(0, 0, -1), 2, func(juror, nth int) bool { return juror < 2 && nth == 0 })
}

// members puts the demo jury on an edition, each with at most maxLoad
// files (0: no cap), which the solver respects.
func (r *juryRun) members(year, maxLoad int) error {
	for i, j := range demoJurors {
		m := domain.JuryMember{Year: year, UserID: r.jurors[i].ID, Role: j.role, Tags: j.tags, MaxLoad: maxLoad}
		if err := r.db.SaveJuryMember(r.ctx, m, r.admin); err != nil {
			return err
		}
	}
	return nil
}

// toPhase moves an edition forward one phase at a time, as the
// secretariat does, dated at.
func (r *juryRun) toPhase(year int, p domain.Phase, at time.Time) error {
	r.at(at)
	for {
		e, err := r.db.FindEdition(r.ctx, year)
		if err != nil {
			return err
		}
		if e.Phase == p {
			return nil
		}
		next, ok := e.Phase.Next()
		if !ok || !e.Phase.Before(p) {
			return fmt.Errorf("cannot move from %s to %s", e.Phase, p)
		}
		if err := r.db.SwitchPhase(r.ctx, year, next, r.admin); err != nil {
			return err
		}
	}
}

// conflicts runs the automatic suggestions and confirms them all, or
// (confirmAll false) only the vice-president's: the rest wait in the
// register for the secretariat.
func (r *juryRun) conflicts(year int, confirmAll bool) error {
	if _, err := r.db.SuggestConflicts(r.ctx, year, r.admin); err != nil {
		return err
	}
	found, err := r.db.Conflicts(r.ctx, year, store.ConflictFilter{Status: jury.ConflictSuggested})
	if err != nil {
		return err
	}
	if len(found) == 0 {
		return fmt.Errorf("no conflict suggested from the jurors' affiliations")
	}
	for _, c := range found {
		if !confirmAll && c.Juror != r.jurors[1].ID {
			continue
		}
		if err := r.db.DecideConflict(r.ctx, c.ID, true, "Lien confirmé par le secrétariat.", r.admin); err != nil {
			return err
		}
	}
	return nil
}

// declareVoiron: jure4 declares a personal link with Voiron, which the
// secretariat keeps as a disclosed link (shown beside the score).
func (r *juryRun) declareVoiron(year int) error {
	jure4 := r.jurors[3]
	id, err := r.db.DeclareConflict(r.ctx, store.ConflictDeclaration{Year: year, Juror: jure4.ID,
		Application: r.apps[bodyVoiron].ID, Type: jury.ConflictPersonal, Severity: jury.ConflictDisclose,
		Text: "Ancienne collègue de la directrice générale des services.", Source: jury.ConflictSourceJuror}, actorOf(jure4))
	if err != nil {
		return err
	}
	return r.db.DecideConflict(r.ctx, id, true, "Simple déclaration : le lien est ancien et sans enjeu.", r.admin)
}

// attestAndAssign has the first `attesting` jurors sign their attestation,
// then runs the solver, saves and releases its proposal.
func (r *juryRun) attestAndAssign(year, attesting int, mode jury.AssignMode, at time.Time) error {
	if err := r.toPhase(year, domain.PhaseAttestation, at); err != nil {
		return err
	}
	for _, u := range r.jurors[:attesting] {
		if _, err := r.db.AttestConflicts(r.ctx, year, u.ID, actorOf(u)); err != nil {
			return err
		}
	}
	if err := r.toPhase(year, domain.PhaseAssignment, at.AddDate(0, 0, 2)); err != nil {
		return err
	}
	rows, err := r.solve(year, mode)
	if err != nil {
		return err
	}
	if err := r.db.SaveAssignments(r.ctx, year, rows, r.admin); err != nil {
		return err
	}
	return r.db.ReleaseAssignments(r.ctx, year, r.admin)
}

// solve asks the solver for an assignment of the edition's files, with
// recusals as hard constraints, as the assignment page does.
func (r *juryRun) solve(year int, mode jury.AssignMode) ([]domain.Assignment, error) {
	e, err := r.db.FindEdition(r.ctx, year)
	if err != nil {
		return nil, err
	}
	settings := e.Jury.WithDefaults()
	conflicts, err := r.db.EffectiveConflicts(r.ctx, year)
	if err != nil {
		return nil, err
	}
	files, err := r.db.ConflictApplicants(r.ctx, year)
	if err != nil {
		return nil, err
	}
	members, err := r.db.JuryMembers(r.ctx, year)
	if err != nil {
		return nil, err
	}
	req := jury.AssignRequest{Mode: mode, K: settings.Reviewers, Diversity: settings.DiversityTags, Seed: uint64(year)}
	for _, m := range members {
		req.Jurors = append(req.Jurors, jury.AssignJuror{ID: m.UserID, Min: m.MinLoad, Max: m.MaxLoad, Tags: m.Tags})
	}
	for _, f := range files {
		req.Files = append(req.Files, jury.AssignFile{ID: f.ID})
		for _, u := range r.jurors {
			if conflicts.Recused(u.ID, f.ID) {
				req.Conflicts = append(req.Conflicts, jury.AssignPair{FileID: f.ID, JurorID: u.ID})
			}
		}
	}
	res, err := jury.Assign(req)
	if err != nil {
		return nil, err
	}
	var rows []domain.Assignment
	for _, f := range res.Files {
		for _, id := range f.Reviewers {
			rows = append(rows, domain.Assignment{ApplicationID: f.FileID, UserID: id, Rapporteur: id == f.Rapporteur,
				Source: domain.AssignSolver})
		}
	}
	return rows, nil
}

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
