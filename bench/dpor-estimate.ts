// How good is DPOR's progress estimate (`explored`: the share of the tree done, read off the
// current path)? For explorations of known size, this prints the total it predicts
// (executions so far / share explored) when 1%, 10%, 25%, 50% and 75% of the executions are done,
// as a ratio to the true total: 1.00 is exact, 0.50 means it predicted half the real size.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/dpor-estimate.js
//   node dist/bench/dpor-estimate.js v4.4 xfs 'page:load|write|invalidate:hole:f2' atomic

import { exploreDpor } from '../src/engine/explorers/dpor.js';
import { Run } from '../src/engine/run.js';
import { buildModel, builtinScenarios, type Scenario, spaceScenarioNamed } from '../src/workload/index.js';

type Cell = [kernel: string, fs: 'ext4' | 'xfs', scenario: string, walk?: 'atomic'];
const CELLS: Cell[] = [
  ['v4.4', 'xfs', 'read-fault-vs-write-syscall'],
  ['v4.4', 'ext4', 'mmap-vs-fault'],
  ['v4.4', 'ext4', 'read-fault-vs-write-syscall'],
  ['v4.3', 'ext4', 'write-fault-vs-write-fault'],
  ['v4.4', 'xfs', 'page:load|write|invalidate:hole:f2', 'atomic'],
  ['v4.4', 'xfs', 'page:store+load|cow-store|truncate:hole:f2', 'atomic'],
  ['v4.4', 'xfs', 'page:load|load+munmap|load+munmap:hole:f2', 'atomic'],
  ['v4.4', 'xfs', 'page:load|cow-store|invalidate:hole:f2', 'atomic'],
];
const AT = [0.01, 0.1, 0.25, 0.5, 0.75];

function scenarioOf(name: string, walk?: 'atomic'): Scenario {
  const s = builtinScenarios.find((b) => b.name === name) ?? spaceScenarioNamed(name);
  if (!s) throw new Error(`no built-in or explore scenario '${name}'`);
  return walk ? { ...s, mmu: { ...s.mmu, walk } } : s;
}

/** Predicted totals (executions / explored) after each execution, from a complete exploration. */
function predictions(cell: Cell): { total: number; predicted: number[] } {
  const [kernel, fs, name, walk] = cell;
  const run = new Run(buildModel(scenarioOf(name, walk), { kernel, fs }), {});
  const predicted: number[] = [];
  // path() is called after each execution, before it is counted: the share then leaves it out.
  exploreDpor(run, {
    branch() {},
    path() {
      const share = run.explored?.() ?? 0;
      predicted.push(share > 0 ? run.stats.executions / share : Number.NaN);
    },
  });
  return { total: run.stats.executions, predicted };
}

const args = process.argv.slice(2);
const cells = args.length >= 3 ? [args as unknown as Cell] : CELLS;
console.log(`| cell | executions | ${AT.map((a) => `at ${a * 100}%`).join(' | ')} |`);
console.log(`|---|---:|${AT.map(() => '---:').join('|')}|`);
for (const cell of cells) {
  const { total, predicted } = predictions(cell);
  const cols = AT.map((a) => {
    const k = Math.max(1, Math.round(a * total));
    const p = predicted[k]; // after k executions counted
    return p === undefined || Number.isNaN(p) ? '-' : (p / total).toFixed(2);
  });
  console.log(
    `| ${cell.slice(0, 3).join(' ')}${cell[3] ? ' (atomic walk)' : ''} | ${total} | ${cols.join(' | ')} |`,
  );
}
