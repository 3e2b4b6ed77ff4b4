#!/usr/bin/env bash
# Digest benchmark: compose and render digests for N subscribers over M events (default 1000 and
# 50000) on the embedded store, heap 512 MB. Prints one line of numbers.
# Usage: bench/digest/run.sh [subscribers] [events]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
java -Xmx512m -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" dev.liaison.bench.DigestBench "${1:-1000}" "${2:-50000}" 2>/dev/null
