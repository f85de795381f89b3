#!/usr/bin/env bash
# Issue 8: is `faultline matrix` with 2 workers at least 1.7x faster than with 1, with identical
# output? Runs the matrix with --workers 1, then --workers 2 (compiled, JSON output), compares the
# two JSON documents with every `elapsedMs` removed, and prints both wall times and their ratio.
#
#   bench/speedup.sh                          build (tsc), then the full matrix
#   bench/speedup.sh --no-build               use the dist/ already built
#   bench/speedup.sh --kernels v4.3,v4.4      any other options go to `faultline matrix`
#   ROUNDS=3 bench/speedup.sh                 1, 2, 1, 2, ... workers; best time of each
#
# Exit status: 0 when the outputs are identical, 1 when they differ (the speed-up is only printed).
# Run it on a quiet machine: the ratio compares two runs, and other load skews it.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
if [[ "${1:-}" == "--no-build" ]]; then
  build=0
  shift
fi
rounds=${ROUNDS:-1}

if ((build)); then
  echo "building (tsc -p tsconfig.build.json) ..." >&2
  # tsc still emits when another part of the project has a type error; the matrix needs only the JS.
  npx tsc -p tsconfig.build.json >&2 || echo "tsc reported errors (output was emitted anyway)" >&2
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One matrix run: prints "wall user+sys" in seconds; its JSON goes to $out/w<workers>.json.
run_matrix() {
  local workers=$1
  shift
  local rc times
  local TIMEFORMAT='%R %U %S'
  times=$({ time {
    if node bin/faultline.mjs matrix --workers "$workers" --format json "$@" >"$out/w$workers.next.json" 2>/dev/null
    then echo 0; else echo $?; fi >"$out/rc"
  }; } 2>&1)
  rc=$(cat "$out/rc")
  # 0: no findings asked to fail on, 1: findings (with --fail-on-findings); anything else is an error.
  if ((rc > 1)); then
    echo "matrix --workers $workers failed (exit $rc)" >&2
    exit 2
  fi
  mv "$out/w$workers.next.json" "$out/w$workers.json"
  read -r wall user sys <<<"$times"
  echo "$wall $(echo "$user + $sys" | bc -l)"
}

best1=
best2=
cpu1=
cpu2=
for ((r = 1; r <= rounds; r++)); do
  for w in 1 2; do
    echo "round $r/$rounds: matrix --workers $w $* ..." >&2
    read -r s cpu <<<"$(run_matrix "$w" "$@")"
    printf '  %.1f s wall, %.1f s CPU\n' "$s" "$cpu" >&2
    if ((w == 1)); then
      if [[ -z "$best1" ]] || (($(echo "$s < $best1" | bc -l))); then best1=$s cpu1=$cpu; fi
    else
      if [[ -z "$best2" ]] || (($(echo "$s < $best2" | bc -l))); then best2=$s cpu2=$cpu; fi
    fi
  done
done

same=$(
  node -e '
    const fs = require("node:fs");
    const strip = (v) => JSON.stringify(v, (k, x) => (k === "elapsedMs" ? undefined : x));
    const [a, b] = process.argv.slice(1).map((f) => strip(JSON.parse(fs.readFileSync(f, "utf8"))));
    const runs = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).runs?.length ?? "?";
    console.log(a === b ? `identical (${runs} runs)` : "DIFFERENT");
  ' "$out/w1.json" "$out/w2.json"
)

# CPU is user + sys of the whole process (workers and V8's GC threads included): with 2 workers
# it exceeds the 1-worker figure by what running in parallel costs (mostly garbage collection).
printf 'workers 1: %.1f s (CPU %.1f s)\nworkers 2: %.1f s (CPU %.1f s)\n' "$best1" "$cpu1" "$best2" "$cpu2"
printf 'speed-up:  %.2fx (target >= 1.7)\noutput:    %s\n' "$(echo "$best1 / $best2" | bc -l)" "$same"
[[ "$same" == identical* ]]
