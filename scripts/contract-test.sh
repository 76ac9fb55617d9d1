#!/usr/bin/env bash
# The contract suite (contract/): bin/emulator started on its own on a free
# port with contract/emulator.json and the suite's client, driven through
# Google's own clients — the generated Go clients (contract/go, a module of
# its own), the npm clients (contract/npm, node's test runner), and in
# Chromium the GIS surface as @types/google.accounts types it plus Google's
# Calendar JS quickstart (contract/browser, e2e/'s Playwright) — then a
# graceful stop (it must exit 0). Builds bin/emulator from this tree and
# installs the npm packages when missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
go build -o bin/emulator ./cmd/emulator # cheap when current; the suite must see this tree
if [[ ! -d contract/npm/node_modules ]]; then
	(cd contract/npm && npm ci --no-audit --no-fund)
fi
if [[ ! -d e2e/node_modules ]]; then
	(cd e2e && npm ci --no-audit --no-fund)
fi

source "$root/scripts/emulator-lib.sh"
page_port=$(free_port)
client=contract-suite.apps.googleusercontent.com
start_emulator -config contract/emulator.json -client "$client=http://127.0.0.1:$page_port" -quiet
export CONTRACT_EMULATOR_URL="$emu"

status=0
echo "--- Go clients (google.golang.org/api) against $emu"
(cd contract/go && go vet ./... && go test -count=1 -v ./... | grep -Ev "^=== (RUN|PAUSE|CONT)"; exit "${PIPESTATUS[0]}") || status=1
echo "--- npm clients (@googleapis/*, google-auth-library) against $emu"
(cd contract/npm && node --test test/) || status=1
echo "--- Chromium: the GIS surface as @types/google.accounts types it, and Google's Calendar quickstart"
ln -sfn ../../e2e/node_modules contract/browser/node_modules
ln -sfn ../../e2e/node_modules packages/gis-emulator/node_modules # the fixture's source, through e2e/gis-emulator.ts
(cd contract/browser && "$root/e2e/node_modules/.bin/tsc" -p . &&
	GIS_EMULATOR_URL="$emu" PAGE_PORT="$page_port" CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" \
		"$root/e2e/node_modules/.bin/playwright" test) || status=1

stop_emulator_cleanly
exit $status
