// A random or PCT run split over worker threads, with the result of the sequential run for
// every number of workers: the same findings, witnesses, statistics and order.
//
// Execution r is a function of the seed, r and (PCT) the run length k of its batch, which depends
// only on batches well before it (pct.ts). So workers run whole batches, each on a run of its own
// (its own object registry and monitors). What a worker cannot know is what the main run's
// monitors keep across executions: lockdep's graph grows from every execution before. Hence the
// main thread takes the batches in order and runs an execution again itself, in its place, when
// in the worker it raised a finding the worker had not seen with as few preemptions, met an
// object new to that worker, or changed what a monitor keeps (`Monitor.runVersion`); any other
// execution it only counts (`Run.counted`). That is exact because a worker has seen a subset of
// the executions before r: whatever is new to the main run at r (a finding or a better witness,
// a lock dependency, a lock class's usage, an object) is new to the worker too, and what is not
// new changes nothing. Such executions are few once the first batches have met the
// model's objects and lock dependencies, so the main thread does little of the work.
//
// Budgets stop the main thread at the same execution as a sequential run, except a time limit.

import type { Outcome } from '../execution.js';
import { Run } from '../run.js';
import { checkPctDepth, PCT_LENGTH_LAG, pctExecution, pctLength, pctProbe, SAMPLE_BATCH } from './pct.js';
import { randomExecution } from './random.js';

export interface SampleSpec {
  mode: 'random' | 'pct';
  seed: number;
  runs: number;
  /** PCT bug depth. */
  depth: number;
}

/** One batch for a worker: runs `from` to `to - 1`, PCT with run length `k`. */
export interface SampleBatch {
  batch: number;
  from: number;
  to: number;
  k: number;
}

/** What a worker reports of a batch: per run its length, how it ended, and whether to run it again. */
export interface SampleBatchResult {
  batch: number;
  steps: number[];
  outcomes: Outcome[];
  /** Runs (offsets in the batch) the main thread must run itself. */
  again: number[];
}

/** Execution r of the sampling run, run to its end (not finished). */
function sampleExecution<S>(run: Run<S>, spec: SampleSpec, r: number, k: number) {
  return spec.mode === 'random'
    ? randomExecution(run, spec.seed, r)
    : pctExecution(run, spec.seed, r, k, spec.depth);
}

/**
 * Can `run`'s model be sampled on workers? Every monitor that keeps something across executions
 * must say when that changes (`runVersion`) and take skipped executions (`skipExecution`).
 */
export function splitSamplingRefusal(run: Run): string | undefined {
  for (let i = 0; i < run.monitors.length; i++) {
    const m = run.monitors[i];
    if (!m.saveRun)
      return `monitor #${i} of model '${run.model.name}' has no saveRun: what it keeps across executions is unknown`;
    if (m.saveRun() !== null && (!m.runVersion || !m.skipExecution))
      return `monitor #${i} of model '${run.model.name}' keeps state across executions but has no runVersion and skipExecution`;
  }
  return undefined;
}

/** The worker's side: run one batch on the worker's own run. */
export function runSampleBatch(run: Run, spec: SampleSpec, task: SampleBatch): SampleBatchResult {
  if (spec.mode === 'pct') checkPctDepth(spec.depth);
  const steps: number[] = [];
  const outcomes: Outcome[] = [];
  const again: number[] = [];
  const versions = run.monitors.map(() => 0);
  const changed = () => {
    let c = false;
    for (let i = 0; i < versions.length; i++) {
      const v = run.monitors[i].runVersion?.() ?? 0;
      if (v !== versions[i]) c = true;
      versions[i] = v;
    }
    return c;
  };
  changed();
  for (let r = task.from; r < task.to; r++) {
    const objects = run.registry.size;
    const witnesses = run.witnessChanges;
    const ex = sampleExecution(run, spec, r, task.k);
    run.finish(ex);
    steps.push(ex.schedule.length);
    outcomes.push(ex.outcome);
    if (changed() || run.witnessChanges !== witnesses || run.registry.size !== objects)
      again.push(r - task.from);
  }
  return { batch: task.batch, steps, outcomes, again };
}

/** Where the batches run: worker threads (the CLI's check-pool.ts), or anything else. */
export interface SamplePool {
  /** How many more batches the pool would start now (0 while its workers start up); throws
   *  what made the pool fail (a worker that could not start). */
  free(): number;
  /** Runs a batch (`runSampleBatch` on a run of the same model); resolves with its result. */
  run(batch: SampleBatch): Promise<SampleBatchResult>;
  /** Calls `wake` whenever `free()` grows other than by a batch coming back (a worker is up). */
  onFree(wake: () => void): void;
  /** If given, the run waits for it before its first batch (a pool whose workers must take part). */
  ready?: Promise<void>;
}

/** At most this many batches beyond the one due are out or waiting (a bound on memory). */
const MAX_AHEAD = 64;

/** Lets the event loop take in workers' messages between batches run here. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The main thread's side: a sampling run with batches run by `pool` where it can take them. This
 * thread works too: it runs the batch due itself when it is not out (while the workers start
 * up), and while the batch due is out it runs batches further on as a worker would, on a run of
 * their own. Same result on `run` as exploreRandom / explorePct; returns false (sampling proves
 * nothing).
 */
export async function exploreSampleSplit(run: Run, spec: SampleSpec, pool: SamplePool): Promise<boolean> {
  let probe = 0;
  if (spec.mode === 'pct') {
    checkPctDepth(spec.depth);
    if (run.exhausted()) return false;
    probe = pctProbe(run);
  }
  await pool.ready;
  const batches = Math.ceil(spec.runs / SAMPLE_BATCH);
  /** Per batch, its longest run, once known (PCT's k of later batches). */
  const longest: number[] = [];
  const received = new Map<number, SampleBatchResult>();
  /** Batches 0 .. known-1 all have their longest run known. */
  let known = 0;
  const learn = (b: number, steps: readonly number[]) => {
    longest[b] = Math.max(0, ...steps);
    while (longest[known] !== undefined) known++;
  };
  const kOf = (b: number) => (spec.mode === 'pct' ? pctLength(probe, longest, b) : 0);
  const taskOf = (b: number): SampleBatch => {
    const from = b * SAMPLE_BATCH;
    return { batch: b, from, to: Math.min(spec.runs, from + SAMPLE_BATCH), k: kOf(b) };
  };
  /** The batch this thread takes in (or runs) now; batches head+1 .. next-1 are out. */
  let head = 0;
  let next = 0;
  let inFlight = 0;
  let stopped = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const woken = () => wake?.();
  pool.onFree(woken);
  /** Batch b can go out: its k is known (PCT: the batches it takes k from are all back), and it
   *  is not so far ahead that results waiting to be taken in pile up behind a slow worker. */
  const givable = (b: number) =>
    b - head <= MAX_AHEAD && (spec.mode === 'random' || b - PCT_LENGTH_LAG < known);
  /** This thread's own run of batches further on, while the one due is out (a worker's run). */
  let local: Run | undefined;
  const give = () => {
    if (next <= head) next = head + 1;
    try {
      while (!stopped && !failure && next < batches && givable(next) && pool.free() > 0) {
        inFlight++;
        pool.run(taskOf(next++)).then(
          (res) => {
            inFlight--;
            received.set(res.batch, res);
            learn(res.batch, res.steps);
            woken();
            give();
          },
          (e) => {
            inFlight--;
            failure ??= e;
            woken();
          },
        );
      }
    } catch (e) {
      failure ??= e;
      woken();
    }
  };
  const sleep = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  try {
    for (; head < batches; head++) {
      if (failure) throw failure;
      const out = head < next;
      give();
      const { from, to, k } = taskOf(head);
      if (!out) {
        // Not out to a worker: run it here, as one thread would.
        const steps: number[] = [];
        for (let r = from; r < to; r++) {
          if (run.exhausted()) return false;
          const ex = sampleExecution(run, spec, r, k);
          steps.push(ex.schedule.length);
          run.finish(ex);
        }
        learn(head, steps);
        await turn();
        continue;
      }
      while (!received.has(head)) {
        if (failure) throw failure;
        give();
        if (received.has(head)) break;
        if (next < batches && givable(next)) {
          // The batch due is still out: rather than wait, run one further on, as a worker would.
          local ??= new Run(run.model, {
            maxStepsPerThread: run.opts.maxStepsPerThread,
            debug: run.opts.debug,
          });
          const b = next++;
          const res = runSampleBatch(local, spec, taskOf(b));
          received.set(b, res);
          learn(b, res.steps);
          await turn();
          continue;
        }
        await sleep();
      }
      const res = received.get(head)!;
      received.delete(head);
      let again = 0;
      for (let i = 0; i < res.steps.length; i++) {
        if (run.exhausted()) return false;
        if (res.again[again] === i) {
          again++;
          run.finish(sampleExecution(run, spec, from + i, k));
        } else run.counted(res.steps[i], res.outcomes[i]);
      }
    }
    return false;
  } finally {
    stopped = true;
    // Let batches still out come back before the caller stops the workers.
    while (inFlight > 0 && !failure) await sleep();
  }
}
