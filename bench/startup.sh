#!/usr/bin/env bash
# Start-up benchmark: time from launching the daemon (java -jar, embedded defaults, a fresh data
# dir) to GET /health answering 200 UP, and the heap used once started. Runs N times.
# Usage: bench/startup.sh [runs]   (builds target/liaison.jar first if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
[ -f target/liaison.jar ] || mvn -B -DskipTests package >/dev/null
port=18480
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'liaison.http.port=%s\n' "$port" > "$work/application.properties"
mkdir -p "$work/config" && cp config/sources.yaml "$work/config/" && cp "$work/application.properties" "$work/config/"
for i in $(seq 1 "$runs"); do
  rm -rf "$work/data"
  start=$(date +%s%N)
  java -Xmx256m -jar target/liaison.jar run --config "$work/config" --data "$work/data" --routes routes >"$work/log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '"UP"'; do
    kill -0 $pid 2>/dev/null || { cat "$work/log"; exit 1; }
    sleep 0.02
  done
  up=$(( ($(date +%s%N) - start) / 1000000 ))
  heap=$(jcmd $pid GC.heap_info 2>/dev/null | awk '/garbage-first heap|def new generation|PSYoungGen|total/ {print; exit}')
  used_kb=$(jcmd $pid GC.heap_info 2>/dev/null | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
  stop_start=$(date +%s%N)
  kill -TERM $pid
  wait $pid; rc=$?
  stopped=$(( ($(date +%s%N) - stop_start) / 1000000 ))
  echo "run $i: health UP after ${up} ms; heap used after start ${used_kb:-?} KB; SIGTERM -> exit $rc in ${stopped} ms"
done
