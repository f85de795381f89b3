// The bounded search's prefix merging (bounded.ts): it may skip executions, never a finding, a
// witness or its token. Checked against the plain search on random programs and on a DAX
// scenario, and the trace hash it rests on against the trace keys of the naive search.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daxProvider } from '../../src/cli/providers/dax.js';
import { buildTargetModel, tokenTarget } from '../../src/cli/target.js';
import { exploreBounded } from '../../src/engine/explorers/bounded.js';
import { PrefixTable } from '../../src/engine/explorers/prefix-table.js';
import { TraceHasher } from '../../src/engine/explorers/trace-hash.js';
import { check, type Model, traceKey } from '../../src/engine/index.js';
import { Run } from '../../src/engine/run.js';
import { type Program, programWith, toModel } from './random-programs.js';

function bounded(model: Model<unknown>, bound: number, mergePrefixes: boolean, maxTableSlots?: number) {
  const run = new Run(model, { maxExecutions: 200_000 });
  const complete = exploreBounded(run, bound, undefined, { mergePrefixes, maxTableSlots });
  run.collectRunEnd();
  return {
    complete,
    executions: run.stats.executions,
    merged: run.stats.merged ?? 0,
    findings: run.findings.map((f) => [f.signature, f.token, f.preemptions]),
  };
}

const seed = Number(process.env.FC_SEED ?? 20151019);
const numRuns = Number(process.env.FC_RUNS ?? 100);

describe('bounded search with merged prefixes', () => {
  it('finds the same findings, first witnesses and tokens as the plain search, in fewer executions', () => {
    let mergedSome = 0;
    fc.assert(
      fc.property(programWith(true), fc.integer({ min: 0, max: 2 }), (p: Program, bound: number) => {
        const model = toModel(p) as Model<unknown>;
        const plain = bounded(model, bound, false);
        fc.pre(plain.complete);
        const merged = bounded(model, bound, true);
        expect(merged.complete).toBe(true);
        expect(merged.findings).toEqual(plain.findings);
        expect(merged.executions).toBeLessThanOrEqual(plain.executions);
        // a cut execution stands for at least one the plain search ran to its end
        expect(merged.executions + merged.merged).toBeLessThanOrEqual(plain.executions);
        if (merged.merged > 0) mergedSome++;
      }),
      { numRuns, seed },
    );
    // the property is about something: most of these programs have prefixes to merge
    expect(mergedSome).toBeGreaterThan(numRuns / 4);
  }, 120_000);

  it('a table at its bound merges less and still finds everything', () => {
    fc.assert(
      fc.property(programWith(false), (p: Program) => {
        const model = toModel(p) as Model<unknown>;
        const plain = bounded(model, 2, false);
        fc.pre(plain.complete);
        const tiny = bounded(model, 2, true, 8);
        expect(tiny.findings).toEqual(plain.findings);
      }),
      { numRuns: Math.ceil(numRuns / 4), seed },
    );
  }, 120_000);

  it('on three DAX threads: the same findings and tokens as the plain search, a fraction of the executions', () => {
    const p = daxProvider();
    const t = tokenTarget(p, {
      scenario: 'page:load|store+load|write:hole:f2',
      kernel: 'v4.4',
      fs: 'xfs',
      mmuWalk: 'atomic',
      maxFaults: 2,
    });
    const model = buildTargetModel(p, t) as Model<unknown>;
    const plain = bounded(model, 1, false);
    const merged = bounded(model, 1, true);
    expect(plain.complete && merged.complete).toBe(true);
    expect(merged.findings).toEqual(plain.findings);
    expect(merged.findings.map((f) => f[0])).toContain('stale-mapping||maps a hole page over written data');
    expect(merged.executions * 2).toBeLessThan(plain.executions);
    // check's bounded mode merges: its executions are the merged search's
    const viaCheck = check(model, { maxPreemptions: 1, minimize: false });
    expect(viaCheck.stats.executions).toBe(merged.executions);
    expect(viaCheck.stats.merged).toBe(merged.merged);
  }, 120_000);
});

describe('trace hash', () => {
  it('equal for equivalent executions, different for the others (against the naive trace keys)', () => {
    fc.assert(
      fc.property(programWith(true), fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), (p, picks) => {
        const model = toModel(p) as Model<unknown>;
        const byKey = new Map<string, string>();
        const byHash = new Map<string, string>();
        // random schedules: each pick chooses among the runnable threads, then among choice values
        for (let r = 0; r < picks.length; r++) {
          const run = new Run(model, {});
          let k = r;
          const next = () => picks[k++ % picks.length];
          const hasher = new TraceHasher();
          const choices: number[][] = [];
          const ex = run.execution((t, _key, n) => {
            const v = next() % n;
            hasher.choice(t, v);
            (choices[t] ??= []).push(v);
            return v;
          });
          const schedule: number[] = [];
          const accesses: (readonly number[])[] = [];
          while (!ex.finished) {
            const rs = ex.runnable();
            const t = rs[next() % rs.length];
            const acc = ex.stepThread(t);
            hasher.step(t, acc);
            schedule.push(t);
            accesses.push(acc);
          }
          run.finish(ex);
          const key = traceKey(schedule, accesses, choices);
          const hash = `${hasher.lo}:${hasher.hi}`;
          expect(byKey.get(key) ?? hash).toBe(hash);
          expect(byHash.get(hash) ?? key).toBe(key);
          byKey.set(key, hash);
          byHash.set(hash, key);
        }
      }),
      { numRuns, seed },
    );
  }, 120_000);
});

describe('prefix table', () => {
  it('answers covered only at no more cost, keeps the lower cost, and stays within its bound', () => {
    const t = new PrefixTable(16, 4);
    expect(t.covered(1, 2, 2)).toBe(false);
    expect(t.covered(1, 2, 2)).toBe(true);
    expect(t.covered(1, 2, 3)).toBe(true);
    expect(t.covered(1, 2, 1)).toBe(false); // reached more cheaply: recorded, not covered
    expect(t.covered(1, 2, 1)).toBe(true);
    expect(t.covered(1, 3, 1)).toBe(false); // another high lane is another prefix
    for (let i = 0; i < 100; i++) t.covered(1000 + i * 16, 7, 0); // all in one probe chain
    expect(t.slots).toBe(16);
    expect(t.dropped).toBe(100 - 10);
    expect(t.covered(1000, 7, 0)).toBe(true);
    expect(t.covered(1, 2, 1)).toBe(true);
  });
});
