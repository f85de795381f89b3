// Engine benchmark: raw step speed, DPOR speed on the examples and a few larger models, and DPOR's
// redundancy (executions per Mazurkiewicz trace, traces counted by the naive explorer).
//
//   npm run bench                      readable table
//   npm run --silent bench -- --json   one JSON object on stdout, nothing else
//
// Run compiled (never under tsx). Timings are the best of several repetitions, single-threaded.

import { check, defineModel, exploreNaive, type Model, write } from '../src/engine/index.js';
import {
  diningPhilosophers,
  examples,
  lockedCounter,
  producerConsumer,
  readersWriter,
} from '../src/examples/index.js';

/** Two threads, each writing its own cell `steps` times: all steps independent, one trace. */
function trivial(steps: number): Model {
  return defineModel({
    name: `trivial-2x${steps}`,
    setup: (w) => ({ a: w.cell('a', 0), b: w.cell('b', 0) }),
    threads: ['a', 'b'].map((name) => ({
      name,
      body: function* (s: { a: any; b: any }) {
        const cell = name === 'a' ? s.a : s.b;
        for (let i = 1; i <= steps; i++) yield* write(cell, i);
      },
    })),
  });
}

/** `count: false`: too large for the naive explorer (philosophers-ordered-6: incomplete after 120 s). */
const programs: { name: string; model: Model; count?: boolean }[] = [
  { name: 'trivial-2x300', model: trivial(300) },
  ...Object.entries(examples).map(([name, model]) => ({ name, model })),
  { name: 'philosophers-ordered-6', model: diningPhilosophers({ n: 6, ordered: true }), count: false },
  { name: 'counter-locked-3x2', model: lockedCounter({ threads: 3, increments: 2 }) },
  { name: 'readers-writer-3', model: readersWriter({ readers: 3 }) },
  { name: 'producer-consumer-5-cap2', model: producerConsumer({ items: 5, capacity: 2 }) },
];

interface Row {
  name: string;
  executions: number;
  traces: number | null;
  ratio: number | null;
  stepsPerSecond: number;
  executionsPerSecond: number;
  steps: number;
  bestMs: number;
  repetitions: number;
}

/** Best time of one DPOR check, over repetitions filling at least `minMs` (and at least 3). */
function measure(
  model: Model,
  minMs: number,
): { executions: number; steps: number; bestMs: number; reps: number } {
  let best = Number.POSITIVE_INFINITY;
  let executions = 0;
  let steps = 0;
  let reps = 0;
  const start = performance.now();
  while (reps < 3 || performance.now() - start < minMs) {
    // Batch short checks so the timer's resolution does not matter.
    const t0 = performance.now();
    let n = 0;
    let r: ReturnType<typeof check>;
    do {
      r = check(model, { minimize: false });
      n++;
    } while (performance.now() - t0 < 10);
    const per = (performance.now() - t0) / n;
    if (per < best) best = per;
    executions = r.stats.executions;
    steps = r.stats.steps;
    reps++;
    if (reps >= 200) break;
  }
  return { executions, steps, bestMs: best, reps };
}

/** Traces by the naive explorer (merging equivalent prefixes); null when over its budget. */
function countTraces(model: Model): number | null {
  const r = exploreNaive(model, { mergePrefixes: true, maxExecutions: 200_000, timeLimitMs: 120_000 });
  return r.complete ? r.traces : null;
}

function main(): void {
  const json = process.argv.includes('--json');
  const noTraces = process.argv.includes('--no-traces');
  const rows: Row[] = [];
  for (const { name, model, count } of programs) {
    const m = measure(model, 1000);
    const traces = noTraces || count === false ? null : countTraces(model);
    const row: Row = {
      name,
      executions: m.executions,
      traces,
      ratio: traces ? round(m.executions / traces, 3) : null,
      stepsPerSecond: Math.round((m.steps / m.bestMs) * 1000),
      executionsPerSecond: Math.round((m.executions / m.bestMs) * 1000),
      steps: m.steps,
      bestMs: round(m.bestMs, 3),
      repetitions: m.reps,
    };
    rows.push(row);
    if (!json) process.stderr.write(`  ${name}\n`);
  }
  if (json) {
    const programs = rows.map(({ name, executions, traces, ratio, stepsPerSecond, executionsPerSecond }) => ({
      name,
      executions,
      traces,
      ratio,
      stepsPerSecond,
      executionsPerSecond,
    }));
    process.stdout.write(`${JSON.stringify({ programs }, null, 2)}\n`);
    return;
  }
  const header = ['program', 'executions', 'traces', 'ratio', 'steps', 'best ms', 'steps/s', 'executions/s'];
  const lines = rows.map((r) => [
    r.name,
    String(r.executions),
    r.traces === null ? '-' : String(r.traces),
    r.ratio === null ? '-' : r.ratio.toFixed(3),
    String(r.steps),
    r.bestMs.toFixed(3),
    r.stepsPerSecond.toLocaleString('en-US'),
    r.executionsPerSecond.toLocaleString('en-US'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(fmt(header));
  console.log(
    `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
  );
  for (const l of lines) console.log(fmt(l));
  console.log(
    `\nnode ${process.version}, ${process.platform}/${process.arch}; DPOR with minimize: false; best of repetitions.`,
  );
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

main();
