#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME (default 60s) and prints, per target,
# the executions, the new interesting inputs and the result. A crasher fails
# the run; Go writes it to the package's testdata/fuzz/<target>/ (commit it).
# `go test ./...` always runs the committed corpora and the seeds in code.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME:-60s}

targets=(
	"./internal/web FuzzBearerToken"
	"./internal/apis FuzzTokenInfo"
	"./internal/apis FuzzHasScope"
	"./internal/apis FuzzParseDocumentRef"
	"./pages FuzzFragmentTitles"
)

summary=()
failed=0
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	printf '\n==> %s %s (%s)\n' "$pkg" "$name" "$fuzztime"
	log=$(mktemp)
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" 2>&1 | tee "$log" | grep -v '^fuzz: elapsed' || true
	last=$(grep '^fuzz: elapsed' "$log" | tail -1)
	execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' <<<"$last")
	newi=$(sed -n 's/.*new interesting: \([0-9]*\).*/\1/p' <<<"$last")
	if grep -q -- '--- FAIL' "$log" || ! grep -q '^ok' "$log"; then
		result="CRASHER ($(sed -n 's/.*Failing input written to \(.*\)/\1/p' "$log" | head -1))"
		failed=1
	else
		result="ok, 0 crashers"
	fi
	summary+=("$(printf '%-22s %-16s %12s execs %6s new interesting  %s' "$name" "$pkg" "${execs:-?}" "${newi:-?}" "$result")")
	rm -f "$log"
done

printf '\n==> fuzz summary (%s each)\n' "$fuzztime"
printf '%s\n' "${summary[@]}"
exit $failed
