#!/usr/bin/env bash
# Installs what the Playwright specs need when it is missing: Debian's
# Chromium (test tools cannot download a browser here) and e2e/node_modules
# (npm ci, whenever package-lock.json changed since the last install).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/deps-lib.sh"

chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ -x "$chromium" ]]; then
	echo "chromium: $chromium"
elif [[ -n "${CHROMIUM_PATH:-}" ]]; then
	echo "chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
	exit 1
else
	echo "chromium: not found at $chromium; installing Debian's chromium"
	apt_install chromium
	"$chromium" --version
fi

if ! command -v npm >/dev/null; then
	echo "npm not found: install Node.js 20 or newer" >&2
	exit 1
fi

npm_ci_when_changed "$root/e2e"

# The fixture package (packages/gis-emulator) is built and used with the e2e
# folder's @playwright/test and TypeScript: one copy of each.
ln -sfn ../../e2e/node_modules "$root/packages/gis-emulator/node_modules"
