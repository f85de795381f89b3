// Which shared objects make a DPOR exploration large? Every execution after the first takes a
// branch that reversing a race inserted into the wakeup tree; this counts the executions by the
// object that race was on (a lock, a cell, a wait queue), for one ext4 pair scenario of the
// sweep behind docs/findings.md (`faultline check SCENARIO --races` does the same for a built-in
// scenario or a scenario file). Not a test:
//
//   npx tsx test/linux/ext4/races.ts v4.4 store punch hole [--commit] [--time-ms 20000]

import { racesText } from '../../../src/cli/format/check-report.js';
import { check } from '../../../src/engine/index.js';
import { buildModel } from '../../../src/workload/index.js';
import { type PageState, pairScenario } from './sweep.js';

const args = process.argv.slice(2);
const [kernel, a, b, state] = args;
const commit = args.includes('--commit');
const ti = args.indexOf('--time-ms');
const timeLimitMs = ti >= 0 ? Number(args[ti + 1]) : 20000;
const scenario = pairScenario(a as never, b as never, state as PageState, commit);
const r = check(buildModel(scenario, { kernel, fs: 'ext4' }), {
  timeLimitMs,
  maxExecutions: Number.POSITIVE_INFINITY,
  minimize: false,
  raceCensus: true,
});
const n = r.stats.executions;
console.log(`${scenario.name} on ${kernel}: ${n} executions${r.complete ? '' : ' (incomplete)'}`);
console.log(racesText(r, 25).join('\n'));
