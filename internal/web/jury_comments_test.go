package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tnl/internal/domain"
)

func TestJuryDiscussionAndComments(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f, section := juryDashboardFixture(t, a)
		page := func(body string) string { return discussionURL(2026, f.apps[body].ID) }
		grenoble, echirolles := page("Grenoble"), page("Échirolles")
		comment := url.Values{"commentaire": {"La mutualisation avec la métropole est-elle effective ?"}}

		// Review phase: jurors see nothing of the others and cannot comment;
		// the president follows the reviews but comments from discussion on.
		wantStatus(t, "juror in review", f.juror2.get(grenoble), http.StatusForbidden)
		wantStatus(t, "comment in review", f.juror2.post(grenoble, comment), http.StatusForbidden)
		r := f.president.get(grenoble)
		wantStatus(t, "president in review", r, http.StatusOK)
		says(t, r, "Une mutualisation exemplaire.", "Les commentaires sont ouverts pendant la discussion")
		mustNotContain(t, r, `name="commentaire"`)
		wantStatus(t, "president's comment in review", f.president.post(grenoble, comment), http.StatusForbidden)

		f.toPhase(t, domain.PhaseDiscussion)
		// The recused juror: 404, as for an unknown file.
		for what, path := range map[string]string{"recused": echirolles, "unknown": discussionURL(2026, 999999),
			"other edition": "/jury/2027/dossiers/1/discussion"} {
			wantStatus(t, what+" GET", f.juror1.get(path), http.StatusNotFound)
			wantStatus(t, what+" POST", f.juror1.post(path, comment), http.StatusNotFound)
		}
		wantStatus(t, "observer", f.observer.get(grenoble), http.StatusNotFound)
		wantStatus(t, "applicant", f.applicant.get(grenoble), http.StatusNotFound)

		// A juror reads the others' reviews, never the notes to the
		// secretariat nor their own review listed among the others'.
		r = f.juror2.get(grenoble)
		wantStatus(t, "juror in discussion", r, http.StatusOK)
		says(t, r, "Discussion du dossier Grenoble", "presidente@example.org", "vice@example.org", "jure3@example.org",
			"Une mutualisation exemplaire.", "Je travaille avec leur service informatique.", section+" : Or",
			"Aucun commentaire pour l'instant.", `name="commentaire"`)
		mustNotContain(t, r, "Note au secrétariat", "Avis de jure2 sur Grenoble.", ">jure2@example.org<")

		wantStatus(t, "empty comment", f.juror2.post(grenoble, url.Values{"commentaire": {"  "}}), http.StatusUnprocessableEntity)
		r = f.juror2.post(grenoble, url.Values{"commentaire": {strings.Repeat("a", 5001)}})
		wantStatus(t, "long comment", r, http.StatusUnprocessableEntity)
		says(t, r, "dépasse 5 000 caractères", `href="#commentaire"`)
		r = f.juror2.post(grenoble, comment)
		if r.status != http.StatusSeeOther || r.location() != grenoble+"#commentaires" {
			t.Fatalf("comment: %d %q\n%s", r.status, r.location(), r.body)
		}
		if r := f.vice.post(grenoble, url.Values{"commentaire": {"Oui : un service commun depuis 2024."}}); r.status != http.StatusSeeOther {
			t.Fatalf("second comment: %d", r.status)
		}
		r = f.juror3.get(grenoble)
		says(t, r, "La mutualisation avec la métropole est-elle effective ?", "jure2@example.org, le 1er octobre 2026",
			"Oui : un service commun depuis 2024.", "Avis de jure2 sur Grenoble.")
		if strings.Index(r.body, "La mutualisation avec") > strings.Index(r.body, "Oui : un service commun") {
			t.Fatal("comments should read oldest first")
		}

		// The secretariat reads its notes; the recused juror still sees
		// nothing, and the comment does not leak to Échirolles.
		says(t, f.admin.get(grenoble), "Note au secrétariat de vice@example.org", "La mutualisation avec")
		mustNotContain(t, f.juror2.get(echirolles), "La mutualisation avec")
		comments, _ := a.db.Comments(ctx, f.apps["Grenoble"].ID)
		if len(comments) != 2 || comments[0].UserID != f.juror2U.ID {
			t.Fatalf("stored comments: %+v", comments)
		}

		// Once sealed, comments close.
		f.toPhase(t, domain.PhaseSealed)
		wantStatus(t, "comment once sealed", f.juror2.post(grenoble, comment), http.StatusForbidden)
	})
}
