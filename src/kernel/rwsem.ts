// struct rw_semaphore (kernel/locking/rwsem-xadd.c, v4.2-v4.4): many readers or one writer;
// a down_read waits while a writer holds it *or is queued*; FIFO wake-up (the head writer, or
// the run of readers at the head); no upgrade; no recursion (a second down_read by the same
// task queues behind a waiting writer like anyone else's).
// Simplification: optimistic spinning and lock stealing by a running writer are not modelled;
// the engine hands the lock over in queue order.

import { acquire, downgrade, type Lock, type Op, release, tryAcquire, type World } from '../engine/index.js';
import { type KernelLockInfo, nestedInfo } from './lock-info.js';
import { might_sleep } from './task.js';

export type RwSemaphore = Lock;

/** init_rwsem(): `cls` is lockdep's class name, e.g. `&mapping->i_mmap_rwsem`. */
export function init_rwsem(w: World, key: string, cls: string): RwSemaphore {
  return w.lock(key, { cls });
}

const info = (api: string, read: 0 | 1): KernelLockInfo => ({ api, read, lockdep: true });
const DOWN_READ = info('down_read', 1);
const DOWN_WRITE = info('down_write', 0);
const UP_READ = info('up_read', 1);
const UP_WRITE = info('up_write', 0);
const DOWN_READ_TRY = info('down_read_trylock', 1);
const DOWN_WRITE_TRY = info('down_write_trylock', 0);
const DOWNGRADE = info('downgrade_write', 1);

export function* down_read(sem: RwSemaphore): Generator<Op, void, any> {
  yield* might_sleep('down_read');
  yield* acquire(sem, 'shared', DOWN_READ);
}

export function* down_write(sem: RwSemaphore): Generator<Op, void, any> {
  yield* might_sleep('down_write');
  yield* acquire(sem, 'exclusive', DOWN_WRITE);
}

const NESTED_READ = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => nestedInfo(DOWN_READ, n));
const NESTED_WRITE = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => nestedInfo(DOWN_WRITE, n));

/** down_read_nested(): down_read with a lockdep subclass (0-7). */
export function* down_read_nested(sem: RwSemaphore, subclass: number): Generator<Op, void, any> {
  yield* might_sleep('down_read_nested');
  yield* acquire(sem, 'shared', NESTED_READ[subclass] ?? nestedInfo(DOWN_READ, subclass));
}

/** down_write_nested(): down_write with a lockdep subclass (0-7). */
export function* down_write_nested(sem: RwSemaphore, subclass: number): Generator<Op, void, any> {
  yield* might_sleep('down_write_nested');
  yield* acquire(sem, 'exclusive', NESTED_WRITE[subclass] ?? nestedInfo(DOWN_WRITE, subclass));
}

export function* up_read(sem: RwSemaphore): Generator<Op, void, any> {
  yield* release(sem, 'shared', UP_READ);
}

export function* up_write(sem: RwSemaphore): Generator<Op, void, any> {
  yield* release(sem, 'exclusive', UP_WRITE);
}

/** Returns 1 when taken, 0 otherwise (fails while a writer holds or waits). */
export function* down_read_trylock(sem: RwSemaphore): Generator<Op, number, any> {
  return (yield* tryAcquire(sem, 'shared', DOWN_READ_TRY)) ? 1 : 0;
}

export function* down_write_trylock(sem: RwSemaphore): Generator<Op, number, any> {
  return (yield* tryAcquire(sem, 'exclusive', DOWN_WRITE_TRY)) ? 1 : 0;
}

export function* downgrade_write(sem: RwSemaphore): Generator<Op, void, any> {
  yield* downgrade(sem, DOWNGRADE);
}
