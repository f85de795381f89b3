// A model: an initial-state factory, threads as generator functions, and checks on the end state.

import type { Cell, World } from './objects.js';
import type { FindingSpec, ThreadGen } from './ops.js';

export interface ThreadSpec<S> {
  name: string;
  body: (state: S) => ThreadGen;
}

/** Read-only view of an execution's end state, for final checks. */
export interface FinalView {
  peek<T>(cell: Cell<T>): T;
  /** How each thread ended. */
  threads: ReadonlyArray<{ name: string; status: 'done' | 'blocked' | 'runnable' }>;
  /** Values returned by the threads' bodies, by thread id. */
  results: readonly unknown[];
}

export interface Model<S = any> {
  name: string;
  /** Builds the initial state; called once per execution and must be deterministic. */
  setup(world: World): S;
  threads: ThreadSpec<S>[];
  /** Properties of the end state of each execution that ran to its end (not oopsed). */
  check?(state: S, view: FinalView): FindingSpec[] | undefined;
  /** Observers created once per run (e.g. lockdep), fed every execution. */
  monitors?: () => Monitor[];
}

export function defineModel<S>(model: Model<S>): Model<S> {
  if (!model.threads.length) throw new Error(`model '${model.name}' has no threads`);
  return model;
}

// ---- monitors: how higher layers (lockdep, race detection) watch executions ------------------

import type { Lock } from './objects.js';
import type { LockMode, Op } from './ops.js';

export type EngineEvent =
  | { type: 'acquire'; thread: number; lock: Lock; mode: LockMode; try: boolean; info?: unknown }
  | { type: 'acquired'; thread: number; lock: Lock; mode: LockMode; how: 'immediate' | 'try' | 'granted' }
  | { type: 'try-failed'; thread: number; lock: Lock; mode: LockMode }
  | { type: 'blocked'; thread: number; lock: Lock; mode: LockMode }
  | { type: 'release'; thread: number; lock: Lock; mode: LockMode; info?: unknown }
  /**
   * A release (or downgrade) of a lock the thread does not hold, or in another mode than taken;
   * sent before the engine records its own `bad-unlock`, so a monitor's fuller report of the same
   * signature is the one kept. `held` is the mode actually held, if any.
   */
  | {
      type: 'bad-unlock';
      thread: number;
      lock: Lock;
      mode: LockMode | undefined;
      held: LockMode | undefined;
      downgrade: boolean;
      info?: unknown;
    }
  | { type: 'downgrade'; thread: number; lock: Lock }
  /**
   * `wait: true` for the cells a wait condition read (a wait_event check); `commute: true` for a
   * `commutingUpdate` (a write that the explorers do not order against other commuting updates
   * of the cell, so a monitor must not let their order matter either).
   */
  | {
      type: 'access';
      thread: number;
      cell: Cell<unknown>;
      write: boolean;
      info?: unknown;
      wait?: boolean;
      commute?: boolean;
    }
  | { type: 'spawn'; thread: number; child: number }
  | { type: 'join'; thread: number; joined: number }
  | { type: 'wake'; thread: number; woken: readonly number[] }
  /** `died`: the thread was killed (oops, failed assertion, livelock), not returned. */
  | { type: 'exit'; thread: number; died: boolean }
  | { type: 'note'; thread: number; data: unknown };

/** The parts of a running execution a monitor may look at. */
export interface ExecutionContext {
  /** Position of the current step in the execution (0-based). */
  readonly step: number;
  threadName(t: number): string;
  /** Model function the thread is in (innermost `call`). */
  currentFunction(t: number): string;
  /** The whole function stack of a thread, outermost first. */
  functionStack(t: number): readonly string[];
  currentLabel(t: number): string | undefined;
  /** Locks a thread holds in the engine's lock table, in acquisition order. */
  held(t: number): ReadonlyArray<{ lock: Lock; mode: LockMode }>;
  report(finding: FindingSpec): void;
  /** The op a thread will execute next, if runnable. */
  pending(t: number): Op | undefined;
  /** Replay token of the execution so far. */
  token(): string;
  /** Preemptions so far: switches away from a thread that could have gone on. */
  readonly preemptions: number;
}

export interface Monitor {
  beginExecution?(x: ExecutionContext): void;
  /** `e` is valid only during the call: the engine reuses event objects, so copy what you keep. */
  onEvent?(e: EngineEvent, x: ExecutionContext): void;
  /** Called once at the end of each execution; `outcome` says how it ended. */
  endExecution?(x: ExecutionContext, outcome: string): void;
  /** Findings known only from the whole run (e.g. predicted lock-order cycles). */
  endRun?(): FindingSpec[];
  /**
   * For a run's checkpoint: what the monitor keeps from one execution to the next, as plain JSON
   * (null when it keeps nothing). A run with a monitor that lacks it cannot be checkpointed.
   */
  saveRun?(): unknown;
  /** Take back what `saveRun` returned, in a fresh monitor before the run's first execution. */
  restoreRun?(state: unknown): void;
  /**
   * A number that changes whenever what the monitor keeps across executions changes. A random or
   * PCT run split over worker threads (sample-split.ts) runs every execution in a worker, and runs
   * it again on the main thread, in order, only where it changed some monitor there (or raised a
   * finding, or met a new object); the others are only counted. Needed, with `skipExecution`, of
   * every monitor whose `saveRun` keeps something, for such a run.
   */
  runVersion?(): number;
  /** The run counted an execution that did not run here (it changed nothing the monitor keeps). */
  skipExecution?(): void;
}
