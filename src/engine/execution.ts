// One execution of a model under a schedule chosen step by step by an explorer.
//
// Semantics that matter for exploration:
// - A runnable thread always has a pending scheduling op, and that op is always executable:
//   a contended acquire does not "block" at the attempt, it *enqueues* (a step that writes the
//   lock). The releaser hands the lock to the head of the queue (FIFO), and the waiter later runs
//   a `resume` step. So no event of another thread ever disables a runnable thread, which is the
//   setting in which optimal DPOR (wakeup trees) is exact.
// - Lock hand-off: a release grants the lock to the head waiter, or to every shared waiter at the
//   head (rwsem reader batch). A shared acquire waits while any waiter is queued, so readers do
//   not starve a queued writer (Linux rw_semaphore). Simplification: the kernel lets a woken
//   writer compete and allows lock stealing; here the hand-off is exact FIFO.
// - Thread exit is its own step (it writes the thread object that `join` reads).
// - Every step records the objects it touched as `obj << ACC_SHIFT | write | sync | commute`.
//   Sync-only accesses (a grant or wake-up writing the woken thread's object, read by its
//   `resume`) order events for happens-before but are never reversible races.

import type { EngineEvent, ExecutionContext, FinalView, Model, Monitor } from './model.js';
import type { AnyHandle, Cell, Lock, ObjectRegistry, WaitQueue, World } from './objects.js';
import {
  type FindingSpec,
  type LockMode,
  ModelFailure,
  type Op,
  type Peek,
  THROWN_IN,
  type ThreadGen,
  type ThreadHandle,
} from './ops.js';
import { encodeToken } from './token.js';
import { describeWaitFor, waitForSummary } from './wait-for.js';

export const ACC_WRITE = 1;
export const ACC_SYNC = 2;
/** A commuting update (see `commutingUpdate`): conflicts with reads and writes, not with its kind. */
export const ACC_COMMUTE = 4;
export const ACC_SHIFT = 3;
export const accObj = (a: number): number => a >>> ACC_SHIFT;

/**
 * Do two accesses conflict? Same object, and not both plain reads nor both commuting updates.
 * (Sync flags do not matter here; see the explorers for how they treat them.)
 */
export function accConflict(x: number, y: number): boolean {
  if (x >>> ACC_SHIFT !== y >>> ACC_SHIFT) return false;
  if ((x | y) & ACC_WRITE) return true;
  return (x & ACC_COMMUTE) !== (y & ACC_COMMUTE);
}

/** An error that is about the exploration, not the model: never turned into an oops. */
export class EngineAbort extends Error {}

const EXIT: Op = { k: 'exit' };
const RESUME: Op = { k: 'resume' };

/**
 * Most steps touch one object: their access set is a shared array per access value, so a step
 * allocates nothing for it. Access sets are read-only for everyone (explorers keep them).
 */
const singleAccess: (readonly number[])[] = [];
function accessSet(scratch: readonly number[], n: number): readonly number[] {
  if (n === 1) {
    const a = scratch[0];
    let s = singleAccess[a];
    if (s === undefined) {
      // Fill the gap below first, so the table stays a packed array.
      for (let i = singleAccess.length; i < a; i++) singleAccess.push([i]);
      s = [a];
      singleAccess.push(s);
    }
    return s;
  }
  return n === 0 ? NO_ACCESS : scratch.slice(0, n);
}
const NO_ACCESS: readonly number[] = [];

export type ThreadStatus = 'runnable' | 'blocked' | 'done';

export type Outcome = 'running' | 'done' | 'deadlock' | 'failed' | 'oops' | 'livelock' | 'stopped';

interface Holder {
  t: number;
  mode: LockMode;
}

interface LockState {
  holders: Holder[];
  waiters: Holder[];
}

/** Is some hold exclusive? */
function anyExclusive(holds: readonly Holder[]): boolean {
  for (const h of holds) if (h.mode === 'exclusive') return true;
  return false;
}

/** Remove `a[i]` in place (no array of removed elements, unlike splice). */
function removeAt<T>(a: T[], i: number): void {
  for (let k = i + 1; k < a.length; k++) a[k - 1] = a[k];
  a.pop();
}

type WaitTarget =
  | { kind: 'lock'; lock: Lock; mode: LockMode }
  | { kind: 'queue'; queue: WaitQueue }
  | { kind: 'join'; thread: number };

interface ThreadRec {
  id: number;
  name: string;
  /** Object that exit writes and join reads. */
  obj: number;
  /** Object a wake-up (grant, wake, spawn) writes and the woken thread's resume/start reads. */
  wakeObj: number;
  /** The thread's call stack of generators (see `advance`); empty before it starts. */
  stack: ThreadGen[];
  body: (() => ThreadGen) | null;
  status: ThreadStatus;
  pending: Op | null;
  /** Value handed to the generator by the `resume` step. */
  resumeValue: unknown;
  waitingFor: WaitTarget | null;
  steps: number;
  fnStack: string[];
  label: string | undefined;
  choices: number;
  handle: ThreadHandle;
  result: unknown;
  /** Why the thread died (oops, failed assertion, livelock), if it did. */
  dead: Outcome | undefined;
  /**
   * Locks held, in acquisition order (engine view; ownerless locks included), with the function
   * each was taken in (a deadlock's core names it).
   */
  heldLocks: { lock: Lock; mode: LockMode; fn: string }[];
}

export type ObjectSnapshot =
  | { kind: 'cell'; key: string; value: unknown }
  | {
      kind: 'lock';
      key: string;
      cls: string;
      holders: { thread: number; mode: LockMode }[];
      waiters: { thread: number; mode: LockMode }[];
    }
  | { kind: 'queue'; key: string; waiters: number[] };

export interface StepRecord {
  thread: number;
  op: Op;
  fn: string;
  label: string | undefined;
  note: string | undefined;
}

export interface ExecutionOptions {
  registry: ObjectRegistry;
  /** Supplies the value of the k-th choice of a thread, given its arity n. */
  choose: (thread: number, k: number, n: number) => number;
  monitors?: readonly Monitor[];
  maxStepsPerThread?: number;
  /** Freeze the model state and written values, so undeclared sharing throws. */
  debug?: boolean;
  /** Keep per-step records for traces (needed for findings). */
  keepTrace?: boolean;
}

export interface RaisedFinding {
  spec: FindingSpec;
  /** Step position at which it was raised. */
  at: number;
  thread: number;
}

const _STATE_FROZEN_MSG = 'undeclared shared state: model state and cell values are immutable; use a cell';

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as any)[k]);
  }
  return v;
}

export class Execution<S = unknown> implements ExecutionContext {
  readonly threads: ThreadRec[] = [];
  readonly state: S;
  outcome: Outcome = 'running';
  /** Thread picked at each step: the schedule. */
  readonly schedule: number[] = [];
  /** Choice values in the order they were made. */
  readonly choices: number[] = [];
  /**
   * Accesses of each step (obj << ACC_SHIFT | flags; read-only, shared between steps), kept with the step
   * records (`keepTrace`); `stepThread` returns them either way.
   */
  readonly accesses: (readonly number[])[] = [];
  readonly records: StepRecord[] = [];
  readonly raised: RaisedFinding[] = [];
  preemptions = 0;

  private readonly values: unknown[] = [];
  private readonly locks: (LockState | undefined)[] = [];
  private readonly queues: (number[] | undefined)[] = [];
  private readonly joiners: (number[] | undefined)[] = [];
  /** Threads asleep in `waitVar`, woken by the step that makes their condition hold. */
  private implicitWaits: { t: number; op: Extract<Op, { k: 'wait' }> }[] | undefined;
  private readonly registry: ObjectRegistry;
  private readonly monitors: readonly Monitor[];
  private readonly maxSteps: number;
  private readonly debug: boolean;
  private readonly keepTrace: boolean;
  private readonly chooseFn: (thread: number, k: number, n: number) => number;
  /**
   * The running step's accesses: the first `curN` entries of a buffer reused by every step (never
   * shortened: V8 frees an array's storage when its length is set to 0).
   */
  private readonly cur: number[] = [];
  private curN = 0;
  /** Value an acquire, wait or join step hands back to the thread (set with its resume flag). */
  private stepValue: unknown;
  private curNote: string | undefined;
  private lastThread = -1;
  private firstDeath: Outcome | undefined;

  constructor(
    readonly model: Model<S>,
    opts: ExecutionOptions,
  ) {
    this.registry = opts.registry;
    this.monitors = opts.monitors ?? [];
    this.maxSteps = opts.maxStepsPerThread ?? 100_000;
    this.debug = opts.debug ?? false;
    this.keepTrace = opts.keepTrace ?? true;
    this.chooseFn = opts.choose;
    const reg = this.registry;
    const world: World = {
      lock: (name, o) => {
        const h = reg.lock(name, o?.cls ?? name, o?.ownerless ?? false);
        this.initObject(h, undefined);
        return h;
      },
      cell: (name, initial) => {
        const h = reg.cell<any>(name);
        this.initObject(h, initial);
        return h;
      },
      queue: (name) => {
        const h = reg.queue(name);
        this.initObject(h, undefined);
        return h;
      },
    };
    let state: S;
    try {
      state = model.setup(world);
    } catch (e) {
      // A model whose setup throws has no threads to run: one oops, and the execution ends.
      this.state = undefined as S;
      this.oops(null, e, 0, 'setup');
      return;
    }
    this.state = this.debug ? deepFreeze(state) : state;
    for (const m of this.monitors) m.beginExecution?.(this);
    for (const spec of model.threads) this.addThread(spec.name, () => spec.body(this.state), false);
    for (const t of this.threads) this.advance(t, undefined);
    this.checkEnd();
  }

  // ---- ExecutionContext -------------------------------------------------------------------

  get step(): number {
    return this.schedule.length;
  }
  threadName(t: number): string {
    return this.threads[t].name;
  }
  currentFunction(t: number): string {
    const s = this.threads[t].fnStack;
    return s.length ? s[s.length - 1] : this.threads[t].name;
  }
  functionStack(t: number): readonly string[] {
    return this.threads[t].fnStack;
  }
  currentLabel(t: number): string | undefined {
    return this.threads[t].label;
  }
  held(t: number): ReadonlyArray<{ lock: Lock; mode: LockMode; fn: string }> {
    return this.threads[t].heldLocks;
  }
  report(finding: FindingSpec): void {
    // Raised during step length-1 (or after the last one): the trace ends there.
    this.raised.push({ spec: finding, at: this.schedule.length - 1, thread: this.lastThread });
  }
  pending(t: number): Op | undefined {
    return this.threads[t]?.pending ?? undefined;
  }
  token(): string {
    return encodeToken(this.schedule, this.choices);
  }

  // ---- state inspection (trace files, explanations) -------------------------------------------

  /** Ids of the cells, locks and wait queues that exist in this execution. */
  objectIds(): number[] {
    const ids: number[] = [];
    const n = Math.max(this.values.length, this.locks.length, this.queues.length);
    for (let id = 0; id < n; id++) if (id in this.values || this.locks[id] || this.queues[id]) ids.push(id);
    return ids;
  }

  /** A plain-data snapshot of one object's state. */
  objectState(id: number): ObjectSnapshot | undefined {
    const h = this.registry.handle(id);
    if (!h) return undefined;
    if (h.kind === 'cell' && id in this.values) return { kind: 'cell', key: h.key, value: this.values[id] };
    if (h.kind === 'lock') {
      const st = this.locks[id];
      if (!st) return undefined;
      return {
        kind: 'lock',
        key: h.key,
        cls: h.cls,
        holders: st.holders.map((x) => ({ thread: x.t, mode: x.mode })),
        waiters: st.waiters.map((x) => ({ thread: x.t, mode: x.mode })),
      };
    }
    if (h.kind === 'queue') {
      const q = this.queues[id];
      if (!q) return undefined;
      return { kind: 'queue', key: h.key, waiters: [...q] };
    }
    return undefined;
  }

  /** What a blocked thread waits for, as data. */
  waitTarget(t: number): { kind: 'lock' | 'queue' | 'join'; key: string; thread?: number } | undefined {
    const w = this.threads[t]?.waitingFor;
    if (!w) return undefined;
    if (w.kind === 'lock') return { kind: 'lock', key: w.lock.key };
    if (w.kind === 'queue') return { kind: 'queue', key: w.queue.key };
    return { kind: 'join', key: `<thread ${w.thread}>`, thread: w.thread };
  }

  threadStatus(t: number): ThreadStatus {
    return this.threads[t].status;
  }

  // ---- scheduling interface for explorers -----------------------------------------------------

  isRunnable(t: number): boolean {
    const th = this.threads[t];
    return th !== undefined && th.status === 'runnable';
  }

  runnable(): number[] {
    const r: number[] = [];
    for (const t of this.threads) if (t.status === 'runnable') r.push(t.id);
    return r;
  }

  get finished(): boolean {
    return this.outcome !== 'running';
  }

  /**
   * Conservative access set of a thread's pending op, computed before it runs (the actual
   * event may touch fewer objects, never others that matter for commutation).
   */
  pendingAccess(t: number): number[] {
    const th = this.threads[t];
    const op = th.pending!;
    return this.accessOf(th, op);
  }

  private accessOf(th: ThreadRec, op: Op): number[] {
    switch (op.k) {
      case 'acquire':
        return [
          (op.lock.id << ACC_SHIFT) | (this.sharedCommutes(th, op.lock, op.mode, 'acquire') ? 0 : ACC_WRITE),
        ];
      case 'release':
        return [
          (op.lock.id << ACC_SHIFT) | (this.sharedCommutes(th, op.lock, op.mode, 'release') ? 0 : ACC_WRITE),
        ];
      case 'downgrade':
        return [(op.lock.id << ACC_SHIFT) | ACC_WRITE];
      case 'read':
        return [op.cell.id << ACC_SHIFT];
      case 'snapshot':
        return op.cells.map((c) => c.id << ACC_SHIFT);
      case 'write':
        return [(op.cell.id << ACC_SHIFT) | ACC_WRITE];
      case 'update': {
        const a = [(op.cell.id << ACC_SHIFT) | (op.commutes ? ACC_COMMUTE : ACC_WRITE)];
        if (op.reads) for (const c of op.reads) a.push(c.id << ACC_SHIFT);
        return a;
      }
      case 'wait': {
        const a = [(op.queue.id << ACC_SHIFT) | ACC_COMMUTE];
        for (const c of op.reads) a.push(c.id << ACC_SHIFT);
        return a;
      }
      case 'wake':
        return [(op.queue.id << ACC_SHIFT) | ACC_WRITE];
      case 'spawn':
        return [(this.threadTableObj() << ACC_SHIFT) | ACC_WRITE];
      case 'join':
        return [((this.threads[op.thread]?.obj ?? this.threadTableObj()) << ACC_SHIFT) | ACC_WRITE];
      case 'resume':
      case 'start':
        return [(th.wakeObj << ACC_SHIFT) | ACC_SYNC];
      case 'exit':
        return [(th.obj << ACC_SHIFT) | ACC_WRITE];
      default:
        return [];
    }
  }

  private threadTableObj(): number {
    return this.registry.thread('<thread table>').id;
  }

  /** Run one step of thread `t`. Returns the step's access set. */
  stepThread(t: number): readonly number[] {
    const th = this.threads[t];
    if (th?.status !== 'runnable') throw new Error(`thread ${t} is not runnable`);
    if (this.outcome !== 'running') throw new Error('execution has ended');
    const last = this.lastThread;
    if (last !== -1 && last !== t && this.threads[last].status === 'runnable') this.preemptions++;
    this.lastThread = t;
    const op = th.pending!;
    th.pending = null;
    this.curN = 0;
    this.curNote = undefined;
    const pos = this.schedule.length;
    this.schedule.push(t);
    if (this.keepTrace)
      this.records.push({ thread: t, op, fn: this.currentFunction(t), label: th.label, note: undefined });
    th.steps++;
    let value: unknown;
    let resumeNow = true;
    try {
      switch (op.k) {
        case 'acquire':
          resumeNow = this.doAcquire(th, op.lock, op.mode, op.try, op.info);
          value = this.stepValue;
          break;
        case 'release':
          this.doRelease(th, op.lock, op.mode, op.info);
          break;
        case 'downgrade':
          this.doDowngrade(th, op.lock, op.info);
          break;
        case 'read':
          this.touch(op.cell.id, false);
          value = this.values[op.cell.id];
          this.emitAccess(th, op.cell, false, op.info);
          break;
        case 'snapshot': {
          const cells = op.cells;
          for (const c of cells) this.touch(c.id, false);
          value = cells.map((c) => this.values[c.id]);
          for (const c of cells) this.emitAccess(th, c, false, op.info);
          break;
        }
        case 'write':
          this.touch(op.cell.id, true);
          this.values[op.cell.id] = this.debug ? deepFreeze(op.value) : op.value;
          this.emitAccess(th, op.cell, true, op.info);
          if (this.implicitWaits?.length) this.wakeImplicit(th, op.cell);
          break;
        case 'update': {
          const reads = op.reads;
          if (reads?.length) for (const c of reads) this.touch(c.id, false);
          if (op.commutes) this.touchCommute(op.cell.id);
          else this.touch(op.cell.id, true);
          const nv = op.fn(
            this.values[op.cell.id],
            reads?.length ? this.peekOnly(reads, 'update of cell', op.cell.key) : this.noPeek,
          );
          this.values[op.cell.id] = this.debug ? deepFreeze(nv) : nv;
          value = nv;
          if (reads?.length) for (const c of reads) this.emitAccess(th, c, false, op.info);
          this.emitAccess(th, op.cell, true, op.info, op.commutes === true);
          if (this.implicitWaits?.length) this.wakeImplicit(th, op.cell);
          break;
        }
        case 'wait':
          resumeNow = this.doWait(th, op);
          value = this.stepValue;
          break;
        case 'wake':
          this.doWake(th, op.queue, op.all);
          break;
        case 'spawn':
          this.touch(this.threadTableObj(), true);
          value = this.addThread(op.name, op.body, true).id;
          this.touch(this.threads[value as number].wakeObj, true, true);
          this.emit({ type: 'spawn', thread: th.id, child: value as number });
          break;
        case 'join':
          resumeNow = this.doJoin(th, op.thread);
          value = this.stepValue;
          break;
        case 'resume':
          this.touch(th.wakeObj, false, true);
          value = th.resumeValue;
          th.resumeValue = undefined;
          if (th.waitingFor?.kind === 'lock') {
            const w = th.waitingFor;
            this.emitAcquired(th.id, w.lock, w.mode, 'granted');
          }
          th.waitingFor = null;
          break;
        case 'start':
          this.touch(th.wakeObj, false, true);
          break;
        case 'exit':
          this.doExit(th);
          resumeNow = false;
          break;
        default:
          throw new Error(`op '${op.k}' is not a scheduling op`);
      }
      if (resumeNow) {
        if (th.steps > this.maxSteps) {
          this.raised.push({
            spec: {
              kind: 'livelock',
              title: `thread ${th.name} ran past its step bound (${this.maxSteps})`,
              functions: [this.currentFunction(th.id)],
            },
            at: pos,
            thread: th.id,
          });
          this.kill(th, 'livelock');
        } else this.advance(th, value);
      }
    } catch (e) {
      this.oops(th, e, pos);
    }
    if (this.keepTrace && this.curNote !== undefined) this.records[pos].note = this.curNote;
    const acc = accessSet(this.cur, this.curN);
    if (this.keepTrace) this.accesses.push(acc);
    if (this.outcome === 'running') this.checkEnd();
    return acc;
  }

  /** Stop the execution (an explorer cut it short). */
  stop(): void {
    if (this.outcome === 'running') this.outcome = 'stopped';
  }

  // ---- end of execution ----------------------------------------------------------------------

  private checkEnd(): void {
    if (this.outcome !== 'running') return;
    let runnable = 0;
    let blocked = 0;
    for (const t of this.threads) {
      if (t.status === 'runnable') runnable++;
      else if (t.status === 'blocked') blocked++;
    }
    if (runnable > 0) return;
    if (this.firstDeath) {
      // Threads blocked behind a dead thread's locks are a consequence of its failure.
      this.outcome = this.firstDeath;
    } else if (blocked > 0) {
      this.outcome = 'deadlock';
      this.raised.push({ spec: this.deadlockFinding(), at: this.schedule.length, thread: -1 });
    } else {
      this.outcome = 'done';
      this.finalCheck();
    }
  }

  /** Run monitors' end hooks; explorers call this once the execution is over. */
  finish(): void {
    for (const m of this.monitors) m.endExecution?.(this, this.outcome);
  }

  private finalCheck(): void {
    if (!this.model.check) return;
    const view: FinalView = {
      peek: <T>(c: Cell<T>) => this.values[c.id] as T,
      threads: this.threads.map((t) => ({ name: t.name, status: t.status })),
      results: this.threads.map((t) => t.result),
    };
    try {
      const out = this.model.check(this.state, view) ?? [];
      for (const spec of out) this.raised.push({ spec, at: this.schedule.length, thread: -1 });
      if (out.length) this.outcome = 'failed';
    } catch (e) {
      this.oops(null, e, this.schedule.length);
    }
  }

  describeWait(t: number): string {
    const th = this.threads[t];
    const w = th.waitingFor;
    if (!w) return 'nothing';
    switch (w.kind) {
      case 'lock': {
        const st = this.locks[w.lock.id]!;
        const hs = st.holders.map((h) => `${this.threads[h.t].name} (${h.mode})`).join(', ') || 'nobody';
        return `${w.lock.cls} (${w.mode}), held by ${hs}`;
      }
      case 'queue':
        return `wait queue ${w.queue.key}`;
      case 'join':
        return `thread ${this.threads[w.thread].name} to exit`;
    }
  }

  /** The tasks a blocked task waits for: its lock's holders, or the task it joins. */
  private waitedFor(t: ThreadRec): number[] {
    const w = t.waitingFor;
    if (w?.kind === 'lock') return [...new Set(this.locks[w.lock.id]!.holders.map((h) => h.t))];
    if (w?.kind === 'join') return [w.thread];
    return [];
  }

  /**
   * What a blocked task waits for and where, and for a lock where its holders took it, without
   * task names (`wait-for.ts`'s `core`): `&A in f, held from g`.
   */
  private waitKey(t: ThreadRec): string {
    const w = t.waitingFor!;
    const where = this.currentFunction(t.id);
    if (w.kind === 'queue') return `wait queue ${w.queue.key} in ${where}`;
    if (w.kind === 'join') return `a task's exit in ${where}`;
    const from = new Set<string>();
    for (const h of this.locks[w.lock.id]!.holders)
      for (const x of this.threads[h.t].heldLocks) if (x.lock.id === w.lock.id) from.add(x.fn);
    return `${w.lock.cls} in ${where}, held from ${[...from].sort().join(', ') || 'nowhere'}`;
  }

  private deadlockFinding(): FindingSpec {
    const blocked = this.threads.filter((t) => t.status === 'blocked');
    const locks: string[] = [];
    const functions: string[] = [];
    const lines: string[] = [];
    for (const t of blocked) {
      const w = t.waitingFor!;
      if (w.kind === 'lock') locks.push(w.lock.cls);
      functions.push(this.currentFunction(t.id));
      const holds = t.heldLocks.map((h) => `${h.lock.cls} (${h.mode})`).join(', ') || 'no locks';
      lines.push(
        `${t.name} in ${this.currentFunction(t.id)} waits for ${this.describeWait(t.id)}; holds ${holds}`,
      );
      for (const h of t.heldLocks) locks.push(h.lock.cls);
    }
    const waitFor = waitForSummary(
      blocked.map((t) => ({ task: t.id, waitsFor: this.waitedFor(t), wait: this.waitKey(t) })),
      (id) => this.threads[id].name,
    );
    lines.push(...describeWaitFor(waitFor));
    return {
      kind: 'deadlock',
      title: `deadlock: ${blocked.map((t) => t.name).join(', ')} blocked forever`,
      message: lines.join('\n'),
      locks,
      functions,
      details: {
        blocked: blocked.map((t) => ({
          thread: t.name,
          function: this.currentFunction(t.id),
          waitsFor: this.describeWait(t.id),
          holds: t.heldLocks.map((h) => ({ lock: h.lock.cls, mode: h.mode })),
        })),
        waitFor,
      },
    };
  }

  /**
   * Model code threw (or asserted): the finding is recorded and that thread dies, as an oops
   * kills the task in the kernel; its locks stay held and the other threads go on, so the
   * explorer still sees their later steps. A throw in the final check ends the execution.
   */
  private oops(th: ThreadRec | null, e: unknown, pos: number, phase = 'final check'): void {
    if (e instanceof EngineAbort) throw e;
    const thrownIn =
      e !== null && typeof e === 'object' && THROWN_IN in e
        ? String((e as Record<symbol, unknown>)[THROWN_IN])
        : undefined;
    let spec: FindingSpec;
    let kind: Outcome;
    if (e instanceof ModelFailure) {
      spec = { ...e.finding };
      if (th && !spec.functions?.length) spec.functions = [thrownIn ?? this.currentFunction(th.id)];
      kind = 'failed';
    } else {
      const err = e instanceof Error ? e : new Error(String(e));
      const where = thrownIn ?? (th ? this.currentFunction(th.id) : phase);
      const frames = (err.stack ?? '')
        .split('\n')
        .slice(1, 6)
        .map((l) => l.trim());
      spec = {
        kind: 'oops',
        title: `model code threw in ${where}: ${err.message}`,
        message: `${err.name}: ${err.message}`,
        functions: [where],
        details: { error: err.name, message: err.message, stack: frames },
      };
      kind = 'oops';
    }
    this.raised.push({ spec, at: pos, thread: th?.id ?? -1 });
    if (th) this.kill(th, kind);
    else this.outcome = kind;
  }

  /** End a thread that failed: it exits at its next step, keeping what it holds. */
  private kill(th: ThreadRec, why: Outcome): void {
    th.stack.length = 0;
    th.dead = why;
    th.pending = EXIT;
    this.firstDeath ??= why;
  }

  // ---- threads -------------------------------------------------------------------------------

  private addThread(name: string, body: () => ThreadGen, spawned: boolean): ThreadRec {
    const id = this.threads.length;
    const obj = this.registry.thread(`<thread ${id}>`).id;
    const wakeObj = this.registry.thread(`<wake ${id}>`).id;
    const th: ThreadRec = {
      id,
      name,
      obj,
      wakeObj,
      stack: [],
      body,
      status: 'runnable',
      pending: spawned ? { k: 'start' } : null,
      resumeValue: undefined,
      waitingFor: null,
      steps: 0,
      fnStack: [],
      label: undefined,
      choices: 0,
      handle: { id, name, local: {} },
      result: undefined,
      dead: undefined,
      heldLocks: [],
    };
    this.threads.push(th);
    return th;
  }

  /** Run thread code until its next scheduling op, handling inline ops on the way. */
  /**
   * Run thread code until its next scheduling op, handling inline ops on the way.
   *
   * The engine runs each thread's call stack itself (a trampoline): `call(fn, body)` yields one
   * `call` op and the body is pushed on the thread's stack, so an op yielded deep in the kernel
   * model reaches the engine in O(1) instead of passing through every `yield*` level above it.
   * A return pops the frame and resumes the caller with the value; a throw unwinds frame by
   * frame into the callers' `try` blocks, noting the innermost model function it came from.
   */
  private advance(th: ThreadRec, value: unknown): void {
    if (!th.stack.length) {
      try {
        th.stack.push(th.body!());
      } catch (e) {
        this.oops(th, e, Math.max(0, this.schedule.length - 1));
        return;
      }
      th.body = null;
      value = undefined;
    }
    const stack = th.stack;
    let throwing = false;
    let arg: unknown = value;
    for (;;) {
      const gen = stack[stack.length - 1];
      let r: IteratorResult<Op, unknown>;
      try {
        r = throwing ? gen.throw(arg) : gen.next(arg);
      } catch (e) {
        if (e instanceof EngineAbort) throw e;
        if (stack.length === 1) {
          this.oops(th, e, Math.max(0, this.schedule.length - 1));
          return;
        }
        stack.pop();
        const fn = th.fnStack.pop();
        if (fn !== undefined && e !== null && typeof e === 'object' && !(THROWN_IN in e))
          (e as Record<symbol, unknown>)[THROWN_IN] = fn;
        th.label = undefined;
        throwing = true;
        arg = e;
        continue;
      }
      throwing = false;
      if (r.done) {
        if (stack.length === 1) {
          th.result = r.value;
          th.pending = EXIT;
          return;
        }
        stack.pop();
        th.fnStack.pop();
        th.label = undefined;
        arg = r.value;
        continue;
      }
      const op = r.value;
      arg = undefined;
      switch (op.k) {
        case 'call':
          stack.push(op.body);
          th.fnStack.push(op.fn);
          th.label = undefined;
          continue;
        case 'choose': {
          const v = this.chooseFn(th.id, th.choices++, op.n);
          if (!Number.isInteger(v) || v < 0 || v >= op.n) {
            throwing = true;
            arg = new Error(`choice ${v} out of range [0, ${op.n}) for ${op.why}`);
            continue;
          }
          this.choices.push(v);
          arg = v;
          continue;
        }
        case 'enter':
          th.fnStack.push(op.fn);
          th.label = undefined;
          continue;
        case 'leave':
          th.fnStack.pop();
          th.label = undefined;
          continue;
        case 'at':
          th.label = op.label;
          continue;
        case 'report':
          this.raised.push({
            spec: {
              ...op.finding,
              functions: op.finding.functions?.length ? op.finding.functions : [this.currentFunction(th.id)],
            },
            // Inline, right after the thread's last step: the trace ends at that step.
            at: this.schedule.length - 1,
            thread: th.id,
          });
          continue;
        case 'self':
          arg = th.handle;
          continue;
        case 'note':
          this.emit({ type: 'note', thread: th.id, data: op.data });
          continue;
        case 'object':
          try {
            arg = this.objectOp(op);
          } catch (e) {
            throwing = true;
            arg = e;
          }
          continue;
        default:
          th.pending = op;
          return;
      }
    }
  }

  private objectOp(op: Extract<Op, { k: 'object' }>): AnyHandle {
    const reg = this.registry;
    const h =
      op.make === 'lock'
        ? reg.lock(op.key, op.cls ?? op.key, op.ownerless ?? false)
        : op.make === 'cell'
          ? reg.cell(op.key)
          : reg.queue(op.key);
    const known = op.make === 'lock' ? this.locks[h.id] : op.make === 'queue' ? this.queues[h.id] : undefined;
    if (op.make === 'cell' ? !(h.id in this.values) : !known) this.initObject(h, op.init);
    return h;
  }

  private initObject(h: AnyHandle, initial: unknown): void {
    if (h.kind === 'lock') {
      if (this.locks[h.id]) throw new Error(`lock '${h.key}' declared twice`);
      this.locks[h.id] = { holders: [], waiters: [] };
    } else if (h.kind === 'queue') {
      if (this.queues[h.id]) throw new Error(`wait queue '${h.key}' declared twice`);
      this.queues[h.id] = [];
    } else if (h.kind === 'cell') {
      if (h.id in this.values) throw new Error(`cell '${h.key}' declared twice`);
      this.values[h.id] = this.debug ? deepFreeze(initial) : initial;
    }
  }

  private block(th: ThreadRec, w: WaitTarget): void {
    th.status = 'blocked';
    th.waitingFor = w;
  }

  /** Make a blocked thread runnable; `touch` false where the waker records its own access. */
  private unblock(t: number, value: unknown, touch = true): void {
    const th = this.threads[t];
    th.status = 'runnable';
    th.resumeValue = value;
    th.pending = RESUME;
    if (touch) this.touch(th.wakeObj, true, true);
  }

  private touch(obj: number, write: boolean, sync = false): void {
    this.record((obj << ACC_SHIFT) | (write ? ACC_WRITE : 0) | (sync ? ACC_SYNC : 0));
  }

  private touchCommute(obj: number): void {
    this.record((obj << ACC_SHIFT) | ACC_COMMUTE);
  }

  /** Add an access to the current step's (reused) buffer. */
  private record(a: number): void {
    if (this.curN < this.cur.length) this.cur[this.curN] = a;
    else this.cur.push(a);
    this.curN++;
  }

  private emit(e: Parameters<NonNullable<Monitor['onEvent']>>[0]): void {
    for (const m of this.monitors) m.onEvent?.(e, this);
  }

  // The most frequent events are one object each, refilled for every emit: a monitor reads an
  // event during onEvent and keeps none of it (see Monitor.onEvent).
  private readonly accessEvent: Extract<EngineEvent, { type: 'access' }> = {
    type: 'access',
    thread: 0,
    cell: undefined as unknown as Cell<unknown>,
    write: false,
    info: undefined,
    wait: undefined,
    commute: false,
  };
  private readonly acquireEvent: Extract<EngineEvent, { type: 'acquire' }> = {
    type: 'acquire',
    thread: 0,
    lock: undefined as unknown as Lock,
    mode: 'exclusive',
    try: false,
    info: undefined,
  };
  private readonly acquiredEvent: Extract<EngineEvent, { type: 'acquired' }> = {
    type: 'acquired',
    thread: 0,
    lock: undefined as unknown as Lock,
    mode: 'exclusive',
    how: 'immediate',
  };
  private readonly releaseEvent: Extract<EngineEvent, { type: 'release' }> = {
    type: 'release',
    thread: 0,
    lock: undefined as unknown as Lock,
    mode: 'exclusive',
    info: undefined,
  };

  private emitAccess(
    th: ThreadRec,
    cell: Cell<unknown>,
    write: boolean,
    info: unknown,
    commute = false,
  ): void {
    if (!this.monitors.length) return;
    const e = this.accessEvent;
    e.thread = th.id;
    e.cell = cell;
    e.write = write;
    e.commute = commute;
    e.info = info;
    this.emit(e);
  }

  private emitAcquired(t: number, lock: Lock, mode: LockMode, how: 'immediate' | 'try' | 'granted'): void {
    if (!this.monitors.length) return;
    const e = this.acquiredEvent;
    e.thread = t;
    e.lock = lock;
    e.mode = mode;
    e.how = how;
    this.emit(e);
  }

  // ---- locks -----------------------------------------------------------------------------------

  private grantable(st: LockState, mode: LockMode): boolean {
    if (st.waiters.length) return false;
    if (mode === 'exclusive') return st.holders.length === 0;
    return !anyExclusive(st.holders);
  }

  private take(th: ThreadRec, lock: Lock, st: LockState, mode: LockMode): void {
    st.holders.push({ t: th.id, mode });
    th.heldLocks.push({ lock, mode, fn: this.currentFunction(th.id) });
  }

  /**
   * A shared acquire that is granted at once, or a shared release that hands nothing over,
   * commutes with any other such op on the same lock: it only reads "no writer holds or waits"
   * and changes nothing another reader can observe. Such ops count as reads of the lock, so
   * DPOR does not explore the orders of readers among themselves. Anything else (exclusive
   * ops, blocking, a queue of waiters, a mode mismatch) is a write.
   */
  private sharedCommutes(
    th: ThreadRec,
    lock: Lock,
    mode: LockMode | undefined,
    kind: 'acquire' | 'release',
  ): boolean {
    const st = this.locks[lock.id];
    if (!st || st.waiters.length) return false;
    if (kind === 'acquire') return mode === 'shared' && !anyExclusive(st.holders);
    if (mode === 'exclusive') return false;
    for (const h of st.holders) if (h.t === th.id && h.mode === 'shared') return true;
    return false;
  }

  private doAcquire(th: ThreadRec, lock: Lock, mode: LockMode, isTry: boolean, info: unknown): boolean {
    const st = this.locks[lock.id];
    if (!st) throw new Error(`lock '${lock.key}' was never declared`);
    this.touch(lock.id, !this.sharedCommutes(th, lock, mode, 'acquire'));
    if (this.monitors.length) {
      const e = this.acquireEvent;
      e.thread = th.id;
      e.lock = lock;
      e.mode = mode;
      e.try = isTry;
      e.info = info;
      this.emit(e);
    }
    if (this.grantable(st, mode)) {
      this.take(th, lock, st, mode);
      this.emitAcquired(th.id, lock, mode, isTry ? 'try' : 'immediate');
      this.stepValue = true;
      return true;
    }
    if (isTry) {
      this.curNote = 'trylock failed';
      this.emit({ type: 'try-failed', thread: th.id, lock, mode });
      this.stepValue = false;
      return true;
    }
    st.waiters.push({ t: th.id, mode });
    this.block(th, { kind: 'lock', lock, mode });
    this.curNote = `blocked: ${this.describeWait(th.id)}`;
    this.emit({ type: 'blocked', thread: th.id, lock, mode });
    this.stepValue = undefined;
    return false;
  }

  private doRelease(th: ThreadRec, lock: Lock, mode: LockMode | undefined, info: unknown): void {
    const st = this.locks[lock.id];
    if (!st) throw new Error(`lock '${lock.key}' was never declared`);
    this.touch(lock.id, !this.sharedCommutes(th, lock, mode, 'release'));
    let hi = -1;
    for (let k = 0; k < st.holders.length; k++)
      if (st.holders[k].t === th.id) {
        hi = k;
        break;
      }
    if (hi < 0 && lock.ownerless && st.holders.length) hi = 0;
    if (hi < 0) {
      this.emit({ type: 'bad-unlock', thread: th.id, lock, mode, held: undefined, downgrade: false, info });
      this.raised.push({
        spec: {
          kind: 'bad-unlock',
          title: `${th.name} released ${lock.cls} which it does not hold`,
          locks: [lock.cls],
          functions: [this.currentFunction(th.id)],
        },
        at: this.schedule.length - 1,
        thread: th.id,
      });
      this.curNote = 'bad unlock: not held';
      return;
    }
    const holder = st.holders[hi];
    if (mode && mode !== holder.mode) {
      this.emit({ type: 'bad-unlock', thread: th.id, lock, mode, held: holder.mode, downgrade: false, info });
      this.raised.push({
        spec: {
          kind: 'bad-unlock',
          title: `${th.name} released ${lock.cls} as ${mode} but it was taken ${holder.mode}`,
          locks: [lock.cls],
          functions: [this.currentFunction(th.id)],
        },
        at: this.schedule.length - 1,
        thread: th.id,
      });
      this.curNote = `bad unlock: held ${holder.mode}`;
    }
    removeAt(st.holders, hi);
    const owner = this.threads[holder.t];
    for (let k = 0; k < owner.heldLocks.length; k++)
      if (owner.heldLocks[k].lock.id === lock.id) {
        removeAt(owner.heldLocks, k);
        break;
      }
    if (this.monitors.length) {
      const e = this.releaseEvent;
      e.thread = th.id;
      e.lock = lock;
      e.mode = holder.mode;
      e.info = info;
      this.emit(e);
    }
    this.grantWaiters(lock, st);
  }

  private doDowngrade(th: ThreadRec, lock: Lock, info: unknown): void {
    const st = this.locks[lock.id]!;
    this.touch(lock.id, true);
    const h = st.holders.find((x) => x.t === th.id && x.mode === 'exclusive');
    if (!h) {
      const held = st.holders.find((x) => x.t === th.id)?.mode;
      this.emit({ type: 'bad-unlock', thread: th.id, lock, mode: 'exclusive', held, downgrade: true, info });
      this.raised.push({
        spec: {
          kind: 'bad-unlock',
          title: `${th.name} downgraded ${lock.cls} which it does not hold for write`,
          locks: [lock.cls],
          functions: [this.currentFunction(th.id)],
        },
        at: this.schedule.length - 1,
        thread: th.id,
      });
      return;
    }
    h.mode = 'shared';
    const mine = th.heldLocks.find((x) => x.lock.id === lock.id);
    if (mine) mine.mode = 'shared';
    this.emit({ type: 'downgrade', thread: th.id, lock });
    this.grantWaiters(lock, st);
  }

  /** FIFO hand-off: the head writer alone, or the run of readers at the head. */
  private grantWaiters(lock: Lock, st: LockState): void {
    let granted: string[] | undefined;
    while (st.waiters.length) {
      const w = st.waiters[0];
      const ok = w.mode === 'exclusive' ? st.holders.length === 0 : !anyExclusive(st.holders);
      if (!ok) break;
      st.waiters.shift();
      const wt = this.threads[w.t];
      this.take(wt, lock, st, w.mode);
      this.unblock(w.t, true);
      (granted ??= []).push(wt.name);
      if (w.mode === 'exclusive') break;
    }
    if (granted) this.curNote = `granted to ${granted.join(', ')}`;
  }

  /** A `peek` for a step that declared it reads `reads`; `owner` names the step in the error. */
  private peekOnly(reads: readonly Cell<unknown>[], owner: string, key: string): Peek {
    return <T>(c: Cell<T>): T => {
      if (!reads.includes(c as Cell<unknown>))
        throw new Error(`${owner} '${key}' read cell '${c.key}' not listed in its reads`);
      return this.values[c.id] as T;
    };
  }

  private readonly noPeek: Peek = (c) => {
    throw new Error(`an update peeked at cell '${c.key}' without listing it in its reads`);
  };

  // ---- wait queues and join --------------------------------------------------------------------

  private doWait(th: ThreadRec, op: Extract<Op, { k: 'wait' }>): boolean {
    const q = this.queues[op.queue.id];
    if (!q) throw new Error(`wait queue '${op.queue.key}' was never declared`);
    for (const c of op.reads) this.touch(c.id, false);
    // The queue too, whether the condition holds or not: a step's objects must follow from the
    // thread's state before it, not from what it reads. Touching the queue only when going to
    // sleep let DPOR skip a wake-up before the check as covered by a write that makes the check
    // pass, and so miss the lost wake-up (test/engine/dpor-property.test.ts, fixed cases).
    // As a commuting update: the queue is a set (kept sorted by thread id), so two checks give
    // the same queue in either order whether they sleep or pass; only a wake, a write, is
    // ordered against them. This is `commutingUpdate` with reads: the check adds itself or
    // nothing, depending on what it reads.
    this.touchCommute(op.queue.id);
    if (this.monitors.length)
      for (const c of op.reads)
        this.emit({ type: 'access', thread: th.id, cell: c, write: false, wait: true });
    if (op.until(this.peekOnly(op.reads, 'wait condition on', op.queue.key))) {
      this.stepValue = true;
      return true;
    }
    let at = q.length;
    while (at > 0 && q[at - 1] > th.id) at--;
    q.splice(at, 0, th.id);
    this.block(th, { kind: 'queue', queue: op.queue });
    if (op.implicit) (this.implicitWaits ??= []).push({ t: th.id, op });
    this.curNote = `sleeps on ${op.queue.key}`;
    this.stepValue = undefined;
    return false;
  }

  private doWake(th: ThreadRec, queue: WaitQueue, all: boolean): void {
    const q = this.queues[queue.id];
    if (!q) throw new Error(`wait queue '${queue.key}' was never declared`);
    this.touch(queue.id, true);
    // Wake-one takes the sleeper with the lowest thread id, not the first to sleep: sleeps commute.
    const woken = all ? q.splice(0) : q.splice(0, 1);
    for (const t of woken) this.unblock(t, false);
    if (woken.length) this.curNote = `woke ${woken.map((t) => this.threads[t].name).join(', ')}`;
    this.emit({ type: 'wake', thread: th.id, woken });
  }

  /**
   * After `th`'s step changed `cell`: wake the `waitVar` sleepers that read it and whose condition
   * now holds, as part of this step. Every such step touches each sleeper watching the cell as a
   * commuting synchronisation, whether it wakes it or not: so every update since the sleeper went
   * to sleep happens before its resume step (not only the one that woke it: a commuting update
   * need not be ordered before that one by anything else), and two commuting updates look the
   * same to the explorers in either order, though only the later one wakes (see `waitVar`).
   */
  private wakeImplicit(th: ThreadRec, cell: Cell<unknown>): void {
    const waits = this.implicitWaits!;
    let woken: number[] | undefined;
    for (let i = waits.length - 1; i >= 0; i--) {
      const { t, op } = waits[i];
      const sleeper = this.threads[t];
      const w = sleeper.waitingFor;
      if (sleeper.status !== 'blocked' || w?.kind !== 'queue' || w.queue !== op.queue) {
        // Woken otherwise (an explicit wake of the same queue): no longer waiting here.
        removeAt(waits, i);
        continue;
      }
      if (!op.reads.includes(cell)) continue;
      this.record((sleeper.wakeObj << ACC_SHIFT) | ACC_COMMUTE | ACC_SYNC);
      const values = this.values;
      if (!op.until(<T>(c: Cell<T>): T => values[c.id] as T)) continue;
      removeAt(waits, i);
      const q = this.queues[op.queue.id]!;
      removeAt(q, q.indexOf(t));
      this.unblock(t, false, false);
      (woken ??= []).push(t);
    }
    if (!woken) return;
    woken.sort((a, b) => a - b); // the same in every order of the sleeps (they commute)
    this.curNote = `woke ${woken.map((t) => this.threads[t].name).join(', ')}`;
    this.emit({ type: 'wake', thread: th.id, woken });
  }

  private doJoin(th: ThreadRec, t: number): boolean {
    const target = this.threads[t];
    if (!target) throw new Error(`join: no thread ${t}`);
    if (target.status === 'done') {
      this.touch(target.obj, false);
      this.emit({ type: 'join', thread: th.id, joined: t });
      this.stepValue = target.result;
      return true;
    }
    this.touch(target.obj, true);
    let js = this.joiners[t];
    if (!js) js = this.joiners[t] = [];
    js.push(th.id);
    this.block(th, { kind: 'join', thread: t });
    this.curNote = `waits for ${target.name}`;
    this.stepValue = undefined;
    return false;
  }

  private doExit(th: ThreadRec): void {
    this.touch(th.obj, true);
    th.status = 'done';
    th.fnStack.length = 0;
    // Monitors see the exit first, so their fuller report of a lock held at exit is the one kept.
    this.emit({ type: 'exit', thread: th.id, died: th.dead !== undefined });
    if (th.heldLocks.length && !th.dead) {
      const locks = th.heldLocks.filter((h) => !h.lock.ownerless);
      if (locks.length)
        this.raised.push({
          spec: {
            kind: 'lock-held-at-exit',
            title: `${th.name} exited holding ${locks.map((h) => h.lock.cls).join(', ')}`,
            locks: locks.map((h) => h.lock.cls),
            functions: [th.name],
          },
          at: this.schedule.length - 1,
          thread: th.id,
        });
    }
    const js = this.joiners[th.id];
    if (js) {
      for (const j of js) {
        this.unblock(j, th.result);
        this.emit({ type: 'join', thread: j, joined: th.id });
      }
      js.length = 0;
    }
  }
}
