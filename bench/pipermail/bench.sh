#!/usr/bin/env bash
# Pipermail backfill benchmark: one month of N messages served from loopback.
#   bench/pipermail/bench.sh [DATA_DIR] [MESSAGES]
# DATA_DIR (default ../shared/data, or $LIAISON_DATA) holds pipermail/templates. Needs
# target/liaison.jar (mvn -q package -DskipTests), python3 and wget.
# Prints: wget -i time for the same pages, JVM start-up, and the two polls' summary lines.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=${1:-${LIAISON_DATA:-$ROOT/../shared/data}}
N=${2:-1611}
PORT=${BENCH_PORT:-18471}
WORK=$(mktemp -d /tmp/liaison-bench-pipermail.XXXXXX)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

python3 "$ROOT/bench/pipermail/render_archive.py" "$DATA/pipermail/templates" --generate openstack-dev 2016-June "$N" \
    "$WORK/www/pipermail/openstack-dev"
(cd "$WORK/www" && exec python3 "$ROOT/bench/pipermail/serve.py" "$PORT") &
SERVER=$!
for i in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/pipermail/openstack-dev/" 2>/dev/null && break; sleep 0.1; done

BASE="http://127.0.0.1:$PORT/pipermail/openstack-dev"
ls "$WORK/www/pipermail/openstack-dev/2016-June" | grep -E '^[0-9]{6}\.html$' | sed "s#^#$BASE/2016-June/#" > "$WORK/urls.txt"
echo "pages: $(wc -l < "$WORK/urls.txt")"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in 1 2 3; do
  s=$(date +%s.%N); wget -q -i "$WORK/urls.txt" -O /dev/null; e=$(date +%s.%N)
  echo "wget -i run $run: $(echo "$e - $s" | bc) s"
done

mkdir -p "$WORK/home/config" "$WORK/home/data"
cat > "$WORK/home/config/sources.yaml" <<YAML
sources:
  - id: bench
    kind: pipermail
    url: $BASE/
    schedule: 1h
    project: nova
YAML
printf 'liaison.http.port=%s\nliaison.http.host=127.0.0.1\n%s\n' $((PORT + 1)) "${BENCH_PROPS:-}" > "$WORK/home/config/application.properties"
# Through the launcher, as a user runs it (one-shot commands get the JIT's first tier only);
# BENCH_JAVA_OPTS adds JVM options, LIAISON_CLI_JIT=full restores the full JIT.
export LIAISON_JAVA_OPTS="-Xmx256m ${BENCH_JAVA_OPTS:-}"
JAVA="$ROOT/liaison --config $WORK/home/config --data $WORK/home/data --routes $ROOT/routes"
s=$(date +%s%N); $JAVA --version >/dev/null; e=$(date +%s%N)
echo "JVM start-up (liaison --version): $(( (e - s) / 1000000 )) ms"
s=$(date +%s%N); $JAVA poll bench --once --since 2016-06 | tail -1; e=$(date +%s%N)
echo "  backfill wall time incl. JVM start-up and store open/close: $(( (e - s) / 1000000 )) ms"
$JAVA poll bench --once | tail -1
# the same backfill from the month's .txt.gz (one request for the whole month)
rm -rf "$WORK/home/data"; mkdir -p "$WORK/home/data"
printf '    txt-archives: true\n' >> "$WORK/home/config/sources.yaml"
echo "with txt-archives: true:"
$JAVA poll bench --once --since 2016-06 | tail -1
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
