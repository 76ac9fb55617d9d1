#!/usr/bin/env bash
# Runs examples/gis-offline (docs/emulator.md) as a
# project that is not Scopewise would: bin/emulator started on its own on a
# free port with the page's origin registered, the page on another free port,
# the example's Playwright tests, then a graceful stop of the emulator (it must
# exit 0). The fixture comes as another project gets it: the npm package
# packages/gis-emulator is built and packed (npm pack), and the example
# installs that tarball with its own @playwright/test. Needs bin/emulator and
# e2e/node_modules (scripts/test.sh builds and installs them; the package is
# built with e2e's TypeScript).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
example="$root/examples/gis-offline"
client=gis-offline-example.apps.googleusercontent.com

source "$root/scripts/emulator-lib.sh"

install_fixture_package "$example"

page_port=$(free_port)
start_emulator -client "$client=http://127.0.0.1:$page_port;name=Next events" -picker-poll-interval 250ms
sed -n 2p "$emu_log" # the "point your page at …" hint

cd "$example"
GIS_EMULATOR_URL="$emu" PAGE_PORT="$page_port" CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" \
	./node_modules/.bin/playwright test "$@"

stop_emulator_cleanly
echo "bin/emulator stopped cleanly"
