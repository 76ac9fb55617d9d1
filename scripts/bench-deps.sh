#!/usr/bin/env bash
# Installs what the bench, load and lighthouse tasks need when it is missing:
# wrk (Debian's package), Debian's Chromium and npm (through e2e-deps.sh),
# and bench/node_modules (Lighthouse, playwright-core, oauth2-mock-server).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/deps-lib.sh"

if command -v wrk >/dev/null; then
	echo "wrk: $(command -v wrk)"
else
	echo "wrk: not found; installing Debian's wrk"
	apt_install wrk
fi

"$root/scripts/e2e-deps.sh"
npm_ci_when_changed "$root/bench"
