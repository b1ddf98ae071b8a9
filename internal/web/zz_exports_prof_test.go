package web

// TEMPORARY profiling harness (not to be committed).

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"tnl/internal/config"
	"tnl/internal/domain"
	"tnl/internal/store"
)

type discardRW struct {
	h http.Header
	n int64
}

func (d *discardRW) Header() http.Header         { return d.h }
func (d *discardRW) Write(b []byte) (int, error) { d.n += int64(len(b)); return len(b), nil }
func (d *discardRW) WriteHeader(int)             {}

func TestZZProfileExport(t *testing.T) {
	path := os.Getenv("TNL_PROF_DB")
	if path == "" {
		t.Skip()
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := New(Options{Config: config.Config{Addr: "x", BaseURL: "http://x", DatabaseURL: path}, DB: db,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.FindUserByEmail(context.Background(), "admin-bench@example.org")
	if err != nil {
		t.Fatal(err)
	}
	format := map[string]exportFormat{"csv": exportCSV, "xlsx": exportXLSX, "ods": exportODS}[os.Getenv("TNL_PROF_FORMAT")]
	mode := os.Getenv("TNL_PROF_MODE")
	start := time.Now()
	if mode == "json" {
		rows, err := store.RawSQL(db).QueryContext(context.Background(), `SELECT a.id, a.year, a.track, a.questionnaire_id, q.version, a.status, a.submissions,
	a.correction, a.created_at, a.updated_at, a.submitted_at,
	b.id, b.body_key, b.name, b.kind, b.departement, b.region, b.insee, b.siren, b.population, json_group_object(n.question, n.value) FROM applications a NOT INDEXED JOIN questionnaires q ON q.id = a.questionnaire_id JOIN bodies b ON b.id = a.body_id LEFT JOIN answers n ON n.application_id = a.id AND n.value <> '' WHERE a.year = 2026 GROUP BY a.id ORDER BY a.id`)
		if err != nil {
			t.Fatal(err)
		}
		n, size := 0, 0
		m := map[string]string{}
		for rows.Next() {
			var app domain.Application
			var sub sql.NullTime
			var js []byte
			b := &app.Body
			if err := rows.Scan(&app.ID, &app.Year, &app.Track, &app.QuestionnaireID, &app.Version, &app.Status, &app.Submissions,
				&app.Correction, &app.CreatedAt, &app.UpdatedAt, &sub,
				&b.ID, &b.Key, &b.Name, &b.Kind, &b.Departement, &b.Region, &b.INSEE, &b.SIREN, &b.Population, &js); err != nil {
				t.Fatal(err)
			}
			clear(m)
			if err := json.Unmarshal(js, &m); err != nil {
				t.Fatal(err)
			}
			n++
			size += len(js)
		}
		t.Logf("json: %d apps, %d bytes in %s (err %v)", n, size, time.Since(start), rows.Err())
		return
	}
	if mode == "query" {
		n := 0
		err := db.ExportApplications(context.Background(), store.ApplicationFilter{Year: 2026, Track: "label"}, func(*domain.Application, map[string]string) error { n++; return nil })
		t.Logf("query only: %d apps in %s (err %v)", n, time.Since(start), err)
		return
	}
	r := httptest.NewRequest("GET", "/admin/candidatures/export."+format.ext, nil)
	r = r.WithContext(context.WithValue(r.Context(), ctxUser, u))
	w := &discardRW{h: http.Header{}}
	s.exportApplications(format)(w, r)
	t.Logf("%s: %d bytes in %s", format.ext, w.n, time.Since(start))
}
