package web

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tnl/internal/domain"
	"tnl/internal/render"
	"tnl/internal/store"
)

// exportFixture adds to the application fixture answers of several types
// to Saint-Martin-d'Uriage's application, and a submitted application of
// the métropole.
func exportFixture(t *testing.T, a *testApp) *appFixture {
	t.Helper()
	f := newAppFixture(t, a)
	saves := []domain.AnswerSave{}
	for q, v := range map[string]string{
		"strategie_adoptee": "yes", "strategie_date": "2025-03-14", "strategie_portage": `["elu","informatique"]`,
		"bureautique": "libre_majoritaire", "postes_nombre": "1200", "postes_linux": "37.5",
		"logiciels_metier": `[["openMairie","État civil","12","yes"]]`, "plan_action": "=SOMME(A1)\nDeux lignes",
		"formation_agents": "no", "formation_nombre": "12", // hidden by its condition
	} {
		saves = append(saves, domain.AnswerSave{ApplicationID: f.app.ID, Question: q, Value: v, UserID: f.eluUser.UserID})
	}
	if _, err := a.db.SaveAnswers(ctx, saves); err != nil {
		t.Fatal(err)
	}
	_, _, metro := teamTestBodies(t, a)
	app, err := a.db.CreateApplication(ctx, 2026, "label", metro.ID, domain.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.SaveAnswers(ctx, []domain.AnswerSave{{ApplicationID: app.ID, Question: "strategie_adoptee", Value: "no"}}); err != nil {
		t.Fatal(err)
	}
	a.clock.add(90 * 60 * 1e9) // 9:30 UTC, 11:30 in Paris
	admin, _ := a.db.FindUserByEmail(ctx, "admin@example.org")
	_, err = a.db.Submit(ctx, app.ID, domain.Actor{ID: admin.ID, Label: admin.Email},
		func(map[string]string, int, domain.Submission) (*store.SubmitPlan, error) {
			return &store.SubmitPlan{Answers: []byte("{}"), Digest: "test"}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// readExport downloads an export and returns its rows as text.
func readExport(t *testing.T, b *browser, path string) (*response, [][]string) {
	t.Helper()
	r := b.get(path)
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d\n%s", path, r.status, r.body)
	}
	switch {
	case strings.Contains(path, ".csv"):
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return r, rows
	case strings.Contains(path, ".xlsx"):
		f, err := excelize.OpenReader(strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		return r, rows
	}
	sheets, err := render.ReadODS(bytes.NewReader([]byte(r.body)), int64(len(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	if len(sheets) != 1 {
		t.Fatalf("%s: %d sheets", path, len(sheets))
	}
	for _, rows := range sheets {
		return r, rows
	}
	return r, nil
}

// cell returns the cell of row under the header named h.
func cell(t *testing.T, rows [][]string, row int, h string) string {
	t.Helper()
	for j, name := range rows[0] {
		if name == h {
			if j < len(rows[row]) {
				return rows[row][j]
			}
			return ""
		}
	}
	t.Fatalf("no column %q in %q", h, rows[0])
	return ""
}

func TestExportsInEveryFormat(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := exportFixture(t, a)
		for _, ext := range []string{"csv", "xlsx", "ods"} {
			before := auditCount(t, a.db)
			r, rows := readExport(t, f.admin, "/admin/candidatures/export."+ext)
			if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="candidatures-2026-label.`+ext+`"` {
				t.Errorf("%s: Content-Disposition %q", ext, cd)
			}
			if auditCount(t, a.db) != before+1 {
				t.Errorf("%s: the export left no audit entry", ext)
			}
			last, _ := a.db.ListAudit(ctx, store.AuditFilter{Limit: 1})
			if e := last[0]; e.Action != "application.export" || e.Actor.Label != "admin@example.org" ||
				e.ObjectID != "2026/label" || !strings.Contains(e.After, `"format":"`+ext+`"`) {
				t.Errorf("%s: audit entry %+v", ext, e)
			}
			if len(rows) != 3 {
				t.Fatalf("%s: want a header and 2 applications, got %q", ext, rows)
			}
			head := rows[0]
			if len(head) != 12+42 || head[0] != "Organisme" || head[11] != "Version du questionnaire" ||
				!strings.HasPrefix(head[12], "Stratégie et mutualisation – Avez-vous adopté une stratégie") {
				t.Fatalf("%s: header %q", ext, head)
			}
			want := map[string]string{
				"Organisme": "Saint-Martin-d'Uriage", "Code INSEE": "38422", "Nature": "Commune", "Population": "", "Statut": a.srv.tr.T("fr", "followup.status.draft"),
				"Parcours": "Label", "Nombre de soumissions": "0", "Version du questionnaire": "1",
				"Stratégie et mutualisation – Date d'adoption":                                                           "14/03/2025",
				"Stratégie et mutualisation – Qui porte la démarche au sein de votre organisme\u00a0?":                   "Un élu ou une élue référente, Le service informatique",
				"Logiciels et systèmes libres – Quelle suite bureautique vos agents utilisent-ils principalement\u00a0?": "Une suite libre sur la plupart des postes",
				"Logiciels et systèmes libres – Nombre de postes de travail des agents":                                  "1200",
				"Logiciels et systèmes libres – Part des postes de travail sous GNU/Linux":                               "37.5",
				"Logiciels et systèmes libres – Logiciels métier libres":                                                 "openMairie | État civil | 12 | Oui",
				"Communication et écosystème – Nombre d'agents formés ou sensibilisés":                                   "",
			}
			for h, v := range want {
				if got := cell(t, rows, 1, h); got != v {
					t.Errorf("%s: %s = %q, want %q", ext, h, got, v)
				}
			}
			plan := cell(t, rows, 1, "Stratégie et mutualisation – Quel est votre plan d'action pour les années à venir\u00a0?")
			if !strings.HasSuffix(plan, "=SOMME(A1)\nDeux lignes") {
				t.Errorf("%s: long text %q", ext, plan)
			}
			for h, v := range map[string]string{"Organisme": "Grenoble-Alpes-Métropole", "Statut": a.srv.tr.T("fr", "followup.status.submitted"),
				"Nature": "Métropole", "Nombre de soumissions": "1", "Soumise le (heure de Paris)": "2026-10-01 11:30:00"} {
				if got := cell(t, rows, 2, h); got != v {
					t.Errorf("%s: second row %s = %q, want %q", ext, h, got, v)
				}
			}
		}
	})
}

func TestExportFiltersAndAccess(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := exportFixture(t, a)
		_, rows := readExport(t, f.admin, "/admin/candidatures/export.csv?statut=submitted")
		if len(rows) != 2 || rows[1][0] != "Grenoble-Alpes-Métropole" {
			t.Fatalf("status filter: %q", rows)
		}
		_, rows = readExport(t, f.admin, "/admin/candidatures/export.ods?annee=2026&parcours=label&nature=commune&departement=38")
		if len(rows) != 2 || rows[1][0] != "Saint-Martin-d'Uriage" {
			t.Fatalf("kind filter: %q", rows)
		}
		_, rows = readExport(t, f.admin, "/admin/candidatures/export.xlsx?parcours=badge")
		if len(rows) != 1 || len(rows[0]) != 12+10 {
			t.Fatalf("badge track: header only, with its own questions: %q", rows)
		}
		_, rows = readExport(t, f.admin, "/admin/candidatures/export.csv?population=1-3499")
		if len(rows) != 1 {
			t.Fatalf("population band (the bodies' population is unknown): %q", rows)
		}
		// As on the dashboard, a value that is not among the choices is
		// ignored.
		_, rows = readExport(t, f.admin, "/admin/candidatures/export.csv?statut=perdu&population=beaucoup")
		if len(rows) != 3 {
			t.Fatalf("unknown filter values: %q", rows)
		}
		for _, path := range []string{"/admin/candidatures/export.csv?annee=2031", "/admin/candidatures/export.csv?parcours=autre"} {
			wantStatus(t, path, f.admin.get(path), http.StatusNotFound)
		}
		for _, ext := range []string{"csv", "xlsx", "ods"} {
			for _, b := range []*browser{f.elu, f.outsider} {
				wantStatus(t, ext, b.get("/admin/candidatures/export."+ext), http.StatusForbidden)
			}
		}
		// CSV is compressed on the wire, at the export's own level.
		f.admin.headers["Accept-Encoding"] = "gzip"
		r := f.admin.get("/admin/candidatures/export.csv")
		zr, err := gzip.NewReader(strings.NewReader(r.body))
		if err != nil || r.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("compressed CSV: %v %v", err, r.header)
		}
		if raw, _ := io.ReadAll(zr); !strings.HasPrefix(string(raw), "\uFEFFOrganisme,") {
			t.Fatalf("compressed CSV: %.80q", raw)
		}
		delete(f.admin.headers, "Accept-Encoding")
		f.admin.headers["Accept-Language"] = "en"
		_, rows = readExport(t, f.admin, "/admin/candidatures/export.csv")
		if rows[0][0] != "Body" || cell(t, rows, 1, "Status") != a.srv.tr.T("en", "followup.status.draft") ||
			cell(t, rows, 1, "Free software and systems – Which office suite do your staff mainly use?") != "A free suite on most computers" {
			t.Fatalf("English export: %q", rows[:2])
		}
	})
}
