#!/bin/sh
# Serves a fake Launchpad on loopback (test scope: dev.liaison.sources.launchpad.FakeLaunchpad) so
# the daemon can run offline against Launchpad-shaped data:
#   bench/launchpad/fake-launchpad.sh [PORT] [BUGS] [BLUEPRINTS] [PROJECT]   (defaults 18480 2000 300 nova)
# then point sources at http://127.0.0.1:PORT/devel/nova (see docs/kinds/launchpad-bugs.md).
set -e
cd "$(dirname "$0")/../.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dlogback.configurationFile=bench/launchpad/logback-quiet.xml \
  dev.liaison.sources.launchpad.FakeLaunchpad "$@"
