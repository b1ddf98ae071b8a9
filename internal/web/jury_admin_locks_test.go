package web

import (
	"net/http"
	"net/url"
	"testing"

	"tnl/internal/domain"
)

// settingsForm is the settings form as the page sends it, with fields
// changed by over.
func settingsForm(over url.Values) url.Values {
	v := url.Values{"mode": {"k"}, "reviewers": {"3"}, "quorum": {""}, "window_years": {"5"}, "std_dev_threshold": {""},
		"minutes_per_review": {"45"}, "mention_allotment": {"3"}, "diversity_tags": {"technique, elu"}}
	for k, x := range over {
		v[k] = x
	}
	return v
}

// TestAdminJuryTagsCanBeEmptied: the edition's diversity rule and a juror's
// profiles, emptied in their forms, stay empty, instead of coming back as
// the default.
func TestAdminJuryTagsCanBeEmptied(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newJuryFixture(t, a)
		r := f.admin.post("/admin/jury/2026/reglages", settingsForm(url.Values{"diversity_tags": {""}}))
		wantStatus(t, "empty the diversity rule", r, http.StatusSeeOther)
		e, err := a.db.FindEdition(ctx, 2026)
		if err != nil || e.Jury.DiversityTags == nil || len(e.Jury.WithDefaults().DiversityTags) != 0 {
			t.Fatalf("diversity rule after emptying: %#v %v", e.Jury.DiversityTags, err)
		}
		page := f.admin.get("/admin/jury/2026")
		mustContain(t, page, `id="diversity_tags" name="diversity_tags" type="text" autocomplete="off"`)
		mustNotContain(t, page, `value="technique, elu"`)
		// And back: the rule is set again.
		wantStatus(t, "set the rule again", f.admin.post("/admin/jury/2026/reglages",
			settingsForm(url.Values{"diversity_tags": {"elu"}})), http.StatusSeeOther)
		mustContain(t, f.admin.get("/admin/jury/2026"), `value="elu"`)

		at := "/admin/jury/2026/membres/" + itoa(f.juror3U.ID)
		mustContain(t, f.admin.get(at), `value="technique, elu"`)
		wantStatus(t, "empty a juror's profiles", f.admin.post(at, url.Values{"role": {"juror"}, "tags": {""}}), http.StatusSeeOther)
		if m, err := a.db.FindJuryMember(ctx, 2026, f.juror3U.ID); err != nil || len(m.Tags) != 0 {
			t.Fatalf("juror's profiles after emptying: %#v %v", m.Tags, err)
		}
		mustNotContain(t, f.admin.get(at), `value="technique, elu"`)
	})
}

// TestAdminJurySettingsLockedAfterRelease: once the assignment is
// released, the mode and the reviewers per file no longer change (and once
// the meeting has started, the quorum and the ballot no longer do: the next
// test). The page says so beside each field; a change is refused with 422,
// the form kept as typed and nothing saved; the settings still free save
// as before.
func TestAdminJurySettingsLockedAfterRelease(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := assignmentFixture(t, a, domain.JurySettings{Mode: domain.AssignK, Reviewers: 3})
		before := f.admin.get("/admin/jury/2026")
		says(t, before, "Utilisé quand chaque dossier est confié à quelques jurés. Par défaut : 3.")
		lacks(t, "before the release", before, "Verrouillé")
		wantStatus(t, "propose", f.admin.post(assignURL+"/proposer", url.Values{}), http.StatusSeeOther)
		wantStatus(t, "release", f.admin.post(assignURL+"/publier", url.Values{"confirmer": {"oui"}}), http.StatusSeeOther)

		says(t, f.admin.get("/admin/jury/2026"), "Verrouillé : l'attribution des dossiers a été publiée aux jurés.")
		saved := len(juryAudit(t, a))
		for name, change := range map[string]url.Values{
			"mode":      {"mode": {"full"}},
			"reviewers": {"reviewers": {"5"}},
		} {
			r := f.admin.post("/admin/jury/2026/reglages", settingsForm(change))
			wantStatus(t, "change "+name+" after the release", r, http.StatusUnprocessableEntity)
			says(t, r, "Ce réglage ne peut plus changer : l'attribution des dossiers a été publiée aux jurés", `href="#`+name+`"`)
		}
		r := f.admin.post("/admin/jury/2026/reglages", settingsForm(url.Values{"reviewers": {"5"}, "minutes_per_review": {"20"}}))
		mustContain(t, r, `id="reviewers" name="reviewers" type="text" value="5"`, `value="20"`)
		if e, _ := a.db.FindEdition(ctx, 2026); e.Jury.Reviewers != 3 || e.Jury.MinutesPerReview != 0 || len(juryAudit(t, a)) != saved {
			t.Fatalf("a refused change was saved: %+v", e.Jury)
		}
		wantStatus(t, "change what is still free", f.admin.post("/admin/jury/2026/reglages",
			settingsForm(url.Values{"minutes_per_review": {"20"}, "quorum": {"4"}})), http.StatusSeeOther)
		if e, _ := a.db.FindEdition(ctx, 2026); e.Jury.MinutesPerReview != 20 || e.Jury.Quorum != 4 {
			t.Fatalf("settings: %+v", e.Jury)
		}
	})
}

func TestAdminJurySettingsLockedDuringTheMeeting(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		f := newMeetingFixture(t, a)
		says(t, f.admin.get("/admin/jury/2026"), "Verrouillé : la séance de délibération a commencé.")
		e, _ := a.db.FindEdition(ctx, 2026)
		same := settingsForm(url.Values{"mode": {e.Jury.WithDefaults().Mode}})
		for name, change := range map[string]url.Values{
			"quorum":            {"quorum": {"3"}},
			"secret_ballot":     {"secret_ballot": {"1"}},
			"mention_allotment": {"mention_allotment": {"1"}},
			"std_dev_threshold": {"std_dev_threshold": {"0,5"}},
		} {
			form := settingsForm(url.Values{"mode": same["mode"]})
			for k, v := range change {
				form[k] = v
			}
			r := f.admin.post("/admin/jury/2026/reglages", form)
			wantStatus(t, "change "+name+" during the meeting", r, http.StatusUnprocessableEntity)
			says(t, r, "Ce réglage ne peut plus changer : la séance de délibération a commencé", `href="#`+name+`"`)
		}
		if got, _ := a.db.FindEdition(ctx, 2026); got.Jury.Quorum != e.Jury.Quorum || got.Jury.SecretBallot {
			t.Fatalf("a refused change was saved: %+v", got.Jury)
		}
		wantStatus(t, "the same settings again", f.admin.post("/admin/jury/2026/reglages", same), http.StatusSeeOther)
	})
}
