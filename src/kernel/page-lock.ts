// The page lock, PG_locked (mm/filemap.c, include/linux/pagemap.h): a sleeping bit lock on one
// page. Any task may unlock it (the engine lock is ownerless). lockdep of 2015 did not track
// it, so it is invisible to lockdep here too; real deadlocks through it are still found by
// exploration.

import { acquire, type Lock, type Op, release, tryAcquire } from '../engine/index.js';
import type { KernelLockInfo } from './lock-info.js';
import { might_sleep } from './task.js';

/** Class name used for page locks in reports. */
export const PAGE_LOCK_CLASS = 'PG_locked';

const LOCK: KernelLockInfo = { api: 'lock_page', read: 0, lockdep: false };
const TRY: KernelLockInfo = { api: 'trylock_page', read: 0, lockdep: false };
const UNLOCK: KernelLockInfo = { api: 'unlock_page', read: 0, lockdep: false };
const RETRY: KernelLockInfo = { api: 'lock_page_or_retry', read: 0, lockdep: false };

export function* lock_page(pageLock: Lock): Generator<Op, void, any> {
  yield* might_sleep('lock_page');
  yield* acquire(pageLock, 'exclusive', LOCK);
}

export function* trylock_page(pageLock: Lock): Generator<Op, boolean, any> {
  return yield* tryAcquire(pageLock, 'exclusive', TRY);
}

export function* unlock_page(pageLock: Lock): Generator<Op, void, any> {
  yield* release(pageLock, 'exclusive', UNLOCK);
}

/**
 * lock_page_or_retry() (mm/filemap.c __lock_page_or_retry, v4.2-v4.4): a trylock; on failure,
 * with FAULT_FLAG_ALLOW_RETRY, the caller's `dropMmapSem` runs (up_read(mmap_sem)), the task
 * waits until the page is unlocked, and 0 is returned (VM_FAULT_RETRY); without it, a blocking
 * lock_page and 1. Simplification: the wait for the unlock is a lock-then-unlock of the page.
 */
export function* lock_page_or_retry(
  pageLock: Lock,
  allowRetry: boolean,
  dropMmapSem: () => Generator<Op, void, any>,
): Generator<Op, number, any> {
  if (yield* tryAcquire(pageLock, 'exclusive', RETRY)) return 1;
  if (!allowRetry) {
    yield* lock_page(pageLock);
    return 1;
  }
  yield* dropMmapSem();
  yield* might_sleep('wait_on_page_locked');
  yield* acquire(pageLock, 'exclusive', { ...LOCK, api: 'wait_on_page_locked' });
  yield* release(pageLock, 'exclusive', { ...UNLOCK, api: 'wait_on_page_locked' });
  return 0;
}
