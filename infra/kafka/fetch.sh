#!/usr/bin/env bash
# Fetches the Apache Kafka broker jars (infra/kafka/pom.xml) from Maven Central into ~/.m2 and
# writes the Java classpath for start.sh to
#   ${CHAINWATCH_CACHE:-$HOME/.cache/chainwatch}/kafka/classpath.txt
# Cached: when that file was built from the same pom.xml and every jar in it still exists, nothing
# runs (no Maven, no network). When only the pom changed, Maven first tries offline (-o).
# Prints the classpath file's path on stdout; progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${CHAINWATCH_CACHE:-$HOME/.cache/chainwatch}/kafka"
cp_file="$cache/classpath.txt"
stamp_file="$cache/classpath.pom.sha256"
pom="$here/pom.xml"

log() { echo "kafka fetch: $*" >&2; }

mkdir -p "$cache"
pom_sha="$(sha256sum "$pom" | cut -d' ' -f1)"

# Every jar named in the classpath file exists (and the file is not empty).
jars_present() {
  [[ -s "$cp_file" ]] || return 1
  local jar
  while IFS= read -r -d ':' jar || [[ -n "$jar" ]]; do
    jar="${jar%$'\n'}"
    [[ -z "$jar" || -f "$jar" ]] || return 1
  done <"$cp_file"
}

if jars_present && [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$pom_sha" ]]; then
  log "cached ($cp_file)"
  echo "$cp_file"
  exit 0
fi

command -v mvn >/dev/null 2>&1 || { log "mvn not found on PATH (install Maven 3.6+ and a JDK 17+)"; exit 1; }
tmp="$(mktemp "$cache/classpath.XXXXXX")"
trap 'rm -f "$tmp"' EXIT

build_classpath() {
  # $@: extra Maven flags (e.g. -o)
  mvn -B -q -Dstyle.color=never "$@" -f "$pom" dependency:build-classpath \
    -Dmdep.outputFile="$tmp" -Dmdep.includeScope=runtime 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
}

if jars_present && build_classpath -o; then
  log "rebuilt offline from ~/.m2"
else
  log "resolving Kafka jars with Maven (downloads ~40 MB into ~/.m2 unless already there)"
  build_classpath
fi

[[ -s "$tmp" ]] || { log "Maven wrote an empty classpath"; exit 1; }
grep -q 'kafka_2.13-' "$tmp" || { log "classpath lacks kafka_2.13: check $pom"; exit 1; }
mv "$tmp" "$cp_file"
trap - EXIT
echo "$pom_sha" >"$stamp_file"
log "classpath written to $cp_file"
echo "$cp_file"
