#!/usr/bin/env bash
# Benchmark of the sphinx-specs kind: a full crawl of the real nova-specs site served from
# loopback, against `wget -i` fetching the same pages from the same server, then a second crawl
# of the unchanged site (every page should be a 304, nothing rewritten, no event).
#
# Usage: bench/sphinx-specs/crawl.sh [DATA_DIR]      (run from the repository root)
#   DATA_DIR  the shared data folder (default: $LIAISON_BENCH_DATA or ../shared/data)
# Env: BENCH_PORT (default 18731: the site), BENCH_HTTP_PORT (default 18732: Liaison's own HTTP),
#      BENCH_CONCURRENCY (default 8: liaison.fetch.per-host-concurrency on loopback),
#      BENCH_HEAP (default 256m), BENCH_RUNS (default 3).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-${LIAISON_BENCH_DATA:-$repo/../shared/data}}"
tarball="$data/nova-specs/site-openstackdocstheme.tar.gz"
[ -f "$tarball" ] || { echo "no $tarball (give the data dir as the first argument)" >&2; exit 2; }
port="${BENCH_PORT:-18731}"
http_port="${BENCH_HTTP_PORT:-18732}"
concurrency="${BENCH_CONCURRENCY:-8}"
heap="${BENCH_HEAP:-256m}"
runs="${BENCH_RUNS:-3}"
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

site="$work/site/openstack/nova-specs"
mkdir -p "$site"
tar xzf "$tarball" -C "$site"
rm -rf "$site/.doctrees"
# python's http.server sends Last-Modified and answers If-Modified-Since with 304.
python3 -m http.server --bind 127.0.0.1 --directory "$work/site" "$port" >"$work/server.log" 2>&1 &
server_pid=$!
root="http://127.0.0.1:$port/openstack/nova-specs/"
for _ in $(seq 1 100); do curl -fs -o /dev/null "$root" && break; sleep 0.1; done

[ -f "$repo/target/liaison.jar" ] || (cd "$repo" && mvn -B -q -DskipTests package)

echo "machine: $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)"
echo "load before: $(uptime)"

# Every HTML page of the site (what the issue's wget figure counts) ...
(cd "$site" && find . -name '*.html' | sed "s|^\./|$root|") | sort >"$work/all-pages.txt"

home="$work/home"
mkdir -p "$home/config" "$home/data"
cat >"$home/config/application.properties" <<PROPS
liaison.http.host=127.0.0.1
liaison.http.port=$http_port
liaison.fetch.per-host-concurrency=$concurrency
liaison.fetch.global-concurrency=$((concurrency * 2))
PROPS
cat >"$home/config/sources.yaml" <<YAML
sources:
  - id: nova-specs
    kind: sphinx-specs
    url: $root
    schedule: 6h
    project: nova
YAML
# The poll's own duration is what `poll --once` reports (duration-ms, JVM start excluded); the
# process's CPU seconds (JVM start included) are printed too, as the machine is shared.
poll() {
  LIAISON_JAVA_OPTS="-Xmx$heap" /usr/bin/time -f "process: %e s wall, %U s user + %S s sys CPU, max RSS %M KB" \
    -o "$work/time.txt" "$repo/liaison" --config "$home/config" --data "$home/data" --routes "$repo/routes" \
    poll nova-specs --once 2>"$work/poll.err" | tail -1 | tr -d '\n'
  echo " | $(cat "$work/time.txt")"
}

for run in $(seq 1 "$runs"); do
  rm -rf "$home/data" && mkdir -p "$home/data"
  : >"$work/server.log"
  first="$(poll)"
  # ... and exactly the pages this crawl fetched, from the server's log.
  grep -ao '"GET [^ ]*' "$work/server.log" | sed "s|\"GET |http://127.0.0.1:$port|" | sort -u >"$work/crawled.txt"
  second="$(poll)"
  echo "run $run: load now: $(uptime | sed 's/.*load/load/')"
  t0=$(date +%s.%N); wget -q -i "$work/crawled.txt" -O /dev/null; t1=$(date +%s.%N)
  t2=$(date +%s.%N); wget -q -i "$work/all-pages.txt" -O /dev/null; t3=$(date +%s.%N)
  echo "run $run: first:  $first"
  echo "run $run: second: $second"
  printf 'run %s: wget -i same %d pages: %.3f s; wget -i all %d pages: %.3f s\n' "$run" \
    "$(wc -l <"$work/crawled.txt")" "$(echo "$t1 - $t0" | bc)" "$(wc -l <"$work/all-pages.txt")" "$(echo "$t3 - $t2" | bc)"
done
echo "load after: $(uptime)"
