// Merges the run lines of sweeps made elsewhere (another worktree, another session) into one of
// the sweep files beside it: one line per version and scenario, a complete run replacing a
// partial one, a partial one replacing a partial one only with more executions. Lines keep the
// order of the target file; new ones go at its end.
//   npx tsx test/linux/ext4/merge-runs.ts sweep-commit-f2-atomic.jsonl /tmp/lane-a.jsonl /tmp/lane-b.jsonl

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunLine } from './sweep.js';

const here = dirname(fileURLToPath(import.meta.url));

function lines(file: string): RunLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.trim())
    .map(({ l, i }) => {
      try {
        return JSON.parse(l) as RunLine;
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not a run line: ${(e as Error).message}`);
      }
    });
}

/** Should `next` replace `old` (the same version and scenario)? */
export function better(next: RunLine, old: RunLine): boolean {
  if (old.complete) return false;
  return next.complete || next.executions > old.executions;
}

export function merge(
  into: RunLine[],
  more: RunLine[],
): { merged: RunLine[]; replaced: number; added: number } {
  const merged = [...into];
  const at = new Map(merged.map((r, i) => [`${r.version} ${r.scenario}`, i]));
  let replaced = 0;
  let added = 0;
  for (const r of more) {
    const k = `${r.version} ${r.scenario}`;
    const i = at.get(k);
    if (i === undefined) {
      at.set(k, merged.length);
      merged.push(r);
      added++;
    } else if (better(r, merged[i])) {
      merged[i] = r;
      replaced++;
    }
  }
  return { merged, replaced, added };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [target, ...sources] = process.argv.slice(2);
  if (!target || !sources.length) throw new Error('usage: merge-runs.ts SWEEP-FILE.jsonl RUNS.jsonl...');
  const file = join(here, target);
  const { merged, replaced, added } = merge(lines(file), sources.flatMap(lines));
  writeFileSync(file, merged.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const complete = merged.filter((r) => r.complete).length;
  process.stdout.write(
    `${file}: ${added} added, ${replaced} replaced; ${complete} of ${merged.length} complete\n`,
  );
}
