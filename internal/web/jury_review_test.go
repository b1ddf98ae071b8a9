package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tnl/internal/domain"
)

// reviewFixture is the jury fixture in the review phase, two reviewers per
// file, juror1 recused from Échirolles. Everyone but juror3 attested.
// Released assignments: juror2 on every file (rapporteur), juror1 on every
// file but Échirolles, juror3 on Saint-Martin-d'Uriage, the assessor on
// Grenoble; the president and the vice-president on none.
func reviewFixture(t *testing.T, a *testApp) *juryFixture {
	t.Helper()
	f := newJuryFixture(t, a)
	if err := a.db.SaveJurySettings(ctx, 2026, domain.JurySettings{Mode: domain.AssignK, Reviewers: 2}, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	f.recuse(t, f.juror1U, "Échirolles")
	f.toPhase(t, domain.PhaseAttestation)
	f.attest(t, f.presidentU, f.viceU, f.juror1U, f.juror2U, f.assessorU)
	f.toPhase(t, domain.PhaseAssignment)
	var rows []domain.Assignment
	for name, app := range f.apps {
		rows = append(rows, domain.Assignment{ApplicationID: app.ID, UserID: f.juror2U.ID, Rapporteur: true})
		if name != "Échirolles" {
			rows = append(rows, domain.Assignment{ApplicationID: app.ID, UserID: f.juror1U.ID})
		}
	}
	rows = append(rows, domain.Assignment{ApplicationID: f.apps["Saint-Martin-d'Uriage"].ID, UserID: f.juror3U.ID},
		domain.Assignment{ApplicationID: f.apps["Grenoble"].ID, UserID: f.assessorU.ID})
	if err := a.db.SaveAssignments(ctx, 2026, rows, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	if err := a.db.ReleaseAssignments(ctx, 2026, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	f.toPhase(t, domain.PhaseReview)
	return f
}

// reviewValues is a post of the review form, as the browser sends it from a
// page showing no review yet, with the draft button.
func reviewValues(pairs ...string) url.Values {
	v := url.Values{"stage": {"pre"}, "version": {"0"}, "action": {"draft"}, "level": {""}}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

var hiddenVersion = regexp.MustCompile(`name="version" value="(\d+)"`)

// formVersion reads the version a review page's form is based on.
func formVersion(t *testing.T, r *response) string {
	t.Helper()
	m := hiddenVersion.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no version field:\n%s", r.body)
	}
	return m[1]
}

func findReview(t *testing.T, a *testApp, app int64, u *domain.User, stage domain.ReviewStage) *domain.Review {
	t.Helper()
	r, err := a.db.FindReview(ctx, app, u.ID, stage)
	if err != nil {
		t.Fatalf("review of %d by %s at %s: %v", app, u.Email, stage, err)
	}
	return r
}

func TestReviewDraftSubmitAndIndicativeScore(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := reviewFixture(t, a)
		smu := f.apps["Saint-Martin-d'Uriage"].ID
		at := reviewURL(2026, smu)
		page := f.juror2.get(at)
		wantStatus(t, "assigned juror", page, http.StatusOK)
		says(t, page, "Évaluation : Saint-Martin-d'Uriage", "Réponses du candidat", "Stratégie et mutualisation",
			"Engagement et pilotage", "0 — Rien n'est engagé", "4 — Démarche exemplaire, partagée et évaluée",
			"Niveau proposé", "Je m'abstiens", "Sobriété numérique", "Points forts",
			"Visible par le candidat après la publication des résultats", "Note privée pour le jury",
			"Visible par le secrétariat seulement", "Enregistrer le brouillon", "Soumettre",
			"Enregistrer et passer au dossier suivant", "s'affichera une fois votre proposition soumise")
		// Radio groups in fieldsets, labels tied to inputs, no script needed.
		mustContain(t, page, `<legend>Engagement et pilotage</legend>`,
			`<input type="radio" id="c.strategie.engagement" name="c.strategie.engagement" value="0">`,
			`<label for="c.strategie.engagement-4">`, `<label for="strengths">`)
		mustNotContain(t, page, "<script", "Score indicatif calculé", "Niveau obtenu en", "Aucune décision n")

		r := f.juror2.post(at, reviewValues("c.strategie.engagement", "3", "c.strategie.realisations", "2",
			"sl.strategie", "1", "strengths", "Une stratégie votée en conseil."))
		wantStatus(t, "draft", r, http.StatusSeeOther)
		if r.location() != at {
			t.Fatalf("draft saved: redirected to %q", r.location())
		}
		page = f.juror2.get(at)
		says(t, page, "Brouillon enregistré.", "Brouillon enregistré le", "(version 1)",
			"le niveau suggéré est « Argent »", "Une stratégie votée en conseil.")
		mustContain(t, page, `id="c.strategie.engagement-3" name="c.strategie.engagement" value="3" checked`,
			`id="sl.strategie-1" name="sl.strategie" value="1" checked`)
		mustNotContain(t, page, "Score indicatif calculé")

		r = f.juror2.post(at, reviewValues("version", "1", "action", "submit", "strengths", "Texte gardé."))
		wantStatus(t, "submit without a proposal", r, http.StatusUnprocessableEntity)
		says(t, r, "Pour soumettre, choisissez un niveau", "Texte gardé.")
		mustContain(t, r, `href="#level"`, `id="level"`)
		r = f.juror2.post(at, reviewValues("version", "1", "level", "abstain", "abstain_reason", "  "))
		wantStatus(t, "abstain without a reason", r, http.StatusUnprocessableEntity)
		says(t, r, "Indiquez pourquoi vous vous abstenez.")
		mustContain(t, r, `id="level-abstain" name="level" value="abstain" checked`)
		if n := findReview(t, a, smu, f.juror2U, domain.ReviewPre).Version; n != 1 {
			t.Fatalf("a refused post wrote version %d", n)
		}

		r = f.juror2.post(at, reviewValues("version", "1", "action", "submit", "level", "1",
			"c.strategie.engagement", "3", "strengths", "Une stratégie votée en conseil."))
		wantStatus(t, "submit", r, http.StatusSeeOther)
		page = f.juror2.get(at)
		says(t, page, "Évaluation soumise. Merci !", "Évaluation soumise le", "Score indicatif calculé à partir des réponses",
			"Enregistrer les modifications")
		mustNotContain(t, page, `value="submit"`, "s'affichera une fois")
		rev := findReview(t, a, smu, f.juror2U, domain.ReviewPre)
		hist, err := a.db.ReviewHistory(ctx, rev.ID)
		if err != nil || len(hist) != 2 || hist[0].Content.Status != domain.ReviewDraft ||
			hist[1].Content.Status != domain.ReviewSubmitted || *hist[1].Content.Level != 1 ||
			hist[0].Content.Criteria["strategie"].Values["realisations"] != 2 {
			t.Fatalf("history: %+v %v", hist, err)
		}
		// Another juror of the same file still does not see the score.
		mustNotContain(t, f.juror1.get(at), "Score indicatif calculé")
	})
}

func TestReviewStaleSaveShowsTheNewerVersion(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := reviewFixture(t, a)
		grenoble := f.apps["Grenoble"].ID
		at := reviewURL(2026, grenoble)
		wantStatus(t, "first tab", f.juror2.post(at, reviewValues("strengths", "Texte du premier onglet.")), http.StatusSeeOther)
		r := f.juror2.post(at, reviewValues("strengths", "Texte du second onglet.", "level", "2"))
		wantStatus(t, "second tab", r, http.StatusConflict)
		says(t, r, "Votre évaluation a été modifiée entre-temps", "version 1", "Texte du premier onglet.", "Texte du second onglet.")
		mustContain(t, r, `id="level-2" name="level" value="2" checked`)
		if v := formVersion(t, r); v != "1" {
			t.Fatalf("the form is not based on the newer version: %s", v)
		}
		if got := findReview(t, a, grenoble, f.juror2U, domain.ReviewPre); got.Strengths != "Texte du premier onglet." {
			t.Fatalf("the stale save wrote: %+v", got)
		}
		r = f.juror2.post(at, reviewValues("version", formVersion(t, r), "strengths", "Texte du second onglet.", "level", "2"))
		wantStatus(t, "saving again, knowingly", r, http.StatusSeeOther)
		if got := findReview(t, a, grenoble, f.juror2U, domain.ReviewPre); got.Strengths != "Texte du second onglet." || got.Version != 2 {
			t.Fatalf("after the second save: %+v", got)
		}
	})
}

func TestReviewAccessFollowsThePolicy(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := reviewFixture(t, a)
		smu, grenoble, ech := f.apps["Saint-Martin-d'Uriage"].ID, f.apps["Grenoble"].ID, f.apps["Échirolles"].ID
		for _, c := range []struct {
			who         string
			b           *browser
			app         int64
			read, write int
		}{
			{"unattested juror, assigned", f.juror3, smu, http.StatusNotFound, http.StatusNotFound},
			{"recused juror", f.juror1, ech, http.StatusNotFound, http.StatusNotFound},
			{"assessor, not assigned", f.assessor, smu, http.StatusNotFound, http.StatusNotFound},
			{"observer", f.observer, smu, http.StatusNotFound, http.StatusNotFound},
			{"applicant", f.applicant, smu, http.StatusNotFound, http.StatusNotFound},
			{"unknown file", f.juror2, 999999, http.StatusNotFound, http.StatusNotFound},
			{"secretariat", f.admin, smu, http.StatusOK, http.StatusForbidden},
			{"vice-president, not assigned", f.vice, smu, http.StatusOK, http.StatusForbidden},
		} {
			wantStatus(t, c.who+" reads", c.b.get(reviewURL(2026, c.app)), c.read)
			post := c.b.post(reviewURL(2026, c.app), reviewValues("level", "0"))
			wantStatus(t, c.who+" writes", post, c.write)
			if c.write == http.StatusForbidden {
				says(t, post, "Rien n'a été enregistré")
			}
			if _, err := a.db.FindReview(ctx, c.app, userOf(t, f, c.b).ID, domain.ReviewPre); !domain.IsNotFound(err) {
				t.Fatalf("%s: a review was written: %v", c.who, err)
			}
		}
		wantStatus(t, "another edition", f.juror2.get(reviewURL(2025, smu)), http.StatusNotFound)
		wantStatus(t, "recused juror's attachment", f.juror1.get(reviewURL(2026, ech)+"/fichiers/1"), http.StatusNotFound)
		wantStatus(t, "unknown attachment", f.juror2.get(reviewURL(2026, ech)+"/fichiers/999999"), http.StatusNotFound)

		says(t, f.vice.get(reviewURL(2026, smu)), "Ce dossier ne vous est pas attribué", "Réponses du candidat")
		mustNotContain(t, f.vice.get(reviewURL(2026, smu)), `name="action"`, "Engagement et pilotage")
		says(t, f.admin.get(reviewURL(2026, smu)), "Le secrétariat consulte le dossier mais n")
		assessor := f.assessor.get(reviewURL(2026, grenoble))
		says(t, assessor, "Engagement et pilotage", "Soumettre")
		mustNotContain(t, assessor, "Propositions de mentions spéciales", "Enregistrer et passer au dossier suivant")
		wantStatus(t, "assessor submits", f.assessor.post(reviewURL(2026, grenoble),
			reviewValues("action", "submit", "level", "2", "mentions", "Sobriété numérique")), http.StatusSeeOther)
		if got := findReview(t, a, grenoble, f.assessorU, domain.ReviewPre); len(got.Mentions) != 0 || *got.Level != 2 {
			t.Fatalf("an assessor nominated: %+v", got)
		}

		// The recused juror finds Échirolles nowhere: not in their list, not
		// as the next file of any other.
		mustNotContain(t, f.juror1.get("/jury/2026/dossiers"), "Échirolles", reviewURL(2026, ech))
		mine, err := a.db.JurorFiles(ctx, 2026, f.juror1U.ID, false)
		if err != nil || len(mine) != 4 {
			t.Fatalf("juror1's files: %+v %v", mine, err)
		}
		for _, jf := range mine {
			page := f.juror1.get(reviewURL(2026, jf.ApplicationID))
			mustNotContain(t, page, "Échirolles", reviewURL(2026, ech))
			r := f.juror1.post(reviewURL(2026, jf.ApplicationID), reviewValues("action", "next"))
			wantStatus(t, "save and next", r, http.StatusSeeOther)
			if r.location() == reviewURL(2026, ech) {
				t.Fatal("save and next leads the recused juror to Échirolles")
			}
		}
	})
}

// userOf is the account behind one of the fixture's browsers.
func userOf(t *testing.T, f *juryFixture, b *browser) *domain.User {
	t.Helper()
	for _, c := range []struct {
		b *browser
		u *domain.User
	}{{f.president, f.presidentU}, {f.vice, f.viceU}, {f.juror1, f.juror1U}, {f.juror2, f.juror2U},
		{f.juror3, f.juror3U}, {f.assessor, f.assessorU}, {f.observer, f.observerU}, {f.applicant, f.applicantElu}} {
		if c.b == b {
			return c.u
		}
	}
	u, err := f.a.db.FindUserByEmail(ctx, "secretariat@example.org")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestReviewSaveAndNextFollowsTheJurorsList(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := reviewFixture(t, a)
		files, err := a.db.JurorFiles(ctx, 2026, f.juror2U.ID, false)
		if err != nil || len(files) != 5 {
			t.Fatalf("juror2's files: %+v %v", files, err)
		}
		for i, jf := range files {
			at := reviewURL(2026, jf.ApplicationID)
			page := f.juror2.get(at)
			hasNext := strings.Contains(page.body, `value="next"`)
			if hasNext != (i+1 < len(files)) {
				t.Fatalf("file %d of %d: save-and-next shown %v", i+1, len(files), hasNext)
			}
			r := f.juror2.post(at, reviewValues("action", "next", "c.donnees.engagement", "1"))
			want := juryFilesURL(2026)
			if i+1 < len(files) {
				want = reviewURL(2026, files[i+1].ApplicationID)
			}
			if r.status != http.StatusSeeOther || r.location() != want {
				t.Fatalf("file %d: %d to %q, want %q", i+1, r.status, r.location(), want)
			}
			if got := findReview(t, a, jf.ApplicationID, f.juror2U, domain.ReviewPre); got.Criteria["donnees"].Values["engagement"] != 1 {
				t.Fatalf("file %d not saved: %+v", i+1, got)
			}
		}
	})
}

func TestReviewAcrossDiscussionAndDeliberation(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := reviewFixture(t, a)
		if err := a.db.SaveEdition(ctx, &domain.Edition{Year: 2025, Title: "Édition 2025"}); err != nil {
			t.Fatal(err)
		}
		if err := a.db.AddAward(ctx, &domain.Award{Year: 2025, Body: *f.bodies["Saint-Martin-d'Uriage"], Track: "label", Award: "argent"}); err != nil {
			t.Fatal(err)
		}
		smu, grenoble := f.apps["Saint-Martin-d'Uriage"].ID, f.apps["Grenoble"].ID
		at := reviewURL(2026, smu)
		wantStatus(t, "pre submit", f.juror2.post(at, reviewValues("action", "submit", "level", "0", "jury_note", "Avant la discussion.")),
			http.StatusSeeOther)
		mustNotContain(t, f.juror2.get(at), "Niveau obtenu en 2025")

		f.toPhase(t, domain.PhaseDiscussion)
		page := f.juror2.get(at)
		says(t, page, "Niveau obtenu en 2025 : Argent.", "Le formulaire reprend votre évaluation initiale (version 1)",
			"Phase de discussion", "Avant la discussion.")
		says(t, f.juror2.get(reviewURL(2026, grenoble)), "Aucune décision n'est enregistrée pour cet organisme en 2025.")
		r := f.juror2.post(at, reviewValues("stage", "pre", "version", "1", "action", "submit", "level", "2",
			"jury_note", "Après la discussion."))
		wantStatus(t, "post submit", r, http.StatusSeeOther)
		pre, post := findReview(t, a, smu, f.juror2U, domain.ReviewPre), findReview(t, a, smu, f.juror2U, domain.ReviewPost)
		if *pre.Level != 0 || pre.JuryNote != "Avant la discussion." || pre.Version != 1 ||
			*post.Level != 2 || post.Status != domain.ReviewSubmitted || post.JuryNote != "Après la discussion." {
			t.Fatalf("pre %+v, post %+v", pre, post)
		}
		says(t, f.juror2.get(at), "Évaluation soumise le", "Après la discussion.")

		f.toPhase(t, domain.PhaseDeliberation)
		r = f.juror2.post(at, reviewValues("stage", "post", "version", "1", "level", "1"))
		wantStatus(t, "a save in deliberation", r, http.StatusForbidden)
		if got := findReview(t, a, smu, f.juror2U, domain.ReviewPost); *got.Level != 2 || got.Version != 1 {
			t.Fatalf("the post review changed in deliberation: %+v", got)
		}
		page = f.juror2.get(at)
		says(t, page, "Les évaluations sont closes", "Après la discussion.")
		mustNotContain(t, page, `name="action"`)
	})
}
