package main

import (
	"runtime"
	"testing"
)

func TestTuneRuntime(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(procs) })

	runtime.GOMAXPROCS(1)
	tuneRuntime(func(string) string { return "" })
	if n := runtime.GOMAXPROCS(0); n != 2 {
		t.Errorf("GOMAXPROCS %d on one P, want 2", n)
	}
	runtime.GOMAXPROCS(3)
	tuneRuntime(func(string) string { return "" })
	if n := runtime.GOMAXPROCS(0); n != 3 {
		t.Errorf("GOMAXPROCS %d, want 3 left as it was", n)
	}
	// The operator's variable wins.
	runtime.GOMAXPROCS(1)
	tuneRuntime(func(k string) string { return map[string]string{"GOMAXPROCS": "1"}[k] })
	if n := runtime.GOMAXPROCS(0); n != 1 {
		t.Errorf("GOMAXPROCS %d with GOMAXPROCS=1 set, want 1", n)
	}
}
