#!/usr/bin/env bash
# Benchmark of the page-watch kind: replays the real nova release-priority history
# (priorities-history/, oldest first) through `liaison poll <id> --once`, served over loopback
# by python3 -m http.server (which answers If-Modified-Since with 304), and reports each poll
# cycle's own duration (the duration-ms of the summary line; JVM start-up excluded), its
# requests, 304s and events. Then swaps a page between two Sphinx themes (sample-pages/) to show
# that a re-rendering makes no event.
#
# Usage: bench/page-watch/replay.sh [DATA_DIR]     (default: $LIAISON_BENCH_DATA or ../shared/data)
# Needs: java 17, python3, target/liaison.jar (built with mvn -B -DskipTests package if missing).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-${LIAISON_BENCH_DATA:-$repo/../shared/data}}"
hist="$data/nova-specs/priorities-history"
samples="$data/nova-specs/sample-pages"
[ -f "$hist/history.json" ] || { echo "no priorities history under $data" >&2; exit 2; }
jar="$repo/target/liaison.jar"
[ -f "$jar" ] || (cd "$repo" && mvn -B -q -DskipTests package)
port="${LIAISON_BENCH_PORT:-18731}"
work="$(mktemp -d)"
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/www/priorities" "$work/home/config" "$work/home/data"
cp -r "$repo/routes" "$work/home/routes"
cat > "$work/home/config/application.properties" <<PROPS
liaison.http.host=127.0.0.1
liaison.http.port=$((port + 1))
PROPS
{
  echo "sources:"
  for id in kilo mitaka newton; do
    printf '  - id: %s\n    kind: page-watch\n    url: http://127.0.0.1:%s/priorities/%s-priorities.html\n    schedule: 1h\n    project: nova\n' "$id" "$port" "$id"
  done
} > "$work/home/config/sources.yaml"
(cd "$work/www" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

# Each served version gets its own Last-Modified (http.server has one-second resolution).
stamp=$(( $(date +%s) - 100000 ))
serve() { # file name
  cp "$1" "$work/www/priorities/$2"
  stamp=$((stamp + 60))
  touch -d "@$stamp" "$work/www/priorities/$2"
}

poll() { # id label
  local line
  line="$(java -Xmx256m -jar "$jar" poll "$1" --once --config "$work/home/config" --data "$work/home/data" \
          --routes "$work/home/routes" 2>/dev/null | grep "^poll $1:")"
  printf '%-44s %s\n' "$2" "$(echo "$line" | grep -o 'requests=[0-9]* not-modified=[0-9]* errors=[0-9]* events=[0-9]* bytes=[0-9]* duration-ms=[0-9]*')"
}

echo "# $(date -u +%FT%TZ) $(uname -m) $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
for f in $(ls "$hist" | grep -E '_(kilo|mitaka|newton)-priorities\.html$' | sort); do
  rel="$(echo "$f" | sed -E 's/.*_([a-z]+)-priorities\.html/\1/')"
  serve "$hist/$f" "$rel-priorities.html"
  poll "$rel" "$f"
  poll "$rel" "  again (unchanged)"
done
# Today's mitaka page in two themes (its text has not changed since 2016-02-11): no event
# for either, although the bytes, the chrome and the theme differ.
serve "$samples/sphinx5.3-alabaster/priorities/mitaka-priorities.html" mitaka-priorities.html
poll mitaka "mitaka today (alabaster)"
serve "$samples/openstackdocstheme-1.20/priorities/mitaka-priorities.html" mitaka-priorities.html
poll mitaka "mitaka today (openstackdocstheme)"
echo "# load after: $(uptime | sed 's/.*load average: //')"
