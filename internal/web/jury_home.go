package web

// The juror's side of the jury: /jury lists the editions whose jury the
// person belongs to and what they have to do now; /jury/{year} is one
// edition's jury page. What a member is told to do follows from the
// visibility policy (juryAccess.Can), so a role that may not act in a phase
// is never pointed at a page that would refuse it.

import (
	"fmt"
	"net/http"
	"time"

	"tnl/internal/domain"
)

// juryHomePage is /jury (Editions) and /jury/{year} (One).
type juryHomePage struct {
	page
	Editions []juryEditionView
	One      *juryEditionView
}

// juryEditionView is one edition as a member sees it.
type juryEditionView struct {
	Access  *juryAccess
	Tasks   []juryTask
	Next    domain.Phase        // the phase after this one, "" at the end
	Members []domain.JuryMember // the jury list, on /jury/{year} only
	Pages   []juryTask          // the jury's other pages open to the person, on /jury/{year} only
}

// juryTask is one thing to do now: a message and, when there is a page for
// it, its link.
type juryTask struct {
	ID   string
	Href string
	Date *time.Time // named by messages that give a date
}

// juryHome lists the person's juries. Someone in none gets an explanation,
// not an error: the link may have been shared with them.
func (s *Server) juryHome(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	memberships, err := s.db.JuryYears(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &juryHomePage{page: page{Title: "jury.home.title"}}
	for _, m := range memberships {
		e, err := s.db.FindEdition(r.Context(), m.Year)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Editions = append(p.Editions, juryView(&juryAccess{Edition: e, Member: &m, User: u}))
	}
	s.render(w, r, http.StatusOK, "jury_home", p)
}

// juryEdition is one edition's jury page for its members (and admins):
// the phase, the person's role, the jury list and what comes next.
func (s *Server) juryEdition(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	v := juryView(j)
	v.Pages = juryPages(j)
	var err error
	if v.Members, err = s.db.JuryMembers(r.Context(), j.Edition.Year); err != nil {
		s.fail(w, r, err)
		return
	}
	p := &juryHomePage{One: &v,
		page: page{TitleText: s.tr.T(requestLang(r), "jury.edition.title", "Year", j.Edition.Year)}}
	s.render(w, r, http.StatusOK, "jury_home", p)
}

func juryView(j *juryAccess) juryEditionView {
	v := juryEditionView{Access: j, Tasks: juryTasks(j)}
	v.Next, _ = j.Edition.Phase.Next()
	return v
}

// juryTasks says what a member has to do in the edition's current phase.
// Each step asks the policy; the wording only adds the phase's context.
func juryTasks(j *juryAccess) []juryTask {
	year, phase := j.Edition.Year, j.Edition.Phase
	conflicts, files := fmt.Sprintf("/jury/%d/conflits", year), fmt.Sprintf("/jury/%d/dossiers", year)
	var out []juryTask
	add := func(id, href string) { out = append(out, juryTask{ID: id, Href: href}) }
	if j.Member == nil { // the secretariat works from the administration
		return []juryTask{{ID: "jury.todo.secretariat", Href: adminJuryPath(year)}}
	}
	switch attested := j.Member.AttestedAt; {
	case j.Can(domain.ActAttest) && attested == nil:
		add("jury.todo.attest", conflicts)
	case j.Can(domain.ActAttest):
		out = append(out, juryTask{ID: "jury.todo.attested", Href: conflicts, Date: attested})
	case j.Can(domain.ActDeclareConflict):
		add("jury.todo.names", conflicts)
	}
	later := j.Viewer()
	later.Attested = true
	switch {
	case j.Can(domain.ActSeeAssignmentsOwn) && phase == domain.PhaseReview:
		add("jury.todo.review", files)
	case j.Can(domain.ActSeeAssignmentsOwn) && phase == domain.PhaseDiscussion:
		add("jury.todo.discuss", files)
	case j.Can(domain.ActSeeAssignmentsOwn):
		add("jury.todo.files", files)
	case phase == domain.PhaseAssignment && domain.Can(later, domain.ActSeeAssignmentsOwn, domain.PhaseReview):
		add("jury.todo.wait_assignment", "")
	}
	switch {
	case j.Can(domain.ActVote):
		add("jury.todo.vote", fmt.Sprintf("/jury/%d/seance", year))
	case j.Can(domain.ActSeeDecisions) && phase.Before(domain.PhasePublished):
		add("jury.todo.embargo", "")
	case phase == domain.PhasePublished:
		add("jury.todo.published", fmt.Sprintf("/palmares/%d", year))
	}
	if phase == domain.PhaseArchived { // said first: what remains is reading
		out = append([]juryTask{{ID: "jury.todo.archived"}}, out...)
	} else if len(out) == 0 && phase.Before(domain.PhaseClosed) {
		add("jury.todo.not_yet", "")
	} else if len(out) == 0 { // between two steps of the member's work
		add("jury.todo.nothing", "")
	}
	return out
}

// juryPages lists the jury's pages of an edition that the person may open
// now, each behind the policy question its page asks; the secretariat gets
// its administration pages.
func juryPages(j *juryAccess) []juryTask {
	year := j.Edition.Year
	at := func(path string) string { return fmt.Sprintf("/jury/%d/%s", year, path) }
	admin := j.Member == nil
	var out []juryTask
	add := func(ok bool, id, href string) {
		if ok {
			out = append(out, juryTask{ID: id, Href: href})
		}
	}
	if admin {
		add(true, "jury.pages.conflicts", fmt.Sprintf("/admin/jury/%d/conflits", year))
		add(j.Can(domain.ActSeeAssignmentsAll), "jury.pages.assignments", fmt.Sprintf("/admin/jury/%d/attributions", year))
	} else {
		add(j.Can(domain.ActSeeConflictsOwn), "jury.pages.my_conflicts", at("conflits"))
		add(j.Can(domain.ActSeeAssignmentsOwn), "jury.pages.my_files", at("dossiers"))
		add(j.Can(domain.ActSeeAssignmentsAll), "jury.pages.assignments", at("attributions"))
	}
	add(j.Can(domain.ActSeeAggregates), "jury.pages.dashboard", at("tableau"))
	add(j.Can(domain.ActSeeStatsAll), "jury.pages.agenda", fmt.Sprintf("/admin/jury/%d/ordre-du-jour", year))
	add(j.Can(domain.ActSeeDecisions), "jury.pages.meeting", at("seance"))
	// Rapporteurs draft the letters and the president approves them from the
	// discussion on; the page lists what the person may read.
	letters := j.Edition.Phase.AtLeast(domain.PhaseDiscussion) && j.Edition.Phase.Before(domain.PhasePublished)
	add(letters && (admin || j.Member.Votes()), "jury.pages.letters", at("lettres"))
	add(j.Can(domain.ActSeeMinutes), "jury.pages.minutes", at("proces-verbal"))
	add(j.Can(domain.ActSeeDecisions) || j.Can(domain.ActSeal), "jury.pages.seal", at("scellement"))
	if admin {
		add(true, "jury.pages.exports", fmt.Sprintf("/admin/jury/%d/exports", year))
	} else {
		add(j.Can(domain.ActExport), "jury.pages.exports", at("exports"))
	}
	return out
}
