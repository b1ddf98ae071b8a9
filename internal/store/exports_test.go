package store_test

import (
	"errors"
	"maps"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// exported collects what ExportApplications hands out, copying the answers
// since the map is reused.
type exported struct {
	app     *domain.Application
	answers map[string]string
}

func exportAll(t *testing.T, db *store.DB, f store.ApplicationFilter) []exported {
	t.Helper()
	var out []exported
	err := db.ExportApplications(ctx, f, func(app *domain.Application, answers map[string]string) error {
		out = append(out, exported{app, maps.Clone(answers)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExportApplicationsStreamsAnswersByApplication(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		commune, epci := someBodies(t, db)
		alice := newUser(t, db, "alice@example.org", domain.RoleApplicant)
		first, err := db.CreateApplication(ctx, 2026, "label", commune.ID, actorOf(alice))
		if err != nil {
			t.Fatal(err)
		}
		empty, err := db.CreateApplication(ctx, 2026, "label", epci.ID, actorOf(alice))
		if err != nil {
			t.Fatal(err)
		}
		save(t, db, first.ID, alice, "b", "deux", 0)
		save(t, db, first.ID, alice, "a", "un", 0)
		save(t, db, first.ID, alice, "c", "", 0) // an emptied answer is not exported

		got := exportAll(t, db, store.ApplicationFilter{Year: 2026, Track: "label"})
		if len(got) != 2 || got[0].app.ID != first.ID || got[1].app.ID != empty.ID {
			t.Fatalf("applications in id order, each once: %+v", got)
		}
		a := got[0]
		if a.app.Body.Name != "Saint-Martin-d'Uriage" || a.app.Body.INSEE != "38422" || a.app.Version != 1 ||
			a.app.Status != domain.ApplicationDraft || a.app.Answered != 2 || a.app.SubmittedAt != nil {
			t.Fatalf("first application: %+v", a.app)
		}
		if !maps.Equal(a.answers, map[string]string{"a": "un", "b": "deux"}) {
			t.Fatalf("answers: %v", a.answers)
		}
		if len(got[1].answers) != 0 || got[1].app.Body.Kind != "metropole" {
			t.Fatalf("an application without answers is exported too: %+v", got[1])
		}

		only := exportAll(t, db, store.ApplicationFilter{Year: 2026, Kind: "metropole"})
		if len(only) != 1 || only[0].app.ID != empty.ID {
			t.Fatalf("filter by kind: %+v", only)
		}
		if none := exportAll(t, db, store.ApplicationFilter{Year: 2026, Status: domain.ApplicationSubmitted}); len(none) != 0 {
			t.Fatalf("filter by status: %+v", none)
		}
	})
}

func TestExportApplicationsStopsOnError(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		commune, epci := someBodies(t, db)
		alice := newUser(t, db, "alice@example.org", domain.RoleApplicant)
		for _, b := range []*domain.Body{commune, epci} {
			if _, err := db.CreateApplication(ctx, 2026, "label", b.ID, actorOf(alice)); err != nil {
				t.Fatal(err)
			}
		}
		stop := errors.New("client gone")
		calls := 0
		err := db.ExportApplications(ctx, store.ApplicationFilter{Year: 2026}, func(*domain.Application, map[string]string) error {
			calls++
			return stop
		})
		if !errors.Is(err, stop) || calls != 1 {
			t.Fatalf("got %v after %d calls, want the callback's error after one", err, calls)
		}
	})
}

// TestExportApplicationsKeepsEveryCharacter goes through the JSON the
// engines fold answers into, escapes included.
func TestExportApplicationsKeepsEveryCharacter(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		openEdition(t, db)
		app, alice := newApplication(t, db)
		want := map[string]string{
			"quotes":   `« guillemets » "doubles" et \antislash\ /barre`,
			"controls": "lignes\nretour\r\ttab \u0001\u001f fin",
			"unicode":  "été 😀 \u2028 \u00a0 </script> &amp;",
			"json":     `["elu","informatique"]`,
			`clé "é"`:  "valeur",
		}
		for q, v := range want {
			save(t, db, app.ID, alice, q, v, 0)
		}
		got := exportAll(t, db, store.ApplicationFilter{Year: 2026})
		if len(got) != 1 || !maps.Equal(got[0].answers, want) || got[0].app.Answered != len(want) {
			t.Fatalf("exported answers differ:\n got %q\nwant %q", got[0].answers, want)
		}
	})
}
