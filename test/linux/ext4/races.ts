// Which shared objects make a DPOR exploration large? Every execution after the first takes a
// branch that reversing a race inserted into the wakeup tree; this counts the executions by the
// object that race was on (a lock, a cell, a wait queue), for one ext4 pair scenario of the
// sweep behind docs/findings.md. Not a test:
//
//   npx tsx test/linux/ext4/races.ts v4.4 store punch hole [--commit] [--time-ms 20000]

import { exploreDpor } from '../../../src/engine/explorers/dpor.js';
import { Run } from '../../../src/engine/run.js';
import { buildModel } from '../../../src/workload/index.js';
import { type PageState, pairScenario } from './sweep.js';

const args = process.argv.slice(2);
const [kernel, a, b, state] = args;
const commit = args.includes('--commit');
const ti = args.indexOf('--time-ms');
const timeLimitMs = ti >= 0 ? Number(args[ti + 1]) : 20000;
const scenario = pairScenario(a as never, b as never, state as PageState, commit);
const run = new Run(buildModel(scenario, { kernel, fs: 'ext4' }), { timeLimitMs });
const byCause = new Map<string, number>();
let choices = 0;
const complete = exploreDpor(run, {
  branch: (age, cause) => {
    if (age === 'choice') {
      choices++;
      return;
    }
    const key = cause === undefined || cause < 0 ? '?' : run.registry.handle(cause).key;
    byCause.set(key, (byCause.get(key) ?? 0) + 1);
  },
});
const n = run.stats.executions;
console.log(
  `${scenario.name} on ${kernel}: ${n} executions${complete ? '' : ' (incomplete)'}, ${choices} choice branches`,
);
for (const [k, c] of [...byCause].sort((x, y) => y[1] - x[1]).slice(0, 25))
  console.log(`${((c / n) * 100).toFixed(1).padStart(5)}%  ${String(c).padStart(8)}  ${k}`);
