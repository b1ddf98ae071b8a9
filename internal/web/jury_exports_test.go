package web

import (
	"net/http"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// juryExportFixture is the jury fixture in the review phase with a known
// register, assignments and reviews:
//
//   - conflicts: juror1 recused from Échirolles and the president from
//     Voiron (confirmed), juror2's link with Grenoble disclosed, juror3's
//     suggested link with Voiron dismissed with its reason;
//   - released assignments, two per file: Échirolles juror2 (R) + juror3,
//     Grenoble juror2 (R) + juror1, Grenoble-Alpes-Métropole juror3 (R) +
//     juror1, Saint-Martin-d'Uriage juror2 (R) + juror1, Voiron juror1 (R)
//   - juror2;
//   - reviews: Échirolles Argent + Argent; Grenoble juror1 abstains,
//     juror2 has a draft only; Saint-Martin-d'Uriage Argent (juror2) and Or
//     (juror1, with a note to the secretariat); Voiron Bronze (juror1) and
//     Or (juror2): a disagreement. The métropole has none.
func juryExportFixture(t *testing.T, a *testApp) *juryFixture {
	t.Helper()
	f := newJuryFixture(t, a)
	if err := a.db.SaveJurySettings(ctx, 2026, domain.JurySettings{Mode: domain.AssignK, Reviewers: 2}, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	f.exportConflict(t, f.juror1U, "Échirolles", jury.ConflictDirectBody, jury.ConflictRecuse, "confirm")
	f.exportConflict(t, f.presidentU, "Voiron", jury.ConflictPersonal, jury.ConflictRecuse, "confirm")
	f.exportConflict(t, f.juror2U, "Grenoble", jury.ConflictPoolingStructure, jury.ConflictDisclose, "confirm")
	f.exportConflict(t, f.juror3U, "Voiron", jury.ConflictOther, jury.ConflictRecuse, "dismiss")
	f.toPhase(t, domain.PhaseAttestation)
	f.attest(t, f.presidentU, f.viceU, f.juror1U, f.juror2U, f.juror3U)
	f.toPhase(t, domain.PhaseAssignment)
	var rows []domain.Assignment
	for body, pair := range map[string][2]*domain.User{
		"Échirolles": {f.juror2U, f.juror3U}, "Grenoble": {f.juror2U, f.juror1U},
		"Grenoble-Alpes-Métropole": {f.juror3U, f.juror1U}, "Saint-Martin-d'Uriage": {f.juror2U, f.juror1U},
		"Voiron": {f.juror1U, f.juror2U},
	} {
		rows = append(rows, domain.Assignment{ApplicationID: f.apps[body].ID, UserID: pair[0].ID, Rapporteur: true},
			domain.Assignment{ApplicationID: f.apps[body].ID, UserID: pair[1].ID})
	}
	if err := a.db.SaveAssignments(ctx, 2026, rows, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	if err := a.db.ReleaseAssignments(ctx, 2026, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	f.toPhase(t, domain.PhaseReview)
	argent, or := 1, 2
	f.exportReview(t, f.juror2U, "Échirolles", &domain.Review{Level: &argent}, true)
	f.exportReview(t, f.juror3U, "Échirolles", &domain.Review{Level: &argent}, true)
	f.exportReview(t, f.juror1U, "Grenoble", &domain.Review{AbstainReason: "J'ai conseillé la ville l'an dernier."}, true)
	f.exportReview(t, f.juror2U, "Grenoble", &domain.Review{Strengths: "Brouillon confidentiel"}, false)
	f.exportReview(t, f.juror2U, "Saint-Martin-d'Uriage", &domain.Review{Level: &argent}, true)
	f.exportReview(t, f.juror1U, "Saint-Martin-d'Uriage", &domain.Review{Level: &or,
		Criteria: map[string]domain.SectionReview{"strategie": {Values: map[string]int{"engagement": 3}, Level: &argent}},
		Mentions: []string{"Sobriété numérique"}, Strengths: "Une feuille de route votée.",
		Suggestions: "Publier les données.", JuryNote: "Dossier solide.", SecretariatNote: "Vérifier la délibération."}, true)
	bronze := 0
	f.exportReview(t, f.juror1U, "Voiron", &domain.Review{Level: &bronze}, true)
	f.exportReview(t, f.juror2U, "Voiron", &domain.Review{Level: &or}, true)
	return f
}

// exportConflict records a declared conflict, then the secretariat's
// decision on it.
func (f *juryFixture) exportConflict(t *testing.T, u *domain.User, body string, typ jury.ConflictType,
	sev jury.ConflictSeverity, decision string) {
	t.Helper()
	id, err := f.a.db.DeclareConflict(ctx, store.ConflictDeclaration{Year: 2026, Juror: u.ID, Application: f.apps[body].ID,
		Type: typ, Severity: sev, Source: jury.ConflictSourceJuror, Text: "Lien avec " + body}, domain.CLIActor)
	if err == nil {
		err = f.a.db.DecideConflict(ctx, id, decision == "confirm", "Décision sur "+body, domain.CLIActor)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// exportReview saves (and with submit, submits) u's first review of a file.
func (f *juryFixture) exportReview(t *testing.T, u *domain.User, body string, r *domain.Review, submit bool) {
	t.Helper()
	r.ApplicationID, r.UserID, r.Stage = f.apps[body].ID, u.ID, domain.ReviewPre
	save := f.a.db.SaveReview
	if submit {
		save = f.a.db.SubmitReview
	}
	if _, err := save(ctx, r, 0, domain.Actor{ID: u.ID, Label: u.Email}); err != nil {
		t.Fatalf("review of %s by %s: %v", body, u.Email, err)
	}
}

// column returns the values of a column, one per data row.
func column(t *testing.T, rows [][]string, h string) []string {
	t.Helper()
	var out []string
	for i := 1; i < len(rows); i++ {
		out = append(out, cell(t, rows, i, h))
	}
	return out
}

// rowOf finds the data row whose cells under the given headers hold the
// given values.
func rowOf(t *testing.T, rows [][]string, pairs ...string) int {
	t.Helper()
next:
	for i := 1; i < len(rows); i++ {
		for k := 0; k+1 < len(pairs); k += 2 {
			if cell(t, rows, i, pairs[k]) != pairs[k+1] {
				continue next
			}
		}
		return i
	}
	t.Fatalf("no row with %q in %q", pairs, rows)
	return 0
}

func TestJuryExportReviews(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := juryExportFixture(t, a)
		before := auditCount(t, a.db)
		r, rows := readExport(t, f.admin, "/admin/jury/2026/exports/evaluations.csv")
		if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="jury-2026-evaluations.csv"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		last, _ := a.db.ListAudit(ctx, store.AuditFilter{Limit: 1})
		if auditCount(t, a.db) != before+1 || last[0].Action != "jury.export" || last[0].ObjectID != "2026" ||
			!strings.Contains(last[0].After, `"export":"evaluations"`) {
			t.Errorf("audit: %+v", last[0])
		}
		head := rows[0]
		if want := []string{"Dossier n°", "Organisme", "Nature", "Parcours", "Juré", "Rôle dans le jury",
			"Lien déclaré avec le candidat", "Étape", "Statut", "Niveau proposé", "Abstention (motif)"}; strings.Join(head[:11], "|") != strings.Join(want, "|") {
			t.Errorf("header starts %q", head[:11])
		}
		if want := []string{"Note au secrétariat", "Version", "Modifiée le (heure de Paris)", "Soumise le (heure de Paris)"}; strings.Join(head[len(head)-4:], "|") != strings.Join(want, "|") {
			t.Errorf("header ends %q", head[len(head)-4:])
		}
		// One column per section of the label's questionnaire, the only
		// track with files: none for the badge's.
		if h := strings.Join(head, "|"); !strings.Contains(h, "Stratégie et mutualisation – Engagement et pilotage") ||
			strings.Contains(h, "Votre engagement") {
			t.Errorf("section columns: %s", h)
		}
		// Eight reviews, by body name, then juror.
		if got := strings.Join(column(t, rows, "Organisme"), "|"); got != "Échirolles|Échirolles|Grenoble|Grenoble|"+
			"Saint-Martin-d'Uriage|Saint-Martin-d'Uriage|Voiron|Voiron" {
			t.Fatalf("rows: %s", got)
		}
		smu := rowOf(t, rows, "Organisme", "Saint-Martin-d'Uriage", "Juré", "jure1@example.org")
		for h, want := range map[string]string{
			"Rôle dans le jury": "Juré", "Étape": "avant discussion", "Statut": "Soumise", "Niveau proposé": "Or",
			"Niveau proposé – Stratégie et mutualisation": "Argent", "Mentions proposées": "Sobriété numérique",
			"Points forts": "Une feuille de route votée.", "Note au jury": "Dossier solide.",
			"Note au secrétariat": "Vérifier la délibération.", "Version": "1", "Parcours": "Label", "Nature": "Commune",
		} {
			if got := cell(t, rows, smu, h); got != want {
				t.Errorf("Saint-Martin-d'Uriage by juror1, %s = %q, want %q", h, got, want)
			}
		}
		grenoble := rowOf(t, rows, "Organisme", "Grenoble", "Juré", "jure2@example.org")
		if cell(t, rows, grenoble, "Statut") != "Brouillon" || cell(t, rows, grenoble, "Lien déclaré avec le candidat") != "oui" ||
			strings.Contains(strings.Join(rows[grenoble], "|"), "Brouillon confidentiel") {
			t.Errorf("a draft shows its content, or the disclosed link is missing: %q", rows[grenoble])
		}
		abst := rowOf(t, rows, "Organisme", "Grenoble", "Juré", "jure1@example.org")
		if cell(t, rows, abst, "Abstention (motif)") != "J'ai conseillé la ville l'an dernier." || cell(t, rows, abst, "Niveau proposé") != "" {
			t.Errorf("abstention: %q", rows[abst])
		}

		// The president: not Voiron, which they are recused from, and no
		// note to the secretariat.
		_, rows = readExport(t, f.president, "/jury/2026/exports/evaluations.xlsx")
		if got := strings.Join(column(t, rows, "Organisme"), "|"); strings.Contains(got, "Voiron") || len(rows) != 7 {
			t.Errorf("president's rows: %s", got)
		}
		if strings.Contains(strings.Join(rows[0], "|"), "secrétariat") || strings.Contains(strings.Join(rows[1:][3], "|"), "Vérifier") {
			t.Errorf("the president sees the note to the secretariat: %q", rows[0])
		}
	})
}

func TestJuryExportAggregates(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := juryExportFixture(t, a)
		_, rows := readExport(t, f.admin, "/admin/jury/2026/exports/syntheses.csv")
		if len(rows) != 6 || strings.Contains(strings.Join(rows[0], "|"), "après discussion") {
			t.Fatalf("before discussion, one row per file and no post columns: %q", rows)
		}
		want := map[string][]string{ // reviews, abstentions, median, mean, min, max, sd, flag
			"Échirolles":               {"2", "0", "Argent", "2.00", "Argent", "Argent", "0.00", "non"},
			"Grenoble":                 {"0", "1", "", "", "", "", "", ""},
			"Grenoble-Alpes-Métropole": {"0", "0", "", "", "", "", "", ""},
			"Saint-Martin-d'Uriage":    {"2", "0", "Argent", "2.50", "Argent", "Or", "0.50", "oui"},
			"Voiron":                   {"2", "0", "Bronze", "2.00", "Bronze", "Or", "1.00", "oui"},
		}
		cols := []string{"Évaluations", "Abstentions", "Niveau médian", "Moyenne, niveaux numérotés à partir de 1",
			"Niveau le plus bas", "Niveau le plus haut", "Écart type", "Désaccord"}
		for body, values := range want {
			i := rowOf(t, rows, "Organisme", body)
			for k, h := range cols {
				if got := cell(t, rows, i, h+" (avant discussion)"); got != values[k] {
					t.Errorf("%s, %s = %q, want %q", body, h, got, values[k])
				}
			}
		}
		voiron := rowOf(t, rows, "Organisme", "Voiron")
		if got := cell(t, rows, voiron, "Raisons du désaccord (avant discussion)"); got !=
			"écart d'au moins deux niveaux ; jury partagé de part et d'autre d'une limite de niveau" {
			t.Errorf("Voiron's reasons: %q", got)
		}
		smu := rowOf(t, rows, "Organisme", "Saint-Martin-d'Uriage")
		if got := cell(t, rows, smu, "Niveau médian – Stratégie et mutualisation (avant discussion)"); got != "Argent" {
			t.Errorf("section median: %q", got)
		}

		// In discussion, juror2 revises Voiron down to Bronze: the post
		// columns show the agreement, the pre ones stay.
		f.toPhase(t, domain.PhaseDiscussion)
		pre, err := a.db.FindReview(ctx, f.apps["Voiron"].ID, f.juror2U.ID, domain.ReviewPre)
		if err != nil {
			t.Fatal(err)
		}
		bronze := 0
		revised := &domain.Review{ApplicationID: pre.ApplicationID, UserID: f.juror2U.ID, Stage: domain.ReviewPre, Level: &bronze}
		if _, err := a.db.SubmitReview(ctx, revised, pre.Version, domain.Actor{ID: f.juror2U.ID}); err != nil {
			t.Fatal(err)
		}
		_, rows = readExport(t, f.admin, "/admin/jury/2026/exports/syntheses.ods")
		voiron = rowOf(t, rows, "Organisme", "Voiron")
		for h, want := range map[string]string{
			"Niveau médian (avant discussion)": "Bronze", "Désaccord (avant discussion)": "oui",
			"Niveau médian (après discussion)": "Bronze", "Niveau le plus haut (après discussion)": "Bronze",
			"Désaccord (après discussion)": "non", "Évaluations (après discussion)": "2",
		} {
			if got := cell(t, rows, voiron, h); got != want {
				t.Errorf("Voiron, %s = %q, want %q", h, got, want)
			}
		}
		// Unrevised proposals stand after discussion.
		if got := cell(t, rows, rowOf(t, rows, "Organisme", "Échirolles"), "Niveau médian (après discussion)"); got != "Argent" {
			t.Errorf("Échirolles after discussion: %q", got)
		}
		// The president misses Voiron here too.
		_, rows = readExport(t, f.president, "/jury/2026/exports/syntheses.csv")
		if got := strings.Join(column(t, rows, "Organisme"), "|"); got != "Échirolles|Grenoble|Grenoble-Alpes-Métropole|Saint-Martin-d'Uriage" {
			t.Errorf("president's files: %s", got)
		}
	})
}

func TestJuryExportConflictsAndMatrix(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := juryExportFixture(t, a)
		_, rows := readExport(t, f.admin, "/admin/jury/2026/exports/conflits.csv")
		if len(rows) != 5 {
			t.Fatalf("register: %q", rows)
		}
		dismissed := rowOf(t, rows, "Juré", "jure3@example.org")
		for h, want := range map[string]string{"Organisme": "Voiron", "Statut": "Écarté", "Sévérité": "Récusation",
			"Motif": "Lien avec Voiron", "Décision du secrétariat": "Décision sur Voiron", "Origine": "Déclaré par le juré",
			"Type de lien": "Autre lien"} {
			if got := cell(t, rows, dismissed, h); got != want {
				t.Errorf("dismissed line, %s = %q, want %q", h, got, want)
			}
		}
		_, rows = readExport(t, f.president, "/jury/2026/exports/conflits.csv")
		if got := strings.Join(column(t, rows, "Organisme"), "|"); got != "Grenoble|Échirolles" && got != "Échirolles|Grenoble" {
			t.Errorf("president's register: %s", got)
		}

		for _, ext := range []string{"csv", "xlsx", "ods"} {
			_, rows = readExport(t, f.admin, "/admin/jury/2026/exports/attributions."+ext)
			want := []string{"Dossier n°", "Organisme", "Nature", "presidente@example.org (Président du jury)",
				"vice@example.org (Vice-président)", "jure1@example.org (Juré)", "jure2@example.org (Juré)",
				"jure3@example.org (Juré)", "expert@example.org (Évaluateur externe)", "Nombre d'évaluateurs", "Rapporteur"}
			if strings.Join(rows[0], "|") != strings.Join(want, "|") || len(rows) != 6 {
				t.Fatalf("%s matrix: %q", ext, rows)
			}
			ech := rowOf(t, rows, "Organisme", "Échirolles")
			for h, want := range map[string]string{"jure1@example.org (Juré)": "Récusé", "jure2@example.org (Juré)": "R",
				"jure3@example.org (Juré)": "X", "presidente@example.org (Président du jury)": "",
				"Nombre d'évaluateurs": "2", "Rapporteur": "jure2@example.org"} {
				if got := cell(t, rows, ech, h); got != want {
					t.Errorf("%s, Échirolles, %s = %q, want %q", ext, h, got, want)
				}
			}
			if got := cell(t, rows, rowOf(t, rows, "Organisme", "Voiron"), "presidente@example.org (Président du jury)"); got != "Récusé" {
				t.Errorf("%s: the president's recusal from Voiron: %q", ext, got)
			}
		}
		_, rows = readExport(t, f.president, "/jury/2026/exports/attributions.csv")
		if got := strings.Join(column(t, rows, "Organisme"), "|"); strings.Contains(got, "Voiron") || len(rows) != 5 {
			t.Errorf("president's matrix: %s", got)
		}
	})
}

// TestJuryExportsAccess: the exports are the secretariat's and, once the
// policy allows it, the president's; nothing opens before its phase.
func TestJuryExportsAccess(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		f.toPhase(t, domain.PhaseAssignment)
		// Before the review phase: the president downloads nothing and is
		// told when the exports open; the secretariat has the register and
		// the matrix, not the reviews.
		wantStatus(t, "president before review", f.president.get("/jury/2026/exports/conflits.csv"), http.StatusNotFound)
		page := f.president.get("/jury/2026/exports")
		wantStatus(t, "president's page before review", page, http.StatusOK)
		says(t, page, "Aucun export n'est encore disponible", "Disponible à partir de la phase « Évaluation individuelle »")
		mustNotContain(t, page, `href="/jury/2026/exports/`, `href="/admin/jury/2026/exports/`)
		wantStatus(t, "reviews before review", f.admin.get("/admin/jury/2026/exports/evaluations.csv"), http.StatusNotFound)
		wantStatus(t, "aggregates before review", f.admin.get("/admin/jury/2026/exports/syntheses.xlsx"), http.StatusNotFound)
		readExport(t, f.admin, "/admin/jury/2026/exports/conflits.csv")
		page = f.admin.get("/admin/jury/2026/exports")
		wantStatus(t, "admin page", page, http.StatusOK)
		says(t, page, `href="/admin/jury/2026/exports/conflits.ods"`, `href="/admin/jury/2026/exports/attributions.xlsx"`,
			"Disponible à partir de la phase « Évaluation individuelle »")
		mustNotContain(t, page, `href="/admin/jury/2026/exports/evaluations.csv"`)

		// In the review phase, a president who has not attested has nothing
		// either; once attested, every export.
		f.toPhase(t, domain.PhaseReview)
		wantStatus(t, "president not attested", f.president.get("/jury/2026/exports/evaluations.csv"), http.StatusNotFound)
		f.attest(t, f.presidentU)
		page = f.president.get("/jury/2026/exports")
		wantStatus(t, "president's page", page, http.StatusOK)
		says(t, page, `href="/jury/2026/exports/evaluations.csv"`, `href="/jury/2026/exports/syntheses.ods"`,
			"ne figurent dans aucun export")
		readExport(t, f.president, "/jury/2026/exports/evaluations.csv")
		// Other members never export; nor does anyone outside the jury, nor
		// a file name that is not an export.
		for name, b := range map[string]*browser{"vice": f.vice, "juror": f.juror1, "assessor": f.assessor,
			"observer": f.observer, "applicant": f.applicant} {
			for _, p := range []string{"/jury/2026/exports", "/jury/2026/exports/evaluations.csv", "/jury/2026/exports/attributions.ods"} {
				wantStatus(t, name+" "+p, b.get(p), http.StatusNotFound)
			}
		}
		wantStatus(t, "juror on the admin URL", f.juror1.get("/admin/jury/2026/exports/evaluations.csv"), http.StatusForbidden)
		for _, p := range []string{"evaluations.pdf", "inconnu.csv", "evaluations", "evaluations.csv.gz"} {
			wantStatus(t, "file "+p, f.admin.get("/admin/jury/2026/exports/"+p), http.StatusNotFound)
		}

	})
}
