package main

import "testing"

func TestBenchLines(t *testing.T) {
	out := "PASS\nok  \ttnl/cmd/tnl\t0.050s\n" +
		"goos: linux\ngoarch: amd64\npkg: tnl/internal/store\ncpu: AMD EPYC\n" +
		"BenchmarkHomeQueries/sqlite/all-2 \t 7515\t 165620 ns/op\n" +
		"PASS\nok  \ttnl/internal/store\t7.269s\n" +
		"?   \ttnl/internal/store/storetest\t[no test files]\n" +
		"PASS\nok  \ttnl/internal/web\t0.1s\n"
	want := "goos: linux\ngoarch: amd64\npkg: tnl/internal/store\ncpu: AMD EPYC\n" +
		"BenchmarkHomeQueries/sqlite/all-2 \t 7515\t 165620 ns/op\n" +
		"ok  \ttnl/internal/store\t7.269s\n"
	if got := benchLines(out); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestStats(t *testing.T) {
	s := stats([]float64{3, 1, 2, 10}, func(v float64) float64 { return v })
	if s.med != 2.5 || s.min != 1 || s.max != 10 {
		t.Fatalf("got %+v", s)
	}
	r := ratios(&series{runs: []wrkResult{{rps: 50}, {rps: 10}, {rps: 30}}},
		&series{runs: []wrkResult{{rps: 100}, {rps: 100}, {rps: 40}}})
	if r.med != 0.5 || r.min != 0.1 || r.max != 0.75 {
		t.Fatalf("ratios: got %+v", r)
	}
}
