# Starting and stopping bin/emulator on its own, for the scripts that drive it
# as another project would, and waiting for a started server's address
# (sourced, not run).

# free_port: prints a free TCP port on 127.0.0.1.
free_port() {
	node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# start_emulator ARGS...: starts bin/emulator on a free port with ARGS and
# waits for its first line ("emulator: http://127.0.0.1:PORT"). Sets emu (its
# URL), emu_pid and emu_log, and stops it on exit. Needs $root.
start_emulator() {
	emu_log=$(mktemp)
	"$root/bin/emulator" -addr 127.0.0.1:0 "$@" >"$emu_log" 2>&1 &
	emu_pid=$!
	trap 'stop_emulator || true; rm -f "$emu_log"' EXIT
	await_address emu "$emu_pid" "$emu_log" "emulator: " bin/emulator
}

# await_address VAR PID LOG PREFIX NAME: waits up to 10 s for the line
# "PREFIX URL" in LOG, the output of process PID (called NAME in errors),
# and sets VAR to URL. Exits the script, with the log, if PID exits first
# or no such line comes.
await_address() {
	local var=$1 pid=$2 log=$3 prefix=$4 name=$5 url
	for _ in $(seq 100); do
		url=$(sed -n "s/^$prefix//p" "$log")
		if [[ -n "$url" ]]; then
			printf -v "$var" '%s' "$url"
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "$name exited before listening:" >&2
			cat "$log" >&2
			exit 1
		fi
		sleep 0.1
	done
	echo "$name printed no address in 10 s" >&2
	exit 1
}

# stop_emulator: SIGTERM, then its exit status (0 when it stopped cleanly).
stop_emulator() {
	if kill -0 "$emu_pid" 2>/dev/null; then
		kill -TERM "$emu_pid"
		wait "$emu_pid"
		return $?
	fi
	return 0
}

# stop_emulator_cleanly: stop_emulator, failing the script with the log when
# the emulator did not exit 0.
stop_emulator_cleanly() {
	if ! stop_emulator; then
		echo "bin/emulator did not stop cleanly on SIGTERM:" >&2
		cat "$emu_log" >&2
		exit 1
	fi
}

# install_fixture_package DIR: packs packages/gis-emulator (npm pack; its
# prepack builds dist/: .js and .d.ts, with e2e's TypeScript) to
# DIR/.pack/scopewise-gis-emulator.tgz, the path DIR's package.json names, and
# installs DIR's packages with npm (offline when the npm cache has them), as a
# project that is not Scopewise gets the fixture. Needs $root and
# e2e/node_modules.
install_fixture_package() {
	local dir=$1 tarball
	ln -sfn ../../e2e/node_modules "$root/packages/gis-emulator/node_modules"
	mkdir -p "$dir/.pack"
	tarball=$(cd "$root/packages/gis-emulator" && npm pack --silent --pack-destination "$dir/.pack" | tail -n 1)
	mv "$dir/.pack/$tarball" "$dir/.pack/scopewise-gis-emulator.tgz"
	echo "packed @scopewise/gis-emulator: $tarball ($(tar -tzf "$dir/.pack/scopewise-gis-emulator.tgz" | tr '\n' ' '))"
	# An older run linked e2e's node_modules here: never install into that.
	if [[ -L "$dir/node_modules" ]]; then rm "$dir/node_modules"; fi
	# npm keeps an installed copy of the same version: drop it, so the
	# package just packed is the one installed.
	rm -rf "$dir/node_modules/@scopewise/gis-emulator"
	(cd "$dir" && npm install --no-package-lock --prefer-offline --no-audit --no-fund --loglevel=error)
}
