// fs/xfs/xfs_iops.c: ftruncate (v4.2-v4.4, reference 2.9).

import { at, modelled } from '../../../engine/index.js';
import type { G, Sys } from '../../types.js';
import { i_size_read } from '../inode.js';
import { XFS_ILOCK_EXCL, XFS_IOLOCK_EXCL, XFS_MMAPLOCK_EXCL, xfs_ilock, xfs_iunlock } from './xfs_inode.js';
import { xfs_itruncate_extents } from './xfs_iomap.js';

// Models xfs_vn_setattr() with ATTR_SIZE (v4.2-v4.4): IOLOCK_EXCL, then MMAPLOCK_EXCL (new
// faults wait), xfs_setattr_size, unlock both. Simplified: xfs_break_layouts (pNFS) is absent.
export const xfs_vn_setattr_size = modelled(
  'xfs_vn_setattr',
  function* xfs_vn_setattr_size(sys: Sys, newsize: number): G<number> {
    yield* xfs_ilock(sys, XFS_IOLOCK_EXCL);
    yield* xfs_ilock(sys, XFS_MMAPLOCK_EXCL);
    const error = yield* sys.k.xfs_setattr_size(sys, newsize);
    yield* xfs_iunlock(sys, XFS_IOLOCK_EXCL | XFS_MMAPLOCK_EXCL);
    return error;
  },
);

// Models xfs_setattr_size() (identical v4.2-v4.4 apart from a stats macro): dax_truncate_page,
// truncate_setsize (i_size, unmap x2, page cache) outside any transaction, then a transaction
// with ILOCK_EXCL that logs the size and frees the blocks past it.
// Simplified: no xfs_zero_eof (page-granular sizes), no inode_dio_wait (the IOLOCK excludes
// DAX write(2) here), no on-disk size beyond the block map.
export const xfs_setattr_size = modelled(
  'xfs_setattr_size',
  function* xfs_setattr_size(sys: Sys, newsize: number): G<number> {
    const oldsize = yield* i_size_read(sys);
    const error = yield* sys.k.dax_truncate_page(sys, newsize, sys.k.xfs_get_blocks_direct);
    if (error) return error;
    yield* sys.k.truncate_setsize(sys, newsize);
    yield* at('xfs_trans_alloc + xfs_trans_reserve');
    yield* xfs_ilock(sys, XFS_ILOCK_EXCL);
    yield* at('ip->i_d.di_size = newsize');
    if (newsize <= oldsize) yield* xfs_itruncate_extents(sys, newsize);
    yield* at('xfs_trans_commit');
    yield* xfs_iunlock(sys, XFS_ILOCK_EXCL);
    return 0;
  },
);
