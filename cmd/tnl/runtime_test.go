package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestTuneRuntime(t *testing.T) {
	procs, gc, limit := runtime.GOMAXPROCS(0), debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() { runtime.GOMAXPROCS(procs); debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) })

	runtime.GOMAXPROCS(1)
	tuneRuntime(func(string) string { return "" })
	if n := runtime.GOMAXPROCS(0); n != 2 {
		t.Errorf("GOMAXPROCS %d on one P, want 2", n)
	}
	if p := debug.SetGCPercent(100); p != 200 {
		t.Errorf("GOGC %d, want 200", p)
	}
	if l := debug.SetMemoryLimit(-1); l != 120<<20 {
		t.Errorf("memory limit %d, want 120 MiB", l)
	}

	// The operator's variables win.
	runtime.GOMAXPROCS(1)
	debug.SetGCPercent(100)
	set := map[string]string{"GOMAXPROCS": "1", "GOGC": "100", "GOMEMLIMIT": "1GiB"}
	debug.SetMemoryLimit(1 << 30)
	tuneRuntime(func(k string) string { return set[k] })
	if n, p, l := runtime.GOMAXPROCS(0), debug.SetGCPercent(100), debug.SetMemoryLimit(-1); n != 1 || p != 100 || l != 1<<30 {
		t.Errorf("with the variables set: GOMAXPROCS %d, GOGC %d, limit %d; want them untouched", n, p, l)
	}
}
