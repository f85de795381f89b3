// struct mutex (kernel/locking/mutex.c): sleeping, exclusive, not recursive.
// Simplification: hand-off in FIFO order (no optimistic spinning or stealing).

import { acquire, type Lock, type Op, release, tryAcquire, type World } from '../engine/index.js';
import { type KernelLockInfo, nestedInfo } from './lock-info.js';
import { might_sleep } from './task.js';

export type Mutex = Lock;

export function mutex_init(w: World, key: string, cls: string): Mutex {
  return w.lock(key, { cls });
}

const LOCK: KernelLockInfo = { api: 'mutex_lock', read: 0, lockdep: true };
const UNLOCK: KernelLockInfo = { api: 'mutex_unlock', read: 0, lockdep: true };
const TRY: KernelLockInfo = { api: 'mutex_trylock', read: 0, lockdep: true };

export function* mutex_lock(m: Mutex): Generator<Op, void, any> {
  yield* might_sleep('mutex_lock');
  yield* acquire(m, 'exclusive', LOCK);
}

const NESTED = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => nestedInfo(LOCK, n));

/** mutex_lock_nested(): mutex_lock with a lockdep subclass (0-7), e.g. I_MUTEX_PARENT / I_MUTEX_CHILD. */
export function* mutex_lock_nested(m: Mutex, subclass: number): Generator<Op, void, any> {
  yield* might_sleep('mutex_lock_nested');
  yield* acquire(m, 'exclusive', NESTED[subclass] ?? nestedInfo(LOCK, subclass));
}

export function* mutex_unlock(m: Mutex): Generator<Op, void, any> {
  yield* release(m, 'exclusive', UNLOCK);
}

export function* mutex_trylock(m: Mutex): Generator<Op, number, any> {
  return (yield* tryAcquire(m, 'exclusive', TRY)) ? 1 : 0;
}
