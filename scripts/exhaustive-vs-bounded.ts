// What a preemption bound leaves out, and a cross-check of the two searches: compares an
// exhaustive `explore --format json` (DPOR, possibly with a --time-limit, so some runs
// incomplete) with a bounded one (`--max-preemptions N`) of the same space, run by run.
//
// For a run DPOR completed, every finding of the bounded run must be among DPOR's (the bounded
// search explores a subset of the schedules): one that is not is an engine error, printed and
// exit status 1. What DPOR finds beyond the bound needs more preemptions than the bound allows;
// those runs are listed with their witness tokens.
//
//   npx tsx scripts/exhaustive-vs-bounded.ts EXHAUSTIVE.json BOUNDED.json

import { readFileSync } from 'node:fs';
import type { MatrixJson, MatrixRun } from '../src/cli/matrix.js';

const [exhaustiveFile, boundedFile] = process.argv.slice(2);
if (!exhaustiveFile || !boundedFile) {
  process.stderr.write('usage: exhaustive-vs-bounded EXHAUSTIVE.json BOUNDED.json\n');
  process.exit(2);
}
const load = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as MatrixJson;
const exhaustive = load(exhaustiveFile);
const bounded = load(boundedFile);
const key = (r: MatrixRun) => `${r.kernel}|${r.fs}|${r.scenario}`;
const boundedRuns = new Map(bounded.runs.map((r) => [key(r), r]));
const bound = bounded.runs.find((r) => r.maxPreemptions !== undefined)?.maxPreemptions;
if (bound === undefined) {
  process.stderr.write(`${boundedFile}: no run has maxPreemptions: not a bounded explore\n`);
  process.exit(2);
}
/** The witness of a signature in a scenario (the first occurrence there). */
const tokenOf = (sig: string, scenario: string) =>
  exhaustive.findings.find((f) => f.signature === sig)?.occurrences.find((o) => o.scenario === scenario)
    ?.token;

const complete = exhaustive.runs.filter((r) => r.complete);
const beyond: { run: MatrixRun; sigs: string[] }[] = [];
const missing: { run: MatrixRun; sigs: string[] }[] = [];
let compared = 0;
for (const run of complete) {
  const b = boundedRuns.get(key(run));
  if (!b) continue;
  compared++;
  const lost = b.findings.filter((s) => !run.findings.includes(s));
  if (lost.length) missing.push({ run, sigs: lost });
  const more = run.findings.filter((s) => !b.findings.includes(s));
  if (more.length) beyond.push({ run, sigs: more });
}

const executions = (runs: readonly MatrixRun[]) => runs.reduce((n, r) => n + r.executions, 0);
console.log(
  `${exhaustive.runs.length} runs, ${complete.length} complete exhaustively (${executions(complete)} executions); ` +
    `${compared} of them compared with the bound of ${bound} preemptions`,
);
const incomplete = exhaustive.runs.filter((r) => !r.complete);
if (incomplete.length) {
  const explored = incomplete.map((r) => r.explored ?? 0).sort((a, b) => a - b);
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  console.log(
    `${incomplete.length} incomplete (${executions(incomplete)} executions; DPOR's estimate: ` +
      `${pct(explored[0])} to ${pct(explored[explored.length - 1])} explored, median ${pct(explored[explored.length >> 1])})`,
  );
}
const all = new Set(complete.flatMap((r) => r.findings));
console.log(`signatures in the complete runs: ${all.size}`);
for (const s of [...all].sort())
  console.log(`  ${s}: ${complete.filter((r) => r.findings.includes(s)).length} runs`);
console.log(`complete runs with findings beyond ${bound} preemptions: ${beyond.length}`);
for (const { run, sigs } of beyond)
  for (const s of sigs) console.log(`  ${run.scenario}  ${s}  ${tokenOf(s, run.scenario) ?? '(no token)'}`);
if (missing.length) {
  console.log(`ENGINE ERROR: bounded findings that a complete exhaustive run lacks: ${missing.length} runs`);
  for (const { run, sigs } of missing) console.log(`  ${run.scenario}  ${sigs.join(', ')}`);
  process.exit(1);
}
console.log('every bounded finding of a complete run is among the exhaustive ones');
