package web

import (
	"net/http"
	"net/url"
	"testing"

	"tnl/internal/domain"
)

func TestAdminBadInputChangesNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		target := a.addUser("cible@example.org", domain.RoleApplicant)
		for _, role := range []string{"", "king", "ADMIN", "applicant; DROP TABLE users"} {
			r := admin.post("/admin/utilisateurs/"+itoa(target.ID)+"/role", url.Values{"role": {role}})
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("role %q: %d", role, r.status)
			}
			mustContain(t, r, "Choisissez un rôle", "cible@example.org")
		}
		for _, id := range []string{"abc", "-1", "99999999999999999999"} {
			if r := admin.post("/admin/utilisateurs/"+id+"/desactiver", url.Values{}); r.status != http.StatusNotFound {
				t.Fatalf("id %q: %d", id, r.status)
			}
		}
		if r := admin.get("/admin/courriels/12345"); r.status != http.StatusNotFound {
			t.Fatalf("unknown mail: %d", r.status)
		}
		got, _ := a.db.FindUserByID(ctx, target.ID)
		if got.Role != domain.RoleApplicant || !got.Active() {
			t.Fatalf("bad input changed the account: %+v", got)
		}
		if n := auditCount(t, a.db); n != 2 { // the two accounts created
			t.Fatalf("bad input left audit entries: %d", n)
		}
	})
}
