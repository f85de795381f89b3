// The op vocabulary: what a model thread yields at each step another thread could observe.
//
// Scheduling ops (acquire, release, read, write, ...) are points where the explorer may switch
// threads; code between two of them runs atomically. Inline ops (choose, enter, leave, at,
// report, self) are handled on the spot without a scheduling point.
//
// Model code normally uses the typed generator helpers at the bottom (`yield* read(cell)`);
// the raw op constructors exist for hot loops and for building other primitives.

import type { Cell, Lock, WaitQueue } from './objects.js';

export type LockMode = 'exclusive' | 'shared';

/** What a finding raised from model code says; the engine adds signature, token and trace. */
export interface FindingSpec {
  kind: string;
  title: string;
  message?: string;
  /** Lock class names involved (for signatures and reports). */
  locks?: string[];
  /** Model function names involved (for signatures and reports). */
  functions?: string[];
  /** Free-form structured details, kept in JSON output. */
  details?: unknown;
}

export type Op =
  | { k: 'acquire'; lock: Lock; mode: LockMode; try: boolean; info?: unknown }
  | { k: 'release'; lock: Lock; mode: LockMode | undefined; info?: unknown }
  | { k: 'downgrade'; lock: Lock; info?: unknown }
  | { k: 'read'; cell: Cell<unknown>; info?: unknown }
  | { k: 'snapshot'; cells: readonly Cell<unknown>[]; info?: unknown }
  | { k: 'write'; cell: Cell<unknown>; value: unknown; info?: unknown }
  | {
      k: 'update';
      cell: Cell<unknown>;
      fn: (old: any, peek: Peek) => unknown;
      info?: unknown;
      commutes?: boolean;
      /** Other cells the step reads, in the same atomic step (`fn` may peek at these only). */
      reads?: readonly Cell<unknown>[];
    }
  | {
      k: 'wait';
      queue: WaitQueue;
      reads: readonly Cell<unknown>[];
      until: (peek: Peek) => boolean;
      /** Woken by the step that makes `until` hold, not by a `wake` (see `waitVar`). */
      implicit?: boolean;
      /** A higher layer's description, e.g. `{ api: 'prepare_to_wait' }` (traces print the API). */
      info?: unknown;
    }
  | { k: 'wake'; queue: WaitQueue; all: boolean; info?: unknown }
  | { k: 'spawn'; name: string; body: () => ThreadGen }
  | { k: 'join'; thread: number }
  | { k: 'resume' }
  | { k: 'start' }
  | { k: 'exit' }
  // inline ops
  | { k: 'choose'; n: number; why: string }
  | { k: 'call'; fn: string; body: Generator<Op, unknown, any> }
  | { k: 'enter'; fn: string }
  | { k: 'leave' }
  | { k: 'at'; label: string }
  | { k: 'report'; finding: FindingSpec }
  | { k: 'self' }
  | { k: 'note'; data: unknown }
  | {
      k: 'object';
      key: string;
      make: 'lock' | 'cell' | 'queue';
      init?: unknown;
      cls?: string;
      ownerless?: boolean;
    };

export type ThreadGen = Generator<Op, unknown, any>;

/** Read access to cells inside a wait condition; only cells listed in the wait op may be read. */
export type Peek = <T>(cell: Cell<T>) => T;

/** A handle on the running thread, for thread-local model state (the kernel's `current`). */
export interface ThreadHandle {
  readonly id: number;
  readonly name: string;
  /** Thread-local state owned by the model (e.g. preempt count). Never shared. */
  readonly local: Record<string, unknown>;
}

// ---- one-step ops: the helpers most model steps go through --------------------------------------
//
// `yield* read(cell)` must yield one op and return the value the engine resumes it with. A
// generator per call costs a generator object, the op and an iterator result per yield; these
// helpers return the op itself, which is its own iterator, and every step shares two iterator
// results (`yield*` passes an inner result through unchanged, and the engine reads it at once).

const YIELDED: { value: any; done: false } = { value: undefined, done: false };
const RETURNED: { value: any; done: true } = { value: undefined, done: true };

/** An op that `yield*` runs as a one-step generator: it yields itself, then returns the value sent. */
abstract class OneStep {
  #yielded = false;
  next(sent?: unknown): IteratorResult<Op, unknown> {
    if (!this.#yielded) {
      this.#yielded = true;
      YIELDED.value = this;
      return YIELDED;
    }
    RETURNED.value = sent;
    return RETURNED;
  }
  return(value?: unknown): IteratorResult<Op, unknown> {
    this.#yielded = true;
    RETURNED.value = value;
    return RETURNED;
  }
  throw(e: unknown): IteratorResult<Op, unknown> {
    this.#yielded = true;
    throw e;
  }
  [Symbol.iterator](): this {
    return this;
  }
  /** Ready to be yielded again (shared inline ops, consumed before any model code runs again). */
  protected rearm(): this {
    this.#yielded = false;
    return this;
  }
}

const asGen = <T>(op: OneStep): Generator<Op, T, any> => op as unknown as Generator<Op, T, any>;

class AcquireOp extends OneStep {
  readonly k = 'acquire';
  readonly try: boolean;
  constructor(
    readonly lock: Lock,
    readonly mode: LockMode,
    isTry: boolean,
    readonly info: unknown,
  ) {
    super();
    this.try = isTry;
  }
}

class ReleaseOp extends OneStep {
  readonly k = 'release';
  constructor(
    readonly lock: Lock,
    readonly mode: LockMode | undefined,
    readonly info: unknown,
  ) {
    super();
  }
}

class ReadOp extends OneStep {
  readonly k = 'read';
  constructor(
    readonly cell: Cell<unknown>,
    readonly info: unknown,
  ) {
    super();
  }
}

class SnapshotOp extends OneStep {
  readonly k = 'snapshot';
  constructor(
    readonly cells: readonly Cell<unknown>[],
    readonly info: unknown,
  ) {
    super();
  }
}

class WriteOp extends OneStep {
  readonly k = 'write';
  constructor(
    readonly cell: Cell<unknown>,
    readonly value: unknown,
    readonly info: unknown,
  ) {
    super();
  }
}

class UpdateOp extends OneStep {
  readonly k = 'update';
  constructor(
    readonly cell: Cell<unknown>,
    readonly fn: (old: any, peek: Peek) => unknown,
    readonly info: unknown,
    readonly commutes: boolean,
    readonly reads: readonly Cell<unknown>[],
  ) {
    super();
  }
}

class CallOp extends OneStep {
  readonly k = 'call';
  constructor(
    readonly fn: string,
    readonly body: Generator<Op, unknown, any>,
  ) {
    super();
  }
}

/**
 * Inline ops without a result of their own: one shared object each, since the engine consumes an
 * inline op before any model code runs again.
 */
class AtOp extends OneStep {
  readonly k = 'at';
  label = '';
  with(label: string): this {
    this.label = label;
    return this.rearm();
  }
}
const AT = new AtOp();

class NoteOp extends OneStep {
  readonly k = 'note';
  data: unknown = undefined;
  with(data: unknown): this {
    this.data = data;
    return this.rearm();
  }
}
const NOTE = new NoteOp();

class SelfOp extends OneStep {
  readonly k = 'self';
  again(): this {
    return this.rearm();
  }
}
const SELF = new SelfOp();

// ---- typed generator helpers: the model API -------------------------------------------------

/** Take `lock` in `mode`; sleeps (FIFO) until granted. */
export function acquire(lock: Lock, mode: LockMode = 'exclusive', info?: unknown): Generator<Op, void, any> {
  return asGen(new AcquireOp(lock, mode, false, info));
}

/** Try to take `lock` in `mode` without sleeping; true when taken. */
export function tryAcquire(
  lock: Lock,
  mode: LockMode = 'exclusive',
  info?: unknown,
): Generator<Op, boolean, any> {
  return asGen(new AcquireOp(lock, mode, true, info));
}

/** Release `lock`. `mode` states what the caller believes it holds (checked: bad-unlock). */
export function release(lock: Lock, mode?: LockMode, info?: unknown): Generator<Op, void, any> {
  return asGen(new ReleaseOp(lock, mode, info));
}

/** Turn an exclusive hold into a shared one, waking shared waiters at the head of the queue. */
export function* downgrade(lock: Lock, info?: unknown): Generator<Op, void, any> {
  yield { k: 'downgrade', lock, info };
}

/** Read a cell. `info` is passed to monitors with the access (e.g. its guard lock). */
export function read<T>(cell: Cell<T>, info?: unknown): Generator<Op, T, any> {
  return asGen(new ReadOp(cell, info));
}

/**
 * Read several cells in one atomic step; returns their values in order. For hardware that reads
 * more than one location without a lock the model spells out (a CPU's access through a TLB
 * entry it still holds: the page-table entry and the memory behind it). The step reads every
 * cell whatever the caller then does with the values (see `update` on why).
 */
export function snapshot<T extends readonly unknown[]>(
  cells: { readonly [K in keyof T]: Cell<T[K]> },
  info?: unknown,
): Generator<Op, T, any> {
  return asGen(new SnapshotOp(cells as readonly Cell<unknown>[], info));
}

export function write<T>(cell: Cell<T>, value: T, info?: unknown): Generator<Op, void, any> {
  return asGen(new WriteOp(cell, value, info));
}

const NO_CELLS: readonly Cell<unknown>[] = Object.freeze([]);

/**
 * Atomic read-modify-write; returns the new value. `reads`: other cells read in the same atomic
 * step (as under a lock the model does not spell out), which `fn` may `peek` at. The step touches
 * the cell whatever `fn` decides (return the old value to leave it as it is): DPOR needs a step's
 * objects to follow from the thread's state before it, not from values it reads in the step. A
 * step that skipped the cell when a guard read failed made optimal DPOR miss an interleaving: a
 * reversal it took to be covered by an independent step, which changed the guard.
 */
export function update<T>(
  cell: Cell<T>,
  fn: (old: T, peek: Peek) => T,
  info?: unknown,
  reads: readonly Cell<any>[] = NO_CELLS,
): Generator<Op, T, any> {
  return asGen(new UpdateOp(cell, fn, info, false, reads));
}

/**
 * An atomic read-modify-write that commutes with every other commuting update of the same cell
 * (an atomic_inc/atomic_dec of a counter, say), so the explorer does not order two of them;
 * it still conflicts with plain reads, writes and updates of the cell. Returns the new value.
 *
 * The caller promises that this is true: any two commuting updates of the cell give the same
 * value in either order, and a thread uses only what no other commuting update changes of the
 * value it gets back (e.g. a flag that only plain writes set, not the counter itself). Breaking
 * the promise makes the exploration miss interleavings.
 */
export function commutingUpdate<T>(
  cell: Cell<T>,
  fn: (old: T, peek: Peek) => T,
  info?: unknown,
  reads: readonly Cell<any>[] = NO_CELLS,
): Generator<Op, T, any> {
  return asGen(new UpdateOp(cell, fn, info, true, reads));
}

/**
 * Sleep on `queue` until `until` holds, re-checked after every wake-up (the kernel's
 * `wait_event`). The check and the enqueue are one atomic step, like prepare_to_wait +
 * condition check, so a wake-up between them is not lost. `until` may read only `reads`.
 * Checks on one queue commute with each other, sleeping or not (the sleepers are a set); each is
 * ordered against every `wake` of the queue.
 */
export function waitUntil(
  queue: WaitQueue,
  reads: readonly Cell<any>[],
  until: (peek: Peek) => boolean,
  info?: unknown,
): Generator<Op, void, any> {
  return sleepUntil({ k: 'wait', queue, reads, until, info });
}

/** Repeat a wait step until it reports the condition true (a wake-up resumes it with false). */
function* sleepUntil(op: Extract<Op, { k: 'wait' }>): Generator<Op, void, any> {
  while (!((yield op) as boolean));
}

/**
 * Like `waitUntil`, but with no waker to write: the step that changes one of `reads` so that
 * `until` holds wakes the sleeper itself, in the same step (the kernel's wait_var_event with the
 * wake_up_var, or a `wake_up` after an `atomic_dec_and_test`, done where the condition becomes
 * true). The wake-up is a synchronisation, like every wake-up: it orders the waker before the
 * sleeper, and the explorer does not try it the other way round.
 *
 * Use it where the kernel's waker wakes exactly when the condition becomes true: then which of
 * several commuting updates (`commutingUpdate`) does the waking depends only on their order, and
 * the explorer need not order them; with an explicit `wake` after each, it would have to. Which
 * update woke the sleeper is then no difference between executions to DPOR (every update of
 * `reads` since it went to sleep happens before it wakes up), so DPOR may run fewer executions
 * than the naive search counts traces, with the same findings (test/engine/dpor-property.test.ts).
 */
export function waitVar(
  queue: WaitQueue,
  reads: readonly Cell<any>[],
  until: (peek: Peek) => boolean,
  info?: unknown,
): Generator<Op, void, any> {
  return sleepUntil({ k: 'wait', queue, reads, until, implicit: true, info });
}

/**
 * Wake every sleeper on `queue` (wake_up_all), or only one (`all = false`): the one with the
 * lowest thread id, so that the order in which they went to sleep makes no difference.
 */
export function* wake(queue: WaitQueue, all = true, info?: unknown): Generator<Op, void, any> {
  yield { k: 'wake', queue, all, info };
}

/** Start a new thread running `body`; returns its id. */
export function* spawn(name: string, body: () => ThreadGen): Generator<Op, number, any> {
  return (yield { k: 'spawn', name, body }) as number;
}

/** Wait for thread `thread` to end. */
export function* join(thread: number): Generator<Op, void, any> {
  yield { k: 'join', thread };
}

/** Nondeterministic choice in [0, n): every value is explored. */
export function* choose(n: number, why = 'choose'): Generator<Op, number, any> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`choose(${n}): n must be a positive integer`);
  if (n === 1) return 0;
  return (yield { k: 'choose', n, why }) as number;
}

/** Property set on an error thrown inside `call(fn, ...)`: the innermost model function. */
export const THROWN_IN = Symbol('faultline.thrownIn');

/**
 * Run `body` as model function `fn`: traces and lock reports name it. The engine runs the body
 * on the thread's own call stack, so nesting costs nothing per op.
 */
export function call<T>(fn: string, body: Generator<Op, T, any>): Generator<Op, T, any> {
  return asGen(new CallOp(fn, body));
}

/**
 * A model function named `fn` whose every call runs `body` under `call(fn, ...)`:
 *
 *     export const find_lock_page = modelled('find_lock_page', function* (sys: Sys, index: number) { ... });
 *
 * Prefer it to `call(fn, (function* () { ... })())` inside a function, which creates a closure per
 * call: V8 loses the optimised code of such short-lived closures in full garbage collections and
 * compiles the body again and again (in the matrix up to 35 times each, and the code runs
 * unoptimised meanwhile; BENCHMARKS.md, "Model functions defined once"). `body` here is created
 * once and keeps its optimised code.
 */
export function modelled<A extends unknown[], T>(
  fn: string,
  body: (...args: A) => Generator<Op, T, any>,
): (...args: A) => Generator<Op, T, any> {
  return (...args: A) => asGen(new CallOp(fn, body(...args)));
}

/** Name the current line of the model (shown in traces), e.g. `yield* at('dax.c:312 get_block')`. */
export function at(label: string): Generator<Op, void, any> {
  return asGen(AT.with(label));
}

/** Record a finding and go on (a WARN, not a BUG). */
export function* report(finding: FindingSpec): Generator<Op, void, any> {
  yield { k: 'report', finding };
}

/**
 * Tell the run's monitors something without a scheduling point (e.g. a lockdep-only map
 * acquisition such as `jbd2_handle`, which is no lock the engine schedules on).
 */
export function note(data: unknown): Generator<Op, void, any> {
  return asGen(NOTE.with(data));
}

/** The running thread (the kernel's `current`). */
export function self(): Generator<Op, ThreadHandle, any> {
  return asGen(SELF.again());
}

/**
 * Get or create an object by a stable key during execution (e.g. a page-cache page's lock).
 * Ids are stable for a key across all executions of a run, so creation order does not matter.
 */
export function* lockObject(
  key: string,
  opts: { cls?: string; ownerless?: boolean } = {},
): Generator<Op, Lock, any> {
  return (yield { k: 'object', key, make: 'lock', cls: opts.cls, ownerless: opts.ownerless }) as Lock;
}

export function* cellObject<T>(key: string, init: T): Generator<Op, Cell<T>, any> {
  return (yield { k: 'object', key, make: 'cell', init }) as Cell<T>;
}

export function* queueObject(key: string): Generator<Op, WaitQueue, any> {
  return (yield { k: 'object', key, make: 'queue' }) as WaitQueue;
}

/** Thrown by `assert`: becomes an `assertion` finding (or the kind given) with the trace. */
export class ModelFailure extends Error {
  constructor(readonly finding: FindingSpec) {
    super(finding.message ?? finding.title);
    this.name = 'ModelFailure';
  }
}

/** Assert inside model code; a failure ends the execution with a finding. */
export function assert(cond: unknown, title: string, more: Partial<FindingSpec> = {}): asserts cond {
  if (!cond) throw new ModelFailure({ kind: 'assertion', title, ...more });
}

/** Fail with a finding of a given kind (e.g. 'lost-write'). */
export function fail(finding: FindingSpec): never {
  throw new ModelFailure(finding);
}
