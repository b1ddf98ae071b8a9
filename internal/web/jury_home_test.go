package web

import (
	"net/http"
	"strings"
	"testing"

	"tnl/internal/domain"
)

func TestJuryHomeListsOwnJuries(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		openTestEdition(t, a, 2027)
		if err := a.db.SaveJuryMember(ctx, domain.JuryMember{Year: 2027, UserID: f.juror1U.ID, Role: domain.JuryAssessor},
			domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		r := f.juror1.get("/jury")
		wantStatus(t, "juror home", r, http.StatusOK)
		says(t, r, "Mes jurys", `href="/jury/2027"`, `href="/jury/2026"`, "Évaluateur externe", "Juré",
			"Clôture et recevabilité", "Préparation",
			"Parcourir la liste des candidats et signaler vos liens avec l'un d'eux",
			"Rien à faire pour l'instant : le travail du jury commence à la clôture des candidatures.")
		mustContain(t, r, `href="/jury/2026/conflits"`)
		if strings.Index(r.body, "/jury/2027") > strings.Index(r.body, "/jury/2026") {
			t.Fatal("the newest edition should come first")
		}

		r = f.juror2.get("/jury")
		says(t, r, "Jury 2026")
		mustNotContain(t, r, "2027")

		for who, b := range map[string]*browser{"applicant": f.applicant, "admin": f.admin} {
			r = b.get("/jury")
			wantStatus(t, who, r, http.StatusOK)
			says(t, r, "Vous ne faites partie d'aucun jury.")
			mustNotContain(t, r, `href="/jury/2026"`)
		}
		says(t, f.admin.get("/jury"), "vous gérez les jurys depuis chaque édition")
		if r := a.browser().get("/jury"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/connexion") {
			t.Fatalf("anonymous: %d %q", r.status, r.location())
		}
	})
}

func TestJuryHomeTasksFollowThePhase(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		f.toPhase(t, domain.PhaseAttestation)
		says(t, f.juror1.get("/jury"), "Vérifier vos conflits d'intérêts et signer votre attestation")
		says(t, f.observer.get("/jury"), "Rien à faire pour l'instant : la suite vous sera indiquée ici.")
		f.attest(t, f.juror1U)
		r := f.juror1.get("/jury")
		says(t, r, "Attestation signée le 1er octobre 2026")
		mustNotContain(t, r, "signer votre attestation")
		says(t, f.admin.get("/admin/jury/2026"), "1er octobre 2026")

		f.toPhase(t, domain.PhaseAssignment)
		r = f.juror1.get("/jury")
		says(t, r, "La répartition des dossiers est en préparation")
		mustNotContain(t, r, "/jury/2026/dossiers")

		f.toPhase(t, domain.PhaseReview)
		r = f.juror1.get("/jury")
		says(t, r, "Évaluer les dossiers qui vous sont confiés")
		mustContain(t, r, `href="/jury/2026/dossiers"`)
		mustContain(t, f.assessor.get("/jury"), `href="/jury/2026/dossiers"`)
		mustNotContain(t, f.observer.get("/jury"), "/jury/2026/dossiers")
		mustContain(t, f.admin.get("/admin/jury/2026"), `href="/admin/jury/2026/attributions"`, `href="/jury/2026/tableau"`)
		mustNotContain(t, f.juror2.get("/jury/2026"), "/jury/2026/tableau") // not before the discussion

		f.toPhase(t, domain.PhaseDeliberation)
		says(t, f.president.get("/jury"), "signer votre attestation") // no vote before attesting
		f.attest(t, f.presidentU)
		says(t, f.president.get("/jury"), "Participer à la réunion de délibération")
		mustContain(t, f.president.get("/jury"), `href="/jury/2026/seance"`)
		mustContain(t, f.president.get("/jury/2026"), `href="/jury/2026/tableau"`, `href="/jury/2026/seance"`)
		mustNotContain(t, f.assessor.get("/jury"), "Participer à la réunion")

		f.toPhase(t, domain.PhaseSealed)
		says(t, f.observer.get("/jury"), "confidentielles jusqu'à la cérémonie")
		f.toPhase(t, domain.PhasePublished)
		mustContain(t, f.juror3.get("/jury"), `href="/palmares/2026"`)
		f.toPhase(t, domain.PhaseArchived)
		says(t, f.juror3.get("/jury"), "Cette édition est archivée")
	})
}

func TestJuryEditionPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		r := f.juror1.get("/jury/2026")
		wantStatus(t, "member", r, http.StatusOK)
		mustContain(t, r, `href="/jury/2026/conflits"`)
		mustNotContain(t, r, "/jury/2026/seance", "/jury/2026/tableau", "/admin/jury/2026")
		says(t, r, "Jury 2026", "Votre rôle", "Juré", "Clôture et recevabilité", "Composition du jury",
			"7 membres du jury 2026", "presidente@example.org", "Président du jury", "jure1@example.org (vous)",
			"observateur@example.org", "Ensuite", "Attestation des conflits d'intérêts")
		says(t, f.observer.get("/jury/2026"), "Observateur", "observateur@example.org (vous)")

		// The secretariat sees the page too, with the way to the administration.
		r = f.admin.get("/jury/2026")
		says(t, r, "Secrétariat")
		mustContain(t, r, `href="/admin/jury/2026"`)

		// Non-members get what a missing edition gets.
		wantStatus(t, "applicant", f.applicant.get("/jury/2026"), http.StatusNotFound)
		wantStatus(t, "other account", a.signedIn("curieux@example.org", domain.RoleJury).get("/jury/2026"), http.StatusNotFound)
		wantStatus(t, "unknown edition", f.juror1.get("/jury/2030"), http.StatusNotFound)
		openTestEdition(t, a, 2027)
		wantStatus(t, "another edition's jury", f.juror1.get("/jury/2027"), http.StatusNotFound)

		en := f.juror1
		en.headers["Accept-Language"] = "en"
		says(t, en.get("/jury/2026"), "2026 jury", "Your role", "Juror", "Closed, eligibility check")
	})
}
