package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"testing"
	"time"

	"tnl/internal/domain"
)

func TestSealingByThePresident(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newSealFixture(t, a)
		r := f.president.get("/jury/2026/scellement")
		wantStatus(t, "seal page", r, http.StatusOK)
		says(t, r, "Décisions non scellées", "3 décisions sont enregistrées", "Le procès-verbal n'est pas encore validé.",
			"Sceller les décisions")
		r = f.president.post("/jury/2026/scellement", url.Values{})
		wantStatus(t, "seal before validating the minutes", r, http.StatusConflict)
		says(t, r, "Validez d'abord le procès-verbal")
		for who, b := range map[string]*browser{"juror": f.juror2, "vice": f.vice, "admin": f.admin} {
			wantStatus(t, who+" seals", b.post("/jury/2026/scellement", url.Values{}), http.StatusForbidden)
		}
		for who, b := range map[string]*browser{"observer": f.observer, "assessor": f.assessor, "applicant": f.applicant} {
			wantStatus(t, who, b.get("/jury/2026/scellement"), http.StatusNotFound)
			wantStatus(t, who+" seals", b.post("/jury/2026/scellement", url.Values{}), http.StatusNotFound)
		}
		f.validateAndSeal(t)
		seals, err := a.db.Seals(ctx, 2026)
		if err != nil || len(seals) != 1 {
			t.Fatalf("seals: %+v %v", seals, err)
		}
		e, _ := a.db.FindEdition(ctx, 2026)
		if e.Phase != domain.PhaseSealed {
			t.Fatalf("phase %s after sealing", e.Phase)
		}
		r = f.juror2.get("/jury/2026/scellement")
		wantStatus(t, "juror reads the seal", r, http.StatusOK)
		says(t, r, "Conforme : les décisions enregistrées ont la même empreinte que le dernier scellement.", seals[0].Digest,
			"Président : presidente@example.org", "Intègre")
		mustNotContain(t, r, "contenu.json", "Modifier une décision scellée")
		says(t, f.observer.get("/jury/2026/scellement"), seals[0].Digest)
		// The exact sealed bytes, for the parties to check elsewhere.
		c := f.admin.get("/jury/2026/scellement/" + itoa(seals[0].ID) + "/contenu.json")
		wantStatus(t, "sealed content", c, http.StatusOK)
		if sum := sha256.Sum256([]byte(c.body)); hex.EncodeToString(sum[:]) != seals[0].Digest {
			t.Fatalf("the content served does not hash to the digest:\n%s", c.body)
		}
		wantStatus(t, "juror downloads the content", f.juror2.get("/jury/2026/scellement/"+itoa(seals[0].ID)+"/contenu.json"), http.StatusNotFound)
		wantStatus(t, "president downloads the content", f.president.get("/jury/2026/scellement/"+itoa(seals[0].ID)+"/contenu.json"), http.StatusOK)
		// The content names every file: a president recused from one of
		// them (late link) no longer gets it.
		f.exec(t, `INSERT INTO conflicts (year, user_id, application_id, type, source, status, severity, created_at)
			VALUES (2026, $1, $2, 'direct-body', 'admin', 'confirmed', 'recuse', $3)`, f.presidentU.ID, f.voiron, time.Now())
		wantStatus(t, "recused president downloads the content", f.president.get("/jury/2026/scellement/"+itoa(seals[0].ID)+"/contenu.json"), http.StatusNotFound)
		says(t, f.president.get("/jury/2026/scellement"), seals[0].Digest)
		// The meeting is over: a second seal is the reopening's business.
		wantStatus(t, "second seal", f.president.post("/jury/2026/scellement", url.Values{}), http.StatusForbidden)
		// A change behind the procedure's back shows on the page.
		f.exec(t, `UPDATE decisions SET level = 0 WHERE application_id = $1`, f.grenoble)
		says(t, f.juror2.get("/jury/2026/scellement"), "Non conforme")
	})
}

func TestReopeningNeedsThePresidentAndAnAdmin(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newSealFixture(t, a)
		f.validateAndSeal(t)
		admin2 := a.signedIn("admin2@example.org", domain.RoleAdmin)
		first, _ := a.db.Seals(ctx, 2026)
		change := url.Values{"application": {itoa(f.grenoble)}, "level": {"label:2"},
			"reason": {"Erreur de report du niveau de Grenoble."}}

		r := f.admin.get("/jury/2026/scellement")
		says(t, r, "Modifier une décision scellée", "Demander la modification", "Grenoble", "Échirolles")
		wantStatus(t, "a juror asks", f.juror2.post("/jury/2026/scellement/reouverture", change), http.StatusForbidden)
		wantStatus(t, "a juror confirms", f.juror2.post("/jury/2026/scellement/reouverture/confirmer", url.Values{}), http.StatusForbidden)
		r = f.admin.post("/jury/2026/scellement/reouverture", url.Values{"application": {itoa(f.grenoble)}, "level": {"label:2"}})
		wantStatus(t, "no reason", r, http.StatusUnprocessableEntity)
		says(t, r, "Donnez le motif de la modification.")
		mustContain(t, r, `<option value="label:2" selected>`)
		r = f.admin.post("/jury/2026/scellement/reouverture", url.Values{"application": {itoa(f.grenoble)}, "level": {"badge:0"},
			"reason": {"x"}})
		wantStatus(t, "a level of another track", r, http.StatusUnprocessableEntity)
		says(t, r, "Ce niveau n'appartient pas au parcours de ce dossier.")

		wantStatus(t, "admin asks", f.admin.post("/jury/2026/scellement/reouverture", change), http.StatusSeeOther)
		r = f.admin.get("/jury/2026/scellement")
		says(t, r, "Demande en attente de confirmation", "Erreur de report du niveau de Grenoble.", "Argent → Or",
			"Vous avez fait cette demande")
		mustNotContain(t, r, "Confirmer et sceller de nouveau")
		r = f.admin.post("/jury/2026/scellement/reouverture/confirmer", url.Values{})
		wantStatus(t, "the requester confirms", r, http.StatusForbidden)
		says(t, r, "une autre personne")
		r = admin2.post("/jury/2026/scellement/reouverture/confirmer", url.Values{})
		wantStatus(t, "a second admin confirms", r, http.StatusForbidden)
		says(t, r, "l'autre partie")
		if d, _ := a.db.Decision(ctx, f.grenoble); *d.Level != 1 {
			t.Fatalf("changed without the president: %+v", d)
		}

		r = f.president.get("/jury/2026/scellement")
		says(t, r, "Demande en attente de confirmation", "secretariat@example.org (administrateur)", "Confirmer et sceller de nouveau")
		wantStatus(t, "president confirms", f.president.post("/jury/2026/scellement/reouverture/confirmer", url.Values{}), http.StatusSeeOther)
		seals, _ := a.db.Seals(ctx, 2026)
		if len(seals) != 2 || seals[0].Digest != first[0].Digest || seals[1].Digest == first[0].Digest {
			t.Fatalf("seals after the change: %+v", seals)
		}
		if d, _ := a.db.Decision(ctx, f.grenoble); *d.Level != 2 || d.OverrideReason != "Erreur de report du niveau de Grenoble." {
			t.Fatalf("decision after the change: %+v", d)
		}
		r = f.president.get("/jury/2026/scellement")
		says(t, r, "Modification appliquée", "Conforme", seals[0].Digest, seals[1].Digest,
			"Administrateur : secretariat@example.org", "Motif : Erreur de report du niveau de Grenoble.")
		// The request stays listed: who asked, why, who confirmed, which
		// seal applied it — for the parties, not for the jurors.
		says(t, r, "Demandes de modification", "Par secretariat@example.org (administrateur)",
			"Confirmée par presidente@example.org", "Appliquée par le scellement n° 2.")
		r = f.juror2.get("/jury/2026/scellement")
		says(t, r, seals[1].Digest, "motif réservé au président et au secrétariat")
		mustNotContain(t, r, "Erreur de report", "Demandes de modification", "Confirmée par")
		for _, action := range []string{"jury.reopen.request", "jury.reopen.confirm"} {
			if n := len(auditOf(t, a, action)); n != 1 {
				t.Fatalf("%d %s audited", n, action)
			}
		}
		if n := len(auditOf(t, a, "jury.seal")); n != 2 {
			t.Fatalf("%d seals audited", n)
		}

		// Asked by the president, withdrawn by an admin.
		wantStatus(t, "president asks", f.president.post("/jury/2026/scellement/reouverture", url.Values{
			"application": {itoa(f.voiron)}, "level": {"label:1"}, "reason": {"Retour à la médiane."}}), http.StatusSeeOther)
		says(t, admin2.get("/jury/2026/scellement"), "Confirmer et sceller de nouveau", "Retour à la médiane.")
		wantStatus(t, "admin cancels", admin2.post("/jury/2026/scellement/reouverture/annuler", url.Values{}), http.StatusSeeOther)
		says(t, admin2.get("/jury/2026/scellement"), "Demande annulée", "Annulée par admin2@example.org",
			"Par presidente@example.org (président du jury)", "Retour à la médiane.")
		says(t, f.president.get("/jury/2026/scellement"), "Demander la modification")
		if seals, _ := a.db.Seals(ctx, 2026); len(seals) != 2 {
			t.Fatalf("%d seals after a withdrawn request", len(seals))
		}
	})
}

func TestReopeningHidesFilesFromARecusedParty(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newSealFixture(t, a)
		f.exec(t, `INSERT INTO conflicts (year, user_id, application_id, type, source, status, severity, created_at)
			VALUES (2026, $1, $2, 'personal', 'admin', 'confirmed', 'recuse', CURRENT_TIMESTAMP)`, f.presidentU.ID, f.voiron)
		f.validateAndSeal(t)
		r := f.president.get("/jury/2026/scellement")
		says(t, r, "Demander la modification", "Grenoble")
		mustNotContain(t, r, "Voiron")
		r = f.president.post("/jury/2026/scellement/reouverture", url.Values{"application": {itoa(f.voiron)},
			"level": {"label:1"}, "reason": {"Retour à la médiane."}})
		wantStatus(t, "a recused president asks", r, http.StatusUnprocessableEntity)
		mustNotContain(t, r, "Voiron")
		wantStatus(t, "admin asks about Voiron", f.admin.post("/jury/2026/scellement/reouverture", url.Values{
			"application": {itoa(f.voiron)}, "level": {"label:1"}, "reason": {"Retour à la médiane."}}), http.StatusSeeOther)
		r = f.president.get("/jury/2026/scellement")
		says(t, r, "sur un dossier dont vous êtes récusé(e)")
		mustNotContain(t, r, "Voiron", "Retour à la médiane.", "Confirmer et sceller de nouveau")
		wantStatus(t, "a recused president confirms", f.president.post("/jury/2026/scellement/reouverture/confirmer", url.Values{}),
			http.StatusForbidden)
		wantStatus(t, "a recused president cancels", f.president.post("/jury/2026/scellement/reouverture/annuler", url.Values{}),
			http.StatusForbidden)
		if seals, _ := a.db.Seals(ctx, 2026); len(seals) != 1 {
			t.Fatalf("%d seals", len(seals))
		}
		// The vice-president acts for the recused president on that file,
		// and on that file only.
		r = f.vice.get("/jury/2026/scellement")
		says(t, r, "Retour à la médiane.", "Confirmer et sceller de nouveau")
		mustNotContain(t, r, "contenu.json")
		wantStatus(t, "vice confirms", f.vice.post("/jury/2026/scellement/reouverture/confirmer", url.Values{}), http.StatusSeeOther)
		seals, _ := a.db.Seals(ctx, 2026)
		if len(seals) != 2 || seals[1].PresidentID != f.viceU.ID || seals[1].Admin != "secretariat@example.org" {
			t.Fatalf("seals: %+v", seals)
		}
		r = f.vice.post("/jury/2026/scellement/reouverture", url.Values{"application": {itoa(f.grenoble)},
			"level": {"label:2"}, "reason": {"Hors de son ressort."}})
		wantStatus(t, "vice asks about a file the president chairs", r, http.StatusUnprocessableEntity)
	})
}

// TestReopeningPartiesComeFromThePolicy: an admin account that sits on the
// jury as a juror acts as a juror, as on every jury page: it is not the
// secretariat's party to a reopening (before, the account's admin role
// made it one). Nothing of the procedure opens before the seal.
func TestReopeningPartiesComeFromThePolicy(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newSealFixture(t, a)
		change := url.Values{"application": {itoa(f.grenoble)}, "level": {"label:2"}, "reason": {"Erreur de report."}}
		wantStatus(t, "before the seal", f.admin.post("/jury/2026/scellement/reouverture", change), http.StatusUnprocessableEntity)
		mustNotContain(t, f.admin.get("/jury/2026/scellement"), "Demander la modification")
		f.validateAndSeal(t)
		jurorAdmin := a.signedIn("jure-admin@example.org", domain.RoleAdmin)
		u, err := a.db.FindUserByEmail(ctx, "jure-admin@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: u.ID, Role: domain.JuryJuror}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		f.attest(t, u)
		says(t, jurorAdmin.get("/jury/2026/scellement"), "Conforme")
		mustNotContain(t, jurorAdmin.get("/jury/2026/scellement"), "Demander la modification")
		wantStatus(t, "a juror with an admin account asks", jurorAdmin.post("/jury/2026/scellement/reouverture", change),
			http.StatusForbidden)
		wantStatus(t, "the president asks", f.president.post("/jury/2026/scellement/reouverture", change), http.StatusSeeOther)
		wantStatus(t, "a juror with an admin account confirms", jurorAdmin.post("/jury/2026/scellement/reouverture/confirmer",
			url.Values{}), http.StatusForbidden)
		if seals, _ := a.db.Seals(ctx, 2026); len(seals) != 1 {
			t.Fatalf("%d seals", len(seals))
		}
		wantStatus(t, "the secretariat confirms", f.admin.post("/jury/2026/scellement/reouverture/confirmer", url.Values{}),
			http.StatusSeeOther)
		if seals, _ := a.db.Seals(ctx, 2026); len(seals) != 2 || seals[0].Digest == seals[1].Digest {
			t.Fatalf("seals: %+v", seals)
		}
	})
}
