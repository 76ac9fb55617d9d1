#!/usr/bin/env bash
# Builds cmd/emulator/Containerfile with podman or docker when one is present
# (CONTAINER_TOOL picks one), and checks the image holds the static binary and
# nothing else, without running it: Debian's podman, as installed here, builds
# images but cannot run one (no usable runtime in this sandbox). Where no
# registry is reachable (the build stage pulls golang), it builds the final
# stage alone and says so. Skips, saying so, when neither tool is present.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tool=${CONTAINER_TOOL:-}
if [[ -z "$tool" ]]; then
	for t in podman docker; do
		if command -v "$t" >/dev/null; then
			tool=$t
			break
		fi
	done
fi
if [[ -z "$tool" ]]; then
	echo "SKIP: neither podman nor docker is installed: cmd/emulator/Containerfile not built (apt-get install podman)"
	exit 0
fi

image=localhost/scopewise-emulator:test-$$
started=$SECONDS
containerfile=$root/cmd/emulator/Containerfile
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "building cmd/emulator/Containerfile with $tool"
if "$tool" build -q -f "$containerfile" -t "$image" "$root" >"$log" 2>&1; then
	how="the whole Containerfile"
elif grep -qiE 'pinging container registry|no such host|dial tcp|error pulling|initializing source|short-name .* did not resolve' "$log"; then
	# No registry here, so no golang image for the build stage, and RUN
	# needs a runtime this machine lacks. Build the final stage from the
	# Containerfile's own lines instead, with the binary built by its own
	# go build line on this machine.
	echo "the build stage needs golang from a registry, unreachable here:"
	sed 's/^/  /' "$log" | tail -n 2
	ctx=$(mktemp -d)
	trap 'rm -f "$log"; rm -rf "$ctx"' EXIT
	build_line=$(sed -n 's/^RUN \(CGO_ENABLED=0 go build .*\)$/\1/p' "$containerfile")
	[[ -n "$build_line" ]] || { echo "no 'RUN CGO_ENABLED=0 go build' line in $containerfile" >&2; exit 1; }
	(cd "$root" && eval "${build_line//\/out\/emulator/$ctx/emulator}")
	sed -n '/^FROM scratch/,$p' "$containerfile" | sed 's|^COPY --from=build /out/emulator |COPY emulator |' >"$ctx/Containerfile"
	if ! "$tool" build -q -f "$ctx/Containerfile" -t "$image" "$ctx" >"$log" 2>&1; then
		cat "$log" >&2
		exit 1
	fi
	how="its final stage (FROM scratch) with the binary from its go build line run here; the build stage was not run"
else
	cat "$log" >&2
	exit 1
fi
trap 'rm -f "$log"; rm -rf "${ctx:-}"; "$tool" rmi -f "$image" >/dev/null 2>&1 || true' EXIT

# The image's files, from a container that is created, never started.
ctr=$("$tool" create "$image")
files=$("$tool" export "$ctr" | tar -t | grep -v '/$' | sort)
bin=$(mktemp)
"$tool" cp "$ctr:/emulator" "$bin"
"$tool" rm "$ctr" >/dev/null
trap 'rm -f "$log" "$bin"; rm -rf "${ctx:-}"; "$tool" rmi -f "$image" >/dev/null 2>&1 || true' EXIT

# A scratch image has no files but what the Containerfile copies (a runtime
# may add empty mount points such as /etc/hosts; they are not in the image).
unexpected=$(grep -vxE 'emulator|etc/(hosts|hostname|resolv\.conf)|run/\.containerenv|\.dockerenv|dev/.*|proc/.*|sys/.*' <<<"$files" || true)
if [[ "$files" != *emulator* || -n "$unexpected" ]]; then
	printf 'the image should hold /emulator alone; it holds:\n%s\n' "$files" >&2
	exit 1
fi
if ! file "$bin" | grep -q 'statically linked'; then
	echo "/emulator is not a static binary: $(file -b "$bin")" >&2
	exit 1
fi
entry=$("$tool" image inspect --format '{{json .Config.Entrypoint}} {{.Config.User}} {{json .Config.Env}}' "$image")
size=$("$tool" image inspect --format '{{.Size}}' "$image")
echo "cmd/emulator/Containerfile: built with $tool ($how) in $((SECONDS - started)) s; the image holds /emulator alone (a static binary), $((size / 1024 / 1024)) MiB; entrypoint, user, env: $entry"
echo "not run here: this machine's podman builds images but cannot run them"
