// Shared kernel state: a location (a cell) declared with the lock that guards it. Accessors pass
// the guard in the op's info, so the race detector checks at each access that the guard is held
// (any mode to read, `mode` to write; else `assert-held`) and that no two conflicting plain
// accesses are unordered (`data-race`).
//
// Plain accesses are C loads and stores. READ_ONCE/WRITE_ONCE are marked accesses: two marked
// accesses never race (KCSAN), and a marked read is a deliberate lockless read, so its guard is
// not checked (a write always is). An `atomic` location (atomic_t, a cmpxchg'ed word) never races.
// Cells not declared here are treated as atomics: they order threads but are never checked.

import {
  type Cell,
  cellObject,
  type Lock,
  type LockMode,
  type Op,
  read,
  update,
  type World,
  write,
} from '../engine/index.js';

export interface SharedOptions {
  /** The lock that guards the location. */
  guard?: Lock;
  /** The mode a write needs the guard held in (default exclusive; a read needs any mode). */
  mode?: LockMode;
  /** Only ever accessed atomically: never a data race. */
  atomic?: boolean;
}

/** What an access to a shared location tells the monitors (the op's info). */
export interface SharedAccessInfo {
  /** Location name, e.g. `inode.i_size`. */
  shared: string;
  /** Accessor: `load`, `store`, `modify`, `READ_ONCE`, `WRITE_ONCE`. */
  api: string;
  marked: boolean;
  atomic: boolean;
  guard?: { id: number; cls: string; writeMode: LockMode };
}

export function isSharedAccessInfo(x: unknown): x is SharedAccessInfo {
  return !!x && typeof x === 'object' && 'shared' in x && 'marked' in x;
}

export interface Shared<T> {
  readonly key: string;
  /** The underlying cell, e.g. for a wait condition's reads; access it through the accessors. */
  readonly cell: Cell<T>;
  readonly guard: Lock | undefined;
  readonly writeMode: LockMode;
  readonly atomic: boolean;
  /** Infos of each accessor, made once. */
  readonly infos: Readonly<
    Record<'load' | 'store' | 'modify' | 'READ_ONCE' | 'WRITE_ONCE', SharedAccessInfo>
  >;
}

function makeShared<T>(key: string, cell: Cell<T>, opts: SharedOptions): Shared<T> {
  const writeMode = opts.mode ?? 'exclusive';
  const atomic = opts.atomic ?? false;
  const guard = opts.guard ? { id: opts.guard.id, cls: opts.guard.cls, writeMode } : undefined;
  const info = (api: string, marked: boolean): SharedAccessInfo =>
    Object.freeze({ shared: key, api, marked, atomic, ...(guard ? { guard } : {}) });
  return Object.freeze({
    key,
    cell,
    guard: opts.guard,
    writeMode,
    atomic,
    infos: Object.freeze({
      load: info('load', false),
      store: info('store', false),
      modify: info('modify', false),
      READ_ONCE: info('READ_ONCE', true),
      WRITE_ONCE: info('WRITE_ONCE', true),
    }),
  });
}

/** Declare a shared location in a model's setup. */
export function shared<T>(w: World, key: string, init: T, opts: SharedOptions = {}): Shared<T> {
  return makeShared(key, w.cell(key, init), opts);
}

/** Get or create a shared location during execution (e.g. a page's fields), by a stable key. */
export function* sharedObject<T>(
  key: string,
  init: T,
  opts: SharedOptions = {},
): Generator<Op, Shared<T>, any> {
  return makeShared(key, yield* cellObject(key, init), opts);
}

/** A plain load. */
export function* load<T>(s: Shared<T>): Generator<Op, T, any> {
  return yield* read(s.cell, s.infos.load);
}

/** A plain store. */
export function* store<T>(s: Shared<T>, v: T): Generator<Op, void, any> {
  yield* write(s.cell, v, s.infos.store);
}

/** Read-modify-write in one step (a plain `x = f(x)` under the guard, or an atomic op); returns the new value. */
export function* modify<T>(s: Shared<T>, fn: (old: T) => T): Generator<Op, T, any> {
  return yield* update(s.cell, fn, s.infos.modify);
}

export function* READ_ONCE<T>(s: Shared<T>): Generator<Op, T, any> {
  return yield* read(s.cell, s.infos.READ_ONCE);
}

export function* WRITE_ONCE<T>(s: Shared<T>, v: T): Generator<Op, void, any> {
  yield* write(s.cell, v, s.infos.WRITE_ONCE);
}
