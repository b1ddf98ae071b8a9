package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"tnl/internal/form"
)

// benchQuestionnaire is the default Label questionnaire (42 questions)
// with a last section of copies of its questions of every type, up to n
// questions, so that each application holds the ~60 answers the issue
// asks the export to carry.
func benchQuestionnaire(n int) (*form.Questionnaire, error) {
	qn, err := form.Default("label")
	if err != nil {
		return nil, err
	}
	var models []form.Question
	seen := map[form.Type]bool{}
	count := 0
	for _, s := range qn.Sections {
		for _, q := range s.Questions {
			count++
			if !seen[q.Type] && q.ShowIf == nil {
				seen[q.Type] = true
				models = append(models, q)
			}
		}
	}
	extra := form.Section{ID: "complements", Title: form.Text{FR: "Compléments", EN: "Further details"}}
	for i := 0; count < n; i++ {
		q := models[i%len(models)]
		q.ID = fmt.Sprintf("complement_%d", i+1)
		q.Label = form.Text{FR: fmt.Sprintf("%s (complément %d)", q.Label.FR, i+1), EN: q.Label.EN}
		q.Required = false
		extra.Questions = append(extra.Questions, q)
		count++
	}
	if len(extra.Questions) > 0 {
		qn.Sections = append(qn.Sections, extra)
	}
	return qn, nil
}

// words feed the synthetic texts: what applicants write about, so that the
// texts compress and escape like real ones (accents, apostrophes).
var words = strings.Fields(`la commune a migré ses postes vers LibreOffice et forme les agents
	chaque trimestre ; le syndicat mutualise l'hébergement des logiciels métier et publie les données
	ouvertes sur le portail régional. Les élus ont adopté une délibération en faveur du logiciel libre,
	de la sobriété numérique et de l'accessibilité des démarches en ligne. Nous travaillons avec
	l'association locale, les écoles et la médiathèque pour sensibiliser les habitants à l'usage
	d'outils libres, à la réparation des ordinateurs et à la protection des données personnelles.`)

var software = []string{"LibreOffice", "Firefox", "Thunderbird", "QGIS", "Lizmap", "openMairie", "Nextcloud",
	"GLPI", "Moodle", "Linux Mint", "Debian", "Ubuntu", "Collabora Online", "i-Parapheur", "Pastell",
	"Maarch Courrier", "Jitsi", "BigBlueButton", "Mattermost", "Keepass", "VLC", "GIMP", "Inkscape"}

// sentence writes n words of text.
func sentence(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// answer is a canonical value of q for a synthetic application, of
// realistic size: long texts of 30 to 200 words, tables of 1 to 5 rows,
// lists of 2 to 8 entries. Questions that show others are mostly answered
// "yes", so that most answers are shown, as in real applications.
func answer(r *rand.Rand, q *form.Question, appKey string) string {
	switch q.Type {
	case form.YesNo:
		if r.IntN(10) < 8 {
			return "yes"
		}
		return "no"
	case form.Single:
		return q.Options[r.IntN(len(q.Options))].Value
	case form.Multiple:
		var picked []string
		for _, o := range q.Options {
			if r.IntN(2) == 0 {
				picked = append(picked, o.Value)
			}
		}
		if len(picked) == 0 {
			picked = []string{q.Options[0].Value}
		}
		return jsonString(picked)
	case form.Integer:
		lo, hi := 0, 5000
		if q.Min != nil {
			lo = int(*q.Min)
		}
		if q.Max != nil {
			hi = int(*q.Max)
		}
		return strconv.Itoa(lo + r.IntN(hi-lo+1))
	case form.Percentage:
		return strconv.FormatFloat(float64(r.IntN(1001))/10, 'f', -1, 64)
	case form.ShortText:
		return sentence(r, 3+r.IntN(6))
	case form.LongText:
		return sentence(r, 30+r.IntN(171))
	case form.URL:
		return "https://www.example.org/" + appKey + "/numerique-libre"
	case form.Date:
		return fmt.Sprintf("2025-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
	case form.File:
		return jsonString([]form.FileRef{{ID: int64(1 + r.IntN(1e6)), Name: "deliberation-" + appKey + ".pdf"}})
	case form.Software:
		return jsonString(pick(r, software, 2+r.IntN(7)))
	case form.Table:
		return table(r, q)
	}
	return ""
}

func pick(r *rand.Rand, from []string, n int) []string {
	idx := r.Perm(len(from))[:min(n, len(from))]
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}

func table(r *rand.Rand, q *form.Question) string {
	rows := make([][]string, 1+r.IntN(5))
	for i := range rows {
		row := make([]string, len(q.Columns))
		for j, c := range q.Columns {
			switch c.Type {
			case form.Integer:
				row[j] = strconv.Itoa(r.IntN(300))
			case form.YesNo:
				row[j] = []string{"yes", "no"}[r.IntN(2)]
			default:
				row[j] = software[r.IntN(len(software))]
			}
		}
		rows[i] = row
	}
	return jsonString(rows)
}
