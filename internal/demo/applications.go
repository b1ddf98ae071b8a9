package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
	"tnl/internal/store"
)

// The demo's applications show every state an application goes through:
// Saint-Martin-d'Uriage applied last year and now works on a half-filled
// draft started from it; Grenoble has submitted; Échirolles has submitted
// twice; Gières has just opened an empty badge application (opened by the
// secretariat, as it may do for a body that asked by telephone).
const (
	bodySMU        = "213804222"
	bodyGrenoble   = "213801855"
	bodyEchirolles = "213801517"
	bodyGieres     = "213801798"
)

var demoActor = domain.Actor{Label: "demo"}

// editionTracks are the tracks of the current edition and the last one:
// the Label in three levels and the Badge, with thresholds on the default
// questionnaires' scores (100 and 20 points).
func editionTracks() []domain.Track {
	return []domain.Track{
		{Key: "label", Name: "Label", Levels: []domain.Level{
			{Key: "bronze", Name: "Bronze", Threshold: 30}, {Key: "argent", Name: "Argent", Threshold: 55},
			{Key: "or", Name: "Or", Threshold: 80}}},
		{Key: "badge", Name: "Badge", Levels: []domain.Level{{Key: "badge", Name: "Badge", Threshold: 12}}},
	}
}

// loadEditions opens this year's edition (applications opened six weeks
// ago, the last day a month ahead, the ceremony three weeks later) and gives
// last year's edition a calendar, tracks and questionnaires, so that
// continuity can be shown.
func loadEditions(ctx context.Context, db *store.DB, now time.Time) error {
	p := now.In(domain.Paris)
	opens := time.Date(p.Year(), p.Month(), p.Day(), 9, 0, 0, 0, domain.Paris).AddDate(0, 0, -45)
	d := p.AddDate(0, 0, 30)
	closes := domain.ParisDeadline(d.Year(), d.Month(), d.Day())
	c := d.AddDate(0, 0, 21)
	ceremony := time.Date(c.Year(), c.Month(), c.Day(), 17, 0, 0, 0, domain.Paris)
	publish := ceremony.Add(time.Hour)
	jury := ceremony.AddDate(0, 0, -10)
	cur := &domain.Edition{Year: p.Year(), Title: fmt.Sprintf("Édition %d", p.Year()),
		OpensAt: &opens, ClosesAt: &closes, JuryAt: &jury, CeremonyAt: &ceremony, CeremonyPlace: "Paris", PublishAt: &publish,
		Rules:    "La candidature est gratuite et ouverte à toute collectivité territoriale ou groupement.\n\nLe questionnaire est validé par l'élu référent avant la date limite.",
		Mentions: []string{"Meilleure première candidature", "Mutualisation", "Sobriété numérique", "Promotion et sensibilisation"},
		Tracks:   editionTracks()}
	if err := db.SaveEdition(ctx, cur); err != nil {
		return err
	}
	if err := saveDefaults(ctx, db, cur.Year, nil); err != nil {
		return err
	}
	return loadLastEdition(ctx, db, cur)
}

// loadLastEdition completes last year's edition, which the palmarès may
// already hold, with a calendar a year earlier than this one.
func loadLastEdition(ctx context.Context, db *store.DB, cur *domain.Edition) error {
	last, err := db.FindEdition(ctx, cur.Year-1)
	if domain.IsNotFound(err) {
		last, err = &domain.Edition{Year: cur.Year - 1, Title: fmt.Sprintf("Édition %d", cur.Year-1)}, nil
	}
	if err != nil {
		return err
	}
	yearEarlier := func(t *time.Time) *time.Time { v := t.AddDate(-1, 0, 0); return &v }
	last.OpensAt, last.ClosesAt = yearEarlier(cur.OpensAt), yearEarlier(cur.ClosesAt)
	last.CeremonyAt, last.PublishAt = yearEarlier(cur.CeremonyAt), yearEarlier(cur.PublishAt)
	last.Mentions, last.Tracks = cur.Mentions, editionTracks()
	if err := db.SaveEdition(ctx, last); err != nil {
		return err
	}
	// Last year's form asked one question that is gone and lacked one that
	// is new, so that "start from last year" has something to leave out.
	return saveDefaults(ctx, db, last.Year, func(qn *form.Questionnaire) {
		for i := range qn.Sections {
			s := &qn.Sections[i]
			if s.ID != "logiciels" {
				continue
			}
			var kept []form.Question
			for _, q := range s.Questions {
				if q.ID != "sig_libre" {
					kept = append(kept, q)
				}
			}
			s.Questions = append(kept, form.Question{ID: "messagerie_libre", Type: form.YesNo,
				Label: form.Text{FR: "Votre messagerie est-elle un logiciel libre ?", EN: "Is your email software free software?"}})
		}
	})
}

// saveDefaults stores the default questionnaire of each track for year,
// changed by edit when given.
func saveDefaults(ctx context.Context, db *store.DB, year int, edit func(*form.Questionnaire)) error {
	for _, track := range form.DefaultTracks() {
		qn, err := form.Default(track)
		if err != nil {
			return err
		}
		if edit != nil && track == "label" {
			edit(qn)
		}
		raw, err := form.Encode(qn)
		if err != nil {
			return err
		}
		if _, err := db.SaveQuestionnaire(ctx, year, track, raw, demoActor); err != nil {
			return err
		}
	}
	return nil
}

// loadApplications writes the demo applications. Last year's is written
// with the store's clock set back into last year's application period.
func loadApplications(ctx context.Context, db *store.DB, now time.Time) error {
	year := now.In(domain.Paris).Year()
	realNow := db.Now
	db.Now = func() time.Time { return now.AddDate(-1, 0, -10) }
	_, err := fillApplication(ctx, db, year-1, "label", bodySMU, "candidat1@example.org", 0, 1.0, 1)
	db.Now = realNow
	if err != nil {
		return fmt.Errorf("last year's application: %w", err)
	}
	if _, err := fillApplication(ctx, db, year, "label", bodySMU, "candidat1@example.org", 1, 0.45, 0); err != nil {
		return err
	}
	if _, err := fillApplication(ctx, db, year, "label", bodyGrenoble, "candidat2@example.org", 2, 1.0, 1); err != nil {
		return err
	}
	if _, err := fillApplication(ctx, db, year, "label", bodyEchirolles, "candidat4@example.org", 3, 1.0, 2); err != nil {
		return err
	}
	_, err = fillApplication(ctx, db, year, "badge", bodyGieres, "admin@example.org", 0, 0, 0)
	return err
}

// fillApplication opens a body's application, answers the given share of
// its questions (in form order, so a half-filled one has its first sections
// done) and submits it `submissions` times.
func fillApplication(ctx context.Context, db *store.DB, year int, track, bodyKey, by string, variant int, share float64, submissions int) (*domain.Application, error) {
	b, err := db.FindBodyByKey(ctx, bodyKey)
	if err != nil {
		return nil, err
	}
	u, err := db.FindUserByEmail(ctx, by)
	if err != nil {
		return nil, err
	}
	actor := domain.Actor{ID: u.ID, Label: u.Email}
	app, err := db.CreateApplication(ctx, year, track, b.ID, actor)
	if err != nil {
		return nil, err
	}
	q, err := db.FindQuestionnaire(ctx, app.QuestionnaireID)
	if err != nil {
		return nil, err
	}
	var qn form.Questionnaire
	if err := json.Unmarshal(q.Definition, &qn); err != nil {
		return nil, err
	}
	if err := answerShare(ctx, db, app.ID, u.ID, &qn, variant, share); err != nil {
		return nil, err
	}
	for range submissions {
		if _, err := db.Submit(ctx, app.ID, actor, demoPlan(&qn)); err != nil {
			return nil, fmt.Errorf("submitting %s: %w", b.Name, err)
		}
	}
	return app, nil
}

func answerShare(ctx context.Context, db *store.DB, appID, userID int64, qn *form.Questionnaire, variant int, share float64) error {
	var all []*form.Question
	for i := range qn.Sections {
		for j := range qn.Sections[i].Questions {
			all = append(all, &qn.Sections[i].Questions[j])
		}
	}
	var saves []domain.AnswerSave
	for _, q := range all[:int(float64(len(all))*share)] {
		if v := demoValue(q, variant); v != "" {
			saves = append(saves, domain.AnswerSave{ApplicationID: appID, Question: q.ID, Value: v, UserID: userID})
		}
	}
	_, err := db.SaveAnswers(ctx, saves)
	return err
}

// demoPlan submits without receipts by mail: the demo has no recipients.
func demoPlan(qn *form.Questionnaire) func(map[string]string, int, domain.Submission) (*store.SubmitPlan, error) {
	return func(answers map[string]string, _ int, _ domain.Submission) (*store.SubmitPlan, error) {
		if missing := form.Missing(qn, answers); len(missing) > 0 {
			return nil, fmt.Errorf("demo answers miss %v", missing)
		}
		canonical, digest := form.Digest(answers)
		return &store.SubmitPlan{Answers: canonical, Digest: digest}, nil
	}
}

// demoValue is a plausible answer to q; variants differ so that bodies and
// years do not all answer alike. Files are left out (the demo has none).
func demoValue(q *form.Question, variant int) string {
	var v string
	switch q.Type {
	case form.YesNo:
		v = []string{"yes", "yes", "no", "yes"}[variant%4]
	case form.Single:
		v = q.Options[variant%len(q.Options)].Value
	case form.Multiple:
		v = jsonList(q.Options[0].Value, q.Options[(variant+1)%len(q.Options)].Value)
	case form.Integer:
		v = fmt.Sprint(12 + 7*variant)
	case form.Percentage:
		v = fmt.Sprint(35 + 10*variant)
	case form.ShortText:
		v = "Syndicat intercommunal du numérique"
	case form.LongText:
		v = []string{"Une feuille de route votée en conseil municipal fixe les priorités pour trois ans.",
			"Nous migrons les postes vers des logiciels libres au fil des renouvellements.",
			"Les agents sont formés chaque trimestre ; un référent répond à leurs questions.",
			"La démarche est suivie par un comité qui associe élus, agents et habitants."}[variant%4]
	case form.URL:
		v = "https://www.example.org/numerique-libre"
	case form.Date:
		v = fmt.Sprintf("%d-03-1%d", 2022+variant%3, variant%9)
	case form.Table:
		v = demoTable(q, variant)
	case form.Software:
		v = jsonList([]string{"LibreOffice", "Firefox", "Thunderbird", "QGIS"}[variant%4], "GIMP")
	}
	v, problem := form.Normalize(q, v)
	if problem != "" {
		return ""
	}
	return v
}

func demoTable(q *form.Question, variant int) string {
	names := [][]string{{"openMairie", "état civil"}, {"QGIS", "urbanisme"}, {"Nextcloud", "partage de fichiers"}}
	var rows [][]string
	for r := 0; r <= variant%3; r++ {
		var row []string
		for _, c := range q.Columns {
			switch c.Type {
			case form.Integer, form.Percentage:
				row = append(row, fmt.Sprint(5+r*3))
			case form.YesNo:
				row = append(row, "yes")
			default:
				row = append(row, names[r][len(row)%2])
			}
		}
		rows = append(rows, row)
	}
	b, _ := json.Marshal(rows)
	return string(b)
}

func jsonList(items ...string) string {
	b, _ := json.Marshal(items)
	return string(b)
}
