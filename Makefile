# The Makefile is the CI: .ci/run installs what is missing and calls `make test`
# with TNL_TEST_POSTGRES set, so that every storage and handler test runs on
# SQLite and on PostgreSQL.
GO ?= go

.PHONY: build test test-pg test-browser bench bench-autosave bench-crash bench-export bench-assign lint demo

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/tnl ./cmd/tnl

# All Go tests, with the race detector. SQLite always; PostgreSQL too when
# TNL_TEST_POSTGRES holds a server URL.
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# The same tests on a throwaway PostgreSQL server (Debian's pg_virtualenv).
test-pg:
	pg_virtualenv -t sh -c 'TNL_TEST_POSTGRES="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE?sslmode=disable" $(MAKE) test'

# Browser tests in Debian's Chromium (playwright-core + axe-core): every page
# of every role, accessibility, weight, reflow, no-JavaScript, keyboard.
# Needs: apt-get install chromium; npm ci.
test-browser:
	./scripts/test-browser.sh

# A load run of tnl against a static baseline with wrk (apt-get install wrk),
# then the Go benchmarks of hot paths; writes both into BENCHMARKS.md.
bench:
	$(GO) run ./bench/load

# The measurements of applications, each on SQLite and then on a throwaway
# PostgreSQL server, in one run that writes its own section of
# BENCHMARKS.md. They are not part of `make bench`: together they take
# longer than its ten minutes. pg_virtualenv turns fsync off by default,
# which would hide what a commit costs: -o fsync=on turns it back on. tnl
# serve runs on CPU 0 and the load on CPU 1 (taskset); PostgreSQL is left
# free on both: squeezed onto tnl's CPU, it made every statement wait for
# the CPU, which measured the machine rather than tnl. Each run is bounded
# by ten minutes.
bench_pg = timeout 10m pg_virtualenv -t -o fsync=on sh -c \
	'TNL_BENCH_POSTGRES="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE?sslmode=disable" $(GO) run $(1)'

# 500 concurrent autosavers, group commit against one commit per save.
bench-autosave:
	$(call bench_pg,./bench/autosave -timeout 9m30s)

# The jury's assignment solver at 5,000 files × 100 reviewers, with its
# guarantees checked on each result.
bench-assign:
	timeout 10m $(GO) run ./bench/assign

# The same load with the server killed by SIGKILL 20 times: no acknowledged
# save may be lost, and the database must pass its integrity checks.
bench-crash:
	$(call bench_pg,./bench/autosave -crash -timeout 9m30s)

# Exports of 36,000 applications × 60 answers to CSV, XLSX and ODS: time
# and peak resident size of the server.
bench-export:
	$(call bench_pg,./bench/export -timeout 9m30s)

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet ./...

demo:
	$(GO) run ./cmd/tnl demo
