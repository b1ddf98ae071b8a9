package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// target is one URL under load, with the request header it needs (a
// session cookie for signed-in pages) and its goals: a share of the static
// baseline's requests/s and, for public pages, a p99 latency (0: none).
type target struct {
	name, url, header string
	goalRatio         float64
	goalP99           time.Duration
}

// series is what wrk measured on one target, one entry per round.
type series struct {
	target target
	runs   []wrkResult
}

// wrkResult is the part of wrk's report the tables use.
type wrkResult struct {
	rps      float64
	p50, p99 time.Duration
	timeouts int // requests unanswered after wrk's 2 s, left out of its latencies
}

// rounds warms every target up, then loads them in turn, round after round,
// so that a noisy moment of the shared machine hits them all alike.
func rounds(ctx context.Context, o options, pin pinning, targets []target) ([]*series, error) {
	out := make([]*series, len(targets))
	for i, t := range targets {
		out[i] = &series{target: t}
		if _, err := runWrk(ctx, o, pin, t, o.warmup); err != nil {
			return nil, err
		}
	}
	for round := 1; round <= o.rounds; round++ {
		for _, s := range out {
			r, err := runWrk(ctx, o, pin, s.target, o.duration)
			if err != nil {
				return nil, err
			}
			step("round %d/%d %-34s %9.0f req/s  p50 %s  p99 %s", round, o.rounds, s.target.name, r.rps, ms(r.p50), ms(r.p99))
			s.runs = append(s.runs, r)
		}
	}
	return out, nil
}

// runWrk loads a target for d on the load generator's CPU.
func runWrk(ctx context.Context, o options, pin pinning, t target, d time.Duration) (wrkResult, error) {
	argv := append(append([]string{}, pin.load...), "wrk", "--latency",
		"-t", strconv.Itoa(o.threads), "-c", strconv.Itoa(o.connections),
		"-d", strconv.Itoa(int(d.Round(time.Second).Seconds()))+"s")
	if t.header != "" {
		argv = append(argv, "-H", t.header)
	}
	argv = append(argv, t.url)
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return r, fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return r, nil
}

var (
	wrkRPS     = regexp.MustCompile(`(?m)^Requests/sec:\s+([\d.]+)`)
	wrkPct     = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$`)
	wrkNon2xx  = regexp.MustCompile(`(?m)^\s+Non-2xx or 3xx responses:\s+(\d+)`)
	wrkTimeout = regexp.MustCompile(`(?m)^\s+Socket errors:.*timeout (\d+)`)
	wrkUnits   = map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour}
)

// parseWrk reads requests/s, the 50th and 99th percentiles of latency and
// the timeouts from wrk's --latency report. Error answers mean the target is
// broken, not slow: they fail the round rather than flatter the figures.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		return r, fmt.Errorf("%s answers were not 2xx or 3xx", m[1])
	}
	if m := wrkTimeout.FindStringSubmatch(out); m != nil {
		r.timeouts, _ = strconv.Atoi(m[1])
	}
	m := wrkRPS.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec line in wrk's report")
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	for _, p := range wrkPct.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(p[2], 64)
		d := time.Duration(v * float64(wrkUnits[p[3]]))
		if p[1] == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	if r.p50 == 0 || r.p99 == 0 {
		return r, fmt.Errorf("no latency distribution in wrk's report")
	}
	return r, nil
}

// ms writes a latency in milliseconds, the unit of the goals.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}
