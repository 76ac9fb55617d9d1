#!/usr/bin/env bash
# Several instances behind a real load balancer, on loopback only: three
# bin/site with the same SESSION_KEYS, all in emulator mode against one
# bin/emulator (EMULATOR_URL), behind Debian's nginx (round robin, no sticky
# sessions), with PUBLIC_URL and the emulator's public URL naming nginx's
# origins and TRUSTED_PROXIES naming nginx. internal/deploydrive then drives
# every page's consent flow through nginx (each flow's requests land on
# different instances), a bounded load run (0 errors), and a run during which
# one instance is stopped with SIGTERM (no request lost, no postback answered
# twice). Last, the Containerfiles (deploy/) are built when podman or docker
# exists. Installs nginx with apt when it is missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/deps-lib.sh"

nginx=$(command -v nginx || echo /usr/sbin/nginx)
if [[ ! -x "$nginx" ]]; then
	echo "nginx: not found; installing Debian's nginx"
	apt_install nginx
	nginx=$(command -v nginx || echo /usr/sbin/nginx)
fi
echo "nginx: $("$nginx" -v 2>&1)"

go build -o bin/site ./cmd/site
go build -o bin/emulator ./cmd/emulator
go build -o bin/deploydrive ./internal/deploydrive

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
proxy_site=$(free_port)
proxy_emu=$(free_port)
emu_port=$(free_port)
site_ports=($(free_port) $(free_port) $(free_port))
public="http://127.0.0.1:$proxy_site"
emu_public="http://127.0.0.1:$proxy_emu"

dir=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT

# The emulator knows the site's client and its one public origin.
"$root/bin/emulator" -addr "127.0.0.1:$emu_port" -public-url "$emu_public" \
	-client "1000000000001-scopewise.apps.googleusercontent.com=$public" \
	-picker-poll-interval 100ms -quiet >"$dir/emulator.log" 2>&1 &
pids+=($!)

keys="$(openssl rand -hex 32),$(openssl rand -hex 32)"
site_pids=()
for i in 0 1 2; do
	SESSION_KEYS=$keys ADDR="127.0.0.1:${site_ports[$i]}" PUBLIC_URL=$public EMULATOR_URL=$emu_public \
		TRUSTED_PROXIES=127.0.0.1/32 PICKER_POLL_INTERVAL=100ms \
		TOKEN_CHECKS_PER_SESSION=100000 TOKEN_CHECKS_PER_ADDRESS=100000 \
		"$root/bin/site" >"$dir/site$i.log" 2>&1 &
	pids+=($!)
	site_pids+=($!)
done

mkdir -p "$dir/nginx"
cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 256; }
http {
	access_log $dir/nginx/access.log;
	client_body_temp_path $dir/nginx/body;
	proxy_temp_path $dir/nginx/proxy;
	fastcgi_temp_path $dir/nginx/fastcgi;
	uwsgi_temp_path $dir/nginx/uwsgi;
	scgi_temp_path $dir/nginx/scgi;
	# Round robin (nginx's default), no stickiness. A connection refused
	# (an instance going away) is tried on the next instance; a request an
	# instance has taken is never sent to another (nginx does not retry a
	# POST once sent, and upstream connections are not reused).
	upstream site {
		server 127.0.0.1:${site_ports[0]} max_fails=1 fail_timeout=5s;
		server 127.0.0.1:${site_ports[1]} max_fails=1 fail_timeout=5s;
		server 127.0.0.1:${site_ports[2]} max_fails=1 fail_timeout=5s;
	}
	server {
		listen 127.0.0.1:$proxy_site;
		location / {
			proxy_pass http://site;
			proxy_set_header Host \$http_host;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto \$scheme;
			proxy_next_upstream error timeout;
			add_header X-Upstream \$upstream_addr always;
		}
	}
	server {
		listen 127.0.0.1:$proxy_emu;
		location / {
			proxy_pass http://127.0.0.1:$emu_port;
			proxy_set_header Host \$http_host;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto \$scheme;
		}
	}
}
CONF
"$nginx" -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx.conf" -g 'daemon off;' &
pids+=($!)

# Ready when every instance and the emulator answer through nginx.
for _ in $(seq 100); do
	ok=1
	for p in "${site_ports[@]}"; do
		curl -fsS -o /dev/null "http://127.0.0.1:$p/healthz" 2>/dev/null || ok=0
	done
	curl -fsS -o /dev/null "$public/healthz" 2>/dev/null || ok=0
	curl -fsS -o /dev/null "$emu_public/gsi/client" 2>/dev/null || ok=0
	[[ $ok == 1 ]] && break
	sleep 0.1
done
if [[ $ok != 1 ]]; then
	echo "the deployment did not come up in 10 s" >&2
	tail -n 5 "$dir"/*.log "$dir/nginx/error.log" >&2 || true
	exit 1
fi
echo "nginx: site $public -> 127.0.0.1:{${site_ports[*]}}, emulator $emu_public -> 127.0.0.1:$emu_port"

status=0
"$root/bin/deploydrive" -site "$public" -emulator "$emu_public" -load "${DEPLOY_LOAD:-8s}" -conns 16 \
	-kill-pid "${site_pids[1]}" -kill-run 4s -logs "$dir/site0.log,$dir/site1.log,$dir/site2.log" || status=1

# The stopped instance drained and exited 0.
if wait "${site_pids[1]}"; then
	echo "SIGTERM: instance 2 exited 0 after draining ($(grep -c 'msg=stopped' "$dir/site1.log") stop line)"
else
	echo "SIGTERM: instance 2 exited $?" >&2
	status=1
fi
if grep -q 'level=ERROR' "$dir"/site*.log; then
	echo "the instances logged errors:" >&2
	grep 'level=ERROR' "$dir"/site*.log | head >&2
	status=1
fi
if [[ $status != 0 ]]; then
	echo "--- logs" >&2
	tail -n 20 "$dir"/site*.log "$dir/emulator.log" "$dir/nginx/error.log" >&2 || true
fi
exit $status
