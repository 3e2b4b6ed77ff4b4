#!/usr/bin/env bash
# Web benchmark: 1,000 stories, 100,000 items (20,000 linked) in the embedded store; medians of
# warm requests to the pages and the API lists. Usage: bench/web/run.sh [items]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" dev.liaison.bench.WebBench "${1:-100000}" 2>/dev/null
