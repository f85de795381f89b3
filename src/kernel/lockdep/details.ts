// The structured data lockdep and the race detector put in a finding's `details`: everything a
// lockdep-style report prints (src/report renders it), and what JSON output keeps.

import type { LockdepRead } from '../lock-info.js';

/** A dependency kind of the 2020 rework: holder Exclusive/Shared, acquirer Recursive/Non-recursive. */
export type DepKind = 'ER' | 'EN' | 'SR' | 'SN';

/** A task as lockdep prints it: `name/id`. */
export interface TaskRef {
  name: string;
  id: number;
}

/** A lock as lockdep prints it: class, usage bits, and where the task took it. */
export interface LockRef {
  cls: string;
  /** lockdep's usage string, e.g. `{+.+.}`: ever taken for write / for read (no IRQs here). */
  usage: string;
  read: LockdepRead;
  /** Kernel API that took it: `down_read`, `mutex_lock`, `jbd2__journal_start`, ... */
  api: string;
  /** Model function that took it, and the whole function stack (outermost first). */
  fn: string;
  stack: string[];
  label?: string;
  trylock?: boolean;
}

/** Where a dependency was first seen: the acquisition that made it, in which execution. */
export interface PlaceRef {
  task: TaskRef;
  /** Function (and stack) that took the dependent lock while holding the other. */
  fn: string;
  stack: string[];
  label?: string;
  api: string;
  /** Where the lock already held had been taken. */
  heldFn: string;
  heldApi: string;
  /** Replay token of that execution up to this acquisition, its index in the run, and the step. */
  token: string;
  execution: number;
  step: number;
}

/** One edge `from -(kind)-> to` of the dependency graph. */
export interface DependencyRef {
  from: string;
  to: string;
  kind: DepKind;
  /** lockdep `read` of the holder of `from` and of the acquisition of `to`. */
  fromRead: LockdepRead;
  toRead: LockdepRead;
  fromUsage: string;
  toUsage: string;
  first: PlaceRef;
}

/** An explored execution that really deadlocked with these classes held by blocked tasks. */
export interface DeadlockWitness {
  token: string;
  execution: number;
  /** Each blocked task: classes it holds, the lock class it waits for, or the cells of the wait condition it sleeps on. */
  blocked: Array<{ task: TaskRef; holds: string[]; waitsFor?: string; sleepsOn?: string[] }>;
}

export interface CircularDependencyDetails {
  task: TaskRef;
  /** The lock being acquired (lockdep's `next`) and the held lock it now depends on (`prev`). */
  trying: LockRef;
  holding: LockRef;
  /**
   * The cycle as edges: first the new dependency holding -> trying, then the existing path
   * trying -> ... -> holding. Each edge with the place it was first seen.
   */
  cycle: DependencyRef[];
  held: LockRef[];
  confirmedBy?: DeadlockWitness;
}

export interface RecursiveLockingDetails {
  task: TaskRef;
  trying: LockRef;
  holding: LockRef;
  held: LockRef[];
  confirmedBy?: DeadlockWitness;
}

export interface BadUnlockDetails {
  task: TaskRef;
  cls: string;
  api: string;
  fn: string;
  stack: string[];
  label?: string;
  /** Not held at all, held in another mode than released, or downgraded without holding it for write. */
  reason: 'not-held' | 'wrong-mode' | 'downgrade-not-write';
  heldMode?: 'exclusive' | 'shared';
  releasedMode?: 'exclusive' | 'shared';
  held: LockRef[];
}

export interface HeldAtExitDetails {
  task: TaskRef;
  /** The thread ended, or it returned to user space (lockdep_sys_exit). */
  when: 'exit' | 'return-to-user';
  api?: string;
  held: LockRef[];
}

export interface AssertHeldDetails {
  task: TaskRef;
  api: string;
  cls: string;
  /** What was required of the lock. */
  expected: 'held' | 'held-exclusive' | 'held-shared' | 'not-held' | 'no-locks';
  /** How it was held, if at all. */
  actual?: 'exclusive' | 'shared';
  fn: string;
  stack: string[];
  label?: string;
  held: LockRef[];
  /** For a guarded shared location accessed without its guard. */
  access?: { location: string; write: boolean; marked: boolean };
}

/** One side of a data race, KCSAN style. */
export interface AccessRef {
  task: TaskRef;
  write: boolean;
  /** READ_ONCE/WRITE_ONCE (marked) or a plain access. */
  marked: boolean;
  api: string;
  fn: string;
  stack: string[];
  label?: string;
  step: number;
  /** Value read or written, when known and small. */
  value?: string;
}

export interface DataRaceDetails {
  location: string;
  /** The earlier access, then the one that found the race. */
  accesses: [AccessRef, AccessRef];
}
