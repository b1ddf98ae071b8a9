package main

import (
	"fmt"
	"strings"
	"time"

	"tnl/bench/harness"
)

type report struct {
	opts    options
	machine string
	engines []*engineResult
	elapsed time.Duration
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func sizeText(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// table is the figures, one line per engine and format.
func (r *report) table() string {
	var b strings.Builder
	b.WriteString("| engine | format | time | server CPU | first byte | file | on the wire | peak RSS (VmHWM) | RSS before | goal | met |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, e := range r.engines {
		for _, x := range e.results {
			ok := x.elapsed <= goalTime && float64(x.peakKB)*1024/1e6 <= goalMB
			fmt.Fprintf(&b, "| %s | %s | %.2f s | %.2f s | %.2f s | %s | %s | %s | %s | ≤ %s, ≤ %d MB | %s |\n",
				e.name, x.format, x.elapsed.Seconds(), x.cpu.Seconds(), x.firstByte.Seconds(), sizeText(x.size), sizeText(x.wire),
				harness.MB(x.peakKB), harness.MB(x.startKB), goalTime, goalMB, verdict(ok))
		}
	}
	return b.String()
}

func (r *report) markdown() string {
	var b strings.Builder
	b.WriteString("## Exports of applications\n\n")
	b.WriteString("Written by `make bench-export` (`bench/export`); run it again rather than editing by hand.\n\n")
	fmt.Fprintf(&b, "A fresh database holds %d synthetic applications of the 2026 Label track (a third submitted), "+
		"each with an answer to every question of a %d-question questionnaire: the default Label questionnaire (42 questions) "+
		"and a last section of copies of its questions of every type, so that each application carries ~60 answers as the issue asks. "+
		"Answers are realistic for their type: long texts of 30 to 200 words, tables of 1 to 5 rows, lists of 2 to 8 software names, "+
		"choices, numbers, dates, URLs. They are bulk-inserted with SQL (no history rows: the export does not read them).\n\n",
		r.opts.applications, r.opts.questions)
	b.WriteString("For each format, a fresh `tnl serve` (built from the tree, run as in production) is started; the program signs in " +
		"as an admin through `POST /connexion`, downloads `GET /admin/candidatures/export.<format>` on loopback as a browser does " +
		"(`Accept-Encoding: gzip`: CSV is compressed on the wire, XLSX and ODS are ZIP files already) into a file, then reads " +
		"the server's VmHWM from `/proc/<pid>/status`: the peak resident size of that process since it started, so it covers the whole export. " +
		"\"RSS before\" is its resident size just before the export, after start-up and the admin's sign-in: most of the peak. " +
		"The time runs from the request to the last byte; \"server CPU\" is the processor time `tnl serve` used meanwhile " +
		"(user + system, from `/proc/<pid>/stat`), steadier than the time on a shared machine. Each file is then checked to hold every application (one CSV record, " +
		"or one sheet row, per application).\n\n")
	b.WriteString(r.machine)
	fmt.Fprintf(&b, "- command: `make bench-export`, that is `go run ./bench/export %s` inside `pg_virtualenv -t -o fsync=on` "+
		"with `%s` set: SQLite, then PostgreSQL, in one run\n", strings.Join(r.opts.args, " "), harness.PostgresEnv)
	fmt.Fprintf(&b, "- duration of the run: %s\n", r.elapsed.Round(time.Second))
	for _, e := range r.engines {
		fmt.Fprintf(&b, "- %s: %s; setup (%d answers) took %s\n", e.name, e.settings, e.answers, e.setup.Round(time.Second))
	}
	b.WriteString("\n")
	b.WriteString(r.table())
	return b.String()
}
