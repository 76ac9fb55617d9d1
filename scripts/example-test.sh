#!/usr/bin/env bash
# Runs examples/gis-offline (docs/emulator.md) as a
# project that is not Scopewise would: bin/emulator started on its own on a
# free port with the page's origin registered, the page on another free port,
# the example's Playwright tests, then a graceful stop of the emulator (it must
# exit 0). Needs bin/emulator and e2e/node_modules (scripts/test.sh builds and
# installs them).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
example="$root/examples/gis-offline"
client=gis-offline-example.apps.googleusercontent.com

source "$root/scripts/emulator-lib.sh"
page_port=$(free_port)
start_emulator -client "$client=http://127.0.0.1:$page_port" -picker-poll-interval 250ms
sed -n 2p "$emu_log" # the "point your page at …" hint

# The example uses the e2e folder's @playwright/test (one copy of it).
ln -sfn ../../e2e/node_modules "$example/node_modules"
cd "$example"
GIS_EMULATOR_URL="$emu" PAGE_PORT="$page_port" CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" \
	"$root/e2e/node_modules/.bin/playwright" test

stop_emulator_cleanly
echo "bin/emulator stopped cleanly"
