package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tnl/internal/domain"
)

func TestSignupVerifyLoginLogout(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		b := a.browser()
		mustContain(t, b.get("/inscription"), `name="email"`, `autocomplete="new-password"`)
		r := b.post("/inscription", url.Values{"email": {"Agent@Mairie-Exemple.fr"}, "password": {testPassword}, "confirm": {testPassword}})
		if r.status != http.StatusOK {
			t.Fatalf("sign-up: %d", r.status)
		}
		mustContain(t, r, "presque fini", "agent@mairie-exemple.fr")

		// Not verified yet: the password is right but the account waits.
		r = b.post("/connexion", url.Values{"email": {"agent@mairie-exemple.fr"}, "password": {testPassword}})
		if r.status != http.StatusForbidden {
			t.Fatalf("unverified login: %d", r.status)
		}
		mustContain(t, r, "pas encore confirmée")

		path, secret := a.lastLink("agent@mairie-exemple.fr", "verify")
		if path != "/inscription/confirmer" {
			t.Fatalf("verify link path %q", path)
		}
		r = b.get(path + "?jeton=" + secret)
		mustContain(t, r, `name="jeton"`, "Confirmer mon adresse")
		r = b.post(path, url.Values{"jeton": {secret}})
		if r.status != http.StatusSeeOther || r.location() != "/compte" {
			t.Fatalf("verify: %d → %q", r.status, r.location())
		}
		mustContain(t, b.get("/compte"), "agent@mairie-exemple.fr", "Candidat", "Votre adresse est confirmée")

		r = b.post("/deconnexion", url.Values{})
		if r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		if r = b.get("/compte"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/connexion") {
			t.Fatalf("after logout /compte: %d → %q", r.status, r.location())
		}

		r = b.post("/connexion", url.Values{"email": {"agent@mairie-exemple.fr"}, "password": {testPassword}, "suite": {"/compte"}})
		if r.status != http.StatusSeeOther || r.location() != "/compte" {
			t.Fatalf("login: %d → %q\n%s", r.status, r.location(), r.body)
		}
		mustContain(t, b.get("/compte"), "agent@mairie-exemple.fr")
	})
}

func TestSessionTokenIsRenewedAtLogin(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		a.addUser("jury@example.org", domain.RoleJury)
		b := a.browser()
		login := url.Values{"email": {"jury@example.org"}, "password": {testPassword}}
		b.post("/connexion", login)
		first := sessionCookie(b, a)
		b.post("/connexion", login)
		second := sessionCookie(b, a)
		if first == "" || second == "" || first == second {
			t.Fatalf("session token not renewed at login: %q then %q", first, second)
		}
		// The replaced token opens nothing any more.
		stolen := a.browser()
		u, _ := url.Parse(a.ts.URL)
		stolen.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tnl_session", Value: first, Path: "/"}})
		if r := stolen.get("/compte"); r.status != http.StatusSeeOther {
			t.Fatalf("old session token still valid: %d", r.status)
		}
		if r := b.get("/compte"); r.status != http.StatusOK {
			t.Fatalf("current session refused: %d", r.status)
		}
	})
}

func sessionCookie(b *browser, a *testApp) string {
	u, _ := url.Parse(a.ts.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "tnl_session" {
			return c.Value
		}
	}
	return ""
}

func TestKnownAndUnknownEmailsAnsweredAlike(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		a.addUser("connu@example.org", domain.RoleApplicant)
		same := func(path string, form func(email string) url.Values) {
			t.Helper()
			known := a.browser().post(path, form("connu@example.org"))
			unknown := a.browser().post(path, form("inconnu@example.org"))
			if known.status != unknown.status {
				t.Fatalf("%s: status %d for a known email, %d for an unknown one", path, known.status, unknown.status)
			}
			k := strings.ReplaceAll(known.body, "connu@example.org", "X")
			u := strings.ReplaceAll(unknown.body, "inconnu@example.org", "X")
			if stripRequestIDs(k) != stripRequestIDs(u) {
				t.Fatalf("%s: pages differ for known and unknown emails", path)
			}
		}
		same("/connexion", func(e string) url.Values { return url.Values{"email": {e}, "password": {"mauvais mot de passe"}} })
		same("/mot-de-passe/oubli", func(e string) url.Values { return url.Values{"email": {e}} })
		same("/connexion/lien", func(e string) url.Values { return url.Values{"email": {e}} })
		same("/inscription", func(e string) url.Values {
			return url.Values{"email": {e}, "password": {testPassword}, "confirm": {testPassword}}
		})
		// Only the owner of the known address learns it already has an account.
		var templates []string
		for _, m := range a.mailsTo("connu@example.org") {
			templates = append(templates, m.Template)
		}
		if strings.Join(templates, ",") != "reset,login,signup_exists" {
			t.Fatalf("mails to the known address: %v", templates)
		}
		for _, m := range a.mailsTo("inconnu@example.org") {
			if m.Template != "verify" {
				t.Fatalf("an unknown address got a %s mail", m.Template)
			}
		}
	})
}

func stripRequestIDs(s string) string {
	return requestIDPattern.ReplaceAllString(s, "")
}

func TestPasswordReset(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		a.addUser("agent@example.org", domain.RoleApplicant)
		b := a.browser()
		mustContain(t, b.post("/mot-de-passe/oubli", url.Values{"email": {"agent@example.org"}}), "valable une heure")
		path, secret := a.lastLink("agent@example.org", "reset")
		mustContain(t, b.get(path+"?jeton="+secret), `name="jeton"`, `autocomplete="new-password"`)

		r := b.post(path, url.Values{"jeton": {secret}, "password": {"nouvelle phrase secrète"}, "confirm": {"autre chose encore"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("mismatch: %d", r.status)
		}
		mustContain(t, r, "ne sont pas identiques", secret)

		r = b.post(path, url.Values{"jeton": {secret}, "password": {"nouvelle phrase secrète"}, "confirm": {"nouvelle phrase secrète"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("reset: %d\n%s", r.status, r.body)
		}
		// Reused link.
		r = a.browser().post(path, url.Values{"jeton": {secret}, "password": {"encore une autre phrase"}, "confirm": {"encore une autre phrase"}})
		if r.status != http.StatusGone {
			t.Fatalf("reused link: %d", r.status)
		}
		mustContain(t, r, "plus valable")
		if r := a.browser().get(path + "?jeton=" + secret); r.status != http.StatusGone {
			t.Fatalf("reused link shown: %d", r.status)
		}

		// Expired link.
		a.browser().post("/mot-de-passe/oubli", url.Values{"email": {"agent@example.org"}})
		_, late := a.lastLink("agent@example.org", "reset")
		a.clock.add(time.Hour + time.Minute)
		r = a.browser().post(path, url.Values{"jeton": {late}, "password": {"phrase trop tardive"}, "confirm": {"phrase trop tardive"}})
		if r.status != http.StatusGone {
			t.Fatalf("expired link: %d", r.status)
		}

		old := a.browser().post("/connexion", url.Values{"email": {"agent@example.org"}, "password": {testPassword}})
		if old.status != http.StatusUnprocessableEntity {
			t.Fatalf("old password still accepted: %d", old.status)
		}
		now := a.browser().post("/connexion", url.Values{"email": {"agent@example.org"}, "password": {"nouvelle phrase secrète"}})
		if now.status != http.StatusSeeOther {
			t.Fatalf("new password refused: %d", now.status)
		}
	})
}

func TestMagicLink(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		a.addUser("elu@example.org", domain.RoleApplicant)
		b := a.browser()
		b.post("/connexion/lien", url.Values{"email": {"elu@example.org"}})
		path, secret := a.lastLink("elu@example.org", "login")
		r := b.post(path, url.Values{"jeton": {secret}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("magic link: %d", r.status)
		}
		mustContain(t, b.get("/compte"), "elu@example.org")
		if r := a.browser().post(path, url.Values{"jeton": {secret}}); r.status != http.StatusGone {
			t.Fatalf("reused magic link: %d", r.status)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		a.addUser("cible@example.org", domain.RoleApplicant)
		b := a.browser()
		wrong := url.Values{"email": {"cible@example.org"}, "password": {"ce n'est pas le bon"}}
		for i := 0; i < 6; i++ {
			if r := b.post("/connexion", wrong); r.status != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: %d", i+1, r.status)
			}
		}
		r := b.post("/connexion", url.Values{"email": {"cible@example.org"}, "password": {testPassword}})
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
			t.Fatalf("7th attempt: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
		mustContain(t, r, "Trop de tentatives")
		// Never a permanent lockout: a minute later the right password works.
		a.clock.add(61 * time.Second)
		if r := b.post("/connexion", url.Values{"email": {"cible@example.org"}, "password": {testPassword}}); r.status != http.StatusSeeOther {
			t.Fatalf("after the window: %d", r.status)
		}
	})
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		b := a.browser()
		for i := 0; i < 6; i++ {
			b.post("/connexion", url.Values{"email": {"x" + string(rune('a'+i)) + "@example.org"}, "password": {"mauvais mot de passe"}})
		}
		r := b.post("/connexion", url.Values{"email": {"autre@example.org"}, "password": {"mauvais mot de passe"}})
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("spray from one address: %d", r.status)
		}
	})
}

func TestDeactivatedAccountIsSignedOut(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		admin := a.signedIn("admin@example.org", domain.RoleAdmin)
		victim := a.signedIn("parti@example.org", domain.RoleJury)
		u, _ := a.db.FindUserByEmail(ctx, "parti@example.org")
		r := admin.post("/admin/utilisateurs/"+itoa(u.ID)+"/desactiver", url.Values{})
		if r.status != http.StatusSeeOther {
			t.Fatalf("deactivate: %d", r.status)
		}
		if r := victim.get("/compte"); r.status != http.StatusSeeOther {
			t.Fatalf("a deactivated account keeps its session: %d", r.status)
		}
		r = a.browser().post("/connexion", url.Values{"email": {"parti@example.org"}, "password": {testPassword}})
		if r.status != http.StatusForbidden {
			t.Fatalf("deactivated login: %d", r.status)
		}
		mustContain(t, r, "désactivé")
	})
}

// TestIdleSessionEnds: a session unused for longer than the idle limit is
// over, while one in use is noted without being rewritten on every request.
func TestIdleSessionEnds(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *testApp) {
		a.srv.idle = idleRule{limit: 300 * time.Millisecond, noteEvery: 0}
		b := a.signedIn("idle@example.org", domain.RoleApplicant)
		for range 3 { // used every 100 ms: stays signed in
			time.Sleep(100 * time.Millisecond)
			if r := b.get("/compte"); r.status != http.StatusOK {
				t.Fatalf("a session in use ended: %d", r.status)
			}
		}
		time.Sleep(400 * time.Millisecond)
		if r := b.get("/compte"); r.status != http.StatusSeeOther {
			t.Fatalf("an idle session still works: %d", r.status)
		}
	})
}
