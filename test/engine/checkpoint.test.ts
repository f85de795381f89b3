// A DPOR run stopped at any execution and resumed from its checkpoint (through JSON, as a file
// keeps it) ends with exactly what the uninterrupted run gives: the same findings with the same
// witnesses and traces, the same number of executions, steps and outcomes. On the engine's
// hand-written programs (every stopping point) and on a kernel model whose lockdep findings rest
// on the graph of earlier executions (predicted cycles, confirmed by a deadlock).

import { describe, expect, it } from 'vitest';
import type { RunCheckpoint } from '../../src/engine/checkpoint.js';
import { type CheckOptions, type CheckResult, check, type Model } from '../../src/engine/index.js';
import { buildModel, builtinScenarios } from '../../src/workload/index.js';
import { handwritten } from './programs.js';

const essence = (r: CheckResult) => {
  const { elapsedMs: _ms, ...stats } = r.stats;
  return { complete: r.complete, findings: r.findings, stats };
};

/** Run to `stops[0]` executions, resume to `stops[1]`, ... then to the end; each hop through JSON. */
function resumedAt(make: () => Model, stops: number[], opts: CheckOptions = {}): CheckResult {
  let cp: RunCheckpoint | undefined;
  for (const stop of stops) {
    let saved: RunCheckpoint | undefined;
    const r = check(make(), {
      ...opts,
      maxExecutions: stop,
      checkpoint: { resume: cp, save: (c) => (saved = JSON.parse(JSON.stringify(c))) },
    });
    expect(r.complete, `stopped at ${stop}`).toBe(false);
    expect(saved, `a checkpoint when stopped at ${stop}`).toBeDefined();
    expect(saved!.stats.executions).toBe(stop);
    cp = saved;
  }
  return check(make(), { ...opts, checkpoint: { resume: cp, save: () => {} } });
}

describe('DPOR checkpoints: a resumed run ends as the uninterrupted one', () => {
  for (const m of handwritten) {
    it(`${m.name}: stopped after any number of executions`, () => {
      const whole = check(m);
      expect(whole.complete).toBe(true);
      const n = whole.stats.executions;
      for (let k = 1; k < n; k++)
        expect(essence(resumedAt(() => m, [k])), `stop at ${k}`).toEqual(essence(whole));
      if (n > 3) expect(essence(resumedAt(() => m, [1, 2, n - 1]))).toEqual(essence(whole));
    });
  }

  const scenario = builtinScenarios.find((s) => s.name === 'read-fault-vs-write-fault')!;
  const kernel = (version: string) => () => buildModel(scenario, { kernel: version, fs: 'xfs' });
  // What makes each case: 843172978bb9's cycles have tokens that replay the executions that made
  // their other edges first; v4.3-rc1's recursion is confirmed at the end by a deadlock kept from
  // an earlier execution.
  const cases = [
    {
      version: '843172978bb9-only',
      shows: (r: CheckResult) => r.findings.some((f) => f.token.includes('+')),
    },
    { version: 'v4.3-rc1', shows: (r: CheckResult) => r.findings.some((f) => f.confirmed) },
  ];
  for (const { version, shows } of cases) {
    it(`a kernel model with lockdep (${version}, read-fault-vs-write-fault, xfs)`, () => {
      const whole = check(kernel(version)());
      expect(whole.complete).toBe(true);
      expect(shows(whole)).toBe(true);
      const n = whole.stats.executions;
      for (const stops of [[1], [Math.floor(n / 3)], [n - 1], [37, 150, 151, 300]])
        expect(essence(resumedAt(kernel(version), stops)), `stops ${stops}`).toEqual(essence(whole));
    }, 120_000);
  }

  it('saving a checkpoint after every execution changes nothing', () => {
    const whole = check(kernel('843172978bb9-only')());
    let saves = 0;
    const r = check(kernel('843172978bb9-only')(), { checkpoint: { everyMs: 0, save: () => saves++ } });
    expect(essence(r)).toEqual(essence(whole));
    expect(saves).toBe(whole.stats.executions);
  }, 60_000);

  it('refuses a checkpoint of another model, and checkpoints outside DPOR', () => {
    let saved: RunCheckpoint | undefined;
    check(handwritten[0], { maxExecutions: 1, checkpoint: { save: (c) => (saved = c) } });
    expect(() => check(handwritten[1], { checkpoint: { resume: saved, save: () => {} } })).toThrow(
      `checkpoint of model '${handwritten[0].name}', not '${handwritten[1].name}'`,
    );
    expect(() => check(handwritten[0], { mode: 'pct', checkpoint: { save: () => {} } })).toThrow(/DPOR/);
    let coded: RunCheckpoint | undefined;
    check(handwritten[0], { maxExecutions: 1, checkpoint: { code: 'a', save: (c) => (coded = c) } });
    expect(coded?.code).toBe('a');
    expect(() => check(handwritten[0], { checkpoint: { code: 'b', resume: coded, save: () => {} } })).toThrow(
      'checkpoint taken with other model code (fingerprint a, now b)',
    );
    const watched = { ...handwritten[0], monitors: () => [{ endExecution() {} }] };
    expect(() => check(watched, { checkpoint: { save: () => {} } })).toThrow(
      /monitor #0 of model '.*' cannot be checkpointed/,
    );
  });
});
