package web

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tnl/internal/domain"
	"tnl/internal/jury"
	"tnl/internal/store"
)

// newMeetingFixture is the jury fixture brought to the deliberation
// meeting: juror1 is recused from Échirolles; every voter attested; every
// voter proposed argent for Grenoble (the consent block), which the
// president nominated for the mention « Sobriété numérique », and the four
// others bronze or or for Échirolles (a disagreement); the president built
// the agenda during the discussion and opened the meeting.
func newMeetingFixture(t *testing.T, a *testApp) *juryFixture {
	t.Helper()
	f := newJuryFixture(t, a)
	if _, err := a.db.DeclareConflict(ctx, store.ConflictDeclaration{Year: 2026, Juror: f.juror1U.ID,
		Application: f.apps["Échirolles"].ID, Type: jury.ConflictDirectBody, Severity: jury.ConflictRecuse,
		Source: jury.ConflictSourceJuror, Text: "Élu d'Échirolles"}, domain.CLIActor); err != nil {
		t.Fatal(err)
	}
	f.toPhase(t, domain.PhaseAttestation)
	voters := []*domain.User{f.presidentU, f.viceU, f.juror1U, f.juror2U, f.juror3U}
	f.attest(t, voters...)
	f.toPhase(t, domain.PhaseReview)
	for i, u := range voters {
		proposals := map[string]int{"Grenoble": 1}
		if u != f.juror1U {
			proposals["Échirolles"] = 2 * (i % 2)
		}
		for name, l := range proposals {
			r := &domain.Review{ApplicationID: f.apps[name].ID, UserID: u.ID, Stage: domain.ReviewPre, Level: &l}
			if name == "Grenoble" && u == f.presidentU {
				r.Mentions = []string{"Sobriété numérique"}
			}
			if _, err := a.db.SubmitReview(ctx, r, 0, domain.Actor{ID: u.ID, Label: u.Email}); err != nil {
				t.Fatalf("review of %s by %s: %v", name, u.Email, err)
			}
		}
	}
	f.toPhase(t, domain.PhaseDiscussion)
	wantStatus(t, "build the agenda", f.president.post("/admin/jury/2026/ordre-du-jour/construire", url.Values{}), http.StatusSeeOther)
	f.toPhase(t, domain.PhaseDeliberation)
	wantStatus(t, "open the meeting", f.president.post("/jury/2026/seance/ouvrir", url.Values{}), http.StatusSeeOther)
	return f
}

// itemOf returns the agenda item of a file.
func (f *juryFixture) itemOf(t *testing.T, name string) store.AgendaItem {
	t.Helper()
	agenda, err := f.a.db.ReadAgenda(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	it, ok := agenda.ItemOf(f.apps[name].ID)
	if !ok {
		t.Fatalf("%s is not on the agenda", name)
	}
	return *it
}

func (f *juryFixture) show(t *testing.T, chair *browser, name string) {
	t.Helper()
	it := f.itemOf(t, name)
	wantStatus(t, "show "+name, chair.post("/jury/2026/seance/point", url.Values{"item": {itoa(it.ID)}}), http.StatusSeeOther)
}

func vote(b *browser, app *domain.Application, grade int) *response {
	return b.post("/jury/2026/seance/vote", url.Values{"application": {itoa(app.ID)}, "grade": {strconv.Itoa(grade)}})
}

func lacks(t *testing.T, what string, r *response, parts ...string) {
	t.Helper()
	text := html.UnescapeString(r.body)
	for _, p := range parts {
		if strings.Contains(text, p) {
			t.Fatalf("%s: the page shows %q\n%s", what, p, r.body)
		}
	}
}

func TestMeetingAgendaConsentFirstAndAccess(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newMeetingFixture(t, a)
		for _, b := range []*browser{f.admin, f.president} {
			r := b.get("/admin/jury/2026/ordre-du-jour")
			wantStatus(t, "agenda", r, http.StatusOK)
			text := html.UnescapeString(r.body)
			consent, grenoble, echirolles := strings.Index(text, "Accord du jury"), strings.Index(text, ">Grenoble<"), strings.Index(text, ">Échirolles<")
			if consent < 0 || grenoble < 0 || echirolles < 0 || grenoble > echirolles || consent > echirolles {
				t.Fatalf("the consent block is not first (%d %d %d)\n%s", consent, grenoble, echirolles, r.body)
			}
			says(t, r, "La séance est ouverte", "Sortent : jure1@example.org")
		}
		if first := f.itemOf(t, "Grenoble"); first.Position != 1 || first.Kind != store.AgendaConsent {
			t.Fatalf("first item: %+v", first)
		}
		for name, b := range map[string]*browser{"juror": f.juror2, "assessor": f.assessor, "observer": f.observer, "applicant": f.applicant} {
			wantStatus(t, name+" reads the agenda", b.get("/admin/jury/2026/ordre-du-jour"), http.StatusNotFound)
			wantStatus(t, name+" rebuilds the agenda", b.post("/admin/jury/2026/ordre-du-jour/construire", url.Values{}), http.StatusNotFound)
		}
		// Observers and assessors see nothing of the meeting before sealing.
		for name, b := range map[string]*browser{"assessor": f.assessor, "observer": f.observer, "applicant": f.applicant} {
			wantStatus(t, name+" opens the meeting", b.get("/jury/2026/seance"), http.StatusNotFound)
			wantStatus(t, name+" votes", vote(b, f.apps["Grenoble"], 1), http.StatusNotFound)
		}
		// During the meeting the agenda is edited item by item, not rebuilt.
		r := f.president.post("/admin/jury/2026/ordre-du-jour/construire", url.Values{})
		wantStatus(t, "rebuild during the meeting", r, http.StatusConflict)
		says(t, r, "La séance a commencé")
	})
}

func TestMeetingRecusedJurorSeesNothingOfTheFile(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newMeetingFixture(t, a)
		// On the item before Échirolles, juror1 is told to leave next, without its name.
		agenda, _ := a.db.ReadAgenda(ctx, 2026)
		ech := f.itemOf(t, "Échirolles")
		if ech.Position == 1 {
			t.Fatalf("Échirolles first: %+v", agenda.Items)
		}
		prev := agenda.Items[ech.Position-2]
		wantStatus(t, "show the item before", f.president.post("/jury/2026/seance/point", url.Values{"item": {itoa(prev.ID)}}), http.StatusSeeOther)
		before := f.juror1.get("/jury/2026/seance")
		wantStatus(t, "juror1 before", before, http.StatusOK)
		says(t, before, prev.Body, "Vous êtes récusé(e) pour le point suivant")
		lacks(t, "juror1, item before", before, "Échirolles")

		f.show(t, f.president, "Échirolles")
		r := f.juror1.get("/jury/2026/seance")
		wantStatus(t, "juror1", r, http.StatusOK)
		says(t, r, "Vous êtes récusé(e) pour ce dossier : merci de quitter la salle")
		lacks(t, "juror1", r, "Échirolles", "Niveau médian", "Bronze", "Voter", "Rapporteur", "Élu d")
		wantStatus(t, "juror1 votes", vote(f.juror1, f.apps["Échirolles"], 2), http.StatusForbidden)

		// The others see the file, its aggregate and the vote.
		r = f.juror2.get("/jury/2026/seance")
		says(t, r, "Échirolles", "Niveau médian proposé", "Hors de la salle pour ce point : jure1@example.org", "Votre niveau pour Échirolles")
		r = f.admin.get("/jury/2026/seance") // the secretariat follows, never votes
		says(t, r, "Échirolles", "Niveau médian proposé")
		lacks(t, "secretariat", r, "Votre niveau pour")
		wantStatus(t, "the secretariat votes", vote(f.admin, f.apps["Échirolles"], 1), http.StatusForbidden)
	})
}

func TestMeetingVotesDecisionsAndQuorum(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newMeetingFixture(t, a)
		grenoble, echirolles := f.apps["Grenoble"], f.apps["Échirolles"]
		// Four grades, argent argent or or: the lower middle grade, argent.
		for b, g := range map[*browser]int{f.president: 1, f.vice: 1, f.juror2: 2, f.juror3: 2} {
			wantStatus(t, "vote", vote(b, grenoble, g), http.StatusSeeOther)
		}
		r := f.juror2.get("/jury/2026/seance")
		says(t, r, "Vous avez voté « Or »", "4 votes reçus sur 5")
		chair := f.president.get("/jury/2026/seance")
		says(t, chair, "Médiane actuelle : Argent (4 votes, quorum atteint)")
		wantStatus(t, "a juror decides", f.juror2.post("/jury/2026/seance/decision",
			url.Values{"application": {itoa(grenoble.ID)}, "level": {"1"}}), http.StatusForbidden)

		// Another level than the median needs a reason: 422, input kept.
		r = f.president.post("/jury/2026/seance/decision", url.Values{"application": {itoa(grenoble.ID)}, "level": {"2"}, "reason": {""}})
		wantStatus(t, "override without a reason", r, http.StatusUnprocessableEntity)
		says(t, r, "Retenir un autre niveau que la médiane exige un motif écrit", `<option value="2" selected>`)
		r = f.president.post("/jury/2026/seance/decision", url.Values{"application": {itoa(grenoble.ID)}, "level": {"2"}, "reason": {"Exemplaire."}})
		wantStatus(t, "override without confirmation", r, http.StatusUnprocessableEntity)
		says(t, r, "vote de confirmation adopté", "Exemplaire.")

		wantStatus(t, "decide", f.president.post("/jury/2026/seance/decision",
			url.Values{"application": {itoa(grenoble.ID)}, "level": {"1"}}), http.StatusSeeOther)
		d, err := a.db.Decision(ctx, grenoble.ID)
		if err != nil || *d.Level != 1 || *d.Median != 1 || d.Tally[1] != 2 || d.Tally[2] != 2 || d.Status != domain.DecisionDraft {
			t.Fatalf("decision: %+v %v", d, err)
		}
		says(t, f.juror3.get("/jury/2026/seance"), "Niveau retenu : Argent.")

		// Échirolles: juror1 recused; three grades miss the quorum of four.
		f.show(t, f.president, "Échirolles")
		for _, b := range []*browser{f.president, f.vice, f.juror2} {
			wantStatus(t, "vote", vote(b, echirolles, 0), http.StatusSeeOther)
		}
		says(t, f.president.get("/jury/2026/seance"), "Quorum non atteint : 3 votes sur 4 requis")
		r = f.president.post("/jury/2026/seance/decision", url.Values{"application": {itoa(echirolles.ID)}, "level": {"0"}})
		wantStatus(t, "postpone", r, http.StatusSeeOther)
		d, err = a.db.Decision(ctx, echirolles.ID)
		if err != nil || d.Level != nil || len(d.Voters) != 3 || len(d.Recused) != 1 || d.Recused[0] != f.juror1U.ID {
			t.Fatalf("postponed decision: %+v %v", d, err)
		}
		if it := f.itemOf(t, "Échirolles"); it.Status != store.ItemPostponed {
			t.Fatalf("item: %+v", it)
		}
		says(t, f.juror2.get("/jury/2026/seance"), "Quorum non atteint : aucun niveau n'est retenu, le dossier est reporté.")
		// A vote on a file that is not on screen is refused.
		r = vote(f.juror3, grenoble, 1)
		wantStatus(t, "vote off screen", r, http.StatusConflict)
	})
}

func TestMeetingMentionAndReopen(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newMeetingFixture(t, a)
		grenoble := f.apps["Grenoble"]
		for b, g := range map[*browser]int{f.president: 1, f.vice: 1, f.juror1: 1, f.juror2: 2} {
			wantStatus(t, "vote", vote(b, grenoble, g), http.StatusSeeOther)
		}
		wantStatus(t, "decide", f.president.post("/jury/2026/seance/decision",
			url.Values{"application": {itoa(grenoble.ID)}, "level": {"1"}}), http.StatusSeeOther)
		// Deciding twice is refused; reopening takes ballots again.
		r := f.president.post("/jury/2026/seance/decision", url.Values{"application": {itoa(grenoble.ID)}, "level": {"1"}})
		wantStatus(t, "decide twice", r, http.StatusConflict)
		says(t, r, "Ce point est déjà tranché.")
		it := f.itemOf(t, "Grenoble")
		wantStatus(t, "a juror reopens", f.juror2.post("/jury/2026/seance/rouvrir", url.Values{"item": {itoa(it.ID)}}), http.StatusForbidden)
		wantStatus(t, "reopen", f.president.post("/jury/2026/seance/rouvrir", url.Values{"item": {itoa(it.ID)}}), http.StatusSeeOther)
		wantStatus(t, "vote again", vote(f.juror3, grenoble, 2), http.StatusSeeOther)
		wantStatus(t, "decide again", f.president.post("/jury/2026/seance/decision",
			url.Values{"application": {itoa(grenoble.ID)}, "level": {"1"}}), http.StatusSeeOther)
		if d, _ := a.db.Decision(ctx, grenoble.ID); len(d.Voters) != 5 {
			t.Fatalf("decided again: %+v", d)
		}

		// The mention, last on the agenda: a confirmation vote per nominee.
		agenda, _ := a.db.ReadAgenda(ctx, 2026)
		mention := agenda.Items[len(agenda.Items)-1]
		if mention.Kind != store.AgendaMention || mention.Mention != "Sobriété numérique" {
			t.Fatalf("last item: %+v", mention)
		}
		wantStatus(t, "show the mention", f.president.post("/jury/2026/seance/point", url.Values{"item": {itoa(mention.ID)}}), http.StatusSeeOther)
		says(t, f.juror2.get("/jury/2026/seance"), "Attribuer la mention « Sobriété numérique » à Grenoble ?")
		choice := url.Values{"item": {itoa(mention.ID)}, "choice-" + itoa(grenoble.ID): {"for"}}
		for _, b := range []*browser{f.president, f.vice, f.juror1, f.juror2} {
			wantStatus(t, "mention vote", b.post("/jury/2026/seance/mention", choice), http.StatusSeeOther)
		}
		wantStatus(t, "an observer's mention vote", f.observer.post("/jury/2026/seance/mention", choice), http.StatusNotFound)
		wantStatus(t, "a juror awards", f.juror2.post("/jury/2026/seance/mention/attribuer", url.Values{"item": {itoa(mention.ID)}}), http.StatusForbidden)
		wantStatus(t, "award", f.president.post("/jury/2026/seance/mention/attribuer", url.Values{"item": {itoa(mention.ID)}}), http.StatusSeeOther)
		if d, _ := a.db.Decision(ctx, grenoble.ID); len(d.Mentions) != 1 || d.Mentions[0] != "Sobriété numérique" {
			t.Fatalf("mention not awarded: %+v", d)
		}
		says(t, f.juror3.get("/jury/2026/seance"), "Mention attribuée à : Grenoble.")
	})
}
