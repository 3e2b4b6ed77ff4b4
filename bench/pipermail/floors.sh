#!/usr/bin/env bash
# Pipermail backfill against the floors measured in the same run (as bench/launchpad does):
#   bench/pipermail/floors.sh [DATA_DIR] [MESSAGES] [ROUNDS]
# Renders one month (2016-June) of MESSAGES (1611) with Mailman's templates from DATA_DIR
# (default ../shared/data) /pipermail/templates, serves it from 127.0.0.1 with a threaded Python
# HTTP/1.1 server (keep-alive, TCP_NODELAY), then runs dev.liaison.sources.pipermail.PipermailBench
# (-Xmx256m): a cold backfill, the fetch floor (plain sequential client, same URLs), the store
# floor (insertMany of the same item documents, pages of 200, fresh embedded store), ROUNDS (3)
# backfills into fresh stores; then COLD_ROUNDS (3) times the same three, each in a fresh JVM
# (cold, as a one-shot command runs). Prints the CPU of the JVM and of the HTTP server per warm
# backfill. Builds the test classes first.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=${1:-${LIAISON_DATA:-$ROOT/../shared/data}}
N=${2:-1611}
ROUNDS=${3:-3}
PORT=${BENCH_PORT:-18473}
WORK=$(mktemp -d /tmp/liaison-bench-pipermail.XXXXXX)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$ROOT"
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test

python3 "$ROOT/bench/pipermail/render_archive.py" "$DATA/pipermail/templates" --generate openstack-dev 2016-June "$N" \
    "$WORK/www/pipermail/openstack-dev"
(cd "$WORK/www" && exec python3 "$ROOT/bench/pipermail/serve.py" "$PORT") &
SERVER=$!
for i in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/pipermail/openstack-dev/" 2>/dev/null && break; sleep 0.1; done
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(java -version 2>&1 | head -1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench() {
  BENCH_SERVER_PID=$SERVER java -Xmx256m ${BENCH_JAVA_OPTS:-} "$@" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    -Dlogback.configurationFile=bench/launchpad/logback-quiet.xml \
    dev.liaison.sources.pipermail.PipermailBench "http://127.0.0.1:$PORT/pipermail/openstack-dev/" 2016-June \
    "$WORK/www/pipermail/openstack-dev/2016-June" "$ROUNDS" "$WORK/documents.jsonl" 2>&1 | grep -v ' WARN '
}
# Warm: the floors and the backfills after the first, all in one JVM.
bench -Dbench.documents="$WORK/documents.jsonl"
# Cold, like with like: each floor and the backfill in a fresh JVM of its own, as a one-shot
# `liaison poll --once --since` runs (COLD_ROUNDS times each, interleaved).
for i in $(seq "${COLD_ROUNDS:-3}"); do
  f=$(bench -Dbench.mode=cold-fetch | sed -n 's/^cold fetch floor: \([0-9.]*\) s.*/\1/p')
  st=$(bench -Dbench.mode=cold-store | sed -n 's/^cold store floor: \([0-9.]*\) s.*/\1/p')
  b=$(bench -Dbench.mode=cold-backfill | sed -n 's/^cold backfill: \([0-9.]*\) s.*/\1/p')
  echo "cold round $i (each in a fresh JVM): fetch floor $f s, store floor $st s, backfill $b s = $(echo "scale=2; $b / ($f + $st)" | bc) x floors"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
