#!/usr/bin/env bash
# Runs the suite's benchmark on this machine (docs/BENCHMARKS.md):
#   builds release, starts the whole suite with a scratch data folder, puts nginx's TCP
#   stream proxy in front of the proposals service (where the gateway stands), and runs
#   `civic bench` against the service directly, through the gateway, and through nginx.
# Needs: nginx with the stream module (Debian: apt-get install -y nginx libnginx-mod-stream).
# Extra arguments go to `civic bench` (e.g. --calls 5000 --connections 1,16,64).
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d)"
nginx_port="${CIVIC_BENCH_NGINX_PORT:-7200}"

cleanup() {
  [[ -n "${nginx_pid:-}" ]] && kill "$nginx_pid" 2>/dev/null || true
  [[ -n "${suite_pid:-}" ]] && kill -TERM "$suite_pid" 2>/dev/null && wait "$suite_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The suite, quiet (per-call log lines would measure the terminal, not the hop), with the
# admin key's rate limit lifted so the limiter is not what is measured.
CIVIC_RATE_ADMIN=10000000:10000000 "$bin/civic" up --data "$work/data" --log-level warning >"$work/suite.log" 2>&1 &
suite_pid=$!
for _ in $(seq 1 100); do
  "$bin/civic" health >/dev/null 2>&1 && break
  sleep 0.2
done
"$bin/civic" health >/dev/null || { cat "$work/suite.log"; echo "suite did not come up" >&2; exit 1; }

module=""
for m in /usr/lib/nginx/modules/ngx_stream_module.so /usr/share/nginx/modules/ngx_stream_module.so; do
  [[ -f "$m" ]] && module="load_module $m;" && break
done
cat >"$work/nginx.conf" <<CONF
$module
worker_processes auto;
error_log $work/nginx-error.log warn;
pid $work/nginx.pid;
events { worker_connections 4096; }
stream {
  server {
    listen 127.0.0.1:$nginx_port;
    proxy_pass 127.0.0.1:7101;
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
sleep 0.5

echo "machine: $(nproc) cores, $(uname -sr); swift: $(swift --version 2>&1 | head -1)"
echo "nginx: $(nginx -v 2>&1)"
"$bin/civic" bench --direct 127.0.0.1:7101 --gateway 127.0.0.1:7000 --nginx "127.0.0.1:$nginx_port" \
  --token-file "$work/data/admin.token" --internal-key-file "$work/data/internal.key" "$@"
