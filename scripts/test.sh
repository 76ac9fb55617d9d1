#!/usr/bin/env bash
# The test command (README; .ci/run calls exactly this).
#
# Installs what is missing (Debian Chromium, the e2e npm packages), checks the
# generated templ files are current, then runs gofmt, go vet, staticcheck,
# go test, the contract suite (Google's own clients against bin/emulator),
# the Playwright specs against the real binary, and the offline GIS example
# (examples/gis-offline) against bin/emulator started on its own. Any
# failure stops it non-zero.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

started=$SECONDS
section_started=$SECONDS
section() {
	printf '\n==> %s\n' "$*"
	section_started=$SECONDS
}
done_section() {
	printf '    (%ds)\n' $((SECONDS - section_started))
}

# ---------------------------------------------------------------------------
section "e2e prerequisites"
"$root/scripts/e2e-deps.sh"
done_section

# ---------------------------------------------------------------------------
section "templ: generated files are current"
snapshot() {
	find . -name '*_templ.go' -not -path './e2e/node_modules/*' -print0 | sort -z | xargs -0r sha256sum
}
before=$(snapshot)
go tool templ generate
after=$(snapshot)
if [[ "$before" != "$after" ]]; then
	echo "generated templ files were stale or missing; regenerated these (commit them):" >&2
	diff <(echo "$before") <(echo "$after") | sed -n 's/^> [0-9a-f]*  /    /p' >&2 || true
	exit 1
fi
echo "all *_templ.go files match their .templ sources"
done_section

# ---------------------------------------------------------------------------
section "Taskfile parses; gofmt, go vet and staticcheck"
# Every task is run by go-task: a Taskfile it cannot parse breaks them all.
go tool -modfile=tools/go.mod task --list >/dev/null
unformatted=$(find . -name '*.go' -not -path './e2e/node_modules/*' -print0 | xargs -0r gofmt -l)
if [[ -n "$unformatted" ]]; then
	echo "not gofmt'ed:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
go tool -modfile=tools/go.mod staticcheck ./...
done_section

# ---------------------------------------------------------------------------
section "go test -race"
# With the race detector: the verifier cache, the Docs fetches and the
# emulator's state are shared between goroutines. On this 2-core machine it
# costs about 30 s warm and a minute from an empty build cache.
go test -race ./...
done_section

# ---------------------------------------------------------------------------
section "build bin/site and bin/emulator"
go build -o bin/site ./cmd/site
go build -o bin/emulator ./cmd/emulator
done_section

# ---------------------------------------------------------------------------
section "MDN HTTP Observatory: its own scanner on bin/site behind nginx TLS"
# Google mode fails under its floors; emulator mode fails only on a test
# other than its http:// emulator origin. Installs nginx and
# observatory/node_modules when missing. About 15 s warm on a quiet machine.
"$root/scripts/observatory-test.sh"
done_section

# ---------------------------------------------------------------------------
section "contract suite: Google's Go and npm clients against bin/emulator"
"$root/scripts/contract-test.sh"
done_section

# ---------------------------------------------------------------------------
section "Playwright (e2e/)"
cd "$root/e2e"
npx tsc -p .
# CI, when set, is passed through: no server reuse, no test.only.
npx playwright test
done_section

# ---------------------------------------------------------------------------
section "examples/gis-offline against bin/emulator on its own"
"$root/scripts/example-test.sh"
done_section

# ---------------------------------------------------------------------------
section "deployment: 3 bin/site + bin/emulator behind nginx (TLS, round robin, SIGTERM mid-run)"
"$root/scripts/deploy-test.sh"
done_section

# ---------------------------------------------------------------------------
section "cmd/emulator/Containerfile builds a static binary on scratch (where podman or docker is present)"
"$root/scripts/container-test.sh"
done_section

printf '\n==> all tests passed (%ds)\n' $((SECONDS - started))
