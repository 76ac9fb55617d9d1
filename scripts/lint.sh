#!/usr/bin/env bash
# gofmt, go vet, staticcheck and govulncheck (the Taskfile's lint). Any
# finding fails. govulncheck needs its vulnerability database online: where it
# cannot reach it, that one step prints "skipped: database unreachable"; any
# other failure of it, and every finding, still fails the lint.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
govulncheck=${GOVULNCHECK:?set by the Taskfile}

echo "==> gofmt"
unformatted=$(find . -name '*.go' -not -path './e2e/node_modules/*' -print0 | xargs -0 gofmt -l)
if [[ -n "$unformatted" ]]; then
	echo "not gofmt'ed:"
	echo "$unformatted"
	exit 1
fi

echo "==> go vet"
go vet ./...

echo "==> staticcheck"
go tool -modfile=tools/go.mod staticcheck ./...

echo "==> govulncheck ($govulncheck)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if go run "$govulncheck" ./... >"$out" 2>&1; then
	cat "$out"
elif grep -q 'fetching vulnerabilities' "$out" && ! grep -q '^Vulnerability #' "$out"; then
	echo "govulncheck: skipped: database unreachable ($(grep -m1 'fetching vulnerabilities' "$out" | cut -c1-160))"
else
	cat "$out"
	exit 1
fi
echo "lint: clean"
