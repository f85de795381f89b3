// Re-runs the lines of a sweep file (sweep*.jsonl) that show a finding kind, on the current model,
// and rewrites the file with those lines replaced in place. Not a test. For a change that can
// only alter runs with that kind (lockdep's allCycles: a run without a cycle reports none either
// way), this brings a sweep up to date without running it all again:
//   npx tsx test/linux/ext4/rerun.ts FILE.jsonl KIND TIME_MS PCT_RUNS
// A line that was complete is run again with DPOR and no budget (a complete exploration does not
// depend on its budget, and the line may come from a deepening pass); an incomplete one with the
// sweep's first-pass budget, TIME_MS of DPOR then PCT_RUNS of PCT (0: none).
import { readFileSync, writeFileSync } from 'node:fs';
import { pairScenarioNamed, type RunLine, runPair } from './sweep.js';

const [file, kind, ms, pct] = process.argv.slice(2);
if (!file || !kind || !ms || pct === undefined) {
  process.stderr.write('usage: rerun.ts FILE.jsonl KIND TIME_MS PCT_RUNS\n');
  process.exit(2);
}
const lines = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as RunLine);
let rerun = 0;
const out = lines.map((l) => {
  if (!l.findings.some((f) => f.kind === kind)) return l;
  const s = pairScenarioNamed(l.scenario);
  if (!s) throw new Error(`${file}: cannot read scenario name ${l.scenario}`);
  const budget = l.complete
    ? { maxExecutions: Infinity, timeLimitMs: Infinity, pct: 0 }
    : { maxExecutions: Infinity, timeLimitMs: Number(ms), pct: Number(pct) };
  const line = runPair(s, l.version, l.fs, budget);
  rerun++;
  const was = new Set(l.findings.map((f) => f.signature));
  const added = line.findings.filter((f) => !was.has(f.signature)).map((f) => f.signature);
  const lost = l.findings.filter((f) => !line.findings.some((g) => g.signature === f.signature));
  process.stdout.write(
    `${l.version} ${l.scenario} ${line.complete ? 'complete' : 'partial'} ${line.executions} (was ${l.executions})` +
      `${added.length ? ` +${added.join(' +')}` : ''}${lost.length ? ` LOST ${lost.map((f) => f.signature).join(' ')}` : ''}\n`,
  );
  return line;
});
writeFileSync(file, `${out.map((l) => JSON.stringify(l)).join('\n')}\n`);
process.stdout.write(`${rerun} of ${lines.length} lines run again\n`);
