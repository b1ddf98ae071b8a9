package web

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// juryAudit returns the newest audit entries whose action starts with
// "jury.", for counting what one request wrote.
func juryAudit(t *testing.T, a *testApp) []domain.AuditEntry {
	t.Helper()
	entries, err := a.db.ListAudit(ctx, store.AuditFilter{Action: "jury.", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestAdminJuryIsForAdminsOnly(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		for who, b := range map[string]*browser{"president": f.president, "juror": f.juror1, "applicant": f.applicant} {
			wantStatus(t, who+" on the admin page", b.get("/admin/jury/2026"), http.StatusForbidden)
			wantStatus(t, who+" switching the phase", b.post("/admin/jury/2026/phase", url.Values{"to": {"attestation"}}),
				http.StatusForbidden)
		}
		wantStatus(t, "unknown edition", f.admin.get("/admin/jury/2019"), http.StatusNotFound)
		wantStatus(t, "not a member", f.admin.get("/admin/jury/2026/membres/"+itoa(f.applicantElu.ID)), http.StatusNotFound)
		r := f.admin.get("/admin/jury/2026")
		wantStatus(t, "admin", r, http.StatusOK)
		says(t, r, "Jury 2026", "Phase actuelle : Clôture et recevabilité.",
			"Passer à la phase suivante : Attestation des conflits d'intérêts",
			"Revenir à la phase précédente : Candidatures ouvertes",
			"7 membres du jury 2026", "presidente@example.org", "Président du jury", "Évaluateur externe",
			"pas encore", "sans objet", "Enregistrer les réglages", "Ajouter au jury")
		mustContain(t, r, `href="/admin/jury/2026/conflits"`, `href="/admin/jury/2026/exports"`)
		mustNotContain(t, r, `href="/admin/jury/2026/attributions"`, `href="/jury/2026/tableau"`)
		mustContain(t, f.admin.get("/admin/editions/2026"), `href="/admin/jury/2026"`)
		en := f.admin
		en.headers["Accept-Language"] = "en"
		says(t, en.get("/admin/jury/2026"), "Current phase: Closed, eligibility check.", "Jury president")
	})
}

func TestAdminJuryPhaseSwitch(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		// The link leads to a confirmation; nothing changes before the POST.
		r := f.admin.get("/admin/jury/2026?vers=attestation")
		says(t, r, "Passer à la phase « Attestation des conflits d'intérêts » ?",
			"Confirmer le passage à « Attestation des conflits d'intérêts »", `name="to" value="attestation"`)
		before := len(juryAudit(t, a))
		r = f.admin.post("/admin/jury/2026/phase", url.Values{"to": {"attestation"}})
		if r.status != http.StatusSeeOther || r.location() != "/admin/jury/2026#phase" {
			t.Fatalf("switch: %d → %q\n%s", r.status, r.location(), r.body)
		}
		entries := juryAudit(t, a)
		if len(entries) != before+1 || entries[0].Action != "jury.phase" || entries[0].Before != "closed" ||
			entries[0].After != "attestation" || entries[0].Actor.Label != "secretariat@example.org" {
			t.Fatalf("audit after a switch: %d entries (was %d), newest %+v", len(entries), before, entries[0])
		}
		says(t, f.admin.get("/admin/jury/2026"), "La phase du jury a changé", "Phase actuelle : Attestation des conflits d'intérêts.")

		// A skip (a forged form, or a page left open) is refused with the reason.
		before = len(entries)
		r = f.admin.post("/admin/jury/2026/phase", url.Values{"to": {"review"}})
		wantStatus(t, "skip", r, http.StatusConflict)
		says(t, r, "Impossible de passer de « Attestation des conflits d'intérêts » à « Évaluation individuelle » : "+
			"les phases se suivent une à une ; passez d'abord à « Répartition des dossiers ».")
		if e, _ := a.db.FindEdition(ctx, 2026); e.Phase != domain.PhaseAttestation || len(juryAudit(t, a)) != before {
			t.Fatalf("a refused switch changed something: phase %s", e.Phase)
		}
		r = f.admin.get("/admin/jury/2026?vers=deliberation")
		says(t, r, "les phases se suivent une à une")
		mustNotContain(t, r, `name="to"`)
		wantStatus(t, "unknown phase", f.admin.post("/admin/jury/2026/phase", url.Values{"to": {"bientot"}}),
			http.StatusUnprocessableEntity)

		// Back one phase, to undo a mistake.
		if r := f.admin.post("/admin/jury/2026/phase", url.Values{"to": {"closed"}}); r.status != http.StatusSeeOther {
			t.Fatalf("back: %d\n%s", r.status, r.body)
		}
		if e, _ := a.db.FindEdition(ctx, 2026); e.Phase != domain.PhaseClosed || len(juryAudit(t, a)) != before+1 {
			t.Fatalf("back: phase %s", e.Phase)
		}

		// Published: no going back, and the page says so without a button.
		f.toPhase(t, domain.PhasePublished)
		r = f.admin.get("/admin/jury/2026")
		says(t, r, "Passer à la phase suivante : Archivée")
		mustNotContain(t, r, "Revenir à la phase précédente")
		r = f.admin.post("/admin/jury/2026/phase", url.Values{"to": {"sealed"}})
		wantStatus(t, "unpublish", r, http.StatusConflict)
		says(t, r, "la publication ne peut pas être annulée")
		f.toPhase(t, domain.PhaseArchived)
		says(t, f.admin.get("/admin/jury/2026"), "Cette édition ne change plus de phase.")
		wantStatus(t, "archived", f.admin.post("/admin/jury/2026/phase", url.Values{"to": {"published"}}), http.StatusForbidden)
	})
}

func TestAdminJurySettings(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		severities := map[string]string{"territorial-hierarchy": "disclose"}
		if err := a.db.SaveJurySettings(ctx, 2026, domain.JurySettings{Severities: severities}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		r := f.admin.get("/admin/jury/2026")
		mustContain(t, r, `id="reviewers" name="reviewers" type="text" value="3"`, `value="technique, elu"`)

		bad := url.Values{"mode": {"k"}, "reviewers": {"trois"}, "quorum": {"200"}, "window_years": {"5"},
			"std_dev_threshold": {"1,5"}, "minutes_per_review": {"45"}, "mention_allotment": {"3"},
			"diversity_tags": {"technique, elu"}, "secret_ballot": {"1"}}
		before := len(juryAudit(t, a))
		r = f.admin.post("/admin/jury/2026/reglages", bad)
		wantStatus(t, "bad settings", r, http.StatusUnprocessableEntity)
		says(t, r, "Indiquez un nombre entier, sans espace ni unité.", "Le quorum est un nombre de jurés entre 1 et 100",
			`href="#reviewers"`, `href="#quorum"`)
		mustContain(t, r, `value="trois"`, `value="200"`, `value="1,5"`, `id="mode-k" name="mode" value="k" checked`,
			`id="secret_ballot" name="secret_ballot" type="checkbox" value="1" checked`)
		if len(juryAudit(t, a)) != before {
			t.Fatal("refused settings were saved")
		}

		good := url.Values{"mode": {"k"}, "reviewers": {"4"}, "quorum": {"5"}, "window_years": {"3"},
			"std_dev_threshold": {"1,5"}, "minutes_per_review": {"30"}, "mention_allotment": {"2"},
			"diversity_tags": {"Technique, elu, technique"}, "secret_ballot": {"1"}}
		r = f.admin.post("/admin/jury/2026/reglages", good)
		if r.status != http.StatusSeeOther || r.location() != "/admin/jury/2026#reglages" {
			t.Fatalf("save: %d %q\n%s", r.status, r.location(), r.body)
		}
		if n := len(juryAudit(t, a)); n != before+1 {
			t.Fatalf("settings saved with %d audit entries", n-before)
		}
		e, _ := a.db.FindEdition(ctx, 2026)
		got := e.Jury
		if got.Mode != domain.AssignK || got.Reviewers != 4 || got.Quorum != 5 || got.WindowYears != 3 ||
			got.StdDevThreshold != 1.5 || got.MinutesPerReview != 30 || got.MentionAllotment != 2 || !got.SecretBallot ||
			!slices.Equal(got.DiversityTags, []string{"technique", "elu"}) || got.Severities["territorial-hierarchy"] != "disclose" {
			t.Fatalf("settings: %+v", got)
		}
		mustContain(t, f.admin.get("/admin/jury/2026"), `value="1,5"`, `id="quorum" name="quorum" type="text" value="5"`)
	})
}

func TestAdminJuryMembers(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		// Someone without an account: the way forward, and the input kept.
		r := f.admin.post("/admin/jury/2026/membres", url.Values{"email": {"Inconnue@Example.org"}, "role": {"juror"},
			"tags": {"technique"}, "max_load": {"12"}})
		wantStatus(t, "unknown email", r, http.StatusUnprocessableEntity)
		says(t, r, "La personne doit d'abord créer son compte sur ce site")
		mustContain(t, r, `value="inconnue@example.org"`, `value="technique"`, `value="12"`, `href="#email"`)

		newcomer := a.addUser("nouvelle@example.org", domain.RoleApplicant)
		before := len(juryAudit(t, a))
		r = f.admin.post("/admin/jury/2026/membres", url.Values{"email": {"nouvelle@example.org"}, "role": {"assessor"},
			"tags": {"Technique, elu"}, "min_load": {"2"}, "max_load": {"12"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("add: %d\n%s", r.status, r.body)
		}
		m, err := a.db.FindJuryMember(ctx, 2026, newcomer.ID)
		if err != nil || m.Role != domain.JuryAssessor || !slices.Equal(m.Tags, []string{"technique", "elu"}) ||
			m.MinLoad != 2 || m.MaxLoad != 12 || len(juryAudit(t, a)) != before+1 {
			t.Fatalf("added member %+v, %v", m, err)
		}
		says(t, f.admin.get("/admin/jury/2026"), "Membre ajouté au jury.", "8 membres du jury 2026", "nouvelle@example.org")

		wantStatus(t, "already a member", f.admin.post("/admin/jury/2026/membres",
			url.Values{"email": {"nouvelle@example.org"}, "role": {"juror"}}), http.StatusUnprocessableEntity)
		r = f.admin.post("/admin/jury/2026/membres", url.Values{"email": {"pas-une-adresse"}, "role": {"secretariat"},
			"min_load": {"-1"}})
		wantStatus(t, "bad form", r, http.StatusUnprocessableEntity)
		says(t, r, "Choisissez un rôle dans la liste.", "Indiquez un nombre entier de dossiers")

		// A second president is refused with the store's words.
		second := a.addUser("deuxieme@example.org", domain.RoleApplicant)
		r = f.admin.post("/admin/jury/2026/membres", url.Values{"email": {"deuxieme@example.org"}, "role": {"president"}})
		wantStatus(t, "second president", r, http.StatusConflict)
		says(t, r, "Ce jury a déjà un président : changez d'abord son rôle.")
		if _, err := a.db.FindJuryMember(ctx, 2026, second.ID); !domain.IsNotFound(err) {
			t.Fatalf("the second president was added: %v", err)
		}
		at := "/admin/jury/2026/membres/" + itoa(newcomer.ID)
		wantStatus(t, "promote to president", f.admin.post(at, url.Values{"role": {"president"}}), http.StatusConflict)

		// Change a member: loads checked, then saved.
		r = f.admin.post(at, url.Values{"role": {"juror"}, "min_load": {"9"}, "max_load": {"3"}})
		wantStatus(t, "min above max", r, http.StatusUnprocessableEntity)
		says(t, r, "La charge minimale doit être inférieure ou égale à la charge maximale.")
		mustContain(t, r, `value="9"`, `value="3"`)
		if r := f.admin.post(at, url.Values{"role": {"juror"}, "tags": {"elu"}}); r.status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", r.status, r.body)
		}
		if m, _ := a.db.FindJuryMember(ctx, 2026, newcomer.ID); m.Role != domain.JuryJuror || m.MaxLoad != 0 ||
			!slices.Equal(m.Tags, []string{"elu"}) {
			t.Fatalf("updated member %+v", m)
		}

		// Remove: done, audited once, then gone.
		before = len(juryAudit(t, a))
		if r := f.admin.post(at+"/retirer", url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("remove: %d\n%s", r.status, r.body)
		}
		if _, err := a.db.FindJuryMember(ctx, 2026, newcomer.ID); !domain.IsNotFound(err) || len(juryAudit(t, a)) != before+1 {
			t.Fatalf("removed member still there: %v", err)
		}
		wantStatus(t, "removed member's page", f.admin.get(at), http.StatusNotFound)

		// Once a juror has written a review, removal is refused with the store's words.
		f.toPhase(t, domain.PhaseReview)
		if _, err := a.db.SaveReview(ctx, &domain.Review{ApplicationID: f.apps["Voiron"].ID, UserID: f.juror2U.ID,
			Stage: domain.ReviewPre}, 0, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		r = f.admin.post("/admin/jury/2026/membres/"+itoa(f.juror2U.ID)+"/retirer", url.Values{})
		wantStatus(t, "remove a reviewer", r, http.StatusConflict)
		says(t, r, "Ce juré a déjà rédigé des évaluations : il ne peut plus être retiré du jury.")
		if _, err := a.db.FindJuryMember(ctx, 2026, f.juror2U.ID); err != nil {
			t.Fatalf("a reviewer was removed: %v", err)
		}
	})
}

// juryAdminFixtures are the jury administration's admin POSTs for
// TestEveryAdminActionIsAudited, on an edition of their own (2031) so that
// switching its phase disturbs no other feature's fixtures.
func juryAdminFixtures(t *testing.T, a *testApp) map[string]adminPost {
	t.Helper()
	openTestEdition(t, a, 2031)
	a.addUser("jury-ajout@example.org", domain.RoleApplicant)
	var ids []string
	for _, email := range []string{"jury-modif@example.org", "jury-retrait@example.org"} {
		u := a.addUser(email, domain.RoleApplicant)
		if err := a.db.SaveJuryMember(ctx, domain.JuryMember{Year: 2031, UserID: u.ID, Role: domain.JuryJuror}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, itoa(u.ID))
	}
	at := "/admin/jury/2031/"
	return map[string]adminPost{
		"/admin/jury/{year}/phase": {at + "phase", url.Values{"to": {"open"}}},
		"/admin/jury/{year}/reglages": {at + "reglages", url.Values{"mode": {"full"}, "reviewers": {"3"},
			"diversity_tags": {"technique, elu"}}},
		"/admin/jury/{year}/membres":              {at + "membres", url.Values{"email": {"jury-ajout@example.org"}, "role": {"juror"}}},
		"/admin/jury/{year}/membres/{id}":         {at + "membres/" + ids[0], url.Values{"role": {"assessor"}}},
		"/admin/jury/{year}/membres/{id}/retirer": {at + "membres/" + ids[1] + "/retirer", url.Values{}},
	}
}

func TestJuryAdminActionsAuditedOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		fixtures := juryAdminFixtures(t, a)
		for _, pattern := range []string{"/admin/jury/{year}/phase", "/admin/jury/{year}/reglages", "/admin/jury/{year}/membres",
			"/admin/jury/{year}/membres/{id}", "/admin/jury/{year}/membres/{id}/retirer"} {
			o := fixtures[pattern]
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
