#!/bin/bash
# Builds the default spec sites (config/sources.yaml) the quality bench reads with BENCH_SITES=all,
# one at a time (each sphinx build is CPU-heavy), from the bare mirrors of openstack/<x>-specs, the
# way src/test/resources/fixtures/sphinx-specs/layouts/build.sh builds its layouts (Debian's sphinx
# + openstackdocstheme, every spec kept). nova is not built: the bench unpacks the shared nova site.
# Usage: bench/linker/sites.sh [OUT_DIR]   (default target/bench-linker/sites; a site already built
# there is kept). Env: MIRRORS (default /work/.mirror), SITES (default: the six besides nova).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(mkdir -p "${1:-target/bench-linker/sites}" && cd "${1:-target/bench-linker/sites}" && pwd)"
mirrors="${MIRRORS:-/work/.mirror}"
for p in ${SITES:-cinder glance keystone neutron heat ironic}; do
  r="$p-specs"
  if [ -f "$out/$r/index.html" ]; then echo "$r: built already ($out/$r)"; continue; fi
  git_dir="$mirrors/openstack+$r/repo"
  [ -d "$git_dir" ] || git_dir="$mirrors/openstack+$r"
  src="$out/src/$r"
  rm -rf "$src" "$out/$r"; mkdir -p "$src"
  git -C "$git_dir" archive HEAD | tar -x -C "$src"
  # the published site does not build the priorities pages into the spec tree; yasfb (the feed) is not in Debian
  find "$src/priorities" -name '*.rst' -delete 2>/dev/null || true
  sed -i "s/'yasfb',\?//; s/\"yasfb\",\?//; s/^feed_.*//" "$src/doc/source/conf.py"
  start=$(date +%s)
  (cd "$src" && PBR_VERSION=1.0.0 nice /usr/bin/sphinx-build -q -b html doc/source "$out/$r" 2> "$out/$r.log") \
    || { tail -20 "$out/$r.log"; exit 1; }
  rm -rf "$src"
  echo "$r: $(find "$out/$r" -name '*.html' | wc -l) html pages, $(grep -c WARNING "$out/$r.log" || true) warnings, $(( $(date +%s) - start )) s"
done
