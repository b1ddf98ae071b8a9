package store_test

import (
	"testing"

	"tnl/internal/domain"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// assignmentSetup is an edition with two submitted files (a commune and its
// EPCI) and a jury of two jurors, an assessor and an observer; ann is
// recused from the commune's file.
type assignmentSetup struct {
	commune, epci      int64
	ann, bob, cid, obs *domain.User
	by                 domain.Actor
}

func newAssignmentSetup(t *testing.T, db *store.DB) assignmentSetup {
	t.Helper()
	openEdition(t, db)
	s := assignmentSetup{by: domain.Actor{Label: "admin@example.org"}}
	s.commune, s.epci = communeAndEPCIFiles(t, db)
	raw := storetest.SQL(db)
	if _, err := raw.ExecContext(ctx, `UPDATE applications SET status = 'submitted'`); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		u    **domain.User
		mail string
		role domain.JuryRole
	}{{&s.ann, "ann@example.org", domain.JuryJuror}, {&s.bob, "bob@example.org", domain.JuryJuror},
		{&s.cid, "cid@example.org", domain.JuryAssessor}, {&s.obs, "obs@example.org", domain.JuryObserver}} {
		*m.u = newUser(t, db, m.mail, domain.RoleApplicant)
		if err := db.SaveJuryMember(ctx, domain.JuryMember{Year: 2026, UserID: (*m.u).ID, Role: m.role}, domain.CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO conflicts (year, user_id, application_id, type, source, status, severity, created_at)
		VALUES (2026, $1, $2, 'direct-body', 'admin', 'confirmed', 'recuse', CURRENT_TIMESTAMP)`, s.ann.ID, s.commune); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSaveAssignmentsRefusesBrokenRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newAssignmentSetup(t, db)
		for name, c := range map[string]struct {
			rows []domain.Assignment
			code string
		}{
			"recused juror": {[]domain.Assignment{{ApplicationID: s.commune, UserID: s.ann.ID}}, domain.ECONFLICT},
			"observer":      {[]domain.Assignment{{ApplicationID: s.epci, UserID: s.obs.ID}}, domain.EINVALID},
			"outsider":      {[]domain.Assignment{{ApplicationID: s.epci, UserID: s.obs.ID + 100}}, domain.EINVALID},
			"unknown file":  {[]domain.Assignment{{ApplicationID: s.epci + 100, UserID: s.bob.ID}}, domain.EINVALID},
			"twice": {[]domain.Assignment{{ApplicationID: s.epci, UserID: s.bob.ID},
				{ApplicationID: s.epci, UserID: s.bob.ID}}, domain.EINVALID},
			"two rapporteurs": {[]domain.Assignment{{ApplicationID: s.epci, UserID: s.bob.ID, Rapporteur: true},
				{ApplicationID: s.epci, UserID: s.ann.ID, Rapporteur: true}}, domain.EINVALID},
			"assessor rapporteur": {[]domain.Assignment{{ApplicationID: s.epci, UserID: s.cid.ID, Rapporteur: true}}, domain.EINVALID},
		} {
			if err := db.SaveAssignments(ctx, 2026, c.rows, s.by); domain.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		if got, _ := db.Assignments(ctx, 2026); len(got) != 0 {
			t.Fatalf("a refused set was saved: %+v", got)
		}
		if n := countOf(auditActions(t, db), "jury.assignments.save"); n != 0 {
			t.Fatalf("%d audit entries for refused sets", n)
		}
		// Dismissing the conflict lifts the refusal.
		if _, err := storetest.SQL(db).ExecContext(ctx, `UPDATE conflicts SET status = 'dismissed'`); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveAssignments(ctx, 2026, []domain.Assignment{{ApplicationID: s.commune, UserID: s.ann.ID}}, s.by); err != nil {
			t.Fatalf("after dismissal: %v", err)
		}
	})
}

func TestSaveAndReleaseAssignments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newAssignmentSetup(t, db)
		if err := db.ReleaseAssignments(ctx, 2026, s.by); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("releasing nothing: %v", err)
		}
		first := []domain.Assignment{
			{ApplicationID: s.commune, UserID: s.bob.ID, Rapporteur: true, Source: domain.AssignSolver},
			{ApplicationID: s.commune, UserID: s.cid.ID, Source: domain.AssignSolver},
			{ApplicationID: s.epci, UserID: s.ann.ID, Rapporteur: true, Source: domain.AssignSolver},
		}
		if err := db.SaveAssignments(ctx, 2026, first, s.by); err != nil {
			t.Fatal(err)
		}
		second := []domain.Assignment{first[0], first[2],
			{ApplicationID: s.epci, UserID: s.bob.ID, Source: domain.AssignManual}}
		if err := db.SaveAssignments(ctx, 2026, second, s.by); err != nil {
			t.Fatal(err)
		}
		got, err := db.Assignments(ctx, 2026)
		if err != nil || len(got) != 3 || got[0] != second[0] || got[2].Source != domain.AssignManual {
			t.Fatalf("read back: %+v %v", got, err)
		}
		mine, _ := db.AssignmentsOf(ctx, 2026, s.bob.ID)
		if len(mine) != 2 || !mine[0].Rapporteur || mine[1].Rapporteur {
			t.Fatalf("bob's: %+v", mine)
		}
		entries, _ := db.ListAudit(ctx, store.AuditFilter{Action: "jury.assignments.save"})
		if len(entries) != 2 || entries[0].Before != `{"count":3}` || entries[0].After != `{"added":1,"count":3,"removed":1}` {
			t.Fatalf("audit: %+v", entries)
		}

		facts, _ := db.FileFacts(ctx, 2026, s.bob.ID, s.commune)
		if facts.Assigned {
			t.Fatal("assigned before the release")
		}
		if err := db.ReleaseAssignments(ctx, 2026, s.by); err != nil {
			t.Fatal(err)
		}
		if err := db.ReleaseAssignments(ctx, 2026, s.by); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("released twice: %v", err)
		}
		facts, _ = db.FileFacts(ctx, 2026, s.bob.ID, s.commune)
		e, _ := db.FindEdition(ctx, 2026)
		if !facts.Assigned || e.AssignmentsReleasedAt == nil {
			t.Fatalf("after release: %+v %v", facts, e.AssignmentsReleasedAt)
		}
		if n := countOf(auditActions(t, db), "jury.assignments.release"); n != 1 {
			t.Fatalf("%d release entries", n)
		}
	})
}

func TestJurorFilesHideRecusedFiles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newAssignmentSetup(t, db)
		rows := []domain.Assignment{{ApplicationID: s.epci, UserID: s.ann.ID, Rapporteur: true},
			{ApplicationID: s.commune, UserID: s.bob.ID}, {ApplicationID: s.epci, UserID: s.bob.ID}}
		if err := db.SaveAssignments(ctx, 2026, rows, s.by); err != nil {
			t.Fatal(err)
		}
		raw := storetest.SQL(db)
		if _, err := raw.ExecContext(ctx, `INSERT INTO reviews (application_id, user_id, stage, status, updated_at)
			VALUES ($1, $2, 'pre', 'draft', CURRENT_TIMESTAMP)`, s.epci, s.bob.ID); err != nil {
			t.Fatal(err)
		}
		files, err := db.JurorFiles(ctx, 2026, s.bob.ID, false)
		if err != nil || len(files) != 2 || files[0].Body != "Grenoble-Alpes-Métropole" || files[0].Review != "draft" ||
			files[1].Review != "" || !files[1].Assigned {
			t.Fatalf("bob's files: %+v %v", files, err)
		}
		// A late recusal hides the file at once, assignment or not.
		if _, err := raw.ExecContext(ctx, `INSERT INTO conflicts (year, user_id, application_id, type, source, status, severity, created_at)
			VALUES (2026, $1, $2, 'personal', 'juror', 'suggested', 'recuse', CURRENT_TIMESTAMP)`, s.bob.ID, s.commune); err != nil {
			t.Fatal(err)
		}
		if files, _ = db.JurorFiles(ctx, 2026, s.bob.ID, false); len(files) != 1 || files[0].ApplicationID != s.epci {
			t.Fatalf("after a late recusal: %+v", files)
		}
		// Full panel: every submitted file but the recused one.
		files, _ = db.JurorFiles(ctx, 2026, s.ann.ID, true)
		if len(files) != 1 || files[0].ApplicationID != s.epci || !files[0].Rapporteur {
			t.Fatalf("ann's full panel: %+v", files)
		}
		if files, _ = db.JurorFiles(ctx, 2026, s.cid.ID, true); len(files) != 2 || files[0].Assigned {
			t.Fatalf("cid's full panel: %+v", files)
		}
	})
}
