// The second pass of an ext4 sweep (docs/findings.md): re-runs the incomplete explorations of a
// sweep file with DPOR and a larger budget, one JSON line each; a line that completed replaces
// the first pass's line. Not a test. Two processes, one per core:
//   npx tsx test/linux/ext4/deepen.ts IN.jsonl OUT.jsonl TIME_MS PART/PARTS [VERSION,...]
// (PART/PARTS takes every PARTS-th incomplete run; the versions listed go first.)
import { appendFileSync, readFileSync } from 'node:fs';
import { check } from '../../../src/engine/index.js';
import { buildModel } from '../../../src/workload/index.js';
import { findingLine, pairScenarioNamed, type RunLine } from './sweep.js';

const [inFile, outFile, ms, part, order = ''] = process.argv.slice(2);
const rank = (v: string) => {
  const i = order.split(',').indexOf(v);
  return i < 0 ? 99 : i;
};
const [k, n] = part.split('/').map(Number);
const lines = readFileSync(inFile, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as RunLine);
const todo = lines
  .filter((l) => !l.complete)
  .sort((a, b) => rank(a.version) - rank(b.version))
  .filter((_, i) => i % n === k - 1);
for (const l of todo) {
  const s = pairScenarioNamed(l.scenario);
  if (!s) throw new Error(`${inFile}: not a sweep scenario: ${l.scenario}`);
  const t0 = Date.now();
  const r = check(buildModel(s, { kernel: l.version, fs: 'ext4' }), {
    mode: 'dpor',
    timeLimitMs: Number(ms),
    minimizeExecutions: 500,
  });
  const line = {
    ...l,
    complete: r.complete,
    mode: r.complete ? 'dpor' : l.mode,
    executions: r.complete ? r.stats.executions : l.executions,
    ms: Date.now() - t0,
  };
  if (r.complete) line.findings = r.findings.map(findingLine);
  appendFileSync(outFile, `${JSON.stringify(line)}\n`);
  process.stdout.write(
    `${l.version} ${l.scenario} ${r.complete ? 'complete' : 'partial'} ${r.stats.executions}\n`,
  );
}
