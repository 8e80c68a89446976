#!/bin/sh
# Links 100k, 300k and 1M synthetic people records and reports stage times, CPU time,
# peak memory and pairwise accuracy against the generator's truth.
# Usage: bench/resolve_scale.sh BUILD_DIR [sizes...]
set -eu
build=${1:?usage: resolve_scale.sh BUILD_DIR [sizes...]}
shift
sizes=${*:-100000 300000 1000000}
for n in $sizes; do
  /usr/bin/time -v "$build/bench/resolve_bench" --scale "$n" 2> /tmp/resolve_scale.$$ | sed 's/^/  /'
  grep -E "Elapsed \(wall|User time|System time|Maximum resident" /tmp/resolve_scale.$$ | sed 's/^\s*/  /'
done
rm -f /tmp/resolve_scale.$$
