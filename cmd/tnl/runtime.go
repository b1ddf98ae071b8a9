package main

import (
	"runtime"
)

// tuneRuntime adapts the Go runtime to a web server on a small machine,
// unless the operator set GOMAXPROCS, which always wins. GOGC was tried
// too (200): idle RSS rose over quality.md's 40 MB for a gain lost in
// the noise, so the collector keeps its default.
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
}
