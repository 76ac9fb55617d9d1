#!/usr/bin/env bash
# Several instances behind a real load balancer, on loopback only: three
# bin/site with the same SESSION_KEYS, in emulator mode against one
# bin/emulator (EMULATOR_URL), behind Debian's nginx run unprivileged
# (round robin, no sticky sessions), PUBLIC_URL and the emulator's public
# URL naming nginx's https origins and TRUSTED_PROXIES naming nginx.
# internal/deploydrive then drives every page's consent flow through nginx
# (one flow's requests land on different instances; every page's CSP names
# https origins only), a bounded load run and
# a run during which one instance is stopped with SIGTERM, and checks from
# the instances' logs that every request was answered by exactly one
# instance. Installs nginx with apt when it is missing.
#
# DEPLOY_PORT=N uses ports N..N+5 (else free ones); DEPLOY_LOAD (10s) and
# DEPLOY_CONNS (16) size the load run.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/deps-lib.sh"
source "$root/scripts/nginx-lib.sh"

nginx=$(command -v nginx || echo /usr/sbin/nginx)
if [[ ! -x "$nginx" ]]; then
	echo "nginx: not found; installing Debian's nginx"
	apt_install nginx-light || apt_install nginx
	nginx=$(command -v nginx || echo /usr/sbin/nginx)
fi
echo "nginx: $("$nginx" -v 2>&1)"

go build -o bin/site ./cmd/site
go build -o bin/emulator ./cmd/emulator
go build -o bin/deploydrive ./internal/deploydrive

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
if [[ -n "${DEPLOY_PORT:-}" ]]; then
	proxy_site=$DEPLOY_PORT proxy_emu=$((DEPLOY_PORT + 1)) emu_port=$((DEPLOY_PORT + 2))
	site_ports=($((DEPLOY_PORT + 3)) $((DEPLOY_PORT + 4)) $((DEPLOY_PORT + 5)))
else
	proxy_site=$(free_port) proxy_emu=$(free_port) emu_port=$(free_port)
	site_ports=($(free_port) $(free_port) $(free_port))
fi
public="https://127.0.0.1:$proxy_site"
emu_public="https://127.0.0.1:$proxy_emu"

dir=$(mktemp -d)
# Every process started here leads its own process group (setsid): on exit,
# however it comes, each group gets SIGTERM, then SIGKILL after 5 s.
groups=()
cleanup() {
	local rc=$?
	for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
	for _ in $(seq 50); do
		local alive=0
		for g in "${groups[@]}"; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
		[[ $alive == 0 ]] && break
		sleep 0.1
	done
	for g in "${groups[@]}"; do
		if kill -0 -- "-$g" 2>/dev/null; then
			echo "cleanup: process group $g still ran 5 s after SIGTERM: killed" >&2
			kill -KILL -- "-$g" 2>/dev/null || true
		fi
	done
	if [[ $rc != 0 ]]; then
		echo "--- last log lines ($dir)" >&2
		tail -n 15 "$dir"/*.log "$dir/nginx/error.log" >&2 2>/dev/null || true
	fi
	rm -rf "$dir"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# nginx terminates TLS with a certificate made for this run; the instances
# (their calls to the emulator go through nginx too) and the driver trust it
# through SSL_CERT_FILE, as Go does on Linux.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
export SSL_CERT_FILE=$dir/cert.pem

# The emulator knows the site's client and its one public origin.
setsid "$root/bin/emulator" -addr "127.0.0.1:$emu_port" -public-url "$emu_public" \
	-client "1000000000001-scopewise.apps.googleusercontent.com=$public" \
	-picker-poll-interval 100ms -quiet >"$dir/emulator.log" 2>&1 &
groups+=($!)

keys="$(openssl rand -hex 32),$(openssl rand -hex 32)"
site_pids=()
for i in 0 1 2; do
	SESSION_KEYS=$keys ADDR="127.0.0.1:${site_ports[$i]}" PUBLIC_URL=$public EMULATOR_URL=$emu_public \
		TRUSTED_PROXIES=127.0.0.1/32 SECURE_COOKIES=true PICKER_POLL_INTERVAL=100ms \
		setsid "$root/bin/site" >"$dir/site$i.log" 2>&1 &
	groups+=($!)
	site_pids+=($!)
done

mkdir -p "$dir/nginx"
cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 512; }
http {
	log_format ids '\$request_id \$request_method \$uri \$status upstream=\$upstream_addr upstream_status=\$upstream_status';
	access_log $dir/nginx/access.log ids;
$(nginx_scratch_paths "$dir/nginx" "$dir/cert.pem" "$dir/key.pem")
	# Round robin (nginx's default), no stickiness, a new upstream
	# connection per request. A request whose connection an instance refused
	# or reset before answering goes to the next instance, a POST too
	# (non_idempotent): an instance going away closes its listener, and the
	# connections still in its accept queue, which it never read, are reset.
	# An instance that is stopped gracefully answers every request it read,
	# so no request is sent twice; one that timed out is never sent again.
	upstream site {
		server 127.0.0.1:${site_ports[0]} max_fails=1 fail_timeout=5s;
		server 127.0.0.1:${site_ports[1]} max_fails=1 fail_timeout=5s;
		server 127.0.0.1:${site_ports[2]} max_fails=1 fail_timeout=5s;
	}
	server {
		listen 127.0.0.1:$proxy_site ssl;
		location / {
			proxy_pass http://site;
			proxy_set_header Host \$http_host;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto \$scheme;
			proxy_set_header X-Request-Id \$request_id;
			proxy_connect_timeout 2s;
			proxy_next_upstream error non_idempotent;
			add_header X-Request-Id \$request_id always;
			add_header X-Upstream \$upstream_addr always;
		}
	}
	server {
		listen 127.0.0.1:$proxy_emu ssl;
		location / {
			proxy_pass http://127.0.0.1:$emu_port;
			proxy_set_header Host \$http_host;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto \$scheme;
		}
	}
}
CONF
setsid "$nginx" -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx.conf" -g 'daemon off;' &
groups+=($!)

# Ready when every instance and the emulator answer, directly and through nginx.
ok=0
for _ in $(seq 200); do
	ok=1
	for p in "${site_ports[@]}"; do
		curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$p/healthz" 2>/dev/null || ok=0
	done
	curl -fsS -m 2 --cacert "$SSL_CERT_FILE" -o /dev/null "$public/healthz" 2>/dev/null || ok=0
	curl -fsS -m 2 --cacert "$SSL_CERT_FILE" -o /dev/null "$emu_public/gsi/client" 2>/dev/null || ok=0
	[[ $ok == 1 ]] && break
	sleep 0.1
done
if [[ $ok != 1 ]]; then
	echo "the deployment did not come up in 20 s" >&2
	exit 1
fi
echo "nginx: site $public -> 127.0.0.1:{${site_ports[*]}}, emulator $emu_public -> 127.0.0.1:$emu_port"

status=0
timeout -k 5 90 "$root/bin/deploydrive" -site "$public" -emulator "$emu_public" \
	-load "${DEPLOY_LOAD:-10s}" -conns "${DEPLOY_CONNS:-16}" \
	-kill-pid "${site_pids[1]}" -kill-log "$dir/site1.log" -kill-run 4s \
	-logs "$dir/site0.log,$dir/site1.log,$dir/site2.log" || status=1

# The stopped instance drained and exited 0 (within 10 s of its stop line).
pid=${site_pids[1]}
exited() { [[ ! -e /proc/$pid || $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]]; }
for _ in $(seq 100); do
	[[ $status != 0 ]] && break # the driver failed, maybe before the stop
	exited && break
	sleep 0.1
done
if [[ $status != 0 ]]; then
	:
elif ! exited; then
	echo "SIGTERM: instance 2 still runs 10 s after its stop" >&2
	status=1
elif wait "$pid"; then
	echo "SIGTERM: instance 2 drained and exited 0"
else
	echo "SIGTERM: instance 2 exited $?" >&2
	status=1
fi
echo "nginx: $(grep -c . "$dir/nginx/access.log") requests logged, $(grep -c 'upstream=[^ ]*, ' "$dir/nginx/access.log" || true) passed on to a next instance"
if grep -q 'level=ERROR' "$dir"/site*.log; then
	echo "the instances logged errors:" >&2
	grep 'level=ERROR' "$dir"/site*.log | head >&2
	status=1
fi
exit $status
