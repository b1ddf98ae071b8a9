#!/usr/bin/env bash
# make test-browser: builds tnl, serves the demo data from a temporary SQLite
# database on a free loopback port, and runs the browser tests of
# tests/browser/ in Debian's Chromium (node's test runner, playwright-core,
# axe-core, ecoindex). The report and screenshots go to test-results/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[[ -x /usr/bin/chromium ]] || missing+=("/usr/bin/chromium")
command -v node >/dev/null || missing+=("node")
for m in playwright-core @axe-core/playwright ecoindex; do
  [[ -f node_modules/$m/package.json ]] || missing+=("node_modules/$m")
done
if ((${#missing[@]})); then
  echo "test-browser: missing ${missing[*]}" >&2
  echo "test-browser: run: apt-get install chromium; npm ci" >&2
  exit 1
fi

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # exit through the EXIT trap, which stops the server

go build -o "$tmp/tnl" ./cmd/tnl

# A free loopback port: the kernel picks one, node reports it.
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
url="http://127.0.0.1:$port"
password="mot-de-passe-des-tests"
results=test-results/browser
rm -rf "$results"
mkdir -p "$results"
log="$PWD/$results/server.log"

# Without SMTP the server writes each email's text to its log: the keyboard
# test reads the sign-up confirmation link there.
TNL_ADDR="127.0.0.1:$port" TNL_DATABASE_URL="$tmp/tnl.db" TNL_DATA_DIR="$tmp/data" \
  TNL_DEMO_PASSWORD="$password" "$tmp/tnl" demo >"$log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 100); do # 10 s at most
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "test-browser: tnl demo stopped; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/healthz"; then
    ready=1
    break
  fi
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "test-browser: $url/healthz did not answer within 10 s; the server log:" >&2
  cat "$log" >&2
  exit 1
fi
echo "test-browser: tnl demo on $url (log: $log)"

# Each test has its own time limit; the whole run gets 20 minutes at most.
status=0
TNL_URL="$url" TNL_DEMO_PASSWORD="$password" TNL_LOG="$log" \
  timeout --kill-after=10 1200 node --test --test-reporter=spec tests/browser/*.test.mjs || status=$?

node tests/browser/summary.mjs "$results/report.json" || true
exit "$status"
