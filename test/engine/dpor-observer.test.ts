// The DPOR observer (used by bench/dpor-branches.ts) sees every branch an exploration takes,
// with the age of its wakeup-tree entry, and does not change the exploration.

import { describe, expect, it } from 'vitest';
import { exploreDpor } from '../../src/engine/explorers/dpor.js';
import { check } from '../../src/engine/index.js';
import { Run } from '../../src/engine/run.js';
import { examples } from '../../src/examples/index.js';
import { choices, handwritten } from './programs.js';

// `choices` chooses before its first step: one DPOR pass per such choice, tested below.
const models = [...handwritten.filter((m) => m !== choices), examples['philosophers-3'], examples.peterson];

describe('DporObserver', () => {
  it.each(models.map((m) => [m.name, m] as const))(
    '%s: one branch per execution after the first',
    (_n, model) => {
      const run = new Run(model, {});
      const ages: (number | 'choice')[] = [];
      // Ages are counted in executions finished before the branch is taken.
      let finishedBefore = 0;
      let settledLater = 0;
      const complete = exploreDpor(run, {
        branch: (age, _cause, settled) => {
          finishedBefore = run.stats.executions;
          if (age !== 'choice') {
            expect(age).toBeLessThanOrEqual(finishedBefore);
            // Settled by the insertion that made it or by a later one below it, never before.
            expect(settled).toBeGreaterThanOrEqual(1);
            expect(settled).toBeLessThanOrEqual(age);
            if (settled! < age) settledLater++;
          }
          ages.push(age);
        },
      });
      if (model === examples['philosophers-3']) expect(settledLater).toBeGreaterThan(0);
      expect(complete).toBe(true);
      const plain = check(model, { minimize: false });
      expect(run.stats.executions).toBe(plain.stats.executions);
      // Every execution but the first of the pass starts at a branch.
      expect(ages.length).toBe(run.stats.executions - 1);
      for (const a of ages) if (a !== 'choice') expect(Number.isInteger(a) && a >= 1).toBe(true);
    },
  );

  it('reports the other values of a choice as choice branches; a pass starts without one', () => {
    const run = new Run(choices, {});
    const ages: (number | 'choice')[] = [];
    exploreDpor(run, { branch: (age) => ages.push(age) });
    expect(ages).toContain('choice');
    expect(run.stats.executions).toBe(check(choices, { minimize: false }).stats.executions);
    // choices picks a value before its first step, so there are several passes.
    expect(run.stats.executions - ages.length).toBeGreaterThan(1);
  });

  it('names the object of the race behind each branch', () => {
    // philosophers: every race is on a fork, and there are races on more than one
    const model = examples['philosophers-3'];
    const run = new Run(model, {});
    const causes = new Set<string>();
    exploreDpor(run, {
      branch: (age, cause) => {
        if (age !== 'choice') causes.add(run.registry.handle(cause!).key);
      },
    });
    expect(causes.size).toBeGreaterThan(1);
    for (const k of causes) expect(k).toMatch(/fork/);
  });
});
