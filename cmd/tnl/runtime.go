package main

import (
	"runtime"
	"runtime/debug"
)

// tuneRuntime adapts the Go runtime to a web server on a small machine,
// unless the operator set the standard variables (GOMAXPROCS, GOGC,
// GOMEMLIMIT), which always win.
func tuneRuntime(getenv func(string) string) {
	// With a single P (a process pinned to one CPU, a one-CPU container),
	// goroutines preempted or woken by the network poller wait in the
	// global run queue, which is served once in 61 schedules while the
	// local queue stays busy (golang/go#51651): under load on one core,
	// some requests waited seconds (BENCHMARKS.md, timeouts). A second P
	// serves that queue; the kernel still runs both on the one CPU.
	if getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	// The collector was a fifth of the CPU of a signed-in page under load
	// with the default GOGC=100, on a heap of a few tens of MB. Letting the
	// heap grow twice as much halves that work; the memory limit keeps the
	// process under quality.md's 150 MB under load whatever the heap does.
	if getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(120 << 20)
	}
}
