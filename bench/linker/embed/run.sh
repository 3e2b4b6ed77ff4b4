#!/bin/sh
# Does a small sentence-embedding model (all-MiniLM-L6-v2, quantised, in-process ONNX) re-rank the
# linker's lexical candidates better? Usage: bench/linker/embed/run.sh [DATA_DIR]
# The model's jars come from this folder's pom.xml (not Liaison's): copied to target/bench-embed/lib.
set -eu
cd "$(dirname "$0")/../../.."
data="${1:-${LIAISON_BENCH_DATA:-../shared/data}}"
out=target/bench-embed
mkdir -p "$out/classes"
[ -d "$out/lib" ] || mvn -B -q -f bench/linker/embed/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$out/lib" >/dev/null
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/bench-linker-cp.txt >/dev/null
# Liaison's classpath first: its versions (Jackson) win where both have a library
cp="target/classes:$(cat target/bench-linker-cp.txt):$out/lib/*"
javac -d "$out/classes" -cp "$cp" bench/linker/src/bench/*.java bench/linker/embed/EmbeddingBench.java
site=target/bench-linker/nova-specs-site
if [ ! -d "$site/specs" ]; then
  mkdir -p "$site" && tar xzf "$data/nova-specs/site-openstackdocstheme.tar.gz" -C "$site"
fi
echo "machine: $(nproc) cores, $(uptime)"
exec java -Xmx${BENCH_HEAP:-768m} -cp "$out/classes:$cp" bench.EmbeddingBench "$data" "$site"
