#!/bin/bash
# The pair sweep of docs/findings.md: `faultline explore --threads 2` (every pair of actions, every
# initial block state) for each kind (page, pmd), filesystem and version, one JSON file each.
# Resumable: a finished file is skipped, an interrupted one resumes from its checkpoint.
#   scripts/sweep.sh OUTDIR [TIME_LIMIT] [KINDS] [FILESYSTEMS]   (after npm run build)
#   e.g. scripts/sweep.sh sweep 30s "page pmd" "xfs ext4"; then npx tsx scripts/sweep-report.ts sweep
set -euo pipefail
out=${1:?usage: scripts/sweep.sh OUTDIR [TIME_LIMIT] [KINDS] [FILESYSTEMS]}
limit=${2:-30s}
kinds=${3:-page pmd}
filesystems=${4:-xfs ext4}
cd "$(dirname "$0")/.."
mkdir -p "$out"
versions=$(node bin/faultline.mjs list versions --format json | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).map(v=>v.name).join(" ")))')
for kind in $kinds; do
  for fs in $filesystems; do
    for k in $versions; do
      f="$out/$kind-$k-$fs"
      [ -s "$f.json" ] && continue
      # exit status 1 means findings, not failure
      node bin/faultline.mjs explore --threads 2 --kind "$kind" --kernel "$k" --fs "$fs" --workers 1 \
        --time-limit "$limit" --format json --checkpoint "$f.ckpt" > "$f.json.tmp" || [ $? -eq 1 ]
      mv "$f.json.tmp" "$f.json"
    done
  done
done
