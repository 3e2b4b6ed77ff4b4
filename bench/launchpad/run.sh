#!/bin/sh
# Launchpad backfill benchmark: 20,000 bug tasks and 2,000 blueprints from a loopback Launchpad,
# the Liaison JVM limited to -Xmx256m. Usage: bench/launchpad/run.sh [BUGS] [BLUEPRINTS]
# (run from the repository root; builds test classes first). The blueprints are the real nova ones
# from src/test/resources/fixtures/launchpad/nova-specs-index.json, so no data dir is needed.
set -e
cd "$(dirname "$0")/../.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
uptime
java -Xmx256m -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dlogback.configurationFile=bench/launchpad/logback-quiet.xml \
  dev.liaison.sources.launchpad.LaunchpadBench "${1:-20000}" "${2:-2000}"
uptime
