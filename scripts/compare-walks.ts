// Runs every cell of the built-in matrix (each version x filesystem x built-in scenario) under
// both MMU walks of a scenario's `mmu.walk`, exhaustively, and compares what they find: the
// evidence behind using the atomic walk where the ptl stand-in does not finish (docs/soundness.md).
//   npx tsx scripts/compare-walks.ts [--kernels v4.3,v4.4] [--out file.jsonl]
// Prints each cell whose signatures or completeness differ and a summary; exits 1 if any does.

import { appendFileSync, writeFileSync } from 'node:fs';
import { check } from '../src/engine/index.js';
import { allVersions } from '../src/history/index.js';
import { buildModel, builtinScenarios, type FsName, type MmuWalk } from '../src/workload/index.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const kernels = opt('--kernels')?.split(',') ?? allVersions.map((v) => v.name);
const out = opt('--out');
if (out) writeFileSync(out, '');

const total: Record<MmuWalk, { executions: number; ms: number }> = {
  ptl: { executions: 0, ms: 0 },
  atomic: { executions: 0, ms: 0 },
};
let cells = 0;
let differ = 0;
for (const kernel of kernels)
  for (const fs of ['xfs', 'ext4'] as FsName[])
    for (const s of builtinScenarios) {
      if (s.fs && s.fs !== fs) continue;
      const byWalk = (['ptl', 'atomic'] as MmuWalk[]).map((walk) => {
        const t0 = Date.now();
        const r = check(buildModel({ ...s, mmu: { walk } }, { kernel, fs }), { minimize: false });
        const ms = Date.now() - t0;
        total[walk].executions += r.stats.executions;
        total[walk].ms += ms;
        return {
          walk,
          complete: r.complete,
          executions: r.stats.executions,
          ms,
          signatures: [...new Set(r.findings.map((f) => f.signature))].sort(),
        };
      });
      cells++;
      const [ptl, atomic] = byWalk;
      const same =
        ptl.complete === atomic.complete &&
        JSON.stringify(ptl.signatures) === JSON.stringify(atomic.signatures);
      if (!same) {
        differ++;
        console.log(`DIFFERENT ${kernel} ${fs} ${s.name}: ${JSON.stringify(byWalk)}`);
      }
      if (out)
        appendFileSync(out, `${JSON.stringify({ kernel, fs, scenario: s.name, same, runs: byWalk })}\n`);
    }
console.log(
  `${cells} cells, ${differ} different; executions ptl ${total.ptl.executions} (${total.ptl.ms} ms), ` +
    `atomic ${total.atomic.executions} (${total.atomic.ms} ms)`,
);
process.exitCode = differ ? 1 : 0;
