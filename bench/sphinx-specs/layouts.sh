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
#      on loopback), BENCH_HEAP (default 256m), BENCH_RUNS (default 2).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ $# -ge 1 ] || { sed -n 2,12p "$0"; exit 2; }
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
python3 -m http.server --bind 127.0.0.1 --directory "$work/site" "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

[ -f "$repo/target/liaison.jar" ] || (cd "$repo" && mvn -B -q -o -DskipTests package)
(cd "$repo" && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null)
mkdir -p "$repo/target/bench-floor"
javac -d "$repo/target/bench-floor" -cp "$repo/target/classes:$(cat "$repo/target/cp.txt")" "$repo/bench/sphinx-specs/SiteFloor.java"
threads=$((concurrency + $(nproc)))   # the poller's worker threads: per-host concurrency + cores

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
