#!/usr/bin/env bash
# Write cost of the embedded store (bench/store/WriteCost.java): 3 rounds of 50 batches of 200
# new items, then the same items changed. Usage: bench/store/write-cost.sh [batches] [batch-size]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
java -Xmx512m -cp "target/classes:$(cat target/bench.classpath)" bench/store/WriteCost.java "${1:-50}" "${2:-200}" 2>/dev/null
