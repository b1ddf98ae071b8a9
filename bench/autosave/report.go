package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"tnl/bench/harness"
)

// Goals of the issue.
const (
	goalRatio = 5.0
	goalP99   = 50 * time.Millisecond
)

type report struct {
	opts     options
	machine  string
	settings []string
	start    time.Time
	elapsed  time.Duration
	loadEnd  string
	fsync    time.Duration // median write + fsync of 4 KiB where the databases live
	loads    []*loadResult
	crashes  []*crashResult
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func (r *report) section() string {
	if r.opts.crash {
		return "autosave-crash"
	}
	return "autosave"
}

func (r *report) tables() string {
	if r.opts.crash {
		return r.crashTable()
	}
	return r.loadTable() + "\n" + r.ratioTable()
}

func (r *report) loadTable() string {
	var b strings.Builder
	b.WriteString("| engine | through | pace | mode | saves/s | p50 | p99 | max | saves in window | server CPU | saves per WAL sync | conflicts | errors |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, l := range r.loads {
		perSync, cpu := "—", "—"
		if l.commits > 0 {
			perSync = fmt.Sprintf("%.1f", float64(l.saves)/float64(l.commits))
		}
		if !l.direct {
			cpu = fmt.Sprintf("%.1f s", l.cpu.Seconds())
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %.0f | %s | %s | %s | %d in %.1f s | %s | %s | %d | %d |\n",
			l.engine, throughText(l.direct), paceText(l.think), l.mode, l.rate(), ms(l.p50), ms(l.p99), ms(l.pmax), l.saves,
			l.window.Seconds(), cpu, perSync, l.conflicts, l.refused+l.unreachable)
	}
	return b.String()
}

func throughText(direct bool) string {
	if direct {
		return "the store"
	}
	return "HTTP"
}

func paceText(think time.Duration) string {
	if think == 0 {
		return "no pause (saturation)"
	}
	return fmt.Sprintf("a save every %s per saver", think)
}

// ratioTable sums up each engine against the goal: the ratio of commit
// rates where commits are the bottleneck (through the store, saturated),
// the same ratio end to end over HTTP, and the latency users feel — the
// p99 over HTTP at the paced rate (at saturation, latency only measures
// the queue in front of a busy processor), with the store's p99 at
// saturation beside it. Medians over the rounds.
func (r *report) ratioTable() string {
	var b strings.Builder
	b.WriteString("| engine | through the store, saturated: group commit / one commit per save | ratio | over HTTP, saturated | ratio | " +
		"p99 over HTTP, a save every " + r.opts.think.String() + " per saver: group commit (one commit per save) | " +
		"p99 through the store, saturated: group commit (one commit per save) | goal | met |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	rate := (*loadResult).rate
	p99 := func(l *loadResult) float64 { return float64(l.p99) }
	for _, engine := range r.engineNames() {
		dg, done := r.median(engine, true, modeGroup, 0, rate), r.median(engine, true, modeOne, 0, rate)
		hg, hone := r.median(engine, false, modeGroup, 0, rate), r.median(engine, false, modeOne, 0, rate)
		hp99 := time.Duration(r.median(engine, false, modeGroup, r.opts.think, p99))
		hp99one := time.Duration(r.median(engine, false, modeOne, r.opts.think, p99))
		dp99 := time.Duration(r.median(engine, true, modeGroup, 0, p99))
		dp99one := time.Duration(r.median(engine, true, modeOne, 0, p99))
		ratio := safeRatio(dg, done)
		fmt.Fprintf(&b, "| %s | %.0f / %.0f saves/s | %.1f× | %.0f / %.0f saves/s | %.1f× | %s (%s) | %s (%s) | ≥ %.0f× commits, p99 ≤ %s | %s |\n",
			engine, dg, done, ratio, hg, hone, safeRatio(hg, hone), ms(hp99), ms(hp99one), ms(dp99), ms(dp99one),
			goalRatio, ms(goalP99), verdict(ratio >= goalRatio && hp99 > 0 && hp99 <= goalP99))
	}
	return b.String()
}

func safeRatio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (r *report) engineNames() []string {
	var out []string
	for _, l := range r.loads {
		if !slices.Contains(out, l.engine) {
			out = append(out, l.engine)
		}
	}
	return out
}

func (r *report) median(engine string, direct bool, mode string, think time.Duration, f func(*loadResult) float64) float64 {
	var v []float64
	for _, l := range r.loads {
		if l.engine == engine && l.direct == direct && l.mode == mode && l.think == think {
			v = append(v, f(l))
		}
	}
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}

func (r *report) crashTable() string {
	var b strings.Builder
	b.WriteString("| engine | SIGKILLs | duration | saves acknowledged | sent again after a connection error | questions checked | acknowledged saves lost | integrity | goal | met |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	for _, c := range r.crashes {
		ok := c.lost == 0 && c.kills >= 20 && integrityOK(c)
		fmt.Fprintf(&b, "| %s | %d | %s | %d | %d | %d | %d | %s | 0 lost, integrity passes, ≥ 20 kills | %s |\n",
			c.engine, c.kills, c.elapsed.Round(time.Second), c.acked, c.retried, c.checked, c.lost,
			strings.Join(c.integrity, "; "), verdict(ok))
	}
	return b.String()
}

func integrityOK(c *crashResult) bool {
	for _, s := range c.integrity {
		if strings.HasSuffix(s, "`PRAGMA integrity_check`: ok") || strings.HasSuffix(s, ": 0 violations") ||
			strings.HasPrefix(s, "answers without their accepted history row: 0 ") {
			continue
		}
		return false
	}
	return len(c.integrity) > 0
}

func (r *report) markdown() string {
	var b strings.Builder
	if r.opts.crash {
		r.crashIntro(&b)
	} else {
		r.loadIntro(&b)
	}
	b.WriteString(r.machine)
	target := "bench-autosave"
	if r.opts.crash {
		target = "bench-crash"
	}
	fmt.Fprintf(&b, "- command: `make %s`, that is `go run ./bench/autosave %s` inside `pg_virtualenv -t -o fsync=on` "+
		"with `%s` set: SQLite, then PostgreSQL, in one run\n", target, strings.Join(r.opts.args, " "), harness.PostgresEnv)
	for _, s := range r.settings {
		fmt.Fprintf(&b, "- %s\n", s)
	}
	fmt.Fprintf(&b, "- one durable write here: writing 4 KiB and `fsync` in the databases' folder takes %s (median of 200): "+
		"the least a commit costs on this machine\n", fmt.Sprintf("%.2f ms", float64(r.fsync.Microseconds())/1000))
	for _, engine := range r.engineNames() {
		perSave := func(mode string) float64 {
			return r.median(engine, false, mode, 0, func(l *loadResult) float64 { return l.cpu.Seconds() * 1000 / float64(l.saves) })
		}
		fmt.Fprintf(&b, "- %s at saturation: `tnl serve` used %.2f ms of CPU per save with the group commit, %.2f ms with one commit per save\n",
			engine, perSave(modeGroup), perSave(modeOne))
	}
	fmt.Fprintf(&b, "- duration of the run: %s; load average at the end (1, 5, 15 min): %s\n\n", r.elapsed.Round(time.Second), r.loadEnd)
	b.WriteString(r.tables())
	return b.String()
}

func (r *report) loadIntro(b *strings.Builder) {
	b.WriteString("## Autosave: 500 concurrent savers, group commit against one commit per save\n\n")
	b.WriteString("Written by `make bench-autosave` (`bench/autosave`); run it again rather than editing by hand.\n\n")
	fmt.Fprintf(b, "A fresh database holds an open edition with the default Label questionnaire, %d applications of %d "+
		"directory bodies and one account, approved member of all of them. Each of %d savers (a goroutine with its own "+
		"session, signed in through `POST /connexion`, and a kept-alive connection, as a browser tab) writes one answer "+
		"of its own application (half a long text of ~600 characters, half a short text) through the real endpoint "+
		"`POST /candidatures/{id}/reponses` (`q`, `a.<q>`, `v.<q>`), again and again, each save made on the version "+
		"the previous one returned. The same load runs against `tnl serve` with the group commit (the default) and "+
		"with one commit per save (`TNL_AUTOSAVE_ONE_COMMIT=1`), on the same database in the same run: %s of warm-up, "+
		"then %s recorded, %d round(s).\n\n", r.opts.savers, r.opts.savers, r.opts.savers, r.opts.warmup, r.opts.duration, r.opts.rounds)
	fmt.Fprintf(b, "Two paces. Without pause, the savers keep the server saturated: that gives the commit rate each "+
		"mode sustains, and the ratio; latencies then only measure the queue. With a pause of %s after each save "+
		"(500 people typing at once, each autosaved every %s: about %.0f saves/s offered), the latencies are those "+
		"of a busy but not saturated server. Every save completed in the window counts, with its latency from "+
		"request to answer; a save is one HTTP request, which also loads the application, its questionnaire and "+
		"answers, refreshes the session, and recomputes the indicative score that the endpoint returns.\n\n",
		r.opts.think, r.opts.think, float64(r.opts.savers)/r.opts.think.Seconds())
	fmt.Fprintf(b, "Then the same %d savers, on the same database in the same run, save through the store directly, "+
		"without HTTP (\"through the store\"): each calls what the endpoint calls — `store.Autosave` (group commit) or "+
		"`store.SaveAnswers` with one save (one commit per save) — in a loop without pause, with the same "+
		"compare-and-set on versions, the same answer history and the same deadline check inside the writing "+
		"transaction. Over HTTP a save costs the server more processor time than a durable commit costs on this "+
		"machine's disk (see the figures below), so both modes are bound by the processor and their ratio says "+
		"nothing of the commits; through the store the commits are the bottleneck, as they are over HTTP on a "+
		"slower disk. The summary table reads the goal that way: the group commit must multiply the commit rate "+
		"by 5 where commits are the bottleneck (through the store), and a save over HTTP must be answered within "+
		"50 ms at p99 while 500 people type (the paced run); the HTTP ratio at saturation and the store's p99 at "+
		"saturation (a queue of 500 savers that never pause) stand beside them.\n\n", r.opts.savers)
	b.WriteString("\"Saves per WAL sync\" divides the saves by PostgreSQL's `pg_stat_wal.wal_sync` over the window: " +
		"how many saves each durable flush carried. \"Server CPU\" is the processor time `tnl serve` used in the window " +
		"(user + system, from `/proc/<pid>/stat`); divided by the saves, it is what a save costs besides its commit.\n\n")
}

func (r *report) crashIntro(b *strings.Builder) {
	b.WriteString("## Autosave crash run: SIGKILL under load\n\n")
	b.WriteString("Written by `make bench-crash` (`bench/autosave -crash`); run it again rather than editing by hand.\n\n")
	fmt.Fprintf(b, "The autosave load above (%d savers on a fresh database, group commit, the default) runs while the "+
		"server is killed with SIGKILL %d times, each at a random moment 0.2 to 1.5 s after it became ready, and "+
		"restarted at once on the same address. Savers keep, per question, the highest version and its value that "+
		"the server acknowledged with 200; after a connection error they send the same value on the same version "+
		"again (a save committed whose answer was lost is then answered as a repeated save). At the end, each "+
		"question's stored answer (`store.Answers`) must have a version at least the acknowledged one and, if "+
		"equal, the same value; then the integrity checks run: on SQLite `PRAGMA integrity_check` and "+
		"`PRAGMA foreign_key_check`, on both engines that every answer's version has its accepted history row "+
		"with the same value (written in the same transaction). On PostgreSQL only `tnl` is killed, not the "+
		"database server.\n\n", r.opts.savers, r.opts.kills)
}
