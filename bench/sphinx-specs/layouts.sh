#!/usr/bin/env bash
# Whole-site crawls of spec sites in several layouts (not only nova's), each against its floor
# measured in the same run: Jsoup parse of the same pages the crawl fetched + storing the same
# number of items on the same (embedded) store (bench/sphinx-specs/SiteFloor.java). Then a second
# crawl of each unchanged site: only conditional requests, 0 items written, 0 events.
#
# Usage: bench/sphinx-specs/layouts.sh PROJECT=SITE_DIR [PROJECT=SITE_DIR ...]   (from the repo root)
#   SITE_DIR  a built spec site (the output of sphinx-build), e.g. made with
#             src/test/resources/fixtures/sphinx-specs/layouts/build.sh <repo> '.'  (keep every spec)
#             or the unpacked nova site (shared/data/nova-specs/site-openstackdocstheme.tar.gz).
# Env: BENCH_PORT (default 18741), BENCH_CONCURRENCY (default 8: liaison.fetch.per-host-concurrency
#      on loopback), BENCH_HEAP (default 256m), BENCH_RUNS (default 2),
#      BENCH_SERVER (nginx when installed, else python: the server of the sites; see below).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ $# -ge 1 ] || { sed -n 2,13p "$0"; exit 2; }
port="${BENCH_PORT:-18741}"
concurrency="${BENCH_CONCURRENCY:-8}"
heap="${BENCH_HEAP:-256m}"
runs="${BENCH_RUNS:-2}"
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/site/openstack"
projects=()
for arg in "$@"; do
  p="${arg%%=*}"; d="$(cd "${arg#*=}" && pwd)"
  projects+=("$p")
  ln -s "$d" "$work/site/openstack/$p-specs"
done
# The site's server: nginx when installed (a production spec site is served by a real web server,
# on another machine; nginx costs the 2 cores far less than python's http.server, which the floor
# never pays), else python's http.server. BENCH_SERVER=python forces the fallback. Both answer
# conditional requests with 304 (nginx: ETag and Last-Modified; python: Last-Modified only) and
# both write one access-log line per request, '"GET <path> HTTP/1.1" <status> ...', read below.
server="${BENCH_SERVER:-}"
if [ -z "$server" ]; then
  if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then server=nginx; else server=python; fi
fi
if [ "$server" = nginx ]; then
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  mkdir -p "$work/nginx"
  chmod 755 "$work"   # its workers may run as another user when started as root
  cat >"$work/nginx/nginx.conf" <<NGINX
$( [ "$(id -u)" = 0 ] && echo "user $(id -un) $(id -gn);" )
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 256; }
http {
  log_format bench '\$remote_addr - - [\$time_local] "\$request" \$status \$body_bytes_sent';
  access_log $work/server.log bench;
  types { text/html html; text/css css; application/javascript js; image/png png; image/svg+xml svg; }
  default_type application/octet-stream;
  sendfile on;
  keepalive_requests 100000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    root $work/site;
    index index.html;
    etag on;
    if_modified_since exact;
  }
}
NGINX
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$work/nginx/out.log" 2>&1 &
  server_pid=$!
else
  python3 -m http.server --bind 127.0.0.1 --directory "$work/site" "$port" >"$work/server.log" 2>&1 &
  server_pid=$!
fi
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/openstack/${projects[0]}-specs/" && break; sleep 0.1; done
curl -fs -o /dev/null "http://127.0.0.1:$port/openstack/${projects[0]}-specs/" || { echo "the $server server did not start" >&2; cat "$work/nginx/"*.log 2>/dev/null >&2; exit 1; }

[ -f "$repo/target/liaison.jar" ] || (cd "$repo" && mvn -B -q -DskipTests package)
(cd "$repo" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null)
mkdir -p "$repo/target/bench-floor"
javac -d "$repo/target/bench-floor" -cp "$repo/target/classes:$(cat "$repo/target/cp.txt")" "$repo/bench/sphinx-specs/SiteFloor.java"
threads=$((concurrency + $(nproc)))   # the poller's worker threads: per-host concurrency + cores

echo "server: $server on 127.0.0.1:$port"
echo "machine: $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)"
echo "load before: $(uptime)"
home="$work/home"
mkdir -p "$home/config"
{
  echo "liaison.http.host=127.0.0.1"; echo "liaison.http.port=$((port + 1))"
  echo "liaison.fetch.per-host-concurrency=$concurrency"; echo "liaison.fetch.global-concurrency=$((concurrency * 2))"
} >"$home/config/application.properties"
{
  echo "sources:"
  for p in "${projects[@]}"; do
    printf '  - id: %s-specs\n    kind: sphinx-specs\n    url: http://127.0.0.1:%s/openstack/%s-specs/\n    schedule: 6h\n    project: %s\n' \
      "$p" "$port" "$p" "$p"
  done
} >"$home/config/sources.yaml"

# The process's CPU seconds (JVM start included) are kept too: on a shared machine they move far
# less with the load than the seconds of wall time do.
poll() {
  LIAISON_JAVA_OPTS="-Xmx$heap" /usr/bin/time -f "%U s user + %S s sys" -o "$work/poll.time" \
    "$repo/liaison" --config "$home/config" --data "$home/data" --routes "$repo/routes" \
    poll "$1-specs" --once 2>"$work/poll.err" | tail -1
}
field() { echo "$1" | grep -o "$2=[0-9]*" | cut -d= -f2; }

for run in $(seq 1 "$runs"); do
  rm -rf "$home/data" && mkdir -p "$home/data"
  for p in "${projects[@]}"; do
    : >"$work/server.log"
    first="$(poll "$p")"
    first_cpu="$(cat "$work/poll.time")"
    grep -ao "\"GET /openstack/$p-specs/[^ ]*" "$work/server.log" | sed "s|\"GET /openstack/$p-specs/||" | sort -u \
      | while read -r rel; do f="$work/site/openstack/$p-specs/$rel"; [ -d "$f" ] && f="$f/index.html"; echo "$f"; done \
      >"$work/pages.txt"
    : >"$work/server.log"
    second="$(poll "$p")"
    conditional=$(grep -c '" 304 ' "$work/server.log" || true)
    all=$(grep -c '"GET ' "$work/server.log" || true)
    # the same JIT setting as the one-shot CLI poll (./liaison: first tier only), so the two compare
    floor="$(/usr/bin/time -f "%U s user + %S s sys" -o "$work/floor.time" java -Xmx$heap -XX:TieredStopAtLevel=1 -cp "$repo/target/bench-floor:$repo/target/classes:$(cat "$repo/target/cp.txt")" \
      SiteFloor "$work/pages.txt" "$(field "$first" new)" "$threads" 2>/dev/null | tail -1)"
    floor_ms=$(echo "$floor" | grep -o '= [0-9]*' | tr -dc 0-9)
    cycle_ms=$(field "$first" duration-ms)
    echo "run $run $p: first:  $first | process CPU: $first_cpu"
    echo "run $run $p: $floor | process CPU: $(cat "$work/floor.time")"
    printf 'run %s %s: first crawl cycle / floor = %s / %s ms = %.2f x\n' "$run" "$p" "$cycle_ms" "$floor_ms" \
      "$(echo "$cycle_ms / $floor_ms" | bc -l)"
    echo "run $run $p: second: $second | server: $all requests, $conditional answered 304"
    echo "run $run $p: load now: $(uptime | sed 's/.*load/load/')"
  done
done
echo "load after: $(uptime)"
# The server's own CPU over every run (master and workers for nginx), which the crawls' cores paid too.
ticks=0
for pid in "$server_pid" $(pgrep -P "$server_pid" || true); do
  ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
done
printf 'server (%s) CPU, all runs: %.2f s\n' "$server" "$(echo "$ticks / $(getconf CLK_TCK)" | bc -l)"
