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

free_port() {
	node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}
page_port=$(free_port)
log=$(mktemp)
"$root/bin/emulator" -addr 127.0.0.1:0 -client "$client=http://127.0.0.1:$page_port" -picker-poll-interval 250ms >"$log" 2>&1 &
emu_pid=$!
stop_emulator() {
	if kill -0 "$emu_pid" 2>/dev/null; then
		kill -TERM "$emu_pid"
		wait "$emu_pid"
		return $?
	fi
	return 0
}
trap 'stop_emulator || true; rm -f "$log"' EXIT

# The first line says where it listens: "emulator: http://127.0.0.1:PORT".
emu=""
for _ in $(seq 100); do
	emu=$(sed -n 's/^emulator: //p' "$log")
	[[ -n "$emu" ]] && break
	if ! kill -0 "$emu_pid" 2>/dev/null; then
		echo "bin/emulator exited before listening:" >&2
		cat "$log" >&2
		exit 1
	fi
	sleep 0.1
done
if [[ -z "$emu" ]]; then
	echo "bin/emulator printed no address in 10 s" >&2
	exit 1
fi
sed -n 2p "$log" # the "point your page at …" hint

# The example uses the e2e folder's @playwright/test (one copy of it).
ln -sfn ../../e2e/node_modules "$example/node_modules"
cd "$example"
GIS_EMULATOR_URL="$emu" PAGE_PORT="$page_port" CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" \
	"$root/e2e/node_modules/.bin/playwright" test

if ! stop_emulator; then
	echo "bin/emulator did not stop cleanly on SIGTERM:" >&2
	cat "$log" >&2
	exit 1
fi
echo "bin/emulator stopped cleanly"
