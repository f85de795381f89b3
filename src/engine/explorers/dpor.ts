// Exhaustive exploration by optimal dynamic partial-order reduction: source sets, sleep sets and
// wakeup trees (Abdulla, Aronis, Jonsson, Sagonas, "Optimal Dynamic Partial Order Reduction",
// POPL 2014). Goal: one execution per Mazurkiewicz trace.
//
// Stateless: every execution re-runs the model from its initial state, following the current
// path of the exploration tree; only that path (with its sleep sets and wakeup trees) is kept.
//
// Events are the engine's steps; two events are dependent when they touch a common object and
// one of them writes it. Happens-before is tracked with vector clocks. A race is a pair of
// dependent events of different threads, ordered by happens-before with nothing in between;
// a race through a sync-only access (a wake-up) is not reversible and does not count.
//
// Nondeterministic choices: the choices a thread makes in the local code after its step's op
// belong to that step (they decide the thread's next op, not the op's accesses). At every node
// all choice vectors of the step taken there are explored (an odometer over the values, arities
// discovered as it goes) before that thread goes to sleep, so a thread appears once per node.
// A wakeup-tree node keeps what follows it per choice vector. In a reversed race notdep(e).f the
// events before f are independent of e and repeat their choices; f may read other values once
// reversed, so its choices are left open. Choices made before the first step (in a thread's
// code before its first op) are enumerated around the passes.

import { CheckpointMismatch } from '../checkpoint.js';
import { ACC_COMMUTE, ACC_SHIFT, ACC_SYNC, ACC_WRITE, accConflict, type Execution } from '../execution.js';
import type { ChooseFn, Run } from '../run.js';
import {
  flatSleep,
  type Recorder,
  Replayed,
  ranAsRecorded,
  type SleepEntry,
  type SpecJob,
  type Speculator,
  sleepOf,
} from './dpor-speculation.js';

interface Ev {
  t: number;
  acc: readonly number[];
  /** Key of the step's choice vector (`valsKey`); undefined where its choices are left open. */
  vals: string | undefined;
}

interface WNode {
  t: number;
  acc: readonly number[];
  /** How many executions had finished when this event was inserted (for `DporObserver`). */
  born: number;
  /** The object of the race whose reversal inserted it (for `DporObserver`). */
  cause: number;
  /** What to explore after this event, per choice vector of its step (by `valsKey`). */
  kids: Map<string, WNode[]>;
  /** An inserted sequence ended here: exploring this event goes on freely, under any vector. */
  leaf: boolean;
  /** Executions finished when an insertion last went on below it (for `DporObserver`). */
  touched: number;
}

interface Node {
  /** Threads asleep here with the access set of their next event (all choice vectors done). */
  sleep: { t: number; acc: readonly number[] }[];
  /** Wakeup tree: sequences still to explore from here (the branch being explored is not in it). */
  wut: WNode[];
  /** Thread explored from here in the current execution, and its event's accesses. */
  cur: number;
  curAcc: readonly number[];
  /** The object of the race whose reversal put that branch in the wakeup tree; -1: taken freely. */
  cause: number;
  /** The wakeup tree below the current branch, per choice vector of this step. */
  kids: Map<string, WNode[]>;
  /** Choice vector of this step in the current execution, and the arities it met. */
  vals: number[];
  arity: number[];
  /** Branches (threads) explored from here before the current one, for the progress estimate. */
  done: number;
  /** Speculation: the first `offered` branches of `wut` have been sent to run ahead. */
  offered: number;
}

/** A choice vector as a key; trailing zeros (the defaults) dropped, so equal vectors match. */
function valsKey(vals: readonly number[]): string {
  if (vals.length === 0) return '';
  let n = vals.length;
  while (n > 0 && vals[n - 1] === 0) n--;
  return vals.slice(0, n).join(',');
}

/** Next choice vector in depth-first order (later choices first); false when exhausted. */
function nextVector(vals: number[], arity: readonly number[]): boolean {
  for (let i = arity.length - 1; i >= 0; i--) {
    const v = vals[i] ?? 0;
    if (v + 1 < arity[i]) {
      vals.length = i + 1;
      vals[i] = v + 1;
      return true;
    }
  }
  return false;
}

function conflict(a: readonly number[], b: readonly number[]): boolean {
  for (const x of a) for (const y of b) if (accConflict(x, y)) return true;
  return false;
}

/** The first object on which a and b conflict other than through a sync-only access, or -1. */
function reversibleConflict(a: readonly number[], b: readonly number[]): number {
  for (const x of a) {
    if (x & ACC_SYNC) continue;
    for (const y of b) {
      if (y & ACC_SYNC) continue;
      if (accConflict(x, y)) return x >>> ACC_SHIFT;
    }
  }
  return -1;
}

/** Is v[k] (the first event of its thread in v) an initial of v: no earlier event of v before it? */
function isInitialAt(v: readonly Ev[], k: number): boolean {
  for (let i = 0; i < k; i++) if (conflict(v[i].acc, v[k].acc)) return false;
  return true;
}

/** Write `v` at `a[n]` (a scratch array's used length `n`); returns the new length. */
function setAt(a: number[], n: number, v: number): number {
  if (n < a.length) a[n] = v;
  else a.push(v);
  return n + 1;
}

/** Add `v` to the first `n` entries of `a` unless there; returns the new length. */
function addCand(a: number[], n: number, v: number): number {
  for (let k = 0; k < n; k++) if (a[k] === v) return n;
  return setAt(a, n, v);
}

function asleep(sleep: readonly { t: number }[], t: number): boolean {
  for (const s of sleep) if (s.t === t) return true;
  return false;
}

function firstOf(v: readonly Ev[], t: number): number {
  for (let i = 0; i < v.length; i++) if (v[i].t === t) return i;
  return -1;
}

/** Is a thread asleep with next event `e` a weak initial of v? */
function isWeakInitial(e: { t: number; acc: readonly number[] }, v: readonly Ev[]): boolean {
  const k = firstOf(v, e.t);
  if (k >= 0) return isInitialAt(v, k);
  for (const x of v) if (conflict(e.acc, x.acc)) return false;
  return true;
}

/** Add v as a chain of new children under `kids`. */
function appendChain(kids: WNode[], v: readonly Ev[], born: number, cause: number): void {
  let at = kids;
  for (let i = 0; i < v.length; i++) {
    const n: WNode = {
      t: v[i].t,
      acc: v[i].acc,
      born,
      cause,
      kids: new Map(),
      leaf: i + 1 === v.length,
      touched: born,
    };
    at.push(n);
    if (i + 1 < v.length) {
      const sub: WNode[] = [];
      n.kids.set(v[i].vals ?? '', sub);
      at = sub;
    }
  }
}

/**
 * Insert sequence v into the wakeup tree whose root's unexplored children are `root`.
 * Descend while some child is a weak initial of what is left of v; an existing leaf on the way
 * covers v (exploring it goes on to every reversal that v would). A node that only continues
 * under other choice vectors is no leaf for this one: v's continuation is added under it.
 */
function insert(root: WNode[], v: Ev[], born: number, cause: number): void {
  let kids = root;
  for (;;) {
    let next: WNode | undefined;
    let key = '';
    for (const c of kids) {
      const k = firstOf(v, c.t);
      if (k >= 0) {
        if (!isInitialAt(v, k)) continue;
        // The child runs every choice vector of its step; v goes on under the one it saw (any
        // one, where its choices are open: the rest of v is independent of this event).
        key = v[k].vals ?? '';
        v = v.slice(0, k).concat(v.slice(k + 1));
        if (v.length === 0) return;
        next = c;
        break;
      }
      if (v.every((x) => !conflict(c.acc, x.acc))) {
        // A weak initial: v can follow it under any of its choice vectors; use the default one.
        next = c;
        break;
      }
    }
    if (!next) {
      appendChain(kids, v, born, cause);
      return;
    }
    if (next.leaf) return;
    next.touched = born;
    const sub = next.kids.get(key);
    if (!sub) {
      const fresh: WNode[] = [];
      next.kids.set(key, fresh);
      appendChain(fresh, v, born, cause);
      return;
    }
    kids = sub;
  }
}

/**
 * Placeholders shared by every node until it needs its own (most nodes never do): frozen, so a
 * write through one of them throws instead of corrupting every other node.
 */
const NO_NUMBERS: number[] = Object.freeze([]) as unknown as number[];
const NO_SLEEP: Node['sleep'] = Object.freeze([]) as unknown as Node['sleep'];
const NO_BRANCHES: WNode[] = Object.freeze([]) as unknown as WNode[];
const NO_KIDS: Map<string, WNode[]> = new Map();

/**
 * Happens-before state of one execution, kept across the executions of a pass so a step
 * allocates nothing for it: per event its thread, its index in that thread and its vector clock
 * (a row of `clocks`, `width` entries wide), per object the last write and the reads since.
 */
class HappensBefore {
  evThread: number[] = [];
  evIdx: number[] = [];
  evAcc: (readonly number[])[] = [];
  width = 4;
  clocks = new Int32Array(4 * 256);
  /** Per thread: its number of events and its last event (-1: none). */
  thrCount: number[] = [];
  thrLast: number[] = [];
  /** Per object, valid where `stamp` is the current execution's. */
  private stamp: number[] = [];
  private epoch = 0;
  lastWrite: number[] = [];
  /** Reads of each object since its last write: the first `nReads[o]` entries of `readsSince[o]`. */
  readsSince: number[][] = [];
  nReads: number[] = [];
  /** Commuting updates of each object since its last write, kept like the reads. */
  commutesSince: number[][] = [];
  nCommutes: number[] = [];

  reset(): void {
    this.epoch++;
    this.thrCount.fill(0);
    this.thrLast.fill(-1);
  }

  /** Make object `o`'s entries current (empty if first touched in this execution). */
  object(o: number): void {
    if (this.stamp[o] === this.epoch) return;
    while (this.stamp.length <= o) {
      this.stamp.push(0);
      this.lastWrite.push(-1);
      this.readsSince.push([]);
      this.nReads.push(0);
      this.commutesSince.push([]);
      this.nCommutes.push(0);
    }
    this.stamp[o] = this.epoch;
    this.lastWrite[o] = -1;
    this.nReads[o] = 0;
    this.nCommutes[o] = 0;
  }

  /** Record event `i` (the `idx`-th of thread `t`, accesses `acc`) as the last access of its objects. */
  track(i: number, t: number, idx: number, acc: readonly number[]): void {
    this.evThread[i] = t;
    this.evIdx[i] = idx;
    this.evAcc[i] = acc;
    this.thrLast[t] = i;
    for (const a of acc) {
      const o = a >>> ACC_SHIFT;
      if (a & ACC_WRITE) {
        this.lastWrite[o] = i;
        this.nReads[o] = 0;
        this.nCommutes[o] = 0;
      } else if (a & ACC_COMMUTE) this.nCommutes[o] = setAt(this.commutesSince[o], this.nCommutes[o], i);
      else this.nReads[o] = setAt(this.readsSince[o], this.nReads[o], i);
    }
  }

  /** Room for event `i`'s clock and for thread `t` in every clock. */
  room(i: number, t: number): void {
    if (t >= this.width) {
      let w = this.width;
      while (w <= t) w *= 2;
      const next = new Int32Array(Math.max(this.clocks.length / this.width, i + 1) * w * 2);
      for (let e = 0; e < i; e++) next.set(this.clocks.subarray(e * this.width, (e + 1) * this.width), e * w);
      this.clocks = next;
      this.width = w;
    }
    if ((i + 1) * this.width > this.clocks.length) {
      const next = new Int32Array(this.clocks.length * 2);
      next.set(this.clocks);
      this.clocks = next;
    }
  }

  /** Entry `t` of event `e`'s vector clock. */
  vc(e: number, t: number): number {
    return this.clocks[e * this.width + t];
  }
}

// ---- checkpoints ---------------------------------------------------------------------------------
// The state between two executions as plain JSON: the vector of initial choices of the pass, the
// point where the next execution diverges, and the path with its sleep sets and wakeup trees.
// Arrays a node shares with its parent's wakeup tree are copied apart: that entry of the parent is
// never read again (the parent next runs another choice vector, or another branch with its own
// subtree), so a resumed run explores exactly what the uninterrupted one does.

interface WState {
  t: number;
  acc: number[];
  born: number;
  cause: number;
  leaf: boolean;
  kids: [string, WState[]][];
}

interface NodeState {
  sleep: { t: number; acc: number[] }[];
  wut: WState[];
  cur: number;
  curAcc: number[];
  cause: number;
  kids: [string, WState[]][];
  vals: number[];
  arity: number[];
  /** Absent in checkpoints written before the progress estimate (read as 0). */
  done?: number;
}

interface DporState {
  initial: number[];
  divergence: number;
  stack: NodeState[];
}

const saveKids = (kids: Map<string, WNode[]>): [string, WState[]][] =>
  [...kids].map(([k, ns]) => [k, ns.map(saveW)]);

function saveW(n: WNode): WState {
  return { t: n.t, acc: [...n.acc], born: n.born, cause: n.cause, leaf: n.leaf, kids: saveKids(n.kids) };
}

const copySleep = (sleep: readonly { t: number; acc: readonly number[] }[]) =>
  sleep.map((s) => ({ t: s.t, acc: [...s.acc] }));

// Loading copies everything: the live path is mutated, the checkpoint may be resumed again.
const loadKids = (kids: [string, WState[]][]): Map<string, WNode[]> =>
  new Map(kids.map(([k, ns]) => [k, ns.map(loadW)]));

function loadW(n: WState): WNode {
  // `touched` is not saved: only measurements read it, and they do not resume.
  return {
    t: n.t,
    acc: [...n.acc],
    born: n.born,
    cause: n.cause,
    leaf: n.leaf,
    kids: loadKids(n.kids),
    touched: n.born,
  };
}

function saveState(initial: readonly number[], divergence: number, stack: readonly Node[]): DporState {
  return {
    initial: [...initial],
    divergence,
    stack: stack.map((n) => ({
      sleep: copySleep(n.sleep),
      wut: n.wut.map(saveW),
      cur: n.cur,
      curAcc: [...n.curAcc],
      cause: n.cause,
      kids: saveKids(n.kids),
      vals: [...n.vals],
      arity: [...n.arity],
      done: n.done,
    })),
  };
}

function loadStack(state: DporState): Node[] {
  return state.stack.map((n) => ({
    sleep: n.sleep.length ? copySleep(n.sleep) : NO_SLEEP,
    wut: n.wut.length ? n.wut.map(loadW) : NO_BRANCHES,
    cur: n.cur,
    curAcc: n.curAcc.length ? [...n.curAcc] : NO_NUMBERS,
    cause: n.cause,
    kids: n.kids.length ? loadKids(n.kids) : NO_KIDS,
    vals: n.vals.length ? [...n.vals] : NO_NUMBERS,
    arity: n.arity.length ? [...n.arity] : NO_NUMBERS,
    done: Number.isInteger(n.done) ? (n.done as number) : 0,
    offered: 0,
  }));
}

/** The saved path of a run resumed from a checkpoint (taken once), checked to be one. */
function takeResumeState(run: Run): DporState | undefined {
  const s = run.takeResumeState() as DporState | undefined;
  if (s === undefined) return undefined;
  if (
    typeof s !== 'object' ||
    s === null ||
    !Array.isArray(s.initial) ||
    !Number.isInteger(s.divergence) ||
    !Array.isArray(s.stack)
  )
    throw new CheckpointMismatch('the explorer state is not a DPOR path');
  return s;
}

// ---- progress estimate ---------------------------------------------------------------------------
// The share of the tree explored, read off the current path as a depth-first odometer: at each
// node, the branches done before the current one over all its branches known now (done, current,
// and those waiting in its wakeup tree, times its step's choice vectors), each level weighted by
// the share of the level above that the current branch stands for. It is exact for a tree whose
// branching is known when first visited, and reaches 1 exactly at the last execution. A wakeup
// tree gains branches as races are found below it, so early on the estimate runs ahead: it is a
// guide for planning (how long, how many shards), not a bound. BENCHMARKS.md measures how far off.

/** How many choice vectors a step has (the product of the arities met) and the current one's rank. */
function vectorPosition(vals: readonly number[], arity: readonly number[]): [count: number, rank: number] {
  let count = 1;
  let rank = 0;
  for (let k = arity.length - 1; k >= 0; k--) {
    rank += (vals[k] ?? 0) * count;
    count *= Math.max(1, arity[k]);
  }
  return [count, rank];
}

/**
 * Share of the pass explored: between executions (the path leads to the next one), or at a leaf
 * (`leaf`: the execution just run is done and counts).
 */
function exploredShare(stack: readonly Node[], leaf: boolean): number {
  let share = 0;
  let weight = 1;
  for (const n of stack) {
    const [count, rank] = vectorPosition(n.vals, n.arity);
    const all = (n.done + 1 + n.wut.length) * count;
    share += (weight * (n.done * count + rank)) / all;
    weight /= all;
  }
  return leaf ? share + weight : share;
}

// ---- speculation ---------------------------------------------------------------------------------
// Subtrees of branches waiting on the path are explored ahead on other threads
// (dpor-speculation.ts says why the result stays the sequential one).

/**
 * Send the branches waiting on the path, for workers to explore their subtrees ahead. The branch
 * the next execution takes is no longer in a wakeup tree: this thread explores it (or follows the
 * job sent for it earlier).
 */
function offerBranches(
  spec: Speculator,
  stack: readonly Node[],
  initial: readonly number[],
  taking: WNode | undefined,
): void {
  if (!spec.wants()) return;
  // Below the subtree being followed, the worker that explored it has the branches (its node's
  // other branches come after it). Deepest first: the order the main thread reaches them in.
  for (let k = Math.min(stack.length - 1, spec.floor); k >= 0; k--) {
    const n = stack[k];
    const wut = n.wut;
    while (n.offered < wut.length && spec.has(wut[n.offered])) n.offered++;
    if (n.offered >= wut.length) continue;
    // Where the current branch has not run yet, its accesses are those its race recorded.
    const curAcc = n.curAcc !== NO_NUMBERS ? n.curAcc : k === stack.length - 1 ? taking?.acc : undefined;
    if (!curAcc) continue;
    // Each waiting branch starts asleep to the node's sleepers and to every branch before it.
    const sleep: SleepEntry[] = [...n.sleep, { t: n.cur, acc: curAcc }];
    for (let j = 0; j < n.offered; j++) sleep.push({ t: wut[j].t, acc: wut[j].acc });
    const path = pathAbove(stack, k);
    for (let j = n.offered; j < wut.length; j++) {
      const b = wut[j];
      spec.send(b, { initial, ...path, branch: b.t, kids: saveKids(b.kids), sleep: flatSleep(sleep) });
      n.offered++;
      if (!spec.wants()) return;
      sleep.push({ t: b.t, acc: b.acc });
    }
  }
}

/** The threads and choice vectors of the path's first `k` steps, flat. */
function pathAbove(stack: readonly Node[], k: number): Pick<SpecJob, 'prefix' | 'valsAt' | 'vals'> {
  const prefix = new Int32Array(k);
  const valsAt = new Int32Array(k + 1);
  let n = 0;
  for (let i = 0; i < k; i++) {
    prefix[i] = stack[i].cur;
    n += stack[i].vals.length;
    valsAt[i + 1] = n;
  }
  const vals = new Int32Array(n);
  for (let i = 0; i < k; i++) vals.set(stack[i].vals, valsAt[i]);
  return { prefix, valsAt, vals };
}

/**
 * A worker's side: explore the subtree of a job's branch as `dporPass` will explore it when its
 * turn comes (from the same path, sleep set and wakeup tree), recording every execution.
 */
export function exploreSubtree(run: Run, job: SpecJob, recorder: Recorder, tick: () => void): void {
  const floor = job.prefix.length;
  const stack: NodeState[] = [];
  for (let i = 0; i < floor; i++)
    stack.push({
      sleep: [],
      wut: [],
      cur: job.prefix[i],
      curAcc: [],
      cause: -1,
      kids: [],
      vals: Array.from(job.vals.subarray(job.valsAt[i], job.valsAt[i + 1])),
      arity: [],
    });
  stack.push({
    sleep: sleepOf(job.sleep),
    wut: [],
    cur: job.branch,
    curAcc: [],
    cause: -1,
    kids: job.kids,
    vals: [],
    arity: [],
  });
  dporPass(
    run,
    job.initial,
    [],
    undefined,
    { initial: job.initial, divergence: floor, stack },
    [],
    undefined,
    {
      floor,
      recorder,
      tick,
    },
  );
}

/**
 * Watches where each execution of a pass branches off (for measurements, not used by `check`).
 * `age` is how many executions earlier the wakeup-tree branch it takes was inserted (1: by the
 * races of the execution just before it); a branch to another choice vector of a step has no age.
 */
export interface DporObserver {
  /**
   * `cause`: the object (registry id) of the race whose reversal inserted the branch; `settled`:
   * how many executions earlier an insertion last went on below it (what it explores was fixed
   * from then on; at most `age`).
   */
  branch(age: number | 'choice', cause?: number, settled?: number): void;
  /**
   * After each execution: the objects of the races behind the branches on its whole path (a
   * branch near the root multiplies all the executions below it). A shared set: read it before
   * returning.
   */
  path?(causes: ReadonlySet<number>): void;
}

/**
 * One DPOR pass under fixed values for the choices made before the first step (`initial`).
 * Returns false if stopped by the budget; `initialArity` receives those choices' arities.
 */
export function dporPass(
  run: Run,
  initial: readonly number[],
  initialArity: number[],
  observer?: DporObserver,
  resume?: DporState,
  /** The arities of the previous pass, for the estimate until this pass has met its own. */
  priorArity: readonly number[] = [],
  /** Has subtrees explored ahead on other threads (dpor-speculation.ts). */
  speculator?: Speculator,
  /**
   * A worker exploring one subtree ahead: nothing above depth `floor` (races reversed there are
   * the main thread's), each execution given to `recorder`; `tick` between executions.
   */
  sub?: { floor: number; recorder: Recorder; tick: () => void },
): boolean {
  const stack: Node[] = resume ? loadStack(resume) : [];
  let divergence = resume?.divergence ?? 0;
  const state = () => saveState(initial, divergence, stack);
  const hb = new HappensBefore();
  const stepVals: string[] = [];
  // Scratch arrays reused by every step and execution, with their used lengths (never shortened:
  // V8 frees an array's storage when its length is set to 0).
  const cands: number[] = [];
  let nCands = 0;
  /** Races of the current execution as triples: earlier event, later event, the object. */
  const races: number[] = [];
  let nRaces = 0;
  const pathCauses = new Set<number>();
  // Between executions the path leads to the next one; during run.finish it is the one just run.
  let atLeaf = false;
  let passDone = false;
  /** Events of the last execution, in order: the rows of `hb.clocks` that hold their clocks. */
  let lastLength = 0;
  /** The wakeup-tree branch the next execution starts with (not for another choice vector). */
  let branchTaken: WNode | undefined;
  run.explored = () => {
    const [count, rank] = vectorPosition(initial, initialArity.length ? initialArity : priorArity);
    return (rank + (passDone ? 1 : exploredShare(stack, atLeaf))) / count;
  };
  for (;;) {
    if (run.exhausted()) {
      run.checkpoint(state, true);
      speculator?.clear();
      return false;
    }
    run.checkpoint(state);
    if (speculator) offerBranches(speculator, stack, initial, branchTaken);
    sub?.tick();
    const recorder = sub?.recorder;
    recorder?.begin();
    // Choices go to the node of the step being run; before the first step, to `initial`.
    let chooser: Node | undefined;
    let ci = 0;
    let ii = 0;
    const choose: ChooseFn = (_t, _k, n) => {
      if (!chooser) {
        const at = ii++;
        initialArity[at] = n;
        const v = initial[at] ?? 0;
        return v < n ? v : n - 1;
      }
      const at = ci++;
      if (chooser.arity === NO_NUMBERS) chooser.arity = [];
      if (chooser.vals === NO_NUMBERS) chooser.vals = [];
      chooser.arity[at] = n;
      if (at >= chooser.vals.length) chooser.vals[at] = 0;
      const v = chooser.vals[at];
      return v < n ? v : n - 1;
    };
    const chooseRecorded: ChooseFn = (t, k, n) => {
      const v = choose(t, k, n);
      recorder!.choice(v, n);
      return v;
    };
    // A worker's recording of this execution, followed while it agrees; one it flagged runs here.
    const rec = speculator?.next(divergence, branchTaken, stack[stack.length - 1]?.sleep ?? NO_SLEEP);
    let ex: Execution | Replayed | undefined;
    if (rec && !rec.again) {
      ex = Replayed.start(rec, choose);
      if (!ex) {
        speculator!.diverged();
        ii = 0;
      }
    }
    ex ??= run.execution(recorder ? chooseRecorded : choose);
    branchTaken = undefined;
    /** Leave the recording at step `upTo`: run the model through the steps so far. */
    const materialize = (upTo: number): Execution => {
      speculator!.diverged();
      ii = 0;
      chooser = undefined;
      const real = run.execution(choose);
      for (let k = 0; k < upTo; k++) {
        chooser = stack[k];
        ci = 0;
        real.stepThread(stack[k].cur);
      }
      return real;
    };

    hb.reset();
    const {
      evThread,
      evIdx,
      evAcc,
      thrCount,
      thrLast,
      lastWrite,
      readsSince,
      nReads,
      commutesSince,
      nCommutes,
    } = hb;
    nRaces = 0;
    // Below the divergence this execution repeats the last one's events, whose clocks are still
    // in their rows: only the per-object state is rebuilt there (three quarters of the steps of a
    // deep three-thread exploration).
    const sameClocks = Math.min(lastLength, divergence);

    let inherited: WNode[] = NO_BRANCHES;
    let i = 0;
    while (!ex.finished) {
      recorder?.decision(ex.threads);
      let node: Node;
      if (i < stack.length) {
        node = stack[i];
      } else {
        const parent = i > 0 ? stack[i - 1] : undefined;
        let sleep = NO_SLEEP;
        if (parent?.sleep.length) {
          sleep = [];
          for (const s of parent.sleep) if (!conflict(s.acc, evAcc[i - 1])) sleep.push(s);
        }
        node = {
          sleep,
          wut: inherited,
          cur: -1,
          curAcc: NO_NUMBERS,
          cause: -1,
          kids: NO_KIDS,
          vals: NO_NUMBERS,
          arity: NO_NUMBERS,
          done: 0,
          offered: 0,
        };
        if (node.wut.length) {
          const b = node.wut.shift()!;
          node.cur = b.t;
          node.cause = b.cause;
          node.kids = b.kids;
        } else {
          let pick = -1;
          for (const t of ex.threads) {
            if (t.status === 'runnable' && !asleep(sleep, t.id)) {
              pick = t.id;
              break;
            }
          }
          if (pick < 0) {
            run.stats.sleepBlocked++;
            ex.stop();
            break;
          }
          node.cur = pick;
        }
        stack.push(node);
      }
      const p = node.cur;
      if (!ex.isRunnable(p))
        throw new Error(
          `DPOR: thread ${p} is not runnable at step ${i} on re-execution: the model is not deterministic ` +
            '(it must not depend on Math.random, time, I/O or state shared outside cells)',
        );
      chooser = node;
      ci = 0;
      if (i >= divergence && node.arity.length) node.arity.length = 0;
      let acc: readonly number[] | undefined;
      if (ex instanceof Replayed) {
        acc = ex.step(p, choose);
        if (!acc) {
          ex = materialize(i);
          chooser = node;
          ci = 0;
          if (i >= divergence && node.arity.length) node.arity.length = 0;
        }
      }
      acc ??= (ex as Execution).stepThread(p);
      recorder?.step(p, acc);
      if (node.vals.length !== ci) node.vals.length = ci;
      stepVals[i] = valsKey(node.vals);
      // The wakeup tree goes on under the choice vector this step took.
      if (i >= divergence) inherited = node.kids.get(stepVals[i]) ?? NO_BRANCHES;
      node.curAcc = acc;

      const prior = thrLast[p] ?? -1;
      const idx = (thrCount[p] ?? 0) + 1;
      thrCount[p] = idx;
      if (i < sameClocks) {
        for (const a of acc) hb.object(a >>> ACC_SHIFT);
        hb.track(i, p, idx, acc);
        i++;
        continue;
      }

      // Vector clock of the new event and its races.
      nCands = 0;
      // An access races with the last write, or with the accesses since it that it conflicts
      // with (each of those comes after that write): reads and commuting updates for a write,
      // commuting updates for a read, reads for a commuting update.
      for (const a of acc) {
        const o = a >>> ACC_SHIFT;
        hb.object(o);
        const isRead = (a & (ACC_WRITE | ACC_COMMUTE)) === 0;
        const nc = a & ACC_COMMUTE ? 0 : nCommutes[o]; // conflicting commuting updates since
        const nr = isRead ? 0 : nReads[o]; // conflicting reads since
        if (nc + nr > 0) {
          const cs = commutesSince[o];
          for (let k = 0; k < nc; k++) nCands = addCand(cands, nCands, cs[k]);
          const rs = readsSince[o];
          for (let k = 0; k < nr; k++) nCands = addCand(cands, nCands, rs[k]);
        } else {
          const w = lastWrite[o];
          if (w >= 0) nCands = addCand(cands, nCands, w);
        }
      }
      hb.room(i, p);
      const width = hb.width;
      const clocks = hb.clocks;
      const row = i * width;
      if (prior >= 0) clocks.copyWithin(row, prior * width, prior * width + width);
      else clocks.fill(0, row, row + width);
      for (let j = 0; j < nCands; j++) {
        const from = cands[j] * width;
        for (let k = 0; k < width; k++)
          if (clocks[row + k] < clocks[from + k]) clocks[row + k] = clocks[from + k];
      }
      clocks[row + p] = idx;
      if (i >= divergence) {
        for (let j = 0; j < nCands; j++) {
          const c = cands[j];
          const tc = evThread[c];
          if (tc === p) continue;
          if (prior >= 0 && clocks[prior * width + tc] >= evIdx[c]) continue;
          let shadowed = false;
          for (let j2 = 0; j2 < nCands; j2++) {
            const c2 = cands[j2];
            if (c2 !== c && clocks[c2 * width + tc] >= evIdx[c]) {
              shadowed = true;
              break;
            }
          }
          if (shadowed) continue;
          const cause = reversibleConflict(evAcc[c], acc);
          if (cause < 0) continue;
          nRaces = setAt(races, nRaces, c);
          nRaces = setAt(races, nRaces, i);
          nRaces = setAt(races, nRaces, cause);
        }
      }
      hb.track(i, p, idx, acc);
      i++;
    }
    lastLength = i;

    // Reverse each race (e, f): the sequence notdep(e).f goes into the wakeup tree before e.
    for (let r = 0; r < nRaces; r += 3) {
      const e = races[r];
      const f = races[r + 1];
      const te = evThread[e];
      const ie = evIdx[e];
      const v: Ev[] = [];
      for (let g = e + 1; g < f; g++) {
        if (hb.vc(g, te) >= ie) continue;
        v.push({ t: evThread[g], acc: evAcc[g], vals: stepVals[g] });
      }
      v.push({ t: evThread[f], acc: evAcc[f], vals: undefined });
      // A worker exploring a subtree leaves the races reversed above it to the main thread.
      if (sub && e <= sub.floor) continue;
      const node = stack[e];
      if (node.sleep.some((s) => isWeakInitial(s, v))) continue;
      if (node.wut === NO_BRANCHES) node.wut = [];
      insert(node.wut, v, run.stats.executions, races[r + 2]);
    }

    if (observer?.path) {
      pathCauses.clear();
      for (const n of stack) if (n.cause >= 0) pathCauses.add(n.cause);
      observer.path(pathCauses);
    }
    atLeaf = true;
    let madeObjects = false;
    if (ex instanceof Replayed) {
      speculator!.stats.used++;
      run.counted(ex.pos, ex.outcome);
    } else if (rec?.again && !ranAsRecorded(rec, ex.schedule, ex.choices)) {
      // A flagged recording run here: if the tree had grown, the worker's later executions are
      // not this run's (nor is what it had seen before them).
      speculator!.diverged();
      run.finish(ex);
    } else if (recorder) {
      // Flag what the main thread must run itself: something new to this run (see dpor-speculation.ts).
      const objects = run.registry.size;
      const witnesses = run.witnessChanges;
      let versions = 0;
      for (const m of run.monitors) versions += m.runVersion?.() ?? 0;
      run.finish(ex);
      for (const m of run.monitors) versions -= m.runVersion?.() ?? 0;
      madeObjects = run.registry.size !== objects;
      recorder.end(ex.outcome, madeObjects || versions !== 0 || run.witnessChanges !== witnesses);
    } else run.finish(ex);
    atLeaf = false;
    // A worker's later executions could name that object by an id the main run gives another.
    if (madeObjects) return false;

    // Backtrack to the deepest node with another choice vector or wakeup-tree branch.
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) {
        passDone = true;
        speculator?.clear();
        return true;
      }
      if (nextVector(top.vals, top.arity)) {
        divergence = stack.length - 1;
        observer?.branch('choice');
        break;
      }
      // A worker's subtree ends with its branch's choice vectors; the rest is the main thread's.
      if (sub && stack.length - 1 <= sub.floor) return true;
      if (top.sleep === NO_SLEEP) top.sleep = [];
      top.sleep.push({ t: top.cur, acc: top.curAcc });
      if (top.wut.length) {
        const b = top.wut.shift()!;
        if (top.offered > 0) top.offered--;
        observer?.branch(run.stats.executions - b.born, b.cause, run.stats.executions - b.touched);
        branchTaken = b;
        top.cur = b.t;
        top.cause = b.cause;
        top.kids = b.kids;
        top.curAcc = NO_NUMBERS;
        top.vals = NO_NUMBERS;
        top.arity = NO_NUMBERS;
        top.done++;
        divergence = stack.length - 1;
        break;
      }
      stack.pop();
    }
  }
}

/** Exhaustive exploration: one DPOR pass per vector of choices made before the first step. */
export function exploreDpor(run: Run, observer?: DporObserver, speculator?: Speculator): boolean {
  let resume = takeResumeState(run);
  const initial: number[] = resume ? [...resume.initial] : [];
  let prior: number[] = [];
  for (;;) {
    const arity: number[] = [];
    const passed = dporPass(run, initial, arity, observer, resume, prior, speculator);
    prior = arity;
    resume = undefined;
    if (!passed) return false;
    initial.length = arity.length;
    for (let i = 0; i < arity.length; i++) initial[i] ??= 0;
    if (!nextVector(initial, arity)) return true;
  }
}
