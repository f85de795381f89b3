// fs/xfs/xfs_inode.c: xfs_ilock() / xfs_iunlock() / xfs_ilock_demote() over the inode's three
// rw-semaphores, taken in the order IOLOCK -> MMAPLOCK -> ILOCK (v4.2-v4.4).
// Lock classes as lockdep of v4.2-v4.4 names them: mrlock_init() is init_rwsem(&(mrp)->mr_lock)
// expanded at each call site, so the iolock and mmaplock classes carry the stringified
// expression; xfs_setup_inode() re-classes the ilock of a regular file to
// xfs_nondir_ilock_class (checked in the v4.3.3 tree: xfs_icache.c, xfs_super.c, xfs_iops.c).
// Simplification: no lockdep subclasses (XFS_IOLOCK_DEP etc. are 0 for one inode).

import { down_read, down_write, downgrade_write, up_read, up_write } from '../../../kernel/index.js';
import type { G, Sys } from '../../types.js';

export const XFS_IOLOCK_CLASS = '&(&ip->i_iolock)->mr_lock';
export const XFS_MMAPLOCK_CLASS = '&(&ip->i_mmaplock)->mr_lock';
export const XFS_ILOCK_CLASS = '&xfs_nondir_ilock_class';

export const XFS_IOLOCK_EXCL = 1 << 0;
export const XFS_IOLOCK_SHARED = 1 << 1;
export const XFS_ILOCK_EXCL = 1 << 2;
export const XFS_ILOCK_SHARED = 1 << 3;
export const XFS_MMAPLOCK_EXCL = 1 << 4;
export const XFS_MMAPLOCK_SHARED = 1 << 5;

const locks = (sys: Sys) => sys.st.inode.fsLocks;

// Models xfs_ilock() (v4.2-v4.4).
export function* xfs_ilock(sys: Sys, flags: number): G {
  const l = locks(sys);
  if (flags & XFS_IOLOCK_EXCL) yield* down_write(l.iolock);
  else if (flags & XFS_IOLOCK_SHARED) yield* down_read(l.iolock);
  if (flags & XFS_MMAPLOCK_EXCL) yield* down_write(l.mmaplock);
  else if (flags & XFS_MMAPLOCK_SHARED) yield* down_read(l.mmaplock);
  if (flags & XFS_ILOCK_EXCL) yield* down_write(l.ilock);
  else if (flags & XFS_ILOCK_SHARED) yield* down_read(l.ilock);
}

// Models xfs_iunlock() (v4.2-v4.4).
export function* xfs_iunlock(sys: Sys, flags: number): G {
  const l = locks(sys);
  if (flags & XFS_IOLOCK_EXCL) yield* up_write(l.iolock);
  else if (flags & XFS_IOLOCK_SHARED) yield* up_read(l.iolock);
  if (flags & XFS_MMAPLOCK_EXCL) yield* up_write(l.mmaplock);
  else if (flags & XFS_MMAPLOCK_SHARED) yield* up_read(l.mmaplock);
  if (flags & XFS_ILOCK_EXCL) yield* up_write(l.ilock);
  else if (flags & XFS_ILOCK_SHARED) yield* up_read(l.ilock);
}

// Models xfs_ilock_demote() (v4.2-v4.4) for the IOLOCK.
export function* xfs_ilock_demote_iolock(sys: Sys): G {
  yield* downgrade_write(locks(sys).iolock);
}
