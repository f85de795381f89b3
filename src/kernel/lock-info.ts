// What a kernel primitive tells the monitors about each lock op (carried as the op's `info`).

/**
 * lockdep's `read` argument of lock_acquire(): 0 exclusive, 1 shared non-recursive
 * (rw_semaphore down_read), 2 shared recursive (rwlock read_lock outside interrupts).
 */
export type LockdepRead = 0 | 1 | 2;

export interface KernelLockInfo {
  /** The kernel API that issued the op, for traces: `down_read`, `lock_page`, ... */
  api: string;
  read: LockdepRead;
  /** False for locks lockdep of that era did not track (the page lock, PG_locked). */
  lockdep: boolean;
  /** Taking it enters atomic context (spinlocks). */
  atomic?: boolean;
  /**
   * lockdep subclass from the *_nested() APIs (down_write_nested, mutex_lock_nested, ...): the
   * acquisition counts as class `cls/subclass`, so nesting two locks of one class (parent and
   * child inode) is not reported as recursion. lockdep trusts the annotation.
   */
  subclass?: number;
}

/** lockdep allows subclasses 0-7 (MAX_LOCKDEP_SUBCLASSES). */
export const MAX_LOCKDEP_SUBCLASSES = 8;

/** The class lockdep files an acquisition under: `&inode->i_mutex/1` for subclass 1, as lockdep prints it. */
export function lockdepClass(cls: string, info: KernelLockInfo): string {
  return info.subclass ? `${cls}/${info.subclass}` : cls;
}

/** The info of a *_nested() acquisition (made once per subclass by the callers). */
export function nestedInfo(base: KernelLockInfo, subclass: number): KernelLockInfo {
  if (!Number.isInteger(subclass) || subclass < 0 || subclass >= MAX_LOCKDEP_SUBCLASSES)
    throw new Error(
      `BUG: looking up invalid subclass: ${subclass} (lockdep allows 0-${MAX_LOCKDEP_SUBCLASSES - 1})`,
    );
  return Object.freeze({ ...base, api: `${base.api}_nested`, subclass });
}

export function isKernelLockInfo(x: unknown): x is KernelLockInfo {
  return !!x && typeof x === 'object' && 'api' in x && 'read' in x && 'lockdep' in x;
}

/**
 * lockdep-only annotations sent with `note()`: acquisitions of a lockdep map that is no lock
 * the engine schedules on (jbd2's `jbd2_handle`), and lockdep_assert_held().
 */
export type LockdepNote =
  | { lockdep: 'map-acquire'; cls: string; read: LockdepRead; api: string }
  | { lockdep: 'map-release'; cls: string; api: string }
  | { lockdep: 'assert-held'; cls: string; lockId: number; mode?: 'exclusive' | 'shared'; api: string }
  | { lockdep: 'assert-not-held'; cls: string; lockId: number; api: string }
  | { lockdep: 'assert-no-locks'; api: string };

export function isLockdepNote(x: unknown): x is LockdepNote {
  return !!x && typeof x === 'object' && 'lockdep' in x;
}
