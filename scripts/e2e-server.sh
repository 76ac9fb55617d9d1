#!/usr/bin/env bash
# Starts the real binary (site + emulator) for Playwright's webServer
# (e2e/playwright.config.ts passes the addresses and the log path).
#
# Everything it prints goes to the log, which the token-leak check scans after
# the run. The binary is (re)built first: `go build` is a cache hit when
# bin/site is current, and a stale binary would test old code.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
site_addr=${E2E_ADDR:-localhost:18080}
emulator_addr=${E2E_EMULATOR_ADDR:-localhost:18081}
# The Picker's pollInterval is Google's 5s by default; specs read it from the
# page, so a short one only makes the run faster.
export PICKER_POLL_INTERVAL=${PICKER_POLL_INTERVAL:-300ms}
log=${E2E_SITE_LOG:-$root/e2e/.logs/site-${site_addr##*:}.log}
mkdir -p "$(dirname "$log")"

(cd "$root" && go build -o bin/site ./cmd/site)

# Not exec'd, so a start-up failure can show the log's tail. Playwright stops
# the whole process group with SIGTERM, which reaches the binary directly.
set +e
"$root/bin/site" -addr "$site_addr" -emulator-addr "$emulator_addr" >"$log" 2>&1
status=$?
if ((status != 0 && status < 128)); then
	echo "bin/site exited with status $status; the end of $log:" >&2
	tail -n 40 "$log" >&2
fi
exit "$status"
