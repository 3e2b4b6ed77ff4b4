#!/bin/sh
# Linker benchmarks. Usage: bench/linker/run.sh [quality|latency|relink] [DATA_DIR]
# DATA_DIR defaults to $LIAISON_BENCH_DATA or ../shared/data (relative to the repository root).
# Builds the project (mvn -q -DskipTests package is not needed: compile + test-compile), then
# compiles the bench sources against the project's classes and runs them with a 512 MB heap.
# Items (quality): BENCH_SITES=nova (default) the shared nova-specs site as before; BENCH_SITES=all
# the seven default spec sites as the daemon stores them (built and crawled once by
# bench/linker/corpus.sh, run here when target/bench-linker/corpus is missing; about 1-2 minutes).
set -eu
cd "$(dirname "$0")/../.."
what="${1:-quality}"
data="${2:-${LIAISON_BENCH_DATA:-../shared/data}}"
out=target/bench-linker
mkdir -p "$out/classes"
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" >/dev/null
cp="target/classes:$(cat "$out/cp.txt")"
javac -d "$out/classes" -cp "$cp" bench/linker/src/bench/*.java
site="$out/nova-specs-site"
if [ ! -d "$site/specs" ]; then
  mkdir -p "$site" && tar xzf "$data/nova-specs/site-openstackdocstheme.tar.gz" -C "$site"
fi
if [ "$what" = quality ] && [ "${BENCH_SITES:-nova}" != nova ] && [ ! -d "$out/corpus/data" ]; then
  bench/linker/corpus.sh "$data"
fi
case "$what" in
  quality) main=bench.QualityBench ;;
  latency) main=bench.LatencyBench ;;
  relink)  main=bench.RelinkBench ;;
  *) echo "unknown benchmark $what" >&2; exit 2 ;;
esac
echo "machine: $(nproc) cores, $(uptime)"
exec java -Xmx${BENCH_HEAP:-512m} -cp "$out/classes:$cp" "$main" "$data" "$site" "$out"
