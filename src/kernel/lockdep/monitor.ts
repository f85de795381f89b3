// lockdep (kernel/locking/lockdep.c) as an engine monitor: created once per run, so its lock
// classes and dependency graph accumulate over every explored execution, as lockdep's do over
// a machine's uptime. It watches the kernel primitives' lock ops (only those whose info says
// `lockdep: true`; the page lock is invisible, as in 2015) and the lockdep notes (jbd2_handle
// map, lockdep_assert_held, lockdep_sys_exit).
//
// It reports at the attempt, like lockdep: `recursive-locking` (a held class taken again, unless
// a recursive read of a read-held class), `circular-dependency` (a new dependency closes a strong
// cycle), `bad-unlock`, `lock-held-at-exit`, `assert-held`. At the end of the run a cycle or a
// recursion is marked `confirmed`, with that trace, when an explored execution really deadlocked
// with its classes held by blocked tasks and one of them waiting for one of those classes (of
// those executions, the one with the fewest preemptions, then the shortest token).
//
// A cycle is one finding whatever code made its edges first: its signature names its lock classes
// only (which function first made an edge depends on the order executions were explored; the
// report shows it). Its token replays, before the execution that shows it, the executions that
// first made its other edges, so a replay rebuilds the same cycle from a fresh graph.
//
// Differences from lockdep: edges come from every held lock, not only up to the first
// non-trylock one (lockdep relies on transitivity there); a new dependency reports every cycle
// it closes over a distinct set of classes, not only the shortest (`allCycles: false` restores
// lockdep's one report), and reporting does not switch lockdep off; no IRQ-state (usage)
// checks; no chain cache.

import {
  CheckpointMismatch,
  type EngineEvent,
  type ExecutionContext,
  type FindingSpec,
  joinTokens,
  type Monitor,
  signatureOf,
} from '../../engine/index.js';
import {
  isKernelLockInfo,
  isLockdepNote,
  type KernelLockInfo,
  type LockdepNote,
  type LockdepRead,
  lockdepClass,
} from '../lock-info.js';
import {
  type Dependency,
  DependencyGraph,
  depKind,
  type Edge,
  type FirstSeen,
  type PathStep,
} from './dependency-graph.js';
import type {
  AssertHeldDetails,
  BadUnlockDetails,
  CircularDependencyDetails,
  DeadlockWitness,
  DependencyRef,
  DepKind,
  HeldAtExitDetails,
  LockRef,
  PlaceRef,
  RecursiveLockingDetails,
  TaskRef,
} from './details.js';
import { type HeldLock, HeldLocks, lockRef } from './held-locks.js';
import { LockClasses } from './lock-class.js';

const lockdepVisible = (info: unknown): info is KernelLockInfo => isKernelLockInfo(info) && info.lockdep;

/** A deadlocked execution, kept to confirm predictions at the end of the run. */
interface Deadlock extends DeadlockWitness {
  /** Classes held (lockdep view) and waited for by the blocked tasks. */
  held: Set<string>;
  waited: Set<string>;
  /** Dependencies the execution made (`from>to>kind`, new or not), and findings it reported. */
  edges: Set<string>;
  reported: Set<string>;
  /** Its preemptions: a confirmation shows the deadlock with the fewest (then the shortest token). */
  preemptions: number;
}

/** Is deadlock `a` a better witness than `b`: fewer preemptions, then a shorter token? */
function simpler(
  a: { preemptions: number; token: string },
  b: { preemptions: number; token: string },
): boolean {
  return (
    a.preemptions < b.preemptions || (a.preemptions === b.preemptions && a.token.length < b.token.length)
  );
}

interface Prediction {
  /** With `history`: tokens of earlier executions the finding rests on (joined into its token by the run). */
  spec: FindingSpec & { history?: string[] };
  /** Classes that must all be held by blocked tasks of a deadlock that confirms it. */
  classes: string[];
  /** For a recursion: a blocked task must hold this class and wait for it. */
  recursive?: string;
}

const MAX_DEADLOCKS = 64;

/** lockdep's state across executions, as a run's checkpoint keeps it (plain JSON). */
interface LockdepRunState {
  execution: number;
  classes: [string, number][];
  graph: Edge[];
  predictions: [string, Prediction][];
  deadlocks: [
    string,
    Omit<Deadlock, 'held' | 'waited' | 'edges' | 'reported'> & {
      held: string[];
      waited: string[];
      edges: string[];
      reported: string[];
    },
  ][];
}

const edgeKey = (from: string, to: string, kind: string) => `${from}>${to}>${kind}`;

/** The tokens of the places' executions other than `current`, each once, in run order. */
function earlierExecutions(places: readonly PlaceRef[], current: number): string[] {
  const byExecution = new Map<number, PlaceRef>();
  for (const p of places) {
    if (p.execution === current) continue;
    // Of two places in one execution, the later one's token (a longer prefix) holds both.
    const old = byExecution.get(p.execution);
    if (!old || old.step < p.step) byExecution.set(p.execution, p);
  }
  return [...byExecution.values()].sort((a, b) => a.execution - b.execution).map((p) => p.token);
}

export interface LockdepOptions {
  /**
   * Report every cycle a new dependency closes (each set of classes once), not only the shortest
   * (default on). `false` reports one cycle per new dependency, like lockdep: a second cycle
   * closed by the same dependency is then never reported, and which cycles a run reports can
   * depend on the order of exploration (docs/soundness.md).
   */
  allCycles?: boolean;
}

/** At most this many cycles per new dependency with `allCycles`. */
const MAX_CYCLES_PER_DEPENDENCY = 64;

export class LockdepMonitor implements Monitor {
  constructor(private readonly opts: LockdepOptions = {}) {}

  readonly classes = new LockClasses();
  readonly graph = new DependencyGraph();
  private execution = -1;
  private held = new HeldLocks();
  private pending: (HeldLock | undefined)[] = [];
  private waitingOn: (string | undefined)[] = [];
  /** Cells the thread's last wait condition read, and at which step (a wait_event it may sleep in). */
  private sleepingOn: ({ step: number; cells: string[] } | undefined)[] = [];
  /** Tasks with an event in this execution, by id. */
  private seen: boolean[] = [];
  private exited = new Set<number>();
  /**
   * Dependencies this execution made, as (from, to, kind) triples in `nEdgesNow` entries (a
   * Set of keys is built only for a deadlock that keeps them: every acquisition adds some), and
   * signatures it reported (kept with a deadlock).
   */
  private edgesNow: string[] = [];
  private nEdgesNow = 0;
  private reportedNow = new Set<string>();
  /** Recursions and cycles reported, by signature, to confirm at the end of the run. */
  private readonly predictions = new Map<string, Prediction>();
  private readonly deadlocks = new Map<string, Deadlock>();
  /** Deadlocks kept or replaced so far (for `runVersion`). */
  private deadlockWrites = 0;

  /** For a run's checkpoint: what accumulates over the executions (the rest is per execution). */
  saveRun(): LockdepRunState {
    return {
      execution: this.execution,
      classes: this.classes.save(),
      graph: this.graph.save(),
      predictions: structuredClone([...this.predictions]),
      deadlocks: [...this.deadlocks].map(([k, { held, waited, edges, reported, ...d }]) => [
        k,
        {
          ...structuredClone(d),
          held: [...held],
          waited: [...waited],
          edges: [...edges],
          reported: [...reported],
        },
      ]),
    };
  }

  restoreRun(state: unknown): void {
    const s = state as LockdepRunState;
    if (!s || !Array.isArray(s.graph) || !Array.isArray(s.classes))
      throw new CheckpointMismatch('the lockdep state is missing or not one');
    this.execution = s.execution;
    this.classes.restore(s.classes);
    this.graph.restore(s.graph);
    this.predictions.clear();
    for (const [k, p] of structuredClone(s.predictions)) this.predictions.set(k, p);
    this.deadlocks.clear();
    for (const [k, d] of structuredClone(s.deadlocks))
      this.deadlocks.set(k, {
        ...d,
        held: new Set(d.held),
        waited: new Set(d.waited),
        edges: new Set(d.edges),
        reported: new Set(d.reported),
      });
  }

  /** Changes with every class, usage, dependency, prediction or kept deadlock (sample-split.ts). */
  runVersion(): number {
    return this.classes.changes + this.graph.size + this.predictions.size + this.deadlockWrites;
  }

  /** An execution that ran in a worker and changed none of that still has its number. */
  skipExecution(): void {
    this.execution++;
  }

  /** The dependency graph so far (for reports and lock-graph output). */
  dependencies(): Dependency[] {
    return this.graph.dependencies();
  }

  beginExecution(): void {
    this.execution++;
    this.held = new HeldLocks();
    this.pending = [];
    this.waitingOn = [];
    this.sleepingOn = [];
    this.seen.fill(false);
    this.exited = new Set();
    this.nEdgesNow = 0;
    this.reportedNow = new Set();
  }

  onEvent(e: EngineEvent, x: ExecutionContext): void {
    this.seen[e.thread] = true;
    if (e.type === 'access' && e.wait) {
      const s = this.sleepingOn[e.thread];
      if (s && s.step === x.step) s.cells.push(e.cell.key);
      else this.sleepingOn[e.thread] = { step: x.step, cells: [e.cell.key] };
      return;
    }
    this.sleepingOn[e.thread] = undefined;
    switch (e.type) {
      case 'acquire': {
        if (!lockdepVisible(e.info)) return;
        const cls = lockdepClass(e.lock.cls, e.info);
        const h = this.hold(e.thread, x, cls, e.lock.id, e.info.read, e.info.api, e.try);
        this.pending[e.thread] = h;
        this.attempt(e.thread, x, h);
        return;
      }
      case 'acquired': {
        this.waitingOn[e.thread] = undefined;
        const h = this.pending[e.thread];
        if (h && h.lockId === e.lock.id) {
          this.pending[e.thread] = undefined;
          this.held.push(e.thread, h);
        }
        return;
      }
      case 'try-failed':
        this.pending[e.thread] = undefined;
        return;
      case 'blocked':
        this.waitingOn[e.thread] =
          this.pending[e.thread]?.lockId === e.lock.id ? this.pending[e.thread]!.cls : e.lock.cls;
        return;
      case 'release':
        this.held.releaseLock(e.thread, e.lock.id);
        return;
      case 'downgrade': {
        const h = this.held.findLock(e.thread, e.lock.id);
        if (h) h.read = 1;
        return;
      }
      case 'bad-unlock':
        if (!lockdepVisible(e.info)) return;
        this.badUnlock(e.thread, x, e.lock.cls, e.info.api, {
          reason: e.downgrade ? 'downgrade-not-write' : e.held ? 'wrong-mode' : 'not-held',
          heldMode: e.held,
          releasedMode: e.mode,
        });
        return;
      case 'exit':
        this.exited.add(e.thread);
        if (!e.died) this.heldAtExit(e.thread, x, 'exit');
        return;
      case 'note':
        if (isLockdepNote(e.data)) this.note(e.thread, x, e.data);
        return;
      default:
        return;
    }
  }

  endExecution(x: ExecutionContext, outcome: string): void {
    if (outcome !== 'deadlock' || this.deadlocks.size >= MAX_DEADLOCKS) return;
    const blocked: Deadlock['blocked'] = [];
    const held = new Set<string>();
    const waited = new Set<string>();
    for (let t = 0; t < this.seen.length; t++) {
      if (!this.seen[t] || this.exited.has(t)) continue;
      const mine = this.held.of(t);
      const holds = mine.map((h) => h.cls);
      // locks lockdep does not track (the page lock) come from the engine's own list
      for (const h of x.held(t))
        if (!mine.some((m) => m.lockId === h.lock.id) && !holds.includes(h.lock.cls)) holds.push(h.lock.cls);
      for (const c of this.held.of(t)) held.add(c.cls);
      const w = this.waitingOn[t];
      if (w) waited.add(w);
      const sleeps = w ? undefined : this.sleepingOn[t]?.cells;
      blocked.push({
        task: this.task(t, x),
        holds,
        ...(w ? { waitsFor: w } : {}),
        ...(sleeps ? { sleepsOn: sleeps } : {}),
      });
    }
    const key = blocked
      .map((b) => `${b.holds.join(',')}>${b.waitsFor ?? b.sleepsOn?.join(',') ?? ''}`)
      .join('|');
    const token = x.token();
    const preemptions = x.preemptions;
    const old = this.deadlocks.get(key);
    if (old && !simpler({ preemptions, token }, old)) return;
    const edges = new Set<string>();
    for (let k = 0; k < this.nEdgesNow; k += 3)
      edges.add(edgeKey(this.edgesNow[k], this.edgesNow[k + 1], this.edgesNow[k + 2]));
    const reported = this.reportedNow;
    this.deadlocks.set(key, {
      token,
      execution: this.execution,
      blocked,
      held,
      waited,
      edges,
      reported,
      preemptions,
    });
    this.deadlockWrites++;
  }

  endRun(): FindingSpec[] {
    const out: FindingSpec[] = [];
    for (const p of this.predictions.values()) {
      const w = this.confirming(p);
      if (!w) continue;
      const { held: _h, waited: _w, edges: _e, reported: _r, preemptions: _p, ...witness } = w;
      const { history: _history, ...spec } = p.spec;
      out.push({
        ...spec,
        details: { ...(p.spec.details as object), confirmedBy: witness },
        token: joinTokens([...this.missingEdges(p, w), w.token]),
        confirmed: true,
      } as FindingSpec);
    }
    return out;
  }

  private confirming(p: Prediction): Deadlock | undefined {
    let best: Deadlock | undefined;
    for (const d of this.deadlocks.values()) {
      // A recursion is confirmed by a deadlock that reported it (the same functions), so its replay does too.
      const ok = p.recursive
        ? d.reported.has(signatureOf(p.spec)) &&
          d.blocked.some((b) => b.waitsFor === p.recursive && b.holds.includes(p.recursive!))
        : p.classes.every((c) => d.held.has(c)) && p.classes.some((c) => d.waited.has(c));
      if (ok && (!best || simpler(d, best))) best = d;
    }
    return best;
  }

  /**
   * Tokens of the executions (up to the acquisition) that first made the cycle's edges the
   * confirming deadlock does not make itself: replayed before it, they give a fresh lockdep the
   * whole cycle. In run order, each execution once.
   */
  private missingEdges(p: Prediction, d: Deadlock): string[] {
    const cycle = (p.spec.details as CircularDependencyDetails | undefined)?.cycle ?? [];
    return earlierExecutions(
      cycle.filter((e) => !d.edges.has(edgeKey(e.from, e.to, e.kind))).map((e) => e.first),
      d.execution,
    );
  }

  // ---- acquisitions ------------------------------------------------------------------------

  private hold(
    t: number,
    x: ExecutionContext,
    cls: string,
    lockId: number,
    read: LockdepRead,
    api: string,
    trylock: boolean,
  ): HeldLock {
    return {
      cls,
      lockId,
      read,
      api,
      fn: x.currentFunction(t),
      stack: [...x.functionStack(t)],
      label: x.currentLabel(t),
      trylock,
      step: Math.max(0, x.step - 1),
    };
  }

  /** lockdep's __lock_acquire checks: recursion, then a dependency from every held lock. */
  private attempt(t: number, x: ExecutionContext, h: HeldLock): void {
    this.classes.use(h.cls, h.read);
    // A trylock cannot deadlock: no recursion check and no dependency (it is held afterwards).
    if (h.trylock) return;
    const stack = this.held.of(t);
    for (let i = stack.length - 1; i >= 0; i--) {
      const same = stack[i];
      if (same.cls !== h.cls) continue;
      // Only a recursive read (read = 2) of a class held for read is allowed (check_deadlock).
      if (!(h.read === 2 && same.read !== 0)) this.recursion(t, x, h, same);
      return;
    }
    let token: string | undefined;
    for (const prev of stack) {
      const kind = depKind(prev.read, h.read);
      const n = this.nEdgesNow;
      this.edgesNow[n] = prev.cls;
      this.edgesNow[n + 1] = h.cls;
      this.edgesNow[n + 2] = kind;
      this.nEdgesNow = n + 3;
      if (this.graph.has(prev.cls, h.cls, kind)) continue;
      const path = this.graph.strongPath(prev.cls, h.cls, kind);
      const others =
        path && this.opts.allCycles !== false
          ? this.graph.strongPaths(prev.cls, h.cls, kind, MAX_CYCLES_PER_DEPENDENCY)
          : [];
      token ??= x.token();
      const first: FirstSeen = {
        place: this.place(t, x, prev, h, token),
        fromRead: prev.read,
        toRead: h.read,
      };
      this.graph.add(prev.cls, h.cls, kind, first);
      if (!path) continue;
      const closing: PathStep = { from: prev.cls, to: h.cls, kind, first };
      this.circular(t, x, prev, h, closing, path);
      const classesOf = (p: PathStep[]) => [h.cls, ...p.map((s) => s.to)].sort().join(',');
      const done = new Set([classesOf(path)]);
      for (const other of others) {
        const key = classesOf(other);
        if (done.has(key)) continue;
        done.add(key);
        this.circular(t, x, prev, h, closing, other);
      }
    }
  }

  private place(t: number, x: ExecutionContext, prev: HeldLock, h: HeldLock, token: string): PlaceRef {
    const p: PlaceRef = {
      task: this.task(t, x),
      fn: h.fn,
      stack: [...h.stack],
      api: h.api,
      heldFn: prev.fn,
      heldApi: prev.api,
      token,
      execution: this.execution,
      step: h.step,
    };
    if (h.label !== undefined) p.label = h.label;
    return p;
  }

  private task(t: number, x: ExecutionContext): TaskRef {
    return { name: x.threadName(t), id: t };
  }

  private heldRefs(t: number): LockRef[] {
    return this.held.of(t).map((h) => lockRef(h, this.classes));
  }

  /** The locks task `t` holds now, as lockdep prints them (for other monitors' reports). */
  heldLocks(t: number): LockRef[] {
    return this.heldRefs(t);
  }

  private report(x: ExecutionContext, spec: FindingSpec & { history?: string[] }): void {
    this.reportedNow.add(signatureOf(spec));
    x.report(spec);
  }

  private predict(p: Prediction): void {
    const sig = signatureOf(p.spec);
    if (!this.predictions.has(sig)) this.predictions.set(sig, p);
  }

  // ---- findings ----------------------------------------------------------------------------

  private recursion(t: number, x: ExecutionContext, h: HeldLock, same: HeldLock): void {
    const details: RecursiveLockingDetails = {
      task: this.task(t, x),
      trying: lockRef(h, this.classes),
      holding: lockRef(same, this.classes),
      held: this.heldRefs(t),
    };
    const spec: FindingSpec = {
      kind: 'recursive-locking',
      title: `possible recursive locking of ${h.cls} in ${h.fn}`,
      message: `${x.threadName(t)} takes ${h.cls} (${h.api}) in ${h.fn} while already holding it (${same.api} in ${same.fn})`,
      locks: [h.cls],
      functions: [same.fn, h.fn],
      details,
    };
    this.report(x, spec);
    this.predict({ spec, classes: [h.cls], recursive: h.cls });
  }

  private circular(
    t: number,
    x: ExecutionContext,
    prev: HeldLock,
    h: HeldLock,
    closing: PathStep,
    path: PathStep[],
  ): void {
    const steps = [closing, ...path];
    const cycle: DependencyRef[] = steps.map((s) => ({
      from: s.from,
      to: s.to,
      kind: s.kind as DepKind,
      fromRead: s.first.fromRead,
      toRead: s.first.toRead,
      fromUsage: this.classes.usage(s.from),
      toUsage: this.classes.usage(s.to),
      first: s.first.place,
    }));
    const classes = cycle.map((c) => c.from);
    const details: CircularDependencyDetails = {
      task: this.task(t, x),
      trying: lockRef(h, this.classes),
      holding: lockRef(prev, this.classes),
      cycle,
      held: this.heldRefs(t),
    };
    const back = cycle[cycle.length - 1].first;
    const spec: FindingSpec = {
      kind: 'circular-dependency',
      title: `possible circular locking dependency: ${[...classes, classes[0]].join(' -> ')}`,
      message:
        `${x.threadName(t)} takes ${h.cls} in ${h.fn} while holding ${prev.cls} (${prev.fn}); ` +
        `${h.cls} already leads back to ${prev.cls} (last edge first seen in ${back.task.name} in ${back.fn})`,
      locks: classes,
      details,
    };
    const history = earlierExecutions(
      cycle.map((c) => c.first),
      this.execution,
    );
    this.report(x, history.length ? { ...spec, history } : spec);
    this.predict({ spec, classes });
  }

  private badUnlock(
    t: number,
    x: ExecutionContext,
    cls: string,
    api: string,
    why: Pick<BadUnlockDetails, 'reason' | 'heldMode' | 'releasedMode'>,
  ): void {
    const fn = x.currentFunction(t);
    const details: BadUnlockDetails = {
      task: this.task(t, x),
      cls,
      api,
      fn,
      stack: [...x.functionStack(t)],
      reason: why.reason,
      held: this.heldRefs(t),
    };
    const label = x.currentLabel(t);
    if (label !== undefined) details.label = label;
    if (why.heldMode) details.heldMode = why.heldMode;
    if (why.releasedMode) details.releasedMode = why.releasedMode;
    const name = x.threadName(t);
    const title =
      why.reason === 'not-held'
        ? `${name} released ${cls} which it does not hold`
        : why.reason === 'wrong-mode'
          ? `${name} released ${cls} as ${why.releasedMode} but it was taken ${why.heldMode}`
          : `${name} downgraded ${cls} which it does not hold for write`;
    x.report({
      kind: 'bad-unlock',
      title,
      message: `${api}() in ${fn}`,
      locks: [cls],
      functions: [fn],
      details,
    });
  }

  /**
   * Locks held when a thread ends (debug_check_no_locks_held) or returns to user space
   * (lockdep_sys_exit). Locks and function match the engine's own finding, so one report is kept.
   */
  private heldAtExit(t: number, x: ExecutionContext, when: 'exit' | 'return-to-user', api?: string): void {
    const held = this.heldRefs(t);
    const engine = x.held(t).filter((h) => !h.lock.ownerless);
    if (!held.length && !engine.length) return;
    const locks = engine.length ? engine.map((h) => h.lock.cls) : held.map((h) => h.cls);
    const details: HeldAtExitDetails = { task: this.task(t, x), when, held };
    if (api) details.api = api;
    const name = x.threadName(t);
    x.report({
      kind: 'lock-held-at-exit',
      title:
        when === 'exit'
          ? `${name} exited holding ${locks.join(', ')}`
          : `${name} returned to user space holding ${locks.join(', ')}`,
      locks,
      functions: [name],
      details,
    });
  }

  private assertFailed(
    t: number,
    x: ExecutionContext,
    n: { cls: string; api: string },
    expected: AssertHeldDetails['expected'],
    actual: 'exclusive' | 'shared' | undefined,
  ): void {
    const fn = x.currentFunction(t);
    const details: AssertHeldDetails = {
      task: this.task(t, x),
      api: n.api,
      cls: n.cls,
      expected,
      fn,
      stack: [...x.functionStack(t)],
      held: this.heldRefs(t),
    };
    if (actual) details.actual = actual;
    const label = x.currentLabel(t);
    if (label !== undefined) details.label = label;
    const want =
      expected === 'not-held'
        ? 'not held'
        : expected === 'held-exclusive'
          ? 'held for write'
          : expected === 'held-shared'
            ? 'held for read'
            : 'held';
    x.report({
      kind: 'assert-held',
      title: `${n.api}(${n.cls}) failed in ${fn}: ${n.cls} is not ${want}`,
      locks: [n.cls],
      functions: [fn],
      details,
    });
  }

  private note(t: number, x: ExecutionContext, n: LockdepNote): void {
    switch (n.lockdep) {
      case 'map-acquire': {
        const h = this.hold(t, x, n.cls, -1, n.read, n.api, false);
        this.attempt(t, x, h);
        this.held.push(t, h);
        return;
      }
      case 'map-release':
        if (!this.held.releaseMap(t, n.cls)) this.badUnlock(t, x, n.cls, n.api, { reason: 'not-held' });
        return;
      case 'assert-held': {
        const h = x.held(t).find((e) => e.lock.id === n.lockId);
        if (!h) this.assertFailed(t, x, n, n.mode ? `held-${n.mode}` : 'held', undefined);
        else if (n.mode && h.mode !== n.mode) this.assertFailed(t, x, n, `held-${n.mode}`, h.mode);
        return;
      }
      case 'assert-not-held': {
        const h = x.held(t).find((e) => e.lock.id === n.lockId);
        if (h) this.assertFailed(t, x, n, 'not-held', h.mode);
        return;
      }
      case 'assert-no-locks':
        this.heldAtExit(t, x, 'return-to-user', n.api);
        return;
    }
  }
}

/** A lockdep instance for one run (use in `model.monitors`). */
export function lockdepMonitor(opts: LockdepOptions = {}): LockdepMonitor {
  return new LockdepMonitor(opts);
}
