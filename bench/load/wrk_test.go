package main

import (
	"strings"
	"testing"
	"time"
)

// wrkReport is a report of wrk 4.1 with --latency.
const wrkReport = `Running 15s test @ http://127.0.0.1:40123/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.61ms    1.05ms  31.20ms   88.12%
    Req/Sec    12.34k     1.10k   14.50k    71.00%
  Latency Distribution
     50%  850.00us
     75%    2.90ms
     90%    3.80ms
     99%    1.20s
  368400 requests in 15.00s, 1.70GB read
Requests/sec:  24560.12
Transfer/sec:    116.01MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkReport)
	if err != nil {
		t.Fatal(err)
	}
	if r.rps != 24560.12 || r.p50 != 850*time.Microsecond || r.p99 != 1200*time.Millisecond {
		t.Fatalf("got %+v", r)
	}
}

// Timeouts are counted: they are slow answers that wrk leaves out of its
// latencies.
func TestParseWrkTimeouts(t *testing.T) {
	slow := strings.Replace(wrkReport, "Requests/sec", "  Socket errors: connect 0, read 0, write 0, timeout 3\nRequests/sec", 1)
	r, err := parseWrk(slow)
	if err != nil || r.timeouts != 3 {
		t.Fatalf("got %+v, %v; want 3 timeouts", r, err)
	}
}

// A round with error answers must fail, not flatter tnl.
func TestParseWrkRefusesErrors(t *testing.T) {
	bad := strings.Replace(wrkReport, "Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec", 1)
	if _, err := parseWrk(bad); err == nil {
		t.Error("no error for error answers")
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Error("no error for a report without figures")
	}
}
