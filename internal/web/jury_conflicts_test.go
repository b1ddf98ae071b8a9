package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// conflictsOf reads the register of 2026 for one juror.
func conflictsOf(t *testing.T, a *testApp, juror int64) []store.ConflictEntry {
	t.Helper()
	all, err := a.db.Conflicts(ctx, 2026, store.ConflictFilter{Juror: juror})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// TestConflictSuggestionsAndRegister follows jury.md §3 from juror1's
// affiliation to the secretariat's decisions: juror1, elected in
// Échirolles, is recused from Échirolles and from its métropole, not from
// Voiron; a dismissed suggestion is never suggested again.
func TestConflictSuggestionsAndRegister(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		ech, metro := f.apps["Échirolles"].ID, f.apps["Grenoble-Alpes-Métropole"].ID

		// The juror records their affiliation: by SIREN; a bad date and an
		// unknown body are refused with the input kept.
		r := f.juror1.post("/jury/affiliations", url.Values{"body": {"213801517"}, "role": {"elected"}, "starts": {"31/02/2020"}})
		wantStatus(t, "impossible date", r, http.StatusUnprocessableEntity)
		says(t, r, "JJ/MM/AAAA", `value="213801517"`)
		r = f.juror1.post("/jury/affiliations", url.Values{"body": {"Zzyzx-sur-Mer"}, "role": {"elected"}})
		wantStatus(t, "unknown body", r, http.StatusUnprocessableEntity)
		says(t, r, "Aucun organisme de l'annuaire ne correspond")
		r = f.juror1.post("/jury/affiliations", url.Values{"body": {"213801517"}, "role": {"elected"}, "starts": {"15/03/2020"}})
		wantStatus(t, "affiliation", r, http.StatusSeeOther)
		says(t, f.juror1.get("/jury/affiliations"), "Échirolles", "15 mars 2020", "Élu (maire, adjoint, conseiller)")
		wantStatus(t, "an applicant has no affiliations page", f.applicant.get("/jury/affiliations"), http.StatusNotFound)

		// Before the run, the register is empty; the run adds two.
		says(t, f.admin.get("/admin/jury/2026/conflits"), "Calculer les suggestions", "Aucun lien au registre")
		r = f.admin.post("/admin/jury/2026/conflits/suggestions", url.Values{})
		wantStatus(t, "suggestions", r, http.StatusSeeOther)
		if !strings.HasSuffix(r.location(), "?nouvelles=2") {
			t.Fatalf("suggestions: %s", r.location())
		}
		page := f.admin.get(r.location())
		says(t, page, "2 nouvelles suggestions", "jure1@example.org", "Élu d'Échirolles, qui présente la candidature.",
			"Élu d'Échirolles, commune membre de Grenoble-Alpes-Métropole")
		m, _ := a.db.EffectiveConflicts(ctx, 2026)
		if !m.Recused(f.juror1U.ID, ech) || !m.Recused(f.juror1U.ID, metro) || m.Recused(f.juror1U.ID, f.apps["Voiron"].ID) ||
			m.Recused(f.juror1U.ID, f.apps["Grenoble"].ID) || len(m) != 2 {
			t.Fatalf("effective conflicts: %v", m)
		}

		// The juror sees every applicant's name, their own recusals with
		// the reasons, and nothing of any file.
		r = f.juror1.get("/jury/2026/conflits")
		wantStatus(t, "juror page", r, http.StatusOK)
		for name := range f.apps {
			says(t, r, name)
		}
		says(t, r, "Échirolles <strong>(vous êtes récusé)</strong>", "Élu d'Échirolles, qui présente la candidature.")
		mustNotContain(t, r, "/candidatures/", "/dossiers/")
		mustNotContain(t, f.juror2.get("/jury/2026/conflits"), "Élu d&#39;Échirolles", "vous êtes récusé")

		// Dismissing needs a reason; a dismissed link is never suggested again.
		mine := conflictsOf(t, a, f.juror1U.ID)
		var metroConflict store.ConflictEntry
		for _, c := range mine {
			if c.Application == metro {
				metroConflict = c
			}
		}
		path := fmt.Sprintf("/admin/jury/2026/conflits/decision/%d", metroConflict.ID)
		r = f.admin.post(path, url.Values{"decision": {"dismiss"}, "reason": {" "}, "jure": {itoa(f.juror1U.ID)}})
		wantStatus(t, "dismissal without a reason", r, http.StatusUnprocessableEntity)
		says(t, r, "Indiquez pourquoi ce lien est écarté", fmt.Sprintf(`href="#reason-%d"`, metroConflict.ID))
		r = f.admin.post(path, url.Values{"decision": {"dismiss"}, "reason": {"Aucune délégation métropolitaine."}, "jure": {itoa(f.juror1U.ID)}})
		wantStatus(t, "dismissal", r, http.StatusSeeOther)
		if want := fmt.Sprintf("/admin/jury/2026/conflits?jure=%d#conflit-%d", f.juror1U.ID, metroConflict.ID); r.location() != want {
			t.Fatalf("back to %q, want %q", r.location(), want)
		}
		if facts, _ := a.db.FileFacts(ctx, 2026, f.juror1U.ID, metro); facts.Recused {
			t.Fatal("a dismissed recusal still counts")
		}
		r = f.admin.post("/admin/jury/2026/conflits/suggestions", url.Values{})
		if !strings.HasSuffix(r.location(), "?nouvelles=0") {
			t.Fatalf("second run: %s", r.location())
		}
		if c, _ := a.db.FindConflict(ctx, metroConflict.ID); c.Status != jury.ConflictDismissed {
			t.Fatalf("re-run changed a dismissal: %+v", c)
		}
		r = f.admin.get("/admin/jury/2026/conflits?statut=dismissed")
		says(t, r, "Aucune délégation métropolitaine.", "Grenoble-Alpes-Métropole", "secretariat@example.org")
		says(t, r, "1 lien affiché")
		mustNotContain(t, r, "Élu d&#39;Échirolles, qui présente")

		// The secretariat manages a member's affiliations, audited.
		says(t, f.admin.get(fmt.Sprintf("/admin/jury/2026/conflits/jures/%d", f.juror1U.ID)), "Affiliations de jure1@example.org", "Échirolles")
		wantStatus(t, "not a member", f.admin.get(fmt.Sprintf("/admin/jury/2026/conflits/jures/%d", f.applicantElu.ID)), http.StatusNotFound)
		wantStatus(t, "a juror on the register", f.juror1.get("/admin/jury/2026/conflits"), http.StatusForbidden)
	})
}

// TestConflictDeclarationsAndAttestation: jurors and applicants declare
// links, the attestation opens with its phase, strangers get 404.
func TestConflictDeclarationsAndAttestation(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		gre, smu := f.apps["Grenoble"].ID, f.apps["Saint-Martin-d'Uriage"].ID

		// Strangers and early observers see nothing.
		wantStatus(t, "applicant on the jury page", f.applicant.get("/jury/2026/conflits"), http.StatusNotFound)
		wantStatus(t, "observer before sealing", f.observer.get("/jury/2026/conflits"), http.StatusNotFound)
		wantStatus(t, "stranger declaring", f.applicant.post("/jury/2026/conflits", url.Values{
			"application": {itoa(gre)}, "type": {"personal"}, "severity": {"recuse"}}), http.StatusNotFound)

		// A juror declares a link.
		r := f.juror2.post("/jury/2026/conflits", url.Values{"application": {itoa(gre)}, "type": {"other"}, "severity": {"disclose"}})
		wantStatus(t, "other without a text", r, http.StatusUnprocessableEntity)
		says(t, r, "Décrivez le lien en quelques mots.")
		r = f.juror2.post("/jury/2026/conflits", url.Values{"application": {itoa(gre)}, "type": {"personal"},
			"severity": {"disclose"}, "text": {"Mon frère est agent de la DSI."}})
		wantStatus(t, "declaration", r, http.StatusSeeOther)
		own := conflictsOf(t, a, f.juror2U.ID)
		if len(own) != 1 || own[0].Source != jury.ConflictSourceJuror || own[0].Severity != jury.ConflictDisclose ||
			own[0].Application != gre {
			t.Fatalf("juror's declaration: %+v", own)
		}
		says(t, f.juror2.get("/jury/2026/conflits"), "Mon frère est agent de la DSI.", "Grenoble <em>(lien déclaré)</em>",
			"L'attestation s'ouvrira")

		// The applicant sees the jury (names, roles; never emails) and names a juror.
		path := fmt.Sprintf("/candidatures/%d/conflits", smu)
		r = f.applicant.get(path)
		wantStatus(t, "applicant page", r, http.StatusOK)
		says(t, r, "Juré", "Président du jury")
		mustNotContain(t, r, "jure3@example.org", "observateur@example.org")
		wantStatus(t, "naming the observer", f.applicant.post(path, url.Values{"juror": {itoa(f.observerU.ID)},
			"type": {"personal"}, "text": {"Cousin."}}), http.StatusUnprocessableEntity)
		r = f.applicant.post(path, url.Values{"juror": {itoa(f.juror3U.ID)}, "type": {"commercial"}, "text": {"Prestataire de notre DSI en 2025."}})
		wantStatus(t, "applicant declaration", r, http.StatusSeeOther)
		declared, _ := a.db.Conflicts(ctx, 2026, store.ConflictFilter{Application: smu})
		if len(declared) != 1 || declared[0].Source != jury.ConflictSourceApplicant || declared[0].Juror != f.juror3U.ID ||
			declared[0].Severity != jury.ConflictRecuse {
			t.Fatalf("applicant declaration: %+v", declared)
		}
		says(t, f.applicant.get(path), "Prestataire de notre DSI en 2025.")
		r = f.juror3.get("/jury/2026/conflits")
		says(t, r, "Saint-Martin-d'Uriage <strong>(vous êtes récusé)</strong>", "Déclaré par le candidat")
		mustNotContain(t, r, "Prestataire de notre DSI")
		wantStatus(t, "the secretariat goes to the register", f.admin.get("/jury/2026/conflits"), http.StatusSeeOther)
		wantStatus(t, "another body's member", f.juror2.get(path), http.StatusNotFound)

		// The attestation opens with its phase, needs the box, and is audited.
		wantStatus(t, "attesting too early", f.juror1.post("/jury/2026/conflits/attestation", url.Values{"attest": {"1"}}), http.StatusNotFound)
		f.toPhase(t, domain.PhaseAttestation)
		r = f.juror1.post("/jury/2026/conflits/attestation", url.Values{})
		wantStatus(t, "attestation unticked", r, http.StatusUnprocessableEntity)
		says(t, r, "Cochez la case")
		before := auditCount(t, a.db)
		wantStatus(t, "attestation", f.juror1.post("/jury/2026/conflits/attestation", url.Values{"attest": {"1"}}), http.StatusSeeOther)
		if auditCount(t, a.db) != before+1 {
			t.Fatal("the attestation is not audited once")
		}
		if m, _ := a.db.FindJuryMember(ctx, 2026, f.juror1U.ID); m.AttestedAt == nil {
			t.Fatal("attestation not recorded")
		}
		says(t, f.juror1.get("/jury/2026/conflits"), "Vous avez signé votre attestation le", `href="/jury/2026/dossiers"`)
		mustNotContain(t, f.juror2.get("/jury/2026/conflits"), `href="/jury/2026/dossiers"`)

		// Past the assignment, the applicant may no longer declare.
		f.toPhase(t, domain.PhaseReview)
		wantStatus(t, "late applicant declaration", f.applicant.post(path, url.Values{"juror": {itoa(f.juror1U.ID)},
			"type": {"personal"}, "text": {"Cousin."}}), http.StatusNotFound)
		says(t, f.applicant.get(path), "Les déclarations sont closes")
	})
}

// juryConflictsAdminFixtures gives the conflict routes of the secretariat
// an object each, for the audit walk of security_test.go.
func juryConflictsAdminFixtures(t *testing.T, a *testApp) map[string]adminPost {
	t.Helper()
	if _, err := a.db.FindEdition(ctx, 2026); err != nil {
		openTestEdition(t, a, 2026)
	}
	app := submittedTestFile(t, a, 2026, domain.Body{Key: "200000077", Name: "Commune des conflits", Kind: "commune",
		Departement: "01", SearchName: "commune des conflits"}, "conflits-candidat@example.org")
	juror := a.addUser("conflits-jure@example.org", domain.RoleApplicant)
	if err := a.db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: juror.ID, Role: domain.JuryJuror}, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	for e, _ := a.db.FindEdition(ctx, 2026); e.Phase.Before(domain.PhaseClosed); e, _ = a.db.FindEdition(ctx, 2026) {
		next, _ := e.Phase.Next()
		if err := a.db.SwitchPhase(ctx, 2026, next, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	id, err := a.db.DeclareConflict(ctx, store.ConflictDeclaration{Year: 2026, Juror: juror.ID, Application: app.ID,
		Type: jury.ConflictPersonal, Severity: jury.ConflictRecuse, Text: "Cousin.", Source: jury.ConflictSourceJuror}, domain.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	aff := &store.Affiliation{UserID: juror.ID, Organisation: "Libre Conseil", Role: jury.AffiliationConsultant}
	if err := a.db.AddAffiliation(ctx, aff, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	member := fmt.Sprintf("/admin/jury/2026/conflits/jures/%d", juror.ID)
	return map[string]adminPost{
		"/admin/jury/{year}/conflits/suggestions": {"/admin/jury/2026/conflits/suggestions", url.Values{}},
		"/admin/jury/{year}/conflits/decision/{id}": {fmt.Sprintf("/admin/jury/2026/conflits/decision/%d", id),
			url.Values{"decision": {"confirm"}}},
		"/admin/jury/{year}/conflits/jures/{user}":         {member, url.Values{"organisation": {"Association Y"}, "role": {"board"}}},
		"/admin/jury/{year}/conflits/jures/{user}/retirer": {member + "/retirer", url.Values{"id": {itoa(aff.ID)}}},
	}
}

func TestJuryConflictsAdminActionsAuditedOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		for pattern, o := range juryConflictsAdminFixtures(t, a) {
			before := auditCount(t, a.db)
			if r := admin.post(o.path, o.form); r.status != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", pattern, r.status, r.body)
			}
			if n := auditCount(t, a.db) - before; n != 1 {
				t.Errorf("%s left %d audit entries, want 1", pattern, n)
			}
		}
	})
}
