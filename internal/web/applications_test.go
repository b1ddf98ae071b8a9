package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// appsSetClock puts the fake clock at t.
func appsSetClock(a *testApp, t time.Time) {
	a.clock.mu.Lock()
	defer a.clock.mu.Unlock()
	a.clock.t = t
}

// appsSave saves answers to an application through the store, each on
// top of its current version, as a member's form would.
func appsSave(t *testing.T, a *testApp, appID, userID int64, values map[string]string) {
	t.Helper()
	cur, err := a.db.Answers(ctx, appID)
	if err != nil {
		t.Fatal(err)
	}
	var saves []domain.AnswerSave
	for q, v := range values {
		saves = append(saves, domain.AnswerSave{ApplicationID: appID, Question: q, Value: v, BaseVersion: cur[q].Version, UserID: userID})
	}
	slices.SortFunc(saves, func(x, y domain.AnswerSave) int { return strings.Compare(x.Question, y.Question) })
	res, err := a.db.SaveAnswers(ctx, saves)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Conflict != nil {
			t.Fatalf("save %s: conflict", saves[i].Question)
		}
	}
}

// appsValues reads an application's current answers.
func appsValues(t *testing.T, a *testApp, appID int64) form.Answers {
	t.Helper()
	cur, err := a.db.Answers(ctx, appID)
	if err != nil {
		t.Fatal(err)
	}
	out := form.Answers{}
	for q, v := range cur {
		if v.Value != "" {
			out[q] = v.Value
		}
	}
	return out
}

// appsFillRequired answers every required question still missing with a
// plain valid value, until nothing is missing (an answer may reveal
// another required question).
func appsFillRequired(t *testing.T, a *testApp, app *domain.Application, userID int64) {
	t.Helper()
	def := appsDefault(t, app.Track)
	for range 5 {
		missing := form.Missing(def, appsValues(t, a, app.ID))
		if len(missing) == 0 {
			return
		}
		values := map[string]string{}
		for _, ref := range missing {
			q, _ := def.Question(ref.Question)
			values[q.ID] = appsSampleValue(q)
		}
		appsSave(t, a, app.ID, userID, values)
	}
	t.Fatal("required answers keep missing")
}

func appsSampleValue(q *form.Question) string {
	switch q.Type {
	case form.YesNo:
		return "yes"
	case form.Single:
		return q.Options[len(q.Options)-1].Value
	case form.Multiple:
		return `["` + q.Options[0].Value + `"]`
	case form.Integer:
		return "120"
	case form.Percentage:
		return "30"
	case form.URL:
		return "https://example.org/donnees"
	case form.Date:
		return "2026-03-12"
	case form.Software:
		return `["LibreOffice"]`
	}
	return "Réponse de test"
}

func appsDefault(t *testing.T, track string) *form.Questionnaire {
	t.Helper()
	def, err := form.Default(track)
	if err != nil {
		t.Fatal(err)
	}
	return def
}

func appsIDFrom(t *testing.T, location string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(location, "/candidatures/%d", &id); err != nil {
		t.Fatalf("not an application's address: %q", location)
	}
	return id
}

func TestStartApplication(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		list := f.elu.get("/candidatures")
		wantStatus(t, "list", list, http.StatusOK)
		says(t, list, "Mes candidatures", "Saint-Martin-d'Uriage", "Édition 2026",
			"sont ouvertes jusqu'au 10 novembre 2026 à 23 h 59",
			fmt.Sprintf(`href="/candidatures/%d"`, f.app.ID), `name="parcours" value="badge"`, "Commencer")
		mustNotContain(t, list, "Grenoble", "Partir de la candidature")

		start := url.Values{"organisme": {f.body.Key}, "parcours": {"badge"}, "reprendre": {""}}
		before := auditCount(t, a.db)
		wantStatus(t, "an outsider starts", f.outsider.post("/candidatures", start), http.StatusNotFound)
		if auditCount(t, a.db) != before {
			t.Fatal("a refused start wrote to the audit log")
		}
		r := f.contrib.post("/candidatures", start)
		wantStatus(t, "a member starts", r, http.StatusSeeOther)
		id := appsIDFrom(t, r.location())
		app, err := a.db.FindApplication(ctx, id)
		if err != nil || app.Track != "badge" || app.Year != 2026 || app.Body.ID != f.body.ID {
			t.Fatalf("started %+v, %v", app, err)
		}
		if e := lastAudit(t, a, "application.create"); e.ObjectID != itoa(id) || e.Actor.Label != "contrib@example.org" {
			t.Fatalf("audit: %+v", e)
		}
		says(t, f.contrib.get(r.location()), "Votre candidature est commencée")

		again := f.elu.post("/candidatures", start)
		wantStatus(t, "a second start", again, http.StatusConflict)
		says(t, again, "a déjà une candidature pour ce parcours", fmt.Sprintf(`href="/candidatures/%d"`, id))

		bad := f.elu.post("/candidatures", url.Values{"organisme": {f.body.Key}, "parcours": {"inconnu"}})
		wantStatus(t, "an unknown track", bad, http.StatusUnprocessableEntity)
		says(t, bad, "Ce parcours n'existe pas")
		says(t, f.elu.get("/candidatures"), "Questions répondues : 0 %", fmt.Sprintf(`href="/candidatures/%d"`, id))
	})
}

func TestApplicationsListExplainsTheCalendar(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		appsSetClock(a, time.Date(2026, 8, 20, 10, 0, 0, 0, time.UTC))
		r := f.outsider.get("/candidatures")
		says(t, r, "ouvriront le 1er septembre 2026", "Grenoble")
		mustNotContain(t, r, `action="/candidatures"`)
		wantStatus(t, "a start before the opening", f.outsider.post("/candidatures",
			url.Values{"organisme": {f.other.Key}, "parcours": {"label"}}), http.StatusForbidden)

		appsSetClock(a, time.Date(2026, 11, 10, 23, 0, 0, 0, time.UTC)) // midnight in Paris
		r = f.elu.get("/candidatures")
		says(t, r, "sont closes depuis le 10 novembre 2026 à 23 h 59", fmt.Sprintf(`href="/candidatures/%d"`, f.app.ID))
		mustNotContain(t, r, `action="/candidatures"`)

		nobody := a.signedIn("seul@example.org", domain.RoleApplicant)
		says(t, nobody.get("/candidatures"), "Vous n'agissez encore pour aucun organisme")
		if r := a.browser().get("/candidatures"); r.status != http.StatusSeeOther {
			t.Fatalf("anonymous: %d", r.status)
		}
	})
}

var appsMessageID = regexp.MustCompile(`(apps|overview|changes|submit|receipt|form\.header)\.[a-z_]+[a-z_.]*`)

// TestApplicationPagesInEnglish walks every page of this feature in
// English: a message id left untranslated would show as is.
func TestApplicationPagesInEnglish(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newAppFixture(t, a)
		member, _ := a.db.FindUserByEmail(ctx, "autre@example.org")
		last := appsLastYear(t, a, f.other, member.ID)
		r := f.outsider.post("/candidatures", url.Values{"organisme": {f.other.Key}, "parcours": {"label"}, "reprendre": {itoa(last.ID)}})
		id := appsIDFrom(t, r.location())
		appsFillRequired(t, a, f.app, userID(t, a, "elu@example.org"))
		wantStatus(t, "submit", f.elu.post(fmt.Sprintf("/candidatures/%d/soumettre", f.app.ID), url.Values{"confirmer": {"oui"}}), http.StatusSeeOther)
		f.outsider.headers["Accept-Language"] = "en"
		f.elu.headers["Accept-Language"] = "en"
		pages := map[*browser][]string{
			f.outsider: {"/candidatures", fmt.Sprintf("/candidatures/%d", id), fmt.Sprintf("/candidatures/%d/changements", id),
				fmt.Sprintf("/candidatures/%d/soumettre", id)},
			f.elu: {"/candidatures", fmt.Sprintf("/candidatures/%d", f.app.ID), fmt.Sprintf("/candidatures/%d/soumettre", f.app.ID),
				fmt.Sprintf("/candidatures/%d/recus/1", f.app.ID), fmt.Sprintf("/candidatures/%d/changements", f.app.ID)},
		}
		for b, paths := range pages {
			for _, p := range paths {
				r := b.get(p)
				wantStatus(t, p, r, http.StatusOK)
				mustContain(t, r, `<html lang="en">`)
				if id := appsMessageID.FindString(r.body); id != "" {
					t.Fatalf("%s shows the message id %q:\n%s", p, id, r.body)
				}
			}
		}
		says(t, f.elu.get(fmt.Sprintf("/candidatures/%d/recus/1", f.app.ID)), "1 October 2026 at 10:00:00 (Paris time)", "SHA-256 digest of the answers")
	})
}
