package web

import (
	"net/http"
	"testing"
	"time"

	"tnl/internal/domain"
	"tnl/internal/store/storetest"
)

func TestPageCacheServesAnonymousVisitorsACopyAtMostOneSecondOld(t *testing.T) {
	a := newApp(t, storetest.Open(t, "sqlite"), "")
	a.srv.pages.ttl = time.Second
	publish := a.clock.now().Add(500 * time.Millisecond)
	a.db.SaveEdition(ctx, &domain.Edition{Year: 2026, Title: "2026", PublishAt: &publish})
	b := &domain.Body{Name: "Marqueurville-sur-Cache", Kind: "commune"}
	a.db.AddHistoricalBody(ctx, b)
	a.db.AddAward(ctx, &domain.Award{Year: 2026, Body: *b, Track: "label", Award: "or"})

	anon := a.browser()
	mustNotContain(t, anon.get("/"), "Palmarès 2026")
	a.clock.add(600 * time.Millisecond) // published, but the copy is still fresh
	mustNotContain(t, anon.get("/"), "Palmarès 2026")
	if r := anon.get("/"); r.header.Get("Content-Security-Policy") == "" || r.header.Get("X-Request-Id") == "" {
		t.Fatal("a cached page lost its security headers or its correlation id")
	}
	// A signed-in visitor never gets a copy.
	mustContain(t, a.signedIn("jure@example.org", domain.RoleJury).get("/"), "Palmarès 2026")
	a.clock.add(500 * time.Millisecond)
	mustContain(t, anon.get("/"), "Palmarès 2026")

	// Each language has its own copy.
	en := a.browser()
	en.headers["Accept-Language"] = "en"
	mustContain(t, en.get("/"), `<html lang="en">`)
	mustContain(t, anon.get("/"), `<html lang="fr">`)
	// Errors and sign-in pages are not cached.
	if r := anon.get("/palmares/1999"); r.status != http.StatusNotFound {
		t.Fatalf("status %d", r.status)
	}
}
