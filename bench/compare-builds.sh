#!/usr/bin/env bash
# Is this build faster than another, with the same output? Runs one faultline command with the
# other build's compiled code and with this one's, alternately, ROUNDS times each (one process at
# a time, so both see the same machine), compares their JSON outputs with every `elapsedMs`
# removed, and prints the best wall time of each and their ratio.
#
#   git worktree add /tmp/base HEAD~1 && (cd /tmp/base && npm ci && npx tsc -p tsconfig.build.json)
#   npx tsc -p tsconfig.build.json
#   bench/compare-builds.sh /tmp/base 3 check 'page:load|load|store+load:hole:f2' --kernel v4.4 \
#     --fs xfs --mmu-walk atomic --no-minimize --max-executions 40000 --workers 1
#
# Exit status: 0 when every output is identical, 1 when any differs (the times are printed anyway).
set -euo pipefail
cd "$(dirname "$0")/.."

if (($# < 3)); then
  echo "usage: bench/compare-builds.sh OTHER_CHECKOUT ROUNDS FAULTLINE_ARGS..." >&2
  exit 2
fi
other=$(cd "$1" && pwd)
rounds=$2
shift 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The JSON without run times, so equal results compare equal.
strip() {
  node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    process.stdout.write(JSON.stringify(j, (k, v) => (k === "elapsedMs" ? undefined : v)));' "$1"
}

best_other=""
best_this=""
same=1
for ((r = 1; r <= rounds; r++)); do
  for side in other this; do
    dir=$([[ $side == other ]] && echo "$other" || pwd)
    start=$(date +%s.%N)
    # Exit status 1 means "found something", not a failure: the JSON is what is compared.
    node "$dir/bin/faultline.mjs" "$@" --format json >"$out/$side.json" 2>/dev/null || (($? == 1))
    wall=$(echo "$(date +%s.%N) - $start" | bc -l)
    printf '%-5s round %d: %.2f s\n' "$side" "$r" "$wall"
    if [[ $side == other ]]; then
      [[ -z $best_other ]] || (($(echo "$wall < $best_other" | bc -l))) && best_other=$wall
    else
      [[ -z $best_this ]] || (($(echo "$wall < $best_this" | bc -l))) && best_this=$wall
    fi
  done
  if [[ "$(strip "$out/other.json")" != "$(strip "$out/this.json")" ]]; then
    echo "round $r: the outputs differ" >&2
    same=0
  fi
done
printf 'best: other %.2f s, this %.2f s, ratio %.3fx; outputs %s\n' "$best_other" "$best_this" \
  "$(echo "$best_other / $best_this" | bc -l)" "$([[ $same == 1 ]] && echo identical || echo DIFFERENT)"
((same == 1))
