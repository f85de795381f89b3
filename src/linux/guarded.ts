// Which lock guards which piece of kernel state, so that the race detector (src/kernel/
// race-detector.ts) checks the model's accesses as KCSAN and lockdep_assert_held() would: a plain
// access needs the guard held (a write in its write mode), and two unordered plain accesses by
// different tasks, one a write, are a data race.
//
// The state is built as plain engine cells (src/linux/state.ts); `guard()` declares the lock of a
// cell there, and the accessors below attach the declaration to each access with the kernel API
// that makes it. A cell with no declared guard stays what it was: an atomic location that orders
// tasks and is never checked. Declared so far: mapping->i_mmap (i_mmap_rwsem), mm->mmap
// (mmap_sem), the PTEs (their ptl) and the file's extent map (XFS ILOCK, ext4 i_data_sem).
// Not declared: the page cache slots and nrpages (radix tree under tree_lock with RCU lookups;
// tree_lock is not modelled), i_size (i_size_write's exclusion differs per caller), the PMDs,
// the pmem contents (user data: the data checks judge them).

import { type Cell, type Lock, type LockMode, read, update, write } from '../engine/index.js';
import type { SharedAccessInfo } from '../kernel/index.js';
import type { G } from './types.js';

interface GuardDecl {
  location: string;
  guard: { id: number; cls: string; writeMode: LockMode };
}

/** How the kernel code accesses the location at this site. */
export type AccessKind = 'load' | 'store' | 'modify' | 'READ_ONCE' | 'WRITE_ONCE';

// Cells are interned per run (the same object in every execution), so both maps stay small; the
// infos are made once per cell, API and kind (this is on every modelled access: no allocation).
const guards = new WeakMap<Cell<unknown>, GuardDecl>();
type Info = SharedAccessInfo | { api: string };
const infos = new WeakMap<Cell<unknown>, Map<string, Partial<Record<AccessKind, Info>>>>();

/** Declare that `lock` guards `cell` (named `location` in reports); writes need it in `writeMode`. */
export function guard<T>(
  cell: Cell<T>,
  location: string,
  lock: Lock,
  writeMode: LockMode = 'exclusive',
): Cell<T> {
  guards.set(cell as Cell<unknown>, { location, guard: { id: lock.id, cls: lock.cls, writeMode } });
  return cell;
}

/** The op info of one access site: the declaration plus the kernel API; `{ api }` for an undeclared cell. */
export function accessInfo(cell: Cell<unknown>, api: string, how: AccessKind): Info {
  let perCell = infos.get(cell);
  if (!perCell) infos.set(cell, (perCell = new Map()));
  let perApi = perCell.get(api);
  if (!perApi) perCell.set(api, (perApi = {}));
  let info = perApi[how];
  if (!info) {
    const d = guards.get(cell);
    info = d
      ? Object.freeze({
          shared: d.location,
          api,
          marked: how === 'READ_ONCE' || how === 'WRITE_ONCE',
          atomic: false,
          guard: d.guard,
        })
      : Object.freeze({ api });
    perApi[how] = info;
  }
  return info;
}

/** A plain C load of a guarded location (the guard must be held). */
export function* kload<T>(cell: Cell<T>, api: string): G<T> {
  return yield* read(cell, accessInfo(cell as Cell<unknown>, api, 'load'));
}

/** A deliberate lockless read (READ_ONCE, or a read the kernel re-checks under the lock). */
export function* kreadOnce<T>(cell: Cell<T>, api: string): G<T> {
  return yield* read(cell, accessInfo(cell as Cell<unknown>, api, 'READ_ONCE'));
}

/** A plain C store to a guarded location. */
export function* kstore<T>(cell: Cell<T>, v: T, api: string): G {
  yield* write(cell, v, accessInfo(cell as Cell<unknown>, api, 'store'));
}

/** A single-copy-atomic store (WRITE_ONCE, set_pte_at, ptep_get_and_clear's xchg): still needs the guard. */
export function* kwriteOnce<T>(cell: Cell<T>, v: T, api: string): G {
  yield* write(cell, v, accessInfo(cell as Cell<unknown>, api, 'WRITE_ONCE'));
}

/** A read-modify-write under the guard (list insertion, removal), as one step. */
export function* kmodify<T>(cell: Cell<T>, fn: (old: T) => T, api: string): G<T> {
  return yield* update(cell, fn, accessInfo(cell as Cell<unknown>, api, 'modify'));
}
