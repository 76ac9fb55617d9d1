#!/usr/bin/env bash
# The MDN HTTP Observatory's own scanner (observatory/score.mjs, the npm
# package's retriever, tests and grader) against bin/site as deployed: behind
# a TLS proxy (nginx, a throw-away self-signed certificate for localhost that
# Node is told to trust), with SECURE_COOKIES=true, plain HTTP redirecting to
# HTTPS. Two sites, started here on free ports:
#
#   Google mode    GOOGLE_CLIENT_ID set to a dummy (the pages' headers need no
#                  network). Gate: each page scores at least its floor below.
#   emulator mode  documented, no floor: its CSP names the emulator's http://
#                  origin (-20, and no bonus under 90) until the emulator is
#                  reached over HTTPS. Gate: no test but that one fails.
#
# Each page is scored as a first visit (a fresh cookie jar, as the
# Observatory scans; the answer sets the session cookie and the cookie test
# scores it) and, for information, as a returning visit (the cookie sent
# back, none set, the cookie test scores nothing). Floors apply to the first
# visit. Prints one line per page and visit with the failing tests.
#
# Usage: scripts/observatory-test.sh [--out FILE]   (FILE: the figures as JSON)
# Installs nginx (Debian) and observatory/node_modules when missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/deps-lib.sh"
source "$root/scripts/emulator-lib.sh" # await_address
source "$root/scripts/nginx-lib.sh"

out=""
while (($#)); do
	case $1 in
	--out)
		[[ $# -ge 2 ]] || { echo "observatory-test.sh: --out needs a file" >&2; exit 2; }
		out=$2
		shift 2
		;;
	*) echo "usage: scripts/observatory-test.sh [--out FILE]" >&2; exit 2 ;;
	esac
done

# First-visit floors in Google mode: the scores measured on 2026-12-05
# (docs/security.md). The pages that load Google's GIS script lose 5 for it
# (no integrity hash: Google changes the file in place).
google_pages=(/=135 /docs=130 /calendar=130 /photos=130 /ajax=130 /lab=130)
emulator_pages=(/ /docs /calendar /photos /ajax /lab)
# The one test emulator mode may fail while its emulator is reached over plain
# HTTP (docs/security.md).
emulator_allowed=csp-implemented-with-insecure-scheme

nginx=$(command -v nginx || true)
[[ -z "$nginx" && -x /usr/sbin/nginx ]] && nginx=/usr/sbin/nginx
if [[ -z "$nginx" ]]; then
	echo "nginx: not found; installing Debian's nginx"
	apt_install nginx
	nginx=$(command -v nginx || echo /usr/sbin/nginx)
fi
# --ignore-scripts: a dependency's postinstall downloads certificates and the
# HSTS preload list; score.mjs stands in an empty list (offline).
npm_ci_when_changed "$root/observatory" --ignore-scripts
go build -o bin/site ./cmd/site # cheap when current; the scan must see this tree

work=$(mktemp -d)
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost \
	-keyout "$work/key.pem" -out "$work/cert.pem" 2>"$work/openssl.log" ||
	{ cat "$work/openssl.log" >&2; exit 1; }

# start_site NAME ENV...: bin/site on a free port with ENV; sets site_url.
start_site() {
	local name=$1 log=$work/$1.log
	shift
	env "$@" SECURE_COOKIES=true "$root/bin/site" -addr 127.0.0.1:0 -emulator-addr 127.0.0.1:0 >"$log" 2>&1 &
	pids+=($!)
	await_address site_url "${pids[-1]}" "$log" "site: " "bin/site ($name)"
}

start_site google GOOGLE_CLIENT_ID=observatory-test.apps.googleusercontent.com \
	SESSION_KEYS="$(openssl rand -hex 32),$(openssl rand -hex 32)"
google_url=$site_url
start_site emulator
emulator_url=$site_url

# nginx: per site, plain HTTP redirecting to HTTPS on the same host, and
# HTTPS proxying to bin/site with the Host header the browser sent.
listen_on=(127.0.0.1)
if getent ahosts localhost | grep -q '^::1 '; then listen_on+=("[::1]"); fi
server_blocks=""
# Four free ports from one node start (held open together, so distinct).
read -ra ports < <(node -e '
const net = require("net");
Promise.all([0, 1, 2, 3].map(() => new Promise((ok) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => ok(s)); })))
  .then((ss) => { console.log(ss.map((s) => s.address().port).join(" ")); ss.forEach((s) => s.close()); });')
((${#ports[@]} == 4)) || { echo "observatory-test.sh: no free ports" >&2; exit 1; }
for site in google emulator; do
	http_port=${ports[0]} https_port=${ports[1]}
	ports=("${ports[@]:2}")
	declare "${site}_http=$http_port" "${site}_https=$https_port"
	upstream=${site}_url
	http_listen="" https_listen=""
	for a in "${listen_on[@]}"; do
		http_listen+="listen $a:$http_port; "
		https_listen+="listen $a:$https_port ssl; "
	done
	server_blocks+="
  server { $http_listen return 301 https://localhost:$https_port\$request_uri; }
  server { $https_listen location / { proxy_pass ${!upstream}; } }"
done
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
events { worker_connections 256; }
http {
  access_log off;
$(nginx_scratch_paths "$work/nginx" "$work/cert.pem" "$work/key.pem")
  proxy_set_header Host \$http_host;
  proxy_set_header X-Forwarded-Proto \$scheme;
$server_blocks
}
EOF
"$nginx" -c "$work/nginx.conf" -p "$work" >"$work/nginx.log" 2>&1 &
pids+=($!)
for port in "$google_http" "$google_https" "$emulator_http" "$emulator_https"; do
	for i in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
		if ! kill -0 "${pids[-1]}" 2>/dev/null || ((i == 100)); then
			echo "nginx did not listen on $port:" >&2
			cat "$work/nginx.log" "$work/nginx-error.log" >&2 2>/dev/null || true
			exit 1
		fi
		sleep 0.1
	done
done

# Both scans at once; each prints when done.
export NODE_EXTRA_CA_CERTS=$work/cert.pem
cd "$root/observatory"
node score.mjs --label "Google mode" --http-port "$google_http" --https-port "$google_https" \
	--json "$work/google.json" "${google_pages[@]}" >"$work/google.txt" 2>&1 &
google_scan=$!
node score.mjs --label "emulator mode" --http-port "$emulator_http" --https-port "$emulator_https" \
	--allow-failing "$emulator_allowed" --json "$work/emulator.json" "${emulator_pages[@]}" >"$work/emulator.txt" 2>&1 &
emulator_scan=$!
status=0
wait "$google_scan" || status=1
wait "$emulator_scan" || status=1
echo "MDN HTTP Observatory $(node -p 'require("@mdn/mdn-http-observatory/package.json").version'), behind nginx TLS, SECURE_COOKIES=true"
cat "$work/google.txt" "$work/emulator.txt"

if [[ -n "$out" ]]; then
	cd "$root"
	node -e '
const fs = require("fs");
const [out, google, emulator, version] = process.argv.slice(1);
const read = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
const doc = {
  when: new Date().toISOString(),
  scanner: "@mdn/mdn-http-observatory " + version,
  how: "scripts/observatory-test.sh: bin/site behind nginx TLS (self-signed, trusted through NODE_EXTRA_CA_CERTS), SECURE_COOKIES=true, HTTP redirecting to HTTPS; first visit = fresh cookie jar (what the Observatory reports), returning visit = the first visit cookie sent back",
  modes: [read(google), read(emulator)],
};
fs.writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");
' "$out" "$work/google.json" "$work/emulator.json" "$(cd observatory && node -p 'require("@mdn/mdn-http-observatory/package.json").version')"
	echo "wrote $out"
fi
if ((status != 0)); then
	echo "observatory: a page scored below its floor, failed a test it may not, or could not be scored (above)" >&2
fi
exit $status
