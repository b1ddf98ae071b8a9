package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tnl/internal/demo"
	"tnl/internal/domain"
	"tnl/internal/render"
	"tnl/internal/store/storetest"
)

// The minutes' PDF is read back with poppler's pdftotext (Debian package
// poppler-utils, which .ci/run installs), as its reader's viewer shows it.
// The server renders it with this machine's Chromium, or the fallback.

// pdfText is the text of a PDF answer, its lines and words joined by one
// space.
func pdfText(t *testing.T, r *response) string {
	t.Helper()
	if !strings.HasPrefix(r.body, "%PDF-") {
		t.Fatalf("not a PDF (%d, %s): %.200s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is needed to read PDFs back: install poppler-utils (.ci/run does)")
	}
	path := filepath.Join(t.TempDir(), "minutes.pdf")
	if err := os.WriteFile(path, []byte(r.body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// closePDFAtEnd stops the server's browser when the test ends (the test
// server closes without the shutdown that would stop it).
func closePDFAtEnd(t *testing.T, a *testApp) {
	t.Cleanup(func() { a.srv.pdf.r.Close() })
}

// between is the text from the first from to the next to after it.
func between(t *testing.T, text, from, to string) string {
	t.Helper()
	_, rest, ok := strings.Cut(text, from)
	if !ok {
		t.Fatalf("no %q in the PDF:\n%s", from, text)
	}
	part, _, ok := strings.Cut(rest, to)
	if !ok {
		t.Fatalf("no %q after %q in the PDF:\n%s", to, from, text)
	}
	return part
}

func pdfSays(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("the PDF lacks %q:\n%s", p, text)
		}
	}
}

func TestMinutesPDFForThePresident(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		closePDFAtEnd(t, a)
		f := newSealFixture(t, a)
		mustContain(t, f.president.get("/jury/2026/proces-verbal"), `href="/jury/2026/proces-verbal.pdf"`)
		r := f.president.get("/jury/2026/proces-verbal.pdf")
		wantStatus(t, "president", r, http.StatusOK)
		if r.header.Get("Content-Type") != "application/pdf" || r.header.Get("Cache-Control") != "no-store" ||
			!strings.Contains(r.header.Get("Content-Disposition"), `filename="proces-verbal-2026.pdf"`) {
			t.Fatalf("headers: %v", r.header)
		}
		text := pdfText(t, r)
		pdfSays(t, text, "Procès-verbal de délibération – édition 2026", "Confidentiel", "Édition test",
			"presidente@example.org", "Président du jury", "Présent", "Non relevée",
			"Le procès-verbal n'a pas encore été validé", "Mention « Sobriété numérique »",
			"Récusé(e)s, sorti(e)s de la salle : jure1@example.org.", "Répartition des votes")
		// Each file's item carries its decided level, its vote and, for
		// Voiron, the reason for a level above the median.
		pdfSays(t, between(t, text, "Point 1 – Grenoble", "Point 2"), "Niveau décidé Argent", "Médiane des votes Argent",
			"Votants 5 votants – quorum atteint")
		pdfSays(t, between(t, text, "Point 2 – Échirolles", "Point 3"), "Niveau décidé Or", "Mentions Sobriété numérique")
		pdfSays(t, between(t, text, "Point 3 – Voiron", "Point 4"), "Niveau décidé Or", "Médiane des votes Argent",
			"Mutualisation exemplaire sous-estimée par les évaluations.")
		pdfSays(t, between(t, text, "Point 4 – Mention « Sobriété numérique »", "Validation"), "Dossiers distingués :", "Échirolles")
		// In the reader's language.
		f.president.headers["Accept-Language"] = "en"
		en := f.president.get("/jury/2026/proces-verbal.pdf")
		pdfSays(t, pdfText(t, en), "Minutes of the deliberation – 2026 edition", "Level decided Argent")
		if !strings.Contains(en.body, "/Lang (en)") {
			t.Error("the English PDF does not say its language")
		}
		delete(f.president.headers, "Accept-Language")
		f.validateAndSeal(t)
		pdfSays(t, pdfText(t, f.president.get("/jury/2026/proces-verbal.pdf")), "Validé par presidente@example.org le")
	})
}

func TestMinutesPDFRedactedForARecusedJuror(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		closePDFAtEnd(t, a)
		f := newSealFixture(t, a)
		// Jurors read the minutes from sealing on: not during the deliberation.
		for who, b := range map[string]*browser{"juror1": f.juror1, "juror2": f.juror2, "applicant": f.applicant, "assessor": f.assessor} {
			wantStatus(t, who+" before sealing", b.get("/jury/2026/proces-verbal.pdf"), http.StatusNotFound)
		}
		f.validateAndSeal(t)
		r := f.juror1.get("/jury/2026/proces-verbal.pdf")
		wantStatus(t, "recused juror", r, http.StatusOK)
		text := pdfText(t, r)
		pdfSays(t, text, "Point 1 – Grenoble", "Point 3 – Voiron", "Mention « Sobriété numérique »", "Aucun dossier distingué.",
			"Validé par presidente@example.org le", "jure1@example.org")
		// The reserved item says that, and nothing of the file: not its
		// name, level, tally or mention.
		if got := strings.TrimSpace(between(t, text, "Point 2 –", "Point 3")); got != "point réservé (dossier discuté) Point réservé : vous étiez récusé(e)." {
			t.Errorf("the reserved item reads %q", got)
		}
		if strings.Contains(text, "Échirolles") || strings.Contains(text, "Dossiers distingués") {
			t.Errorf("the recused juror's PDF names the file:\n%s", text)
		}
		// Who was not recused reads the whole item.
		pdfSays(t, between(t, pdfText(t, f.juror2.get("/jury/2026/proces-verbal.pdf")), "Point 2 – Échirolles", "Point 3"),
			"Niveau décidé Or", "Récusé(e)s, sorti(e)s de la salle : jure1@example.org.")
		// Neither an applicant nor an external assessor reads them, ever.
		for who, b := range map[string]*browser{"applicant": f.applicant, "assessor": f.assessor} {
			wantStatus(t, who, b.get("/jury/2026/proces-verbal.pdf"), http.StatusNotFound)
		}
	})
}

// Before the deliberation even the president has no minutes to read.
func TestMinutesPDFBeforeTheDeliberation(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		closePDFAtEnd(t, a)
		f := newJuryFixture(t, a)
		wantStatus(t, "president", f.president.get("/jury/2026/proces-verbal.pdf"), http.StatusNotFound)
		wantStatus(t, "anonymous", a.browser().get("/jury/2026/proces-verbal.pdf"), http.StatusSeeOther)
	})
}

// The server names its PDF engine in the log once, at the first render.
func TestPDFEngineLoggedOnce(t *testing.T) {
	var logs bytes.Buffer
	p := newPDFService(render.NewFallbackPDF(), slog.New(slog.NewTextHandler(&logs, nil)))
	if logs.Len() != 0 {
		t.Fatalf("logged before any render: %s", logs.String())
	}
	doc := &render.Document{Title: "Reçu", Blocks: []render.Block{&render.Paragraph{Text: "Déposé."}}}
	for range 2 {
		pdf, err := p.render(httptest.NewRequest("GET", "/", nil), doc)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("render: %v", err)
		}
	}
	if n := strings.Count(logs.String(), `msg="pdf renderer" engine="fpdf`); n != 1 {
		t.Fatalf("the engine is logged %d times:\n%s", n, logs.String())
	}
}

// closeCounter is the fallback renderer, counting its closings.
type closeCounter struct {
	*render.FallbackPDF
	closed atomic.Int32
}

func (c *closeCounter) Close() error { c.closed.Add(1); return nil }

// The renderer (Chromium's browser) stops when the server that used it
// shuts down.
func TestPDFRendererClosedAtShutdown(t *testing.T) {
	r := &closeCounter{FallbackPDF: render.NewFallbackPDF()}
	p := newPDFService(r, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		pdf, err := p.render(req, &render.Document{Title: "Reçu"})
		if err != nil {
			t.Error(err)
		}
		sendPDF(w, pdf, "recu.pdf")
	}))
	defer ts.Close()
	for range 2 {
		res, err := http.Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if n := r.closed.Load(); n != 0 {
		t.Fatalf("closed %d times while serving", n)
	}
	if err := ts.Config.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	// Shutdown runs its hooks in goroutines of their own.
	for i := 0; i < 100 && r.closed.Load() == 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := r.closed.Load(); n != 1 {
		t.Fatalf("closed %d times at shutdown, want 1", n)
	}
}

// BenchmarkMinutesPDF renders the demo's minutes (its edition in the
// deliberation) with each engine, Chromium's browser already started, and
// reports the file's size.
//
//	go test -run '^$' -bench MinutesPDF -benchtime 20x ./internal/web/
func BenchmarkMinutesPDF(b *testing.B) {
	db := storetest.Open(b, "sqlite")
	if err := demo.Load(ctx, db, testPassword, time.Now()); err != nil {
		b.Fatal(err)
	}
	editions, err := db.Editions(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var e *domain.Edition
	for _, ed := range editions {
		if ed.Phase == domain.PhaseDeliberation {
			e = ed
		}
	}
	if e == nil {
		b.Fatal("the demo has no edition in the deliberation")
	}
	m, err := db.Minutes(ctx, e.Year)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := newTranslator()
	if err != nil {
		b.Fatal(err)
	}
	p := &juryMinutesPage{Edition: e, Minutes: m, Embargo: true,
		page: page{TitleText: tr.T("fr", "seal.minutes.title", "Year", e.Year)}}
	doc := minutesPDF{tr: tr, lang: "fr", p: p}.document("jure1@example.org", time.Now())
	engines := map[string]pdfRenderer{"fpdf": render.NewFallbackPDF()}
	if path := render.LookChromium(os.Getenv); path != "" {
		engines["chromium"] = render.NewChromium(path)
	}
	for name, r := range engines {
		b.Run(name, func(b *testing.B) {
			defer r.Close()
			var buf bytes.Buffer
			if err := r.Render(ctx, &buf, doc); err != nil { // Chromium starts here
				b.Fatal(err)
			}
			for b.Loop() {
				buf.Reset()
				if err := r.Render(ctx, &buf, doc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes/pdf")
		})
	}
}
