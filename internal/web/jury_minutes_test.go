package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// sealFixture is the jury fixture at the end of its deliberation: every
// member attested, juror1 recused from Échirolles (they are one of its
// elected officials), an agenda of three files and a mention, attendance
// taken, and a draft decision on each of the three files — Échirolles's
// with the mention, Voiron's a level above the vote's median.
type sealFixture struct {
	*juryFixture
	grenoble, echirolles, voiron int64
}

func newSealFixture(t *testing.T, a *testApp) *sealFixture {
	t.Helper()
	f := &sealFixture{juryFixture: newJuryFixture(t, a)}
	f.grenoble, f.echirolles, f.voiron = f.apps["Grenoble"].ID, f.apps["Échirolles"].ID, f.apps["Voiron"].ID
	f.toPhase(t, domain.PhaseAttestation)
	f.attest(t, f.presidentU, f.viceU, f.juror1U, f.juror2U, f.juror3U, f.assessorU)
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	f.exec(t, `INSERT INTO conflicts (year, user_id, application_id, type, source, status, severity, created_at)
		VALUES (2026, $1, $2, 'direct-body', 'admin', 'confirmed', 'recuse', $3)`, f.juror1U.ID, f.echirolles, now)
	f.toPhase(t, domain.PhaseDeliberation)
	f.exec(t, `INSERT INTO agenda_items (year, position, kind, application_id, status) VALUES
		(2026, 1, 'consent', $1, 'decided'), (2026, 2, 'discussion', $2, 'decided'), (2026, 3, 'discussion', $3, 'decided')`,
		f.grenoble, f.echirolles, f.voiron)
	f.exec(t, `INSERT INTO agenda_items (year, position, kind, mention, status) VALUES (2026, 4, 'mention', 'Sobriété numérique', 'decided')`)
	for _, u := range []*domain.User{f.presidentU, f.viceU, f.juror1U, f.juror2U, f.juror3U} {
		f.exec(t, `INSERT INTO attendance (year, user_id, present, updated_at) VALUES (2026, $1, TRUE, $2)`, u.ID, now)
	}
	voters := "[" + itoa(f.presidentU.ID) + "," + itoa(f.viceU.ID) + "," + itoa(f.juror2U.ID) + "," + itoa(f.juror3U.ID) + "]"
	f.decision(t, f.grenoble, 1, 1, `{"grades":{"1":4,"2":1},"voters":`+voters+`}`, "", "", now)
	f.decision(t, f.echirolles, 2, 2, `{"grades":{"2":3,"1":1},"voters":`+voters+`,"recused":[`+itoa(f.juror1U.ID)+`]}`,
		"", "Sobriété numérique", now)
	f.decision(t, f.voiron, 2, 1, `{"grades":{"1":3,"2":2},"voters":`+voters+`}`,
		"Mutualisation exemplaire sous-estimée par les évaluations.", "", now)
	return f
}

func (f *sealFixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := store.RawSQL(f.a.db).ExecContext(ctx, q, args...); err != nil {
		t.Fatal(err)
	}
}

func (f *sealFixture) decision(t *testing.T, app int64, level, median int, tally, reason, mentions string, at time.Time) {
	t.Helper()
	f.exec(t, `INSERT INTO decisions (application_id, year, level, median, tally, override_reason, mentions, status, decided_by, decided_at)
		VALUES ($1, 2026, $2, $3, $4, $5, $6, 'draft', $7, $8)`, app, level, median, tally, reason, mentions, f.presidentU.ID, at)
}

// validateAndSeal is the president's end of the meeting.
func (f *sealFixture) validateAndSeal(t *testing.T) {
	t.Helper()
	wantStatus(t, "validate the minutes", f.president.post("/jury/2026/proces-verbal/valider", url.Values{}), http.StatusSeeOther)
	wantStatus(t, "seal", f.president.post("/jury/2026/scellement", url.Values{}), http.StatusSeeOther)
}

func TestMinutesForThePresidentDuringTheDeliberation(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newSealFixture(t, a)
		r := f.president.get("/jury/2026/proces-verbal")
		wantStatus(t, "president", r, http.StatusOK)
		says(t, r, "Procès-verbal de délibération – édition 2026", "Point 1", "Grenoble", "Point 2", "Échirolles",
			"Voiron", "Mention « Sobriété numérique »", "Dossiers distingués", "jure1@example.org",
			"Mutualisation exemplaire sous-estimée par les évaluations.", "quorum atteint", "Répartition des votes",
			"Le procès-verbal n'a pas encore été validé", "Valider le procès-verbal", "Confidentiel")
		mustContain(t, r, `<th scope="row">presidente@example.org</th>`, `href="/jury/2026/proces-verbal.json"`)
		says(t, f.admin.get("/jury/2026/proces-verbal"), "Échirolles")
		mustNotContain(t, f.admin.get("/jury/2026/proces-verbal"), "Valider le procès-verbal")
		// Jurors read the minutes from sealing on; assessors, observers
		// before sealing and applicants never.
		for who, b := range map[string]*browser{"juror": f.juror2, "vice": f.vice, "observer": f.observer,
			"assessor": f.assessor, "applicant": f.applicant} {
			wantStatus(t, who, b.get("/jury/2026/proces-verbal"), http.StatusNotFound)
			wantStatus(t, who+" json", b.get("/jury/2026/proces-verbal.json"), http.StatusNotFound)
			wantStatus(t, who+" validates", b.post("/jury/2026/proces-verbal/valider", url.Values{}), http.StatusNotFound)
		}
		wantStatus(t, "admin validates", f.admin.post("/jury/2026/proces-verbal/valider", url.Values{}), http.StatusForbidden)
		r = f.president.post("/jury/2026/proces-verbal/valider", url.Values{})
		wantStatus(t, "validate", r, http.StatusSeeOther)
		r = f.president.get("/jury/2026/proces-verbal")
		says(t, r, "Procès-verbal validé.", "Validé par presidente@example.org le", "Valider de nouveau")
		if n := len(auditOf(t, a, "jury.minutes.validate")); n != 1 {
			t.Fatalf("%d validations audited", n)
		}
		j := f.president.get("/jury/2026/proces-verbal.json")
		wantStatus(t, "json", j, http.StatusOK)
		if !strings.HasPrefix(j.header.Get("Content-Type"), "application/json") || !strings.Contains(j.body, `"body":"Échirolles"`) ||
			!strings.Contains(j.body, `"override_reason":"Mutualisation exemplaire sous-estimée par les évaluations."`) {
			t.Fatalf("json: %s\n%s", j.header, j.body)
		}
	})
}

func auditOf(t *testing.T, a *testApp, action string) []domain.AuditEntry {
	t.Helper()
	entries, err := a.db.ListAudit(ctx, store.AuditFilter{Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestMinutesRedactItemsForARecusedJuror(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newSealFixture(t, a)
		f.validateAndSeal(t)
		r := f.juror1.get("/jury/2026/proces-verbal")
		wantStatus(t, "recused juror", r, http.StatusOK)
		says(t, r, "Point 2 – point réservé", "Point réservé : vous étiez récusé(e).", "Grenoble", "Voiron",
			"Mention « Sobriété numérique »", "Aucun dossier distingué.")
		mustNotContain(t, r, "Échirolles")
		j := f.juror1.get("/jury/2026/proces-verbal.json")
		wantStatus(t, "recused juror json", j, http.StatusOK)
		if strings.Contains(j.body, "Échirolles") || strings.Contains(j.body, `"application_id":`+itoa(f.echirolles)+`,`) ||
			!strings.Contains(j.body, `{"position":2,"kind":"discussion","status":"","redacted":true}`) {
			t.Fatalf("json for the recused juror:\n%s", j.body)
		}
		for who, b := range map[string]*browser{"juror2": f.juror2, "observer": f.observer, "vice": f.vice} {
			r := b.get("/jury/2026/proces-verbal")
			wantStatus(t, who, r, http.StatusOK)
			says(t, r, "Échirolles", "Récusé(e)s, sorti(e)s de la salle : jure1@example.org.")
			mustNotContain(t, r, "Point réservé", "Valider le procès-verbal")
		}
		for who, b := range map[string]*browser{"assessor": f.assessor, "applicant": f.applicant} {
			wantStatus(t, who, b.get("/jury/2026/proces-verbal"), http.StatusNotFound)
		}
	})
}
