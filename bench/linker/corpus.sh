#!/bin/bash
# The seven default spec sites (config/sources.yaml) stored the way the daemon stores them, for the
# quality bench's BENCH_SITES=all: builds the sites (bench/linker/sites.sh; nova from the shared
# data's built site), serves them on 127.0.0.1 (python's http.server) and crawls each with the real
# sphinx-specs kind (`liaison poll <id> --once`) into an embedded store, which QualityBench reads.
# Usage: bench/linker/corpus.sh [DATA_DIR]  (from anywhere; DATA_DIR as for run.sh). Output:
# target/bench-linker/corpus/data (kept; delete it to crawl again). Env: BENCH_PORT (default 18771).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
data="$(cd "${1:-${LIAISON_BENCH_DATA:-../shared/data}}" && pwd)"
out="$repo/target/bench-linker"
home="$out/corpus"
[ -d "$home/data" ] && { echo "corpus: crawled already ($home/data)"; exit 0; }
bench/linker/sites.sh "$out/sites"
if [ ! -f "$out/sites/nova-specs/index.html" ]; then
  mkdir -p "$out/sites/nova-specs" && tar xzf "$data/nova-specs/site-openstackdocstheme.tar.gz" -C "$out/sites/nova-specs"
fi
port="${BENCH_PORT:-18771}"
serve="$out/serve"
rm -rf "$serve" && mkdir -p "$serve/openstack"
projects="nova cinder glance keystone neutron heat ironic"
for p in $projects; do ln -s "$out/sites/$p-specs" "$serve/openstack/$p-specs"; done
python3 -m http.server --bind 127.0.0.1 --directory "$serve" "$port" >"$out/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/openstack/nova-specs/" && break; sleep 0.1; done
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" >/dev/null
mkdir -p "$home/config" "$home/data.tmp"
{ echo "liaison.http.host=127.0.0.1"; echo "liaison.http.port=$((port + 1))"; } >"$home/config/application.properties"
{
  echo "sources:"
  for p in $projects; do
    printf '  - id: %s-specs\n    kind: sphinx-specs\n    url: http://127.0.0.1:%s/openstack/%s-specs/\n    schedule: 6h\n    project: %s\n    max-pages: 5000\n' \
      "$p" "$port" "$p" "$p"
  done
} >"$home/config/sources.yaml"
for p in $projects; do
  java -Xmx${BENCH_HEAP:-512m} -XX:TieredStopAtLevel=1 -cp "target/classes:$(cat "$out/cp.txt")" dev.liaison.Liaison \
    --config "$home/config" --data "$home/data.tmp" --routes "$repo/routes" poll "$p-specs" --once 2>"$home/poll-$p.err" | tail -1
done
mv "$home/data.tmp" "$home/data"
