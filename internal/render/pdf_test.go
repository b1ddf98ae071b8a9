package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The PDFs are read back with poppler's pdftotext and pdfinfo (Debian
// package poppler-utils, which .ci/run installs): what a reader's viewer
// shows, not what the renderer meant to write.

// sampleDocument has every kind of block, French typography throughout,
// and a table of rows long enough to span pages.
func sampleDocument(rows int) *Document {
	d := &Document{
		Title:   "Procès-verbal « essai » – édition 2026",
		Lang:    "fr",
		Author:  "Jury du label Territoire Numérique Libre",
		Subject: "Délibération du jury — décisions",
		Footer:  "Procès-verbal 2026 – confidentiel",
		Blocks: []Block{
			&Heading{Level: 1, Text: "Séance du jury"},
			&Paragraph{Text: "L’équipe s’est réunie à Évian ; ça s’est bien passé.\nDeuxième ligne : œuvre, cœur, Œdipe."},
			&KeyValues{Pairs: []KeyValue{
				{Key: "Quorum", Value: "4 votants présents et non récusés"},
				{Key: "Mode de scrutin", Value: "Vote à main levée — décomptes conservés"},
			}},
			&Heading{Level: 2, Text: "Présences et rôles"},
			&List{Items: []string{"Présidente : Hélène Dupré", "Vice-président : François Müller", "Juré récusé : Noël Bérénice"}},
			&Heading{Level: 3, Text: "Détail à la française"},
			&Paragraph{Text: "Guillemets « comme ceci », tirets – et —, apostrophe ’ et points de suspension…"},
			&PageBreak{},
			&Heading{Level: 1, Text: "Répartition des votes"},
			longTable(rows),
			&Paragraph{Text: "Fin du procès-verbal."},
		},
	}
	return d
}

func longTable(rows int) *Table {
	t := &Table{Caption: "Votes par commune (" + strconv.Itoa(rows) + " lignes)",
		Header: []string{"Commune", "Niveau décidé", "Voix", "Observation"}}
	for i := 1; i <= rows; i++ {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("Écully n°%03d", i), "Argent", strconv.Itoa(i % 7),
			"Une observation assez longue pour passer à la ligne dans sa cellule : « mutualisation » et « sobriété »."})
	}
	return t
}

// wantInPDF are the strings both engines must give back exactly.
var wantInPDF = []string{
	"Procès-verbal « essai » – édition 2026",
	"Séance du jury",
	"L’équipe s’est réunie à Évian ; ça s’est bien passé.",
	"Deuxième ligne : œuvre, cœur, Œdipe.",
	"Quorum", "4 votants présents et non récusés",
	"Vote à main levée — décomptes conservés",
	"Présidente : Hélène Dupré", "François Müller",
	"Détail à la française",
	"Guillemets « comme ceci », tirets – et —, apostrophe ’ et points de suspension…",
	"Répartition des votes", "Votes par commune (120 lignes)",
	"Écully n°001", "Écully n°120", "Fin du procès-verbal.",
	"Procès-verbal 2026 – confidentiel",
}

// poppler runs a poppler tool on pdf and returns its output.
func poppler(t *testing.T, pdf []byte, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s is needed to read PDFs back: install poppler-utils (.ci/run does)", tool)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args = append(args, path)
	if tool == "pdftotext" {
		args = append(args, "-")
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
	return string(out)
}

// pdfInfo is pdfinfo's answer as fields.
func pdfInfo(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	info := map[string]string{}
	for _, line := range strings.Split(poppler(t, pdf, "pdfinfo"), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// pageText is the text of page n, laid out.
func pageText(t *testing.T, pdf []byte, n int) string {
	t.Helper()
	p := strconv.Itoa(n)
	return poppler(t, pdf, "pdftotext", "-layout", "-f", p, "-l", p)
}

// checkSample checks what a reader sees of the sample document.
func checkSample(t *testing.T, pdf []byte) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	text := poppler(t, pdf, "pdftotext", "-layout")
	// Without -layout, a cell's wrapped lines follow each other; joined
	// with one space (none after a hyphen that ended a line) they give
	// the cell's text back.
	flat := flatText(poppler(t, pdf, "pdftotext"))
	for _, s := range wantInPDF {
		if !strings.Contains(text, s) && !strings.Contains(flat, s) {
			t.Errorf("the PDF's text lacks %q", s)
		}
	}
	info := pdfInfo(t, pdf)
	if info["Title"] != "Procès-verbal « essai » – édition 2026" {
		t.Errorf("title %q", info["Title"])
	}
	pages, _ := strconv.Atoi(info["Pages"])
	if pages < 3 {
		t.Fatalf("%d pages: the 120-row table should span pages\n%v", pages, info)
	}
	if !strings.HasSuffix(info["Page size"], "(A4)") {
		t.Errorf("not A4: %q", info["Page size"])
	}
	// The page break: the table starts on page 2, not page 1.
	if first := pageText(t, pdf, 1); strings.Contains(first, "Répartition des votes") || !strings.Contains(first, "Détail à la française") {
		t.Errorf("page 1 should end before the page break:\n%s", first)
	}
	// The table spans pages: its first and last rows are pages apart, and
	// the header is repeated on the next page.
	firstRow, lastRow := pageOf(t, pdf, pages, "Écully n°001"), pageOf(t, pdf, pages, "Écully n°120")
	if firstRow != 2 || lastRow <= firstRow {
		t.Errorf("first row on page %d, last on page %d", firstRow, lastRow)
	}
	if next := pageText(t, pdf, firstRow+1); !regexp.MustCompile(`^\s*Commune\s+Niveau( décidé)?\s+Voix\s+Observation\n`).MatchString(next) {
		t.Errorf("the header is not repeated on page %d:\n%.600s", firstRow+1, next)
	}
	if last := pageText(t, pdf, pages); !regexp.MustCompile(`\b` + strconv.Itoa(pages) + ` ?/ ?` + strconv.Itoa(pages) + `\b`).MatchString(last) {
		t.Errorf("no page number on the last page:\n%s", last)
	}
}

// flatText joins a text's lines and words with one space, and a word cut
// at a hyphen at the end of a line with none.
func flatText(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "- ", "-")
}

// pageOf is the page whose text holds s; 0 when none does.
func pageOf(t *testing.T, pdf []byte, pages int, s string) int {
	t.Helper()
	for p := 1; p <= pages; p++ {
		n := strconv.Itoa(p)
		if strings.Contains(flatText(poppler(t, pdf, "pdftotext", "-f", n, "-l", n)), s) {
			return p
		}
	}
	return 0
}

func TestFallbackPDF(t *testing.T) {
	var buf bytes.Buffer
	if err := NewFallbackPDF().Render(context.Background(), &buf, sampleDocument(120)); err != nil {
		t.Fatal(err)
	}
	checkSample(t, buf.Bytes())
	info := pdfInfo(t, buf.Bytes())
	if info["Author"] != "Jury du label Territoire Numérique Libre" || info["Subject"] != "Délibération du jury — décisions" {
		t.Errorf("metadata: %v", info)
	}
	// The fallback's documented limit: an untagged PDF, with an outline.
	if info["Tagged"] != "no" {
		t.Errorf("the fallback says it writes untagged PDFs, pdfinfo says Tagged: %q", info["Tagged"])
	}
	if !bytes.Contains(buf.Bytes(), []byte("/Outlines")) || !bytes.Contains(buf.Bytes(), []byte("/Lang (fr)")) {
		t.Error("no outline or no language")
	}
}

// chromium returns a renderer over this machine's Chromium, closed at the
// end of the test; the test is skipped when there is none.
func chromium(t testing.TB) *Chromium {
	t.Helper()
	path := LookChromium(os.Getenv)
	if path == "" {
		t.Skip("no Chromium found (TNL_CHROMIUM, chromium, chromium-browser, google-chrome): the Chromium renderer is not tested here; CI has it")
	}
	c := NewChromium(path)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestChromiumPDF(t *testing.T) {
	c := chromium(t)
	var buf bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Render(ctx, &buf, sampleDocument(120)); err != nil {
		t.Fatal(err)
	}
	checkSample(t, buf.Bytes())
	info := pdfInfo(t, buf.Bytes())
	if info["Author"] != "Jury du label Territoire Numérique Libre" || info["Subject"] != "Délibération du jury — décisions" ||
		info["Creator"] != "tnl (Chromium)" {
		t.Errorf("metadata: %v", info)
	}
	if info["Tagged"] != "yes" || !bytes.Contains(buf.Bytes(), []byte("/StructTreeRoot")) {
		t.Errorf("not a tagged PDF: Tagged %q", info["Tagged"])
	}
	if !bytes.Contains(buf.Bytes(), []byte("/Outlines")) || !bytes.Contains(buf.Bytes(), []byte("/Lang (fr)")) {
		t.Error("no outline or no language")
	}
}

// The browser starts once and serves renders side by side; Close stops it
// and a later render starts a new one.
func TestChromiumReusesOneBrowser(t *testing.T) {
	c := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	small := &Document{Title: "Reçu n° 1", Blocks: []Block{&Paragraph{Text: "Déposé à 10 h 02."}}}
	if err := c.Render(ctx, &bytes.Buffer{}, small); err != nil {
		t.Fatal(err)
	}
	first := c.browser
	var wg sync.WaitGroup
	errs := make([]error, 4)
	outs := make([]bytes.Buffer, 4)
	for i := range errs {
		wg.Go(func() {
			d := &Document{Title: fmt.Sprintf("Reçu n° %d", i+2), Blocks: []Block{&Paragraph{Text: "Déposé."}}}
			errs[i] = c.Render(ctx, &outs[i], d)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		if title := pdfInfo(t, outs[i].Bytes())["Title"]; title != fmt.Sprintf("Reçu n° %d", i+2) {
			t.Errorf("render %d has the title %q: tabs mixed up", i, title)
		}
	}
	if c.browser != first {
		t.Error("a second browser was started")
	}
	c.Close()
	if c.browser != nil {
		t.Fatal("Close left the browser")
	}
	if err := c.Render(ctx, &bytes.Buffer{}, small); err != nil {
		t.Fatalf("render after Close: %v", err)
	}
}

// A render has a deadline: an expired one fails at once, whether the
// browser is starting or running, and the browser serves the next render.
func TestChromiumTimeout(t *testing.T) {
	c := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	expired := func() {
		t.Helper()
		done, stop := context.WithTimeout(ctx, time.Nanosecond)
		defer stop()
		<-done.Done()
		start := time.Now()
		err := c.Render(done, &bytes.Buffer{}, sampleDocument(5))
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
			t.Fatalf("expired render: %v after %s", err, time.Since(start))
		}
	}
	next := func() {
		t.Helper()
		var buf bytes.Buffer
		if err := c.Render(ctx, &buf, sampleDocument(5)); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatalf("next render: %v", err)
		}
	}
	expired() // while starting the browser
	next()
	running := c.browser
	expired() // in the running browser
	next()
	if c.browser != running {
		t.Error("a timed-out render restarted the browser")
	}
}

func TestLookChromium(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "mon-chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "TNL_CHROMIUM" {
				return v
			}
			return ""
		}
	}
	if got := LookChromium(env(fake)); got != fake {
		t.Errorf("TNL_CHROMIUM=%s: %q", fake, got)
	}
	if got := LookChromium(env("none")); got != "" {
		t.Errorf("TNL_CHROMIUM=none: %q", got)
	}
	if got := LookChromium(env(filepath.Join(dir, "absent"))); got != "" {
		t.Errorf("TNL_CHROMIUM names no program: %q", got)
	}
	t.Setenv("PATH", dir)
	if got := LookChromium(env("")); got != "" {
		t.Errorf("no chromium on PATH: %q", got)
	}
	if p := NewPDF(env("none")); !strings.HasPrefix(p.Engine(), "fpdf") {
		t.Errorf("without Chromium NewPDF chose %q", p.Engine())
	}
	if p := NewPDF(env(fake)); !strings.HasPrefix(p.Engine(), "chromium") {
		t.Errorf("with Chromium NewPDF chose %q", p.Engine())
	}
}

func TestCP1252Text(t *testing.T) {
	for in, want := range map[string]string{
		"« é è à ç œ Œ – — ’ … € »": "« é è à ç œ Œ – — ’ … € »",
		"Article\u202f: oui\u202f!": "Article\u00a0: oui\u00a0!",
		"Łódź, Erdős, ≥ 3, x → y":   "?ódz, Erdos, >= 3, x -> y",
		"emoji 🎉":                   "emoji ?",
	} {
		if got := cp1252Text(in); got != want {
			t.Errorf("cp1252Text(%q) = %q, want %q", in, got, want)
		}
	}
}
