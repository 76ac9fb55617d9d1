#!/usr/bin/env bash
# Installs what the bench, load and lighthouse tasks need when it is missing:
# wrk (Debian's package), Debian's Chromium (through e2e-deps.sh), and
# bench/node_modules (Lighthouse, playwright-core; npm ci whenever
# bench/package-lock.json changed since the last install).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if command -v wrk >/dev/null; then
	echo "wrk: $(command -v wrk)"
else
	echo "wrk: not found; installing Debian's wrk"
	sudo=()
	if [[ $EUID -ne 0 ]]; then sudo=(sudo); fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq wrk >/dev/null
fi

"$root/scripts/e2e-deps.sh"

cd "$root/bench"
stamp=node_modules/.installed-package-lock.json
if [[ -f "$stamp" ]] && cmp -s package-lock.json "$stamp"; then
	echo "bench/node_modules: current"
else
	echo "bench/node_modules: installing (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error
	cp package-lock.json "$stamp"
fi
