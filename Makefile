# The Makefile is the CI: .ci/run installs what is missing and calls `make test`
# with TNL_TEST_POSTGRES set, so that every storage and handler test runs on
# SQLite and on PostgreSQL.
GO ?= go

.PHONY: build test test-pg test-browser bench lint demo

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

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet ./...

demo:
	$(GO) run ./cmd/tnl demo
