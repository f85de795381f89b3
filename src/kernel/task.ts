// Per-thread kernel state (`current`): preempt count and the current jbd2 handle.

import { type FindingSpec, type Op, report, self } from '../engine/index.js';

export interface KernelTask {
  /** >0 in atomic context (a spinlock held). */
  preemptCount: number;
  /** Spinlock classes held, innermost last, for sleep-in-atomic reports. */
  atomicLocks: string[];
  /** current->journal_info: the running jbd2 handle, if any. */
  journalInfo: unknown;
}

export function* current(): Generator<Op, KernelTask, any> {
  const h = yield* self();
  let k = h.local.kernel as KernelTask | undefined;
  if (!k) {
    k = { preemptCount: 0, atomicLocks: [], journalInfo: null };
    h.local.kernel = k;
  }
  return k;
}

/**
 * might_sleep(): a sleeping primitive called in atomic context is a bug whether or not it
 * would have blocked (kernel/sched/core.c ___might_sleep). Reported, then execution goes on.
 */
export function* might_sleep(api: string): Generator<Op, void, any> {
  const task = yield* current();
  if (task.preemptCount > 0) {
    const f: FindingSpec = {
      kind: 'sleep-in-atomic',
      title: 'BUG: sleeping function called from invalid context',
      message: `${api}() called with preempt_count ${task.preemptCount}, holding ${task.atomicLocks.join(', ')}`,
      locks: [...task.atomicLocks],
      details: { api, preemptCount: task.preemptCount, atomicLocks: [...task.atomicLocks] },
    };
    yield* report(f);
  }
}
