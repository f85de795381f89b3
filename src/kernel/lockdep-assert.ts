// lockdep_assert_held() and friends (include/linux/lockdep.h): checked by the lockdep monitor,
// which knows every thread's held locks. Without lockdep (no monitor) they do nothing, as in a
// kernel built without CONFIG_LOCKDEP.

import { type Lock, note, type Op } from '../engine/index.js';

export function* lockdep_assert_held(lock: Lock, mode?: 'exclusive' | 'shared'): Generator<Op, void, any> {
  yield* note({ lockdep: 'assert-held', cls: lock.cls, lockId: lock.id, mode, api: 'lockdep_assert_held' });
}

export function* lockdep_assert_not_held(lock: Lock): Generator<Op, void, any> {
  yield* note({ lockdep: 'assert-not-held', cls: lock.cls, lockId: lock.id, api: 'lockdep_assert_not_held' });
}

/** lockdep_sys_exit(): a task must not return to user space holding a lock. */
export function* lockdep_assert_no_locks(api = 'lockdep_sys_exit'): Generator<Op, void, any> {
  yield* note({ lockdep: 'assert-no-locks', api });
}
