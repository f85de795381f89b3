// What merging equivalent prefixes saves the preemption-bounded search (src/engine/explorers/
// bounded.ts): the plain and the merged search on three-thread DAX scenarios of `explore
// --threads 3` (v4.4, XFS, atomic walk, 2 faults per access), 2 preemptions, alternated in one
// process so the ratio is measured under the same load. Both must report the same findings.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/bounded-merge.js

import { daxProvider } from '../src/cli/providers/dax.js';
import { buildTargetModel, tokenTarget } from '../src/cli/target.js';
import { exploreBounded } from '../src/engine/explorers/bounded.js';
import type { Model } from '../src/engine/index.js';
import { Run } from '../src/engine/run.js';

const scenarios = ['page:load|store+load|write:hole:f2', 'page:load|cow-store|invalidate:hole:f2'];
const BOUND = 2;

function search(model: Model<unknown>, mergePrefixes: boolean) {
  const run = new Run(model, {});
  const t0 = performance.now();
  exploreBounded(run, BOUND, undefined, { mergePrefixes });
  run.collectRunEnd();
  return {
    ms: performance.now() - t0,
    executions: run.stats.executions,
    merged: run.stats.merged ?? 0,
    findings: run.findings.map((f) => `${f.signature} ${f.token}`).join('\n'),
  };
}

const p = daxProvider();
console.log('scenario | plain: executions, s | merged: executions (+ cut short), s | time ratio');
for (const scenario of scenarios) {
  const t = tokenTarget(p, { scenario, kernel: 'v4.4', fs: 'xfs', mmuWalk: 'atomic', maxFaults: 2 });
  const model = buildTargetModel(p, t) as Model<unknown>;
  // plain, merged, plain, merged: the best of two each
  const runs = [false, true, false, true].map((m) => ({ m, r: search(model, m) }));
  const best = (m: boolean) => runs.filter((x) => x.m === m).sort((a, b) => a.r.ms - b.r.ms)[0].r;
  const plain = best(false);
  const merged = best(true);
  if (plain.findings !== merged.findings)
    throw new Error(`${scenario}: the merged search found something else`);
  const s = (ms: number) => (ms / 1000).toFixed(1);
  console.log(
    `${scenario} | ${plain.executions}, ${s(plain.ms)} | ${merged.executions} (+ ${merged.merged}), ${s(merged.ms)} | ${(plain.ms / merged.ms).toFixed(2)}x`,
  );
}
