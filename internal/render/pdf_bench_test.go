package render

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"
)

// minutesLike is a document of the demo minutes' size and shape: the
// session's facts, a jury of four, six files each with its recusals,
// decision and tally, and a mention.
func minutesLike() *Document {
	d := &Document{Title: "Procès-verbal de délibération – édition 2024", Lang: "fr",
		Author: "Jury du label Territoire Numérique Libre", Footer: "Confidentiel – Procès-verbal 2024"}
	d.Blocks = append(d.Blocks,
		&Paragraph{Text: "Confidentiel : les décisions ne sont pas communiquées avant la proclamation des résultats."},
		&Heading{Level: 1, Text: "Séance"},
		&KeyValues{Pairs: []KeyValue{{"Édition", "Édition 2024"}, {"Quorum", "3 votants présents et non récusés"},
			{"Mode de scrutin", "Vote à main levée"}, {"Récusations", "5 récusations dans les points ci-dessous"}}},
		&Heading{Level: 1, Text: "Présences"},
		&Table{Caption: "Membres du jury et leur présence (4)", Header: []string{"Membre", "Rôle", "Présence"},
			Rows: [][]string{{"jure1@example.org", "Président du jury", "Présent"}, {"jure2@example.org", "Vice-président", "Présent"},
				{"jure3@example.org", "Juré", "Présent"}, {"jure4@example.org", "Juré", "Non relevée"}}},
		&Heading{Level: 1, Text: "Points délibérés"})
	for i, body := range []string{"Grenoble", "Échirolles", "Grenoble-Alpes-Métropole", "Voiron", "Albi", "Angoulême"} {
		d.Blocks = append(d.Blocks,
			&Heading{Level: 2, Text: fmt.Sprintf("Point %d – %s (dossier discuté)", i+1, body)},
			&Paragraph{Text: "Point décidé."},
			&Paragraph{Text: "Récusé(e)s, sorti(e)s de la salle : jure2@example.org, jure3@example.org."},
			&KeyValues{Pairs: []KeyValue{{"Niveau décidé", "Argent"}, {"Médiane des votes", "Argent"},
				{"Étendue des votes", "de Bronze à Or"}, {"Votants", "4 votants – quorum atteint"}, {"Mentions", "Aucune"}}},
			&Table{Caption: "Répartition des votes", Header: []string{"Niveau", "Voix"},
				Rows: [][]string{{"Bronze", "1"}, {"Argent", "2"}, {"Or", strconv.Itoa(i % 2)}}})
	}
	d.Blocks = append(d.Blocks, &Heading{Level: 2, Text: "Point 7 – Mention « Sobriété numérique » (mention spéciale)"},
		&Paragraph{Text: "Dossiers distingués :"}, &List{Items: []string{"Voiron"}},
		&Heading{Level: 1, Text: "Validation"},
		&Paragraph{Text: "Le procès-verbal n'a pas encore été validé par le président du jury."})
	return d
}

// BenchmarkPDF renders a document of the minutes' size with each engine,
// Chromium's browser already started (it starts once per server), and
// reports the file's size; "chromium-cold" starts and stops the browser
// around each render, as the first render after a start does.
//
//	go test -run '^$' -bench PDF -benchtime 20x ./internal/render/
func BenchmarkPDF(b *testing.B) {
	d := minutesLike()
	run := func(b *testing.B, render func(*bytes.Buffer) error) {
		var buf bytes.Buffer
		if err := render(&buf); err != nil { // the warm-up: Chromium starts here
			b.Fatal(err)
		}
		for b.Loop() {
			buf.Reset()
			if err := render(&buf); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(buf.Len()), "bytes/pdf")
	}
	b.Run("chromium", func(b *testing.B) {
		c := chromium(b)
		run(b, func(buf *bytes.Buffer) error { return c.Render(context.Background(), buf, d) })
	})
	b.Run("chromium-cold", func(b *testing.B) {
		path := chromium(b).path
		run(b, func(buf *bytes.Buffer) error {
			c := NewChromium(path)
			defer c.Close()
			return c.Render(context.Background(), buf, d)
		})
	})
	b.Run("fpdf", func(b *testing.B) {
		f := NewFallbackPDF()
		run(b, func(buf *bytes.Buffer) error { return f.Render(context.Background(), buf, d) })
	})
}
