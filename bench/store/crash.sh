#!/usr/bin/env bash
# Crash benchmark: kill -9 a child JVM writing batches to the embedded store N times (default
# 100) at seeded random moments; after each kill the store must open untorn, with every
# acknowledged write readable by _id and nothing doubled, and the writer must resume. Any failure
# stops it with the assertion's message (exit 1). Prints one line.
# Usage: bench/store/crash.sh [kills] [seed]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
java -Xmx256m -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" dev.liaison.bench.CrashBench "${1:-100}" "${2:-15}" 2>/dev/null
