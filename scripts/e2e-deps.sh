#!/usr/bin/env bash
# Installs what the Playwright specs need when it is missing: Debian's
# Chromium (test tools cannot download a browser here) and e2e/node_modules
# (npm ci, whenever package-lock.json changed since the last install).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ -x "$chromium" ]]; then
	echo "chromium: $chromium"
elif [[ -n "${CHROMIUM_PATH:-}" ]]; then
	echo "chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
	exit 1
else
	echo "chromium: not found at $chromium; installing Debian's chromium"
	sudo=()
	if [[ $EUID -ne 0 ]]; then sudo=(sudo); fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq chromium >/dev/null
	"$chromium" --version
fi

if ! command -v npm >/dev/null; then
	echo "npm not found: install Node.js 20 or newer" >&2
	exit 1
fi

cd "$root/e2e"
# npm ci wipes node_modules and installs exactly the lock file. A copy of the
# lock file it installed from tells whether it must run again.
stamp=node_modules/.installed-package-lock.json
if [[ -f "$stamp" ]] && cmp -s package-lock.json "$stamp"; then
	echo "e2e/node_modules: current"
else
	echo "e2e/node_modules: installing (npm ci)"
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	cp package-lock.json "$stamp"
fi
