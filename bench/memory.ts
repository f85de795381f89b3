// Memory against executions explored (issue 8: a run's memory must not grow with the number of
// executions; stateless DPOR keeps only the current path with its sleep sets and wakeup trees).
// Explores one scenario with DPOR (no minimisation) and, each time another EVERY executions have
// finished, collects garbage and prints the live heap and the process's RSS.
//
//   npx tsc -p tsconfig.build.json
//   node --expose-gc dist/bench/memory.js [scenario] [kernel] [fs] [executions] [every]
//   node --expose-gc dist/bench/memory.js 'page:load|unbind:hole' v4.4 xfs 400000 50000
//
// The scenario is a built-in one or a name of explore's generated space. The default is a
// fault-and-unbind chase (finding F12) whose exploration runs for millions of executions.

import { check } from '../src/engine/index.js';
import { buildModel, builtinScenarios, type FsName, spaceScenarioNamed } from '../src/workload/index.js';

const [name = 'page:load|unbind:hole', kernel = 'v4.4', fs = 'xfs', n = '400000', every = '50000'] =
  process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc, so that the live heap is measured after a collection');
const scenario = builtinScenarios.find((s) => s.name === name) ?? spaceScenarioNamed(name);
if (!scenario) throw new Error(`no built-in or generated scenario '${name}'`);

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const rows: string[] = [];
const sample = (executions: number, ms: number) => {
  gc();
  const m = process.memoryUsage();
  rows.push(
    `| ${executions.toLocaleString('en')} | ${mb(m.heapUsed)} | ${mb(m.rss)} | ${(ms / 1000).toFixed(0)} |`,
  );
};
let next = Number(every);
const started = performance.now();
sample(0, 0);
const r = check(buildModel(scenario, { kernel, fs: fs as FsName }), {
  mode: 'dpor',
  minimize: false,
  maxExecutions: Number(n),
  onProgress: (p) => {
    if (p.executions >= next) {
      next += Number(every);
      sample(p.executions, p.elapsedMs);
    }
  },
});
sample(r.stats.executions, performance.now() - started);
console.log(
  `${name} on ${kernel}/${fs}: ${r.complete ? 'complete' : 'stopped at the budget'}, ${r.findings.length} findings`,
);
console.log('| executions | live heap after GC (MiB) | RSS (MiB) | s |');
console.log('|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
