// One DPOR exploration with subtrees explored ahead (explorers/dpor-speculation.ts) gives the
// sequential exploration's result: the same findings, witnesses, tokens and counts, on random
// programs and on a model whose lockdep graph, findings and objects grow across executions. The
// workers here run in this thread, each with a model of its own, and answer late and out of
// order, as worker threads may, and with recordings that no longer line up with the tree.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ranAsRecorded } from '../../src/engine/explorers/dpor-speculation.js';
import {
  type CheckOptions,
  type CheckResult,
  check,
  exploreSubtree,
  type Model,
  type RunCheckpoint,
  type SpecChunk,
  type SpecPool,
  type SpecResult,
  SpeculationWorker,
} from '../../src/engine/index.js';
import { chosenOrders } from './chosen-orders.js';
import { type Program, programWith, toModel } from './random-programs.js';

/** Either order as often; one task may make an object (small enough for DPOR to finish). */
const model = chosenOrders({ orders: 2, lateObjects: [0], lateChoices: 2 });

interface PoolOptions {
  workers?: number;
  /** Chunks come back only after this many more receive() calls (0: at once). */
  lag?: number;
  /** None is up for the first `startup` calls of free(). */
  startup?: number;
  /** Report every execution as changing nothing (what the main thread must then not trust). */
  trustAll?: boolean;
  /** Cut one recording of every other chunk in half, as if its branch's tree had grown. */
  cut?: boolean;
  /** Swap the first two recordings of every other chunk: executions that do not line up. */
  swap?: boolean;
}

/** The first half of a recording, ending where its scheduler would have had to pick again. */
function halved(r: SpecResult): SpecResult {
  const n = Math.floor(r.steps / 2);
  return {
    ...r,
    steps: n,
    threads: r.threads.slice(0, n),
    accAt: r.accAt.slice(0, n + 1),
    choiceAt: r.choiceAt.slice(0, n + 1),
    runnable: r.runnable.slice(0, n + 1),
    finished: false,
    outcome: 'stopped',
  };
}

/** Workers in this thread: each job runs when sent, its chunks held back `lag` receives, interleaved. */
function poolOf(
  m: Model,
  { workers = 2, lag = 0, startup = 0, trustAll = false, cut = false, swap = false }: PoolOptions = {},
) {
  const ws = Array.from({ length: workers }, () => new SpeculationWorker(m, {}, exploreSubtree));
  const waiting: { at: number; c: SpecChunk }[] = [];
  let turn = 0;
  let clock = 0;
  let asked = 0;
  let chunks = 0;
  let seed = 11;
  const cancelled: number[] = [];
  const pool: SpecPool & { cancelled: number[] } = {
    cancelled,
    free: () => (++asked > startup ? 2 * workers - new Set(waiting.map((w) => w.c.id)).size : 0),
    send(job) {
      ws[turn++ % workers].run(job, (c) => {
        let executions = c.executions;
        if (trustAll) executions = executions.map((r) => ({ ...r, again: false }));
        const odd = chunks++ % 2 === 0;
        if (cut && odd && executions.length)
          executions = executions.map((r, i) => (i === executions.length >> 1 ? halved(r) : r));
        if (swap && odd && executions.length > 1)
          executions = [executions[1], executions[0], ...executions.slice(2)];
        waiting.push({ at: clock + lag, c: { ...c, executions } });
      });
    },
    receive() {
      clock++;
      // the first due chunk of a job goes first; jobs are interleaved as a shuffle picks them
      const due = waiting.filter(
        (w, i) => w.at <= clock && !waiting.slice(0, i).some((x) => x.c.id === w.c.id),
      );
      if (!due.length) return undefined;
      seed = (seed * 1103515245 + 12345) >>> 0;
      const pick = due[seed % due.length];
      waiting.splice(waiting.indexOf(pick), 1);
      return pick.c;
    },
    cancel: (id) => {
      cancelled.push(id);
    },
  };
  return pool;
}

const essence = (r: CheckResult) => {
  const { elapsedMs: _e, ...stats } = r.stats;
  const { speculation: _s, ...rest } = r;
  return { ...rest, stats };
};

describe('a DPOR check with branches run ahead', () => {
  const cases: [string, CheckOptions, PoolOptions[]][] = [
    [
      'whole',
      { minimize: false },
      [{}, { lag: 3 }, { workers: 1, lag: 1 }, { startup: 50, lag: 2 }, { cut: true }, { swap: true }],
    ],
    ['minimised', {}, [{ lag: 3 }]],
    ['stopped by max-executions', { maxExecutions: 300, minimize: false }, [{ lag: 3 }, { cut: true }]],
  ];
  for (const [name, opts, pools] of cases)
    it(`${name}: the sequential result, with workers answering at once, late, after starting up, cut short or out of line`, () => {
      const sequential = check(model, opts);
      for (const po of pools) {
        const split = check(model, opts, poolOf(model, po));
        expect(essence(split), JSON.stringify(po)).toEqual(essence(sequential));
        // the workers did run executions the main thread took over
        expect(split.speculation!.used, JSON.stringify(po)).toBeGreaterThan(0);
        // a recording cut short or out of line is left where it differs, and the model runs from there
        if (po.cut || po.swap) expect(split.speculation!.diverged, JSON.stringify(po)).toBeGreaterThan(0);
      }
    }, 60_000);

  it('stopped by a budget and resumed from its checkpoint, with workers both times, ends as the whole run', () => {
    const opts: CheckOptions = { minimize: false };
    const whole = check(model, opts);
    let saved: RunCheckpoint | undefined;
    const save = (c: RunCheckpoint) => {
      saved = JSON.parse(JSON.stringify(c));
    };
    const part = check(
      model,
      { ...opts, maxExecutions: 5000, checkpoint: { save } },
      poolOf(model, { lag: 2 }),
    );
    expect(part.complete).toBe(false);
    const rest = check(model, { ...opts, checkpoint: { resume: saved, save } }, poolOf(model, { lag: 2 }));
    expect(rest.speculation!.used).toBeGreaterThan(0);
    expect(essence(rest)).toEqual(essence(whole));
  }, 60_000);

  it('covers what the comparison needs: cycles across executions, lost updates, new objects', () => {
    const r = check(model, { minimize: false });
    const kinds = new Set(r.findings.map((f) => f.kind));
    expect(kinds).toContain('circular-dependency');
    expect(kinds).toContain('lost-update');
    // some recordings were flagged: they found or changed something, and the main thread ran them
    const split = check(model, { minimize: false }, poolOf(model, { lag: 3 }));
    expect(split.speculation!.flagged).toBeGreaterThan(0);
  }, 60_000);

  it('trusting every recording, flagged ones too, changes the result: the flags matter', () => {
    const opts: CheckOptions = { minimize: false };
    const trusting = check(model, opts, poolOf(model, { trustAll: true }));
    expect(essence(trusting)).not.toEqual(essence(check(model, opts)));
  }, 60_000);

  it('on random programs: the sequential findings, witnesses and counts', () => {
    const same = (p: Program) => {
      const m = toModel(p);
      const opts: CheckOptions = { maxExecutions: 5_000, minimize: false };
      const sequential = check(m, opts);
      const split = check(m, opts, poolOf(m, { lag: 2 }));
      expect(essence(split)).toEqual(essence(sequential));
    };
    fc.assert(fc.property(programWith(true), same), { numRuns: 100, seed: 20151019 });
  }, 60_000);

  it('refuses other modes and monitors whose state cannot move to a worker', () => {
    expect(() => check(model, { mode: 'random' }, poolOf(model))).toThrow(/only DPOR checks/);
    const keeper = { ...model, monitors: () => [{ saveRun: () => ({ seen: 1 }), restoreRun: () => {} }] };
    expect(() => check(keeper, {}, poolOf(keeper))).toThrow(
      /keeps state across executions but has no runVersion/,
    );
  });
});

describe('a flagged execution the main thread runs itself', () => {
  it('lines up with its recording only with the same steps and choices', () => {
    // a recording, as a worker made it
    let rec: SpecResult | undefined;
    const pool = poolOf(model, { workers: 1 });
    const receive = pool.receive;
    pool.receive = () => {
      const c = receive();
      rec ??= c?.executions[0];
      return c;
    };
    check(model, { minimize: false, maxExecutions: 200 }, pool);
    const r = rec!;
    const schedule = Array.from(r.threads);
    const choices: number[] = [];
    for (let j = 0; j < r.initialChoices.length; j += 2) choices.push(r.initialChoices[j]);
    for (let j = 0; j < r.choiceAt[r.steps]; j += 2) choices.push(r.choices[j]);
    expect(choices.length).toBeGreaterThan(0);
    expect(ranAsRecorded(r, schedule, choices)).toBe(true);
    expect(ranAsRecorded(r, schedule.slice(0, -1), choices)).toBe(false);
    expect(ranAsRecorded(r, [...schedule.slice(0, -1), (schedule.at(-1)! + 1) % 3], choices)).toBe(false);
    expect(ranAsRecorded(r, schedule, [1 - choices[0], ...choices.slice(1)])).toBe(false);
    expect(ranAsRecorded(r, schedule, [...choices, 0])).toBe(false);
  });
});
