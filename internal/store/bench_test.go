package store_test

import (
	"testing"
	"time"

	"tnl/internal/demo"
	"tnl/internal/store"
	"tnl/internal/store/storetest"
)

// BenchmarkHomeQueries measures, on the demo data, each query the home page
// makes and the five together, so that a slow home page can be traced to
// the database or ruled out.
func BenchmarkHomeQueries(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			db := storetest.Open(b, engine)
			if err := demo.Load(ctx, db, "bench password", time.Now()); err != nil {
				b.Fatal(err)
			}
			years, err := db.AwardYears(ctx)
			if err != nil || len(years) == 0 {
				b.Fatalf("no published palmarès in the demo data: %v", err)
			}
			for _, q := range homeQueries(years[0]) {
				b.Run(q.name, func(b *testing.B) { benchQuery(b, db, q.run) })
			}
		})
	}
}

type homeQuery struct {
	name string
	run  func(db *store.DB) error
}

// homeQueries are the queries of the web package's home handler, in its
// order, then all of them as one request makes them.
func homeQueries(year int) []homeQuery {
	qs := []homeQuery{
		{"LatestEdition", func(db *store.DB) error { _, err := db.LatestEdition(ctx); return err }},
		{"LatestNews", func(db *store.DB) error { _, err := db.LatestNews(ctx, 3); return err }},
		{"UpcomingEvents", func(db *store.DB) error { _, err := db.UpcomingEvents(ctx, 3); return err }},
		{"AwardYears", func(db *store.DB) error { _, err := db.AwardYears(ctx); return err }},
		{"PublishedAwards", func(db *store.DB) error { _, err := db.PublishedAwards(ctx, year); return err }},
	}
	all := func(db *store.DB) error {
		for _, q := range qs {
			if err := q.run(db); err != nil {
				return err
			}
		}
		return nil
	}
	return append(qs, homeQuery{"all", all})
}

func benchQuery(b *testing.B, db *store.DB, run func(*store.DB) error) {
	b.ReportAllocs()
	for b.Loop() {
		if err := run(db); err != nil {
			b.Fatal(err)
		}
	}
}
