// Superblock freeze protection (fs/super.c __sb_start_write, v4.2-v4.4): sb_start_pagefault()
// is the shared side of a per-superblock, per-level freeze lock; freeze_super() takes it
// exclusively. lockdep sees it as a read acquisition of class `sb_pagefaults`.
// Simplification: the per-cpu counters are one shared lock.

import { acquire, type Lock, type Op, release, type World } from '../engine/index.js';
import type { KernelLockInfo } from './lock-info.js';
import { might_sleep } from './task.js';

export type FreezeLock = Lock;

export function sb_freeze_init(
  w: World,
  key: string,
  level: 'sb_writers' | 'sb_pagefaults' | 'sb_internal',
): FreezeLock {
  return w.lock(key, { cls: level });
}

const START: KernelLockInfo = { api: 'sb_start_pagefault', read: 1, lockdep: true };
const END: KernelLockInfo = { api: 'sb_end_pagefault', read: 1, lockdep: true };

export function* sb_start_pagefault(l: FreezeLock): Generator<Op, void, any> {
  yield* might_sleep('sb_start_pagefault');
  yield* acquire(l, 'shared', START);
}

export function* sb_end_pagefault(l: FreezeLock): Generator<Op, void, any> {
  yield* release(l, 'shared', END);
}

/** freeze_super() at this level: waits for every shared holder. */
export function* sb_freeze(l: FreezeLock): Generator<Op, void, any> {
  yield* might_sleep('freeze_super');
  yield* acquire(l, 'exclusive', { api: 'freeze_super', read: 0, lockdep: true });
}

export function* sb_thaw(l: FreezeLock): Generator<Op, void, any> {
  yield* release(l, 'exclusive', { api: 'thaw_super', read: 0, lockdep: true });
}
