// spinlock_t (include/linux/spinlock.h): exclusive; taking it disables preemption, so the
// holder is in atomic context and must not sleep (might_sleep reports it).
// Simplification: spinning is modelled as waiting in FIFO order; no IRQ context.

import { acquire, type Lock, type Op, release, type World } from '../engine/index.js';
import { type KernelLockInfo, nestedInfo } from './lock-info.js';
import { current } from './task.js';

export type Spinlock = Lock;

export function spin_lock_init(w: World, key: string, cls: string): Spinlock {
  return w.lock(key, { cls });
}

const LOCK: KernelLockInfo = { api: 'spin_lock', read: 0, lockdep: true, atomic: true };
const UNLOCK: KernelLockInfo = { api: 'spin_unlock', read: 0, lockdep: true, atomic: true };

export function* spin_lock(l: Spinlock): Generator<Op, void, any> {
  yield* acquire(l, 'exclusive', LOCK);
  const task = yield* current();
  task.preemptCount++;
  task.atomicLocks.push(l.cls);
}

const NESTED = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => nestedInfo(LOCK, n));

/** spin_lock_nested(): spin_lock with a lockdep subclass (0-7), e.g. SINGLE_DEPTH_NESTING. */
export function* spin_lock_nested(l: Spinlock, subclass: number): Generator<Op, void, any> {
  yield* acquire(l, 'exclusive', NESTED[subclass] ?? nestedInfo(LOCK, subclass));
  const task = yield* current();
  task.preemptCount++;
  task.atomicLocks.push(l.cls);
}

export function* spin_unlock(l: Spinlock): Generator<Op, void, any> {
  const task = yield* current();
  const i = task.atomicLocks.lastIndexOf(l.cls);
  if (i >= 0) {
    task.atomicLocks.splice(i, 1);
    task.preemptCount--;
  }
  yield* release(l, 'exclusive', UNLOCK);
}
