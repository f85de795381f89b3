// DPOR's progress estimate (explorers/dpor.ts, "progress estimate"): the share of the exploration
// done, read off the path. Exact where every branching is known when first met (choice vectors),
// strictly between 0 and 1 while anything is left, 1 when done, the same after a resume from a
// checkpoint, and reported only for incomplete DPOR runs.

import { describe, expect, it } from 'vitest';
import type { RunCheckpoint } from '../../src/engine/checkpoint.js';
import { exploreDpor } from '../../src/engine/explorers/dpor.js';
import { check, choose, defineModel, type Model, write } from '../../src/engine/index.js';
import { Run } from '../../src/engine/run.js';
import { examples } from '../../src/examples/index.js';
import { buildModel, builtinScenarios } from '../../src/workload/index.js';
import { handwritten } from './programs.js';

/** One thread: a step, then choices of arity 3 and 2 in its local code (one node, 6 vectors). */
const sixVectors: Model = defineModel({
  name: 'six-vectors',
  setup: (w) => ({ x: w.cell('x', 0) }),
  threads: [
    {
      name: 'T',
      body: function* (s) {
        yield* write(s.x, 1);
        const a = yield* choose(3, 'a');
        const b = yield* choose(2, 'b');
        yield* write(s.x, 10 * a + b);
      },
    },
  ],
});

/** The same choices before the first step: one DPOR pass per vector. */
const sixPasses: Model = defineModel({
  name: 'six-passes',
  setup: (w) => ({ x: w.cell('x', 0) }),
  threads: [
    {
      name: 'T',
      body: function* (s) {
        const a = yield* choose(3, 'a');
        const b = yield* choose(2, 'b');
        yield* write(s.x, 10 * a + b);
      },
    },
  ],
});

/** The estimate where a DPOR run stopped after `k` executions (unrounded). */
function explored(m: Model, k: number): number | undefined {
  const run = new Run(m, { maxExecutions: k });
  expect(exploreDpor(run)).toBe(false);
  return run.explored?.();
}

describe('DPOR progress estimate', () => {
  it.each([sixVectors, sixPasses].map((m) => [m.name, m] as const))(
    '%s: exact when every branching is known when first met',
    (_n, m) => {
      const whole = check(m, { minimize: false });
      expect(whole.complete).toBe(true);
      expect(whole.stats.executions).toBe(6);
      expect(whole.explored).toBeUndefined();
      for (let k = 1; k < 6; k++) expect(explored(m, k), `after ${k}`).toBeCloseTo(k / 6, 12);
      // check reports it to three significant digits.
      expect(check(m, { maxExecutions: 1 }).explored).toBe(0.167);
    },
  );

  const models = [...handwritten, examples['philosophers-3'], examples.peterson];
  it.each(models.map((m) => [m.name, m] as const))(
    '%s: strictly between 0 and 1 while unfinished, 1 when done',
    (_n, m) => {
      const n = check(m, { minimize: false }).stats.executions;
      for (let k = 1; k < n; k++) {
        const f = explored(m, k);
        expect(f, `after ${k} of ${n}`).toBeGreaterThan(0);
        expect(f, `after ${k} of ${n}`).toBeLessThan(1);
      }
      const run = new Run(m, {});
      expect(exploreDpor(run)).toBe(true);
      expect(run.explored?.()).toBe(1);
    },
  );

  it('a run resumed from a checkpoint estimates as the uninterrupted one', () => {
    const scenario = builtinScenarios.find((s) => s.name === 'read-fault-vs-write-fault')!;
    const make = () => buildModel(scenario, { kernel: 'v4.4', fs: 'xfs' });
    let saved: RunCheckpoint | undefined;
    check(make(), {
      maxExecutions: 40,
      minimize: false,
      checkpoint: { save: (c) => (saved = JSON.parse(JSON.stringify(c))) },
    });
    const resumed = check(make(), {
      maxExecutions: 90,
      minimize: false,
      checkpoint: { resume: saved, save: () => {} },
    });
    const whole = check(make(), { maxExecutions: 90, minimize: false });
    expect(resumed.stats.executions).toBe(90);
    expect(whole.explored).toBeGreaterThan(0);
    expect(resumed.explored).toBe(whole.explored);
  });

  it('is left out of complete runs and of the other modes', () => {
    const m = examples['philosophers-3'];
    expect(check(m, { mode: 'random', runs: 5, seed: 1 }).explored).toBeUndefined();
    expect(check(m, { maxPreemptions: 1, maxExecutions: 5 }).explored).toBeUndefined();
    expect(check(m).explored).toBeUndefined();
  });
});
