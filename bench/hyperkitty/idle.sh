#!/usr/bin/env bash
# What a HyperKitty poll costs against a real HyperKitty 1.3.7 (Debian's python3-django-hyperkitty,
# set up as RealHyperkittyTest does it, SQLite, Django's runserver on 127.0.0.1):
#   bench/hyperkitty/idle.sh [THREADS] [IDLE_POLLS]
# Imports THREADS (400) generated threads of 5 mails plus HyperKitty's edge-case mails, serves
# the archive paginated and unpaginated, and on each runs a first poll and IDLE_POLLS (3) more
# polls (on a list longer than max-pages x page-size = 2,000 the second poll still reads the
# rest and then the whole list once; the polls after it are idle) through the CLI (one JVM per poll, -Xmx256m, first JIT tier as ./liaison runs one-shot
# commands), printing each poll's summary line (requests, bytes, duration-ms).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
THREADS=${1:-400}
IDLE=${2:-3}
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/liaison-bench-hyperkitty.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
cd "$ROOT"
$PY -c 'import hyperkitty, whoosh' || { echo "needs python3-django-hyperkitty and python3-whoosh" >&2; exit 1; }
mvn -B -q compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
REAL=src/test/resources/fixtures/hyperkitty/real
cp /usr/share/doc/python3-django-hyperkitty/examples/settings.py "$WORK/base_settings.py"
cp $REAL/settings.py $REAL/urls.py $REAL/manage.py $REAL/make_mbox.py "$WORK/"
(cd "$WORK" && $PY manage.py migrate -v0 && HK_THREADS=$THREADS $PY make_mbox.py test.mbox "$ROOT"/$REAL/edge-case-emails/* \
  && s=$(date +%s) && $PY manage.py hyperkitty_import -l test@lists.example.org test.mbox > import.log 2>&1 \
  && echo "imported in $(( $(date +%s) - s )) s")
serve() { # port, extra env
  (cd "$WORK" && exec env $2 $PY manage.py runserver --noreload "127.0.0.1:$1" > "runserver-$1.log" 2>&1) &
  PIDS+=($!)
  for i in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$1/archives/api/lists/" && return; sleep 0.2; done
  echo "runserver on $1 did not start" >&2; exit 1
}
P1=${BENCH_PORT:-18475}; P2=$((P1 + 1))
serve $P1 "HK_PAGINATED=1"
serve $P2 "HK_UNPAGINATED=1"
echo "HyperKitty holds $(curl -s "http://127.0.0.1:$P1/archives/api/list/test@lists.example.org/emails/?limit=1" \
  | $PY -c 'import json,sys; print(json.load(sys.stdin)["count"])') emails"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(java -version 2>&1 | head -1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# BENCH_VARIANTS picks the servers (default both); LIAISON_* variables reach the CLI (e.g.
# LIAISON_FETCH_READ_TIMEOUT=120s: an unpaginated server renders the whole list for every poll).
for v in ${BENCH_VARIANTS:-paginated unpaginated}; do
  if [ "$v" = paginated ]; then variant="paginated $P1"; else variant="unpaginated $P2"; fi
  set -- $variant
  home="$WORK/home-$1"; mkdir -p "$home/config" "$home/data"
  cat > "$home/config/sources.yaml" <<YAML
sources:
  - id: test
    kind: hyperkitty
    url: http://127.0.0.1:$2/archives/list/test@lists.example.org/
    schedule: 1h
YAML
  printf 'liaison.http.port=%s\nliaison.http.host=127.0.0.1\n' $((P2 + 1)) > "$home/config/application.properties"
  cli() { java -Xmx256m -XX:TieredStopAtLevel=1 -Dlogback.configurationFile=bench/launchpad/logback-quiet.xml \
            -cp "target/classes:$(cat target/bench-classpath.txt)" dev.liaison.Liaison \
            --config "$home/config" --data "$home/data" --routes "$ROOT/routes" "$@"; }
  echo "$1: first poll:  $(cli poll test --once | grep '^poll ')"
  for i in $(seq "$IDLE"); do
    echo "$1: poll $((i + 1)): $(cli poll test --once | grep '^poll ')"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
