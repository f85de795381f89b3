// One DPOR exploration on several threads, with the result of the sequential exploration for
// every number of threads: the same executions in the same order, findings, witnesses, counts.
//
// The main thread keeps the sequential algorithm (dpor.ts): it owns the path, the sleep sets and
// the wakeup trees, and takes every execution's races in order. What it hands out are subtrees.
// A branch waiting in a wakeup tree on the current path will be explored, and what is explored
// below it is fixed by the path above it, the wakeup tree below it and the sleep set where it
// starts (the node's own, plus the branches explored there before it): races found below it only
// add branches below it, or above it, which the main thread adds when its turn comes. So a
// worker explores that subtree ahead of time, with the same algorithm from the same state
// (`dporPass` with a floor), and streams back each execution's steps: threads, accesses, choices,
// and the runnable threads at each step. When the main thread reaches the branch, it follows the
// recordings one execution after another, step by step, as it would follow the model (`Replayed`),
// taking each execution's races itself. If the tree below the branch grew after it was sent, the
// main thread picks another thread somewhere: it re-runs that execution's steps so far on the
// model, goes on there, and drops the rest of the job (nothing is lost but the worker's time).
// Where it catches up with the worker, it goes on alone and the job is cancelled.
//
// What a worker cannot see is what the main run keeps across executions: findings and their
// witnesses, lockdep's graph, the object ids. So every job carries a snapshot of them taken when
// it was sent, before (in the sequential order) every execution of the subtree, and the worker
// starts from it; what it then adds comes from executions of the subtree before the one at hand,
// which the main run has by then too. An execution that found something new to the worker, or
// changed what a monitor keeps, is flagged, and the main thread runs it itself; any other it only
// counts (`Run.counted`): whatever is new to the main run is new to the worker too (sample-split.ts
// makes the same argument for random and PCT). A job ends at an execution that made a new object
// (its id in the main run is not known here).

import type { Outcome } from '../execution.js';
import type { Model } from '../model.js';
import type { ObjectEntry } from '../objects.js';
import { type ChooseFn, Run } from '../run.js';
import { splitSamplingRefusal } from './sample-split.js';

/** A thread asleep at a node, with the accesses of its next event. */
export interface SleepEntry {
  t: number;
  acc: readonly number[];
}

/** A wakeup tree below a branch as plain data (dpor.ts `WState`), per choice vector key. */
export type WakeupKids = [string, WakeupState[]][];
export interface WakeupState {
  t: number;
  acc: number[];
  born: number;
  cause: number;
  leaf: boolean;
  kids: WakeupKids;
}

/** What the main run keeps across executions, as a worker starts each job from it. */
export interface SpecSnapshot {
  version: number;
  registry: ObjectEntry[];
  /** Each monitor's `saveRun()`. */
  monitors: unknown[];
  /** Findings so far: signature and the preemptions of its witness. */
  found: [string, number][];
}

/**
 * The subtree of a branch waiting in a wakeup tree: its executions, in the order the main thread
 * will take them. Per-step data is flat in typed arrays: a message of a few arrays is cheap to
 * send, one of hundreds of small ones is not.
 */
export interface SpecJob {
  id: number;
  /** The snapshot to start from; a pool may leave it out for a worker that has this version. */
  snapshotVersion: number;
  snapshot?: SpecSnapshot;
  /** The values of the choices made before the first step (the DPOR pass). */
  initial: number[];
  /** The path above the branch: thread of each step, and its choice vector, `vals[valsAt[i]..valsAt[i+1]]`. */
  prefix: Int32Array;
  valsAt: Int32Array;
  vals: Int32Array;
  /** The branch's thread, the wakeup tree below it, the sleep set at its node. */
  branch: number;
  kids: WakeupKids;
  /** Per sleeper: thread, number of accesses, the accesses. */
  sleep: Int32Array;
}

/** One execution of a job, as the main thread follows it. */
export interface SpecResult {
  /** Steps recorded. */
  steps: number;
  /** Per step: thread, accesses `acc[accAt[i]..accAt[i+1]]`, choices (value, arity pairs) likewise. */
  threads: Int32Array;
  accAt: Int32Array;
  acc: Int32Array;
  choiceAt: Int32Array;
  choices: Int32Array;
  /** Choices made before the first step (value, arity pairs). */
  initialChoices: number[];
  /** Runnable threads (a bit per thread) before each step, and after the last if it was cut short. */
  runnable: Int32Array;
  finished: boolean;
  outcome: Outcome;
  /** The main thread must run it itself: it found or changed something (see above). */
  again: boolean;
}

/** A part of a job's executions, in order, as a worker streams them. */
export interface SpecChunk {
  id: number;
  executions: SpecResult[];
  /** The job has ended (its subtree explored, its budget spent, a new object, or cancelled). */
  done: boolean;
  /** It could not be run ahead (the model threw, or has more threads than a mask holds). */
  error?: string;
}

/** The buffers of a chunk, to move instead of copy when it is posted to another thread. */
export const chunkBuffers = (c: SpecChunk): ArrayBuffer[] =>
  c.executions.flatMap((r) =>
    [r.threads, r.accAt, r.acc, r.choiceAt, r.choices, r.runnable].map((a) => a.buffer as ArrayBuffer),
  );

/** Where jobs run: worker threads (the CLI's dpor-pool.ts) or anything else. */
export interface SpecPool {
  /** How many more jobs the pool takes now (0 while its workers start up). */
  free(): number;
  send(job: SpecJob): void;
  /** A chunk of results that has come back, if any (never waits). */
  receive(): SpecChunk | undefined;
  /** Stop job `id` soon (its worker checks between executions); its chunks may still come. */
  cancel(id: number): void;
}

/** Runnable masks hold a bit per thread. */
export const MAX_SPEC_THREADS = 31;

/** Jobs sent and not yet reached, at most (a bound on memory: each holds its executions). */
const MAX_HELD = 8;

/** A sleep set flat, as a job carries it: per sleeper, thread, number of accesses, the accesses. */
export function flatSleep(sleep: readonly SleepEntry[]): Int32Array {
  let n = 0;
  for (const x of sleep) n += 2 + x.acc.length;
  const out = new Int32Array(n);
  let i = 0;
  for (const x of sleep) {
    out[i++] = x.t;
    out[i++] = x.acc.length;
    out.set(x.acc, i);
    i += x.acc.length;
  }
  return out;
}

/** The sleep set a flat one stands for. */
export function sleepOf(flat: Int32Array): { t: number; acc: number[] }[] {
  const out: { t: number; acc: number[] }[] = [];
  for (let i = 0; i < flat.length; ) {
    const t = flat[i++];
    const n = flat[i++];
    out.push({ t, acc: Array.from(flat.subarray(i, i + n)) });
    i += n;
  }
  return out;
}

/** A sleep set as a key, to tell whether a job starts where the main thread does. */
const sleepKey = (sleep: readonly SleepEntry[] | Int32Array): string =>
  (sleep instanceof Int32Array ? sleep : flatSleep(sleep)).join(',');

/**
 * Can `run`'s exploration be split? As for sampling (what a monitor keeps across executions is
 * versioned), and that state must also move to a worker (`restoreRun`).
 */
export function speculationRefusal(run: Run): string | undefined {
  const sampling = splitSamplingRefusal(run);
  if (sampling) return sampling;
  const i = run.monitors.findIndex((m) => !m.restoreRun);
  return i < 0
    ? undefined
    : `monitor #${i} of model '${run.model.name}' cannot hand what it keeps across executions to a worker (no restoreRun)`;
}

/** Counts for tests and benchmarks: how the executions were run. */
export interface SpeculationStats {
  /** Jobs sent. */
  sent: number;
  /** Executions taken from a worker's recording to the end. */
  used: number;
  /** Recordings the main thread left part way: the tree below their branch had grown. */
  diverged: number;
  /** Recordings flagged by the worker, which the main thread ran itself. */
  flagged: number;
  /** Jobs not followed: failed, or a sleep set that differed where they start. */
  refused: number;
  /** Snapshots of the main run taken for jobs (a new one whenever it has changed). */
  snapshots: number;
  /** Executions the workers recorded (used or not). */
  recorded: number;
}

interface Held {
  id: number;
  sleep: string;
  executions: SpecResult[];
  done: boolean;
  error?: string;
}

/** The subtree being followed: its job, the depth of its branch's node, executions of it so far. */
interface Active {
  held: Held;
  floor: number;
  next: number;
}

/** The main thread's side: jobs out, results back, the subtree being followed. */
export class Speculator {
  readonly stats: SpeculationStats = {
    sent: 0,
    used: 0,
    diverged: 0,
    flagged: 0,
    refused: 0,
    snapshots: 0,
    recorded: 0,
  };
  private nextId = 1;
  /** Per branch (a wakeup-tree node) sent and not yet reached, its job. */
  private readonly byBranch = new Map<object, Held>();
  private readonly byId = new Map<number, Held>();
  private active: Active | undefined;
  private snapshot: SpecSnapshot | undefined;
  private seen = { objects: -1, monitors: -1, witnesses: -1 };

  constructor(
    private readonly run: Run,
    private readonly pool: SpecPool,
  ) {}

  /** Would a job be taken now? (Takes in the chunks that have come back.) */
  wants(): boolean {
    this.drain();
    return this.byBranch.size < MAX_HELD && this.pool.free() > 0;
  }

  has(branch: object): boolean {
    return this.byBranch.has(branch);
  }

  send(
    branch: object,
    job: Omit<SpecJob, 'id' | 'snapshotVersion' | 'snapshot' | 'initial'> & { initial: readonly number[] },
  ): void {
    const snapshot = this.current();
    const id = this.nextId++;
    const held: Held = { id, sleep: sleepKey(job.sleep), executions: [], done: false };
    this.byBranch.set(branch, held);
    this.byId.set(id, held);
    this.stats.sent++;
    this.pool.send({ ...job, initial: [...job.initial], id, snapshotVersion: snapshot.version, snapshot });
  }

  /**
   * The recording of the next execution, which starts at depth `divergence`: `branch` is the
   * wakeup-tree branch it takes there, if it takes one, and `sleep` that node's sleep set.
   */
  next(divergence: number, branch: object | undefined, sleep: readonly SleepEntry[]): SpecResult | undefined {
    this.drain();
    const a0 = this.active;
    // Above the subtree's node, or another branch at it: the subtree is done.
    if (a0 && (divergence < a0.floor || (divergence === a0.floor && branch))) this.leave();
    if (!this.active && branch) {
      const held = this.byBranch.get(branch);
      if (!held) return undefined;
      this.byBranch.delete(branch);
      if (held.error || held.sleep !== sleepKey(sleep)) {
        this.stats.refused++;
        this.drop(held);
        return undefined;
      }
      this.active = { held, floor: divergence, next: 0 };
    }
    const a = this.active;
    if (!a) return undefined;
    const rec = a.held.executions[a.next];
    if (!rec) {
      // Caught up with the worker (or its job ended): go on alone.
      this.leave();
      return undefined;
    }
    // Executions before this one are not needed again.
    a.held.executions[a.next++] = undefined as unknown as SpecResult;
    if (rec.again) this.stats.flagged++;
    return rec;
  }

  /** The depth of the node whose subtree is being followed (none: Infinity); jobs go above it. */
  get floor(): number {
    return this.active?.floor ?? Number.POSITIVE_INFINITY;
  }

  /** The main thread left the recording it was following part way: drop the rest of the job. */
  diverged(): void {
    this.stats.diverged++;
    this.leave();
  }

  /** Forget every job (a pass ends, or the run stops). */
  clear(): void {
    this.leave();
    for (const h of this.byId.values()) this.drop(h);
    this.byBranch.clear();
  }

  private leave(): void {
    if (this.active) this.drop(this.active.held);
    this.active = undefined;
  }

  private drop(held: Held): void {
    if (!held.done) this.pool.cancel(held.id);
    this.byId.delete(held.id);
  }

  /** Take in the chunks that have come back. */
  private drain(): void {
    for (let c = this.pool.receive(); c; c = this.pool.receive()) {
      const held = this.byId.get(c.id);
      if (!held) continue;
      this.stats.recorded += c.executions.length;
      for (const r of c.executions) held.executions.push(r);
      if (c.error) held.error = c.error;
      if (c.done) held.done = true;
    }
  }

  /** The snapshot of the main run now: a new version when anything it holds has changed. */
  private current(): SpecSnapshot {
    const run = this.run;
    let monitors = 0;
    for (const m of run.monitors) monitors += m.runVersion?.() ?? 0;
    const now = { objects: run.registry.size, monitors, witnesses: run.witnessChanges };
    const s = this.seen;
    if (
      !this.snapshot ||
      now.objects !== s.objects ||
      now.monitors !== s.monitors ||
      now.witnesses !== s.witnesses
    ) {
      this.seen = now;
      this.stats.snapshots++;
      this.snapshot = {
        version: (this.snapshot?.version ?? 0) + 1,
        registry: run.registry.entries(),
        monitors: run.monitors.map((m) => m.saveRun!()),
        found: run.findings.map((f) => [f.signature, f.preemptions]),
      };
    }
    return this.snapshot;
  }
}

/**
 * A recorded execution as the main thread's DPOR loop steps it: the members of `Execution` the
 * loop uses. `step` returns undefined where the recording cannot go on as asked (another thread,
 * past its end, another choice value): the loop then runs the model itself from there.
 */
export class Replayed {
  pos = 0;
  private stopped = false;
  private readonly statuses: { id: number; status: 'runnable' | 'blocked' }[] = [];

  private constructor(private readonly rec: SpecResult) {
    let width = 0;
    for (const m of rec.runnable) width = Math.max(width, 32 - Math.clz32(m));
    for (const t of rec.threads) width = Math.max(width, t + 1);
    for (let t = 0; t < width; t++) this.statuses.push({ id: t, status: 'blocked' });
  }

  /** Follow `rec`, making its choices before the first step through `choose`; undefined if they differ. */
  static start(rec: SpecResult, choose: ChooseFn): Replayed | undefined {
    const c = rec.initialChoices;
    for (let j = 0; j < c.length; j += 2) if (choose(-1, j / 2, c[j + 1]) !== c[j]) return undefined;
    return new Replayed(rec);
  }

  get finished(): boolean {
    return this.stopped || (this.pos >= this.rec.steps && this.rec.finished);
  }

  get outcome(): Outcome {
    if (this.pos >= this.rec.steps && this.rec.finished) return this.rec.outcome;
    return this.stopped ? 'stopped' : 'running';
  }

  /** The threads with their status before the next step (`Execution.threads`, as the loop reads it). */
  get threads(): readonly { id: number; status: string }[] {
    if (this.pos >= this.rec.runnable.length)
      throw new Error(`speculation: no runnable threads recorded before step ${this.pos}`);
    const mask = this.rec.runnable[this.pos];
    for (const s of this.statuses) s.status = mask & (1 << s.id) ? 'runnable' : 'blocked';
    return this.statuses;
  }

  isRunnable(t: number): boolean {
    return this.pos < this.rec.runnable.length && (this.rec.runnable[this.pos] & (1 << t)) !== 0;
  }

  /** The accesses of the next step if it is thread `t`'s and makes the same choices; else undefined. */
  step(t: number, choose: ChooseFn): readonly number[] | undefined {
    const r = this.rec;
    const i = this.pos;
    if (i >= r.steps || r.threads[i] !== t) return undefined;
    for (let j = r.choiceAt[i], k = 0; j < r.choiceAt[i + 1]; j += 2, k++)
      if (choose(t, k, r.choices[j + 1]) !== r.choices[j]) return undefined;
    this.pos++;
    const acc: number[] = [];
    for (let j = r.accAt[i]; j < r.accAt[i + 1]; j++) acc.push(r.acc[j]);
    return acc;
  }

  stop(): void {
    if (!this.finished) this.stopped = true;
  }
}

/**
 * Did an execution the main thread ran itself (one the worker flagged) make the recording's steps
 * and choices? If not, the tree had grown: what the worker did after it no longer lines up.
 */
export function ranAsRecorded(
  rec: SpecResult,
  schedule: readonly number[],
  choices: readonly number[],
): boolean {
  if (schedule.length !== rec.steps) return false;
  for (let i = 0; i < rec.steps; i++) if (schedule[i] !== rec.threads[i]) return false;
  const made: number[] = [];
  for (let j = 0; j < rec.initialChoices.length; j += 2) made.push(rec.initialChoices[j]);
  for (let j = 0; j < rec.choiceAt[rec.steps]; j += 2) made.push(rec.choices[j]);
  return made.length === choices.length && made.every((v, i) => v === choices[i]);
}

/** Records a worker's executions as the main thread will follow them (dpor.ts calls it as it steps). */
export class Recorder {
  private threads: number[] = [];
  private acc: number[] = [];
  private accAt: number[] = [0];
  private choices: number[] = [];
  private choiceAt: number[] = [0];
  private initial: number[] = [];
  private runnable: number[] = [];
  private stepping = false;
  /** Executions recorded and not yet sent. */
  out: SpecResult[] = [];

  begin(): void {
    this.threads = [];
    this.acc = [];
    this.accAt = [0];
    this.choices = [];
    this.choiceAt = [0];
    this.initial = [];
    this.runnable = [];
    this.stepping = false;
  }

  choice(v: number, n: number): void {
    (this.stepping ? this.choices : this.initial).push(v, n);
  }

  /** Before each step, and before the scheduler gives up (every runnable thread asleep). */
  decision(threads: readonly { id: number; status: string }[]): void {
    this.stepping = true;
    let mask = 0;
    for (const t of threads)
      if (t.status === 'runnable') {
        if (t.id >= MAX_SPEC_THREADS)
          throw new Error(`thread ${t.id}: more threads than a runnable mask holds`);
        mask |= 1 << t.id;
      }
    this.runnable.push(mask);
  }

  step(t: number, acc: readonly number[]): void {
    this.threads.push(t);
    for (const a of acc) this.acc.push(a);
    this.accAt.push(this.acc.length);
    this.choiceAt.push(this.choices.length);
  }

  end(outcome: Outcome, again: boolean): void {
    this.out.push({
      steps: this.threads.length,
      threads: Int32Array.from(this.threads),
      accAt: Int32Array.from(this.accAt),
      acc: Int32Array.from(this.acc),
      choiceAt: Int32Array.from(this.choiceAt),
      choices: Int32Array.from(this.choices),
      initialChoices: this.initial,
      runnable: Int32Array.from(this.runnable),
      // Cut short by the scheduler (every runnable thread asleep): the main thread's loop stops it too.
      finished: outcome !== 'stopped',
      outcome,
      again,
    });
  }
}

/** A job's budget: this many executions at most (a bound on the memory its results hold). */
const JOB_EXECUTIONS = 4096;
/** A worker sends what it has recorded at least this often. */
const CHUNK_MS = 2;

/**
 * A worker's side: explores jobs' subtrees on the model, each from the snapshot it names, with
 * `explore` the exploration of one subtree (dpor.ts `exploreSubtree`), streaming chunks to `emit`.
 */
export class SpeculationWorker<S> {
  private snapshot: SpecSnapshot | undefined;

  constructor(
    private readonly model: Model<S>,
    private readonly opts: { maxStepsPerThread?: number },
    private readonly explore: (run: Run<S>, job: SpecJob, recorder: Recorder, tick: () => void) => void,
  ) {}

  /** Run `job` until its subtree is explored, its budget spent, or `cancelled()`. */
  run(job: SpecJob, emit: (chunk: SpecChunk) => void, cancelled: () => boolean = () => false): void {
    if (job.snapshot) this.snapshot = job.snapshot;
    const s = this.snapshot;
    if (!s || s.version !== job.snapshotVersion) {
      emit({ id: job.id, executions: [], done: true, error: `no snapshot ${job.snapshotVersion} here` });
      return;
    }
    const recorder = new Recorder();
    let sent = performance.now();
    const flush = (done: boolean, error?: string) => {
      emit({ id: job.id, executions: recorder.out, done, ...(error ? { error } : {}) });
      recorder.out = [];
      sent = performance.now();
    };
    const run = new Run(this.model, {
      maxStepsPerThread: this.opts.maxStepsPerThread,
      maxExecutions: JOB_EXECUTIONS,
      shouldStop: cancelled,
    });
    run.adopt(s);
    try {
      this.explore(run, job, recorder, () => {
        if (recorder.out.length && performance.now() - sent >= CHUNK_MS) flush(false);
      });
      flush(true);
    } catch (e) {
      recorder.out = [];
      flush(true, (e as Error).message ?? String(e));
    }
  }
}
