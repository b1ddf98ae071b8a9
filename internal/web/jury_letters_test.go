package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"tnl/internal/domain"
)

// letterFixture is the jury in discussion with released assignments:
// juror2 is the rapporteur of Saint-Martin-d'Uriage (the applicant's own
// file), juror3 reviews it too; both submitted reviews with texts for the
// applicant; the president is recused from Voiron, whose rapporteur is
// juror3.
func newLetterFixture(t *testing.T, a *testApp) (*sealFixture, int64) {
	t.Helper()
	f := &sealFixture{juryFixture: newJuryFixture(t, a)}
	smu := f.apps["Saint-Martin-d'Uriage"].ID
	f.voiron = f.apps["Voiron"].ID
	f.toPhase(t, domain.PhaseAttestation)
	f.attest(t, f.presidentU, f.viceU, f.juror1U, f.juror2U, f.juror3U)
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	f.exec(t, `INSERT INTO conflicts (year, user_id, application_id, type, source, status, severity, created_at)
		VALUES (2026, $1, $2, 'personal', 'admin', 'confirmed', 'recuse', $3)`, f.presidentU.ID, f.voiron, now)
	f.exec(t, `INSERT INTO assignments (application_id, user_id, rapporteur, source, created_at) VALUES
		($1, $2, TRUE, 'manual', $4), ($1, $3, FALSE, 'manual', $4), ($5, $3, TRUE, 'manual', $4)`,
		smu, f.juror2U.ID, f.juror3U.ID, now, f.voiron)
	f.exec(t, `UPDATE editions SET assignments_released_at = $1 WHERE year = 2026`, now)
	for _, rv := range []struct {
		u                      *domain.User
		strengths, suggestions string
	}{{f.juror2U, "Forte mutualisation avec la métropole.", "Publier le code des outils maison."},
		{f.juror3U, "Logiciels libres généralisés dans les écoles.", "Former les agents à la sobriété numérique."}} {
		f.exec(t, `INSERT INTO reviews (application_id, user_id, stage, status, level, strengths, suggestions, jury_note,
			updated_at, submitted_at) VALUES ($1, $2, 'pre', 'submitted', 1, $3, $4, 'Note privée du jury', $5, $5)`,
			smu, rv.u.ID, rv.strengths, rv.suggestions, now)
	}
	f.toPhase(t, domain.PhaseDiscussion)
	return f, smu
}

func TestFeedbackLetterByTheRapporteurApprovedByThePresident(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f, smu := newLetterFixture(t, a)
		path := "/jury/2026/dossiers/" + itoa(smu) + "/lettre"

		r := f.juror2.get(path)
		wantStatus(t, "rapporteur", r, http.StatusOK)
		says(t, r, "Lettre de retour – Saint-Martin-d'Uriage", "Voici un premier jet", "Madame, Monsieur,",
			"- Forte mutualisation avec la métropole.", "- Former les agents à la sobriété numérique.", "Points forts",
			"Pistes de progrès", "Enregistrer la lettre")
		mustNotContain(t, r, "jure3@example.org", "Note privée du jury", "Approuver la lettre")
		for who, b := range map[string]*browser{"co-reviewer": f.juror3, "juror": f.juror1, "assessor": f.assessor,
			"observer": f.observer, "applicant": f.applicant} {
			wantStatus(t, who, b.get(path), http.StatusNotFound)
			wantStatus(t, who+" drafts", b.post(path, url.Values{"body": {"Texte."}, "version": {"0"}}), http.StatusNotFound)
			wantStatus(t, who+" approves", b.post(path+"/approuver", url.Values{"version": {"1"}}), http.StatusNotFound)
		}
		r = f.president.get(path)
		wantStatus(t, "president before the draft", r, http.StatusOK)
		says(t, r, "Le rapporteur n'a pas encore rédigé la lettre.")
		mustNotContain(t, r, "Enregistrer la lettre", "Approuver la lettre")
		wantStatus(t, "president drafts", f.president.post(path, url.Values{"body": {"Texte."}, "version": {"0"}}), http.StatusForbidden)

		r = f.juror2.post(path, url.Values{"body": {"  "}, "version": {"0"}})
		wantStatus(t, "empty letter", r, http.StatusUnprocessableEntity)
		says(t, r, "La lettre est vide.")
		letter := "Madame, Monsieur,\n\nLe jury salue votre mutualisation exemplaire.\n\nLe jury du label"
		wantStatus(t, "rapporteur saves", f.juror2.post(path, url.Values{"body": {letter}, "version": {"0"}}), http.StatusSeeOther)
		r = f.juror2.get(path)
		says(t, r, "Lettre enregistrée.", "Version 1, rédigée par jure2@example.org", "Le jury salue votre mutualisation exemplaire.")
		mustNotContain(t, r, "Voici un premier jet")
		r = f.juror2.post(path, url.Values{"body": {"Une autre version."}, "version": {"0"}})
		wantStatus(t, "stale save", r, http.StatusConflict)
		says(t, r, "La lettre a été modifiée entre-temps", "Version enregistrée entre-temps", "Une autre version.")
		wantStatus(t, "rapporteur approves", f.juror2.post(path+"/approuver", url.Values{"version": {"1"}}), http.StatusForbidden)
		wantStatus(t, "admin approves", f.admin.post(path+"/approuver", url.Values{"version": {"1"}}), http.StatusForbidden)

		r = f.president.get(path)
		says(t, r, "Le jury salue votre mutualisation exemplaire.", "Pas encore approuvée", "Approuver la lettre")
		wantStatus(t, "president approves", f.president.post(path+"/approuver", url.Values{"version": {"1"}}), http.StatusSeeOther)
		says(t, f.president.get(path), "Approuvée par presidente@example.org")
		says(t, f.admin.get(path), "Approuvée par presidente@example.org", "Le jury salue")
		if n := len(auditOf(t, a, "jury.letter.approve")); n != 1 {
			t.Fatalf("%d approvals audited", n)
		}

		// Lists: the rapporteur's own letters, every letter for the
		// president but the file they are recused from.
		r = f.juror2.get("/jury/2026/lettres")
		says(t, r, "Saint-Martin-d'Uriage", "Approuvée")
		mustNotContain(t, r, "Voiron")
		r = f.president.get("/jury/2026/lettres")
		says(t, r, "Saint-Martin-d'Uriage", "Grenoble", "Échirolles", "Aucun rapporteur désigné", "jure2@example.org")
		mustNotContain(t, r, "Voiron")
		says(t, f.juror1.get("/jury/2026/lettres"), "Aucune lettre ne vous concerne pour l'instant.")
		wantStatus(t, "applicant's list", f.applicant.get("/jury/2026/lettres"), http.StatusNotFound)

		// The vice-president approves where the president is recused.
		voiron := "/jury/2026/dossiers/" + itoa(f.voiron) + "/lettre"
		wantStatus(t, "recused president", f.president.get(voiron), http.StatusNotFound)
		wantStatus(t, "juror3 drafts Voiron", f.juror3.post(voiron, url.Values{"body": {"Lettre à Voiron."}, "version": {"0"}}), http.StatusSeeOther)
		wantStatus(t, "vice on the president's file", f.vice.get(path), http.StatusNotFound)
		wantStatus(t, "vice approves Voiron", f.vice.post(voiron+"/approuver", url.Values{"version": {"1"}}), http.StatusSeeOther)

		// Nothing of the letter reaches the applicant before publication.
		for _, p := range []string{"/candidatures", "/candidatures/" + itoa(smu), "/jury", "/jury/2026"} {
			r := f.applicant.get(p)
			mustNotContain(t, r, "mutualisation exemplaire", "Lettre de retour")
		}
	})
}

// TestFeedbackLetterFollowsThePhases: letters open with the discussion
// (the president and the secretariat read the file's page from the
// review phase on, with nothing to approve yet), are written and approved
// until the results are published, then only read.
func TestFeedbackLetterFollowsThePhases(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f, smu := newLetterFixture(t, a)
		path := "/jury/2026/dossiers/" + itoa(smu) + "/lettre"
		save := func(b *browser, body string, version int) *response {
			return b.post(path, url.Values{"body": {body}, "version": {strconv.Itoa(version)}})
		}
		if err := a.db.SwitchPhase(ctx, 2026, domain.PhaseReview, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, "rapporteur in review", f.juror2.get(path), http.StatusNotFound)
		wantStatus(t, "rapporteur drafts in review", save(f.juror2, "Trop tôt.", 0), http.StatusNotFound)
		r := f.president.get(path)
		wantStatus(t, "president in review", r, http.StatusOK)
		mustNotContain(t, r, "Approuver la lettre", "Enregistrer la lettre")
		wantStatus(t, "secretariat in review", f.admin.get(path), http.StatusOK)

		f.toPhase(t, domain.PhaseDiscussion)
		wantStatus(t, "rapporteur drafts in discussion", save(f.juror2, "Première version.", 0), http.StatusSeeOther)
		f.toPhase(t, domain.PhaseSealed)
		wantStatus(t, "rapporteur revises once sealed", save(f.juror2, "Version relue.", 1), http.StatusSeeOther)
		wantStatus(t, "president approves once sealed", f.president.post(path+"/approuver", url.Values{"version": {"2"}}),
			http.StatusSeeOther)

		f.toPhase(t, domain.PhasePublished)
		r = f.juror2.get(path)
		wantStatus(t, "rapporteur reads once published", r, http.StatusOK)
		says(t, r, "Version relue.", "Approuvée par presidente@example.org")
		mustNotContain(t, r, "Enregistrer la lettre")
		wantStatus(t, "rapporteur drafts once published", save(f.juror2, "Trop tard.", 2), http.StatusForbidden)
		if l, err := a.db.FeedbackLetter(ctx, smu); err != nil || l.Body != "Version relue." || l.Version != 2 {
			t.Fatalf("letter after publication: %+v %v", l, err)
		}
	})
}
