#!/usr/bin/env bash
# Two Playwright suites at once against one bin/emulator, each test in its own
# world: examples/gis-offline (the fixture package from its tarball) and
# contract/browser (GIS as @types/google.accounts types it, Google's Calendar
# quickstart), each with --workers=2, every test repeated 3 times, no retries.
# Prints each suite's result and the wall time; fails when any test fails or
# the emulator does not stop cleanly. Extra arguments go to both suites'
# playwright test (e.g. --repeat-each=1). Needs e2e/node_modules
# (scripts/e2e-deps.sh); installs contract/npm's packages when missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
started=$SECONDS
go build -o bin/emulator ./cmd/emulator
source "$root/scripts/emulator-lib.sh"
install_fixture_package "$root/examples/gis-offline" >/dev/null
ln -sfn ../../e2e/node_modules contract/browser/node_modules
# contract/browser's page is built with @types/google.accounts from contract/npm.
if [[ ! -d contract/npm/node_modules ]]; then
	(cd contract/npm && npm ci --no-audit --no-fund --loglevel=error)
fi
(cd contract/browser && "$root/e2e/node_modules/.bin/tsc" -p .)

example_port=$(free_port)
contract_port=$(free_port)
start_emulator -config contract/emulator.json -quiet \
	-client "gis-offline-example.apps.googleusercontent.com=http://127.0.0.1:$example_port;name=Next events" \
	-client "contract-suite.apps.googleusercontent.com=http://127.0.0.1:$contract_port"
echo "one emulator at $emu; two suites, --workers=2 each, --repeat-each=3"

logs=$(mktemp -d)
trap 'stop_emulator || true; rm -f "$emu_log"; rm -rf "$logs"' EXIT
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
args=(--workers=2 --repeat-each=3 --fully-parallel --retries=0 --reporter=line "$@")
(cd examples/gis-offline && GIS_EMULATOR_URL="$emu" PAGE_PORT="$example_port" CHROMIUM_PATH="$chromium" \
	./node_modules/.bin/playwright test "${args[@]}" >"$logs/example.log" 2>&1) &
example_pid=$!
(cd contract/browser && GIS_EMULATOR_URL="$emu" PAGE_PORT="$contract_port" CHROMIUM_PATH="$chromium" \
	"$root/e2e/node_modules/.bin/playwright" test "${args[@]}" >"$logs/contract.log" 2>&1) &
contract_pid=$!

status=0
for suite in example contract; do
	pid_var=${suite}_pid
	if ! wait "${!pid_var}"; then
		status=1
		echo "--- $suite suite failed:"
		cat "$logs/$suite.log"
	fi
	echo "$suite: $(grep -E '^\s+[0-9]+ (passed|failed|flaky|skipped)' "$logs/$suite.log" | tr -s ' \n' ' ')"
done
stop_emulator_cleanly
echo "two suites against one emulator: $((SECONDS - started)) s wall time (build and install included)"
exit $status
