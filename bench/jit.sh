#!/usr/bin/env bash
# How much CPU V8's optimising compiler (TurboFan) spends on a matrix run: runs `faultline
# matrix` with --trace-opt on one worker and sums the compile times V8 reports (the middle of
# "took A, B, C ms" is the part on a background thread), per function, largest first.
# Every worker thread compiles the same code again in its own isolate.
#
#   bench/jit.sh                       the full matrix (dist/ must be built)
#   bench/jit.sh --kernels v4.4        any options go to `faultline matrix`
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s.%N)
# --trace-opt prints to stdout, mixed with the matrix's own output (discarded: only V8's lines count).
node --trace-opt bin/faultline.mjs matrix --workers 1 --format json "$@" >"$log" 2>/dev/null || true
wall=$(echo "$(date +%s.%N) - $start" | bc -l)
grep 'completed compiling' "$log" |
  sed -E 's/.*<JSFunction ([^ ]*) .*took ([0-9.]+), ([0-9.]+), ([0-9.]+) ms.*/\1 \2 \3 \4/' |
  awk -v wall="$wall" '
    { n++; main += $2 + $4; bg += $3; f[$1] += $3; c[$1]++ }
    END {
      printf "wall %.1f s; %d TurboFan compiles: %.1f s on a background thread, %.2f s on the main thread\n", wall, n, bg / 1000, main / 1000
      print "largest (background ms, compiles, function; \"(sfi\" = an anonymous function):"
      for (k in f) printf "%10.0f %5d %s\n", f[k], c[k], k
    }' | { IFS= read -r head; echo "$head"; IFS= read -r sub; echo "$sub"; sort -rn | head -12; }
