#!/bin/sh
# `liaison link --all` as a user runs it: a fresh ./liaison process over a copy of the relink bench's
# prepared store (items and stories, no links). Usage: bench/linker/relink-cli.sh [ITEMS] [STORIES]
# The prepared store is made by `BENCH_ITEMS=<ITEMS> bench/linker/run.sh relink` (kept under
# target/bench-linker/relink-prepared-<ITEMS>x<STORIES>). Prints the wall time and CPU of the whole
# process (JVM start, store open, index rebuild, linking, storing links), and its peak memory.
set -eu
cd "$(dirname "$0")/../.."
items="${1:-100000}"; stories="${2:-1000}"
prepared="target/bench-linker/relink-prepared-${items}x${stories}"
if [ ! -f "$prepared/READY" ]; then
  echo "no prepared store at $prepared: run BENCH_ITEMS=$items BENCH_STORIES=$stories bench/linker/run.sh relink first" >&2
  exit 2
fi
[ -f target/liaison.jar ] || ./liaison --help >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -a "$prepared/data" "$work/data"
echo "machine: $(nproc) cores, $(uptime)"
/usr/bin/time -f "wall %e s, user %U s, system %S s, max RSS %M kB" ./liaison --data "$work/data" link --all 2>&1 \
  | grep -E "^link:|indexes built|^wall |Exception|ERROR"
echo "after: $(uptime)"
