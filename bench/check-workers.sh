#!/usr/bin/env bash
# `faultline check --workers N`: is 2 workers faster than 1, with identical output? Alternates
# --workers 1 and 2 for ROUNDS rounds (compiled, JSON, --no-minimize so the sequential witness
# search after the exploration does not dilute the ratio), compares each JSON with the first
# one's (stats.elapsedMs removed), and prints wall and CPU times and the ratio per round. Mode
# random or pct runs RUNS executions; mode dpor explores (add --max-executions to cut it).
#
#   npx tsc -p tsconfig.build.json && bench/check-workers.sh
#   ROUNDS=3 RUNS=100000 bench/check-workers.sh pct invalidate-vs-write-fault --kernel v4.4 --fs xfs
#   bench/check-workers.sh dpor 'page:load|write|invalidate:hole:f2' --kernel v4.4 --fs xfs --mmu-walk atomic
#
# Exit status: 0 when every output is identical, 1 when one differs. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-pct}
shift || true
args=("$@")
((${#args[@]})) || args=(invalidate-vs-write-fault --kernel v4.4 --fs xfs)
rounds=${ROUNDS:-2}
runs=${RUNS:-200000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

untimed() { node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));delete j.stats.elapsedMs;process.stdout.write(JSON.stringify(j))' "$1"; }

status=0
for ((r = 1; r <= rounds; r++)); do
  for w in 1 2; do
    TIMEFORMAT='%R %U %S'
    sampling=(--mode "$mode" --runs "$runs")
    [[ $mode == dpor ]] && sampling=()
    t=$({ time node bin/faultline.mjs check "${args[@]}" "${sampling[@]}" --workers "$w" \
      --no-minimize --format json >"$out/w$w.json" 2>/dev/null || true; } 2>&1)
    read -r wall user sys <<<"$t"
    eval "wall$w=$wall"
    printf 'round %d, %d worker(s): %6.1f s wall, %6.1f s CPU\n' "$r" "$w" "$wall" "$(awk "BEGIN{print $user + $sys}")"
    untimed "$out/w$w.json" >"$out/w$w.untimed"
    [[ -e "$out/first" ]] || cp "$out/w$w.untimed" "$out/first"
    if ! cmp -s "$out/first" "$out/w$w.untimed"; then
      echo "round $r, $w worker(s): output differs" >&2
      status=1
    fi
  done
  printf 'round %d: speed-up %.2fx\n' "$r" "$(awk "BEGIN{print $wall1 / $wall2}")"
done
executions=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).stats.executions)' "$out/w1.json")
echo "$mode$([[ $mode == dpor ]] || echo ", $runs runs") ($executions executions): outputs $([[ $status == 0 ]] && echo identical || echo DIFFER)"
exit $status
