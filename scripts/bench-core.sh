#!/usr/bin/env bash
# The core's benchmark in one run (issue 15, docs/BENCHMARKS.md "The core against the floor"):
# a C closed-loop load generator (framebench, from the shared bench tools) against
#   - the C echo peer (the floor for a round trip) and nginx's stream hop in front of it;
#   - proposals' GetItem (a SQLite point read) directly, through the gateway, and through nginx's
#     stream hop standing where the gateway stands; proposals' Health/Check directly;
# at 1, 16 and 64 connections, one call in flight each; durable writes (RegisterItem, each its own
# item, from 1 and 16 connections: `civic bench --register`, a Swift client — a write costs an
# fsync, far above the client's cost) against the disk's own floor (sqlite_writes: raw
# single-row commits, synchronous=FULL, in the same run); then the ratios the issue aims at and
# each idle service's resident memory.
# Usage: scripts/bench-core.sh [SECONDS per run, default 5] [ROUNDS, default 3: each target is run this many
# times, interleaved with the others, and its median round reported — one noisy moment moves one round]
# Needs: gcc; nginx with the stream module (Debian: apt-get install -y nginx libnginx-mod-stream);
# libsqlite3-dev; the C tools' folder in CIVIC_SHARED_BENCH (default ../shared/bench: framebench.c,
# echo.c, sqlite_writes.c).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
rounds="${2:-3}"
tools="${CIVIC_SHARED_BENCH:-../shared/bench}"
[[ -f "$tools/framebench.c" && -f "$tools/echo.c" ]] || { echo "no framebench.c / echo.c in $tools (set CIVIC_SHARED_BENCH)" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx not found: apt-get install -y nginx libnginx-mod-stream" >&2; exit 2; }

work="$(mktemp -d)"
cleanup() {
  [[ -n "${nginx_pid:-}" ]] && kill "$nginx_pid" 2>/dev/null || true
  [[ -n "${echo_pid:-}" ]] && kill "$echo_pid" 2>/dev/null || true
  [[ -n "${suite_pid:-}" ]] && kill -TERM "$suite_pid" 2>/dev/null && wait "$suite_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

gcc -O2 -o "$work/framebench" "$tools/framebench.c"
gcc -O2 -pthread -o "$work/echo" "$tools/echo.c"
gcc -O2 -o "$work/sqlite_writes" "$tools/sqlite_writes.c" -lsqlite3
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"

# The suite, quiet, with the admin key's rate limit lifted: the limiter is not what is measured.
CIVIC_RATE_ADMIN=100000000:100000000 "$bin/civic" up --data "$work/data" --log-level warning >"$work/suite.log" 2>&1 &
suite_pid=$!
for _ in $(seq 1 150); do "$bin/civic" health >/dev/null 2>&1 && break; sleep 0.2; done
"$bin/civic" health >/dev/null || { cat "$work/suite.log"; echo "the suite did not come up" >&2; exit 1; }
sleep 2
echo "idle resident memory (MiB):"
for pid in $(pgrep -P "$suite_pid"); do
  printf "  %-14s %6.1f\n" "$(cat /proc/$pid/comm)" "$(awk '/VmRSS/ {print $2 / 1024}' /proc/$pid/status)"
done

"$work/echo" 7901 1 >/dev/null 2>&1 &
echo_pid=$!
module=""
for m in /usr/lib/nginx/modules/ngx_stream_module.so /usr/share/nginx/modules/ngx_stream_module.so; do
  [[ -f "$m" ]] && module="load_module $m;" && break
done
cat >"$work/nginx.conf" <<CONF
$module
worker_processes 1;
error_log $work/nginx-error.log warn;
pid $work/nginx.pid;
events { worker_connections 4096; }
stream {
  server { listen 127.0.0.1:7902; proxy_pass 127.0.0.1:7901; tcp_nodelay on; }
  server { listen 127.0.0.1:7200; proxy_pass 127.0.0.1:7101; tcp_nodelay on; }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
sleep 0.5

# The requests, encoded once: GetItem sealed as the gateway seals (valid 5 minutes: the direct
# and nginx runs end well within), GetItem with the API key, a health check, 64 bytes for echo.
"$bin/civic" bench --write-requests "$work/req" --token-file "$work/data/admin.token" --internal-key-file "$work/data/internal.key" >/dev/null
head -c 64 /dev/urandom >"$work/req/echo.bin"

echo "machine: $(nproc) cores, $(uname -sr); $(swift --version 2>&1 | head -1); $(nginx -v 2>&1)"
echo "framebench, $seconds s per run after 1 s warm-up, one call in flight per connection; latency in µs;"
echo "each target run $rounds times, interleaved with the others, and the median round shown; hop CPU = the"
echo "gateway's or nginx's own CPU time (user + system) per call in that round"
printf "%-22s %5s %10s %9s %9s %12s\n" target conns calls/s p50 p99 "hop cpu µs"
results="$work/results"
rounds_file="$work/rounds"
: >"$results"
: >"$rounds_file"
gateway_pid="$(pgrep -P "$suite_pid" -x gateway)"
nginx_worker="$(pgrep -P "$nginx_pid" | head -1)"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # label port request conns [pid whose CPU per call is measured]
  local out before=0 after=0
  [[ -n "${5:-}" ]] && before="$(ticks "$5")"
  out="$("$work/framebench" 127.0.0.1 "$2" "$4" "$seconds" "$work/req/$3")"
  [[ -n "${5:-}" ]] && after="$(ticks "$5")"
  awk -v label="$1" -v conns="$4" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v measured="${5:+1}" '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    cpu = measured ? sprintf("%.1f", ticks * 1e6 / hz / v["calls"]) : "-"
    print label, conns, v["calls_per_s"], v["p50_us"], v["p99_us"], cpu
  }' <<<"$out" >>"$rounds_file"
}
for c in 1 16 64; do
  for _ in $(seq 1 "$rounds"); do
    run "echo" 7901 echo.bin "$c"
    run "echo+nginx" 7902 echo.bin "$c" "$nginx_worker"
    run "getitem-direct" 7101 getitem-direct.bin "$c"
    run "getitem-gateway" 7000 getitem-gateway.bin "$c" "$gateway_pid"
    run "getitem-nginx" 7200 getitem-direct.bin "$c" "$nginx_worker"
    run "health-direct" 7101 health.bin "$c"
  done
  # The median round by calls/s for each target at this many connections.
  for label in echo echo+nginx getitem-direct getitem-gateway getitem-nginx health-direct; do
    awk -v l="$label" -v c="$c" '$1 == l && $2 == c' "$rounds_file" | sort -k3,3n | awk -v n="$rounds" 'NR == int((n + 1) / 2)' |
      tee -a "$results" | awk '{ printf "%-22s %5s %10.0f %9.1f %9.1f %12s\n", $1, $2, $3, $4, $5, $6 }'
  done
done
echo
echo "durable writes (synchronous=FULL):"
floor_line="$("$work/sqlite_writes" "$work/floor.sqlite" 2000 FULL)"
echo "  $floor_line"
floor="$(sed -E 's/.*commits: ([0-9.]+)\/s.*/\1/' <<<"$floor_line")"
echo "floor 1 $floor 0 0 -" >>"$results"
for c in 1 16; do
  line="$("$bin/civic" bench --register "$c" --seconds "$seconds" --direct 127.0.0.1:7101 --internal-key-file "$work/data/internal.key" \
    --token-file "$work/data/admin.token")"
  echo "  $line"
  echo "register-direct $c $(awk '{print $3, $4, $5}' <<<"$line") -" >>"$results"
done

echo
echo "ratios (issue 15's aims in brackets):"
awk '
  { rate[$1 "@" $2] = $3; p50[$1 "@" $2] = $4; cpu[$1 "@" $2] = $6 }
  END {
    printf "  GetItem direct p50 at 1 / echo p50:              %5.2f  (≤ 4)\n", p50["getitem-direct@1"] / p50["echo@1"]
    printf "  GetItem direct calls/s at 16 / echo calls/s:     %5.2f  (≥ 0.40)\n", rate["getitem-direct@16"] / rate["echo@16"]
    printf "  Health direct p50 at 1 / echo p50:               %5.2f  (≤ 2)\n", p50["health-direct@1"] / p50["echo@1"]
    for (c = 1; c <= 16; c += 15) {
      g = p50["getitem-gateway@" c] - p50["getitem-direct@" c]; n = p50["getitem-nginx@" c] - p50["getitem-direct@" c]
      printf "  gateway added p50 / nginx added p50 at %2d:       %5.2f  (≤ 1.2; +%.0f µs vs +%.0f µs)\n", c, (n > 0 ? g / n : 0), g, n
    }
    printf "  gateway calls/s / nginx calls/s at 16:           %5.2f  (≥ 0.9)\n", rate["getitem-gateway@16"] / rate["getitem-nginx@16"]
    for (c = 1; c <= 64; c = c * 4 + (c == 1 ? 12 : 0)) {
      printf "  gateway CPU per call / nginx CPU at %2d:           %5.2f  (%.1f µs vs %.1f µs: what the hop itself costs)\n", c, cpu["getitem-gateway@" c] / cpu["getitem-nginx@" c], cpu["getitem-gateway@" c], cpu["getitem-nginx@" c]
    }
    printf "  gateway calls/s / nginx calls/s at 64:           %5.2f  (≥ 0.9)\n", rate["getitem-gateway@64"] / rate["getitem-nginx@64"]
    printf "  RegisterItem calls/s at 16 / raw commit floor:   %5.2f  (≥ 2; at 1: %.2f)\n", rate["register-direct@16"] / rate["floor@1"], rate["register-direct@1"] / rate["floor@1"]
  }' "$results"
