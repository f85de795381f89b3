// XFS as the VFS and the mm see it: its FsOps (vm_ops, setattr, write_iter) and its
// per-inode state (the three rw-semaphores and the free-space allocator).

import type { World } from '../../../engine/index.js';
import { init_rwsem } from '../../../kernel/index.js';
import type { FsOps, Geometry } from '../../types.js';
import { oneFsOpsPerOptions } from '../registry.js';
import { XFS_ILOCK_CLASS, XFS_IOLOCK_CLASS, XFS_MMAPLOCK_CLASS } from './xfs_inode.js';

/** xfs_file_vm_ops (+ setattr and write_iter) as a version has them: ->pmd_fault from v4.3,
 *  ->pfn_mkwrite from v4.4. Every entry dispatches through the version's function table. */
export const xfsFsOps = oneFsOpsPerOptions(make);

function make(opts: { pmd_fault: boolean; pfn_mkwrite: boolean }): FsOps {
  return {
    vm_ops: {
      fault: (sys, vma, vmf) => sys.k.xfs_filemap_fault(sys, vma, vmf),
      page_mkwrite: (sys, vma, vmf) => sys.k.xfs_filemap_page_mkwrite(sys, vma, vmf),
      ...(opts.pmd_fault
        ? { pmd_fault: (sys, vma, vpage, flags) => sys.k.xfs_filemap_pmd_fault(sys, vma, vpage, flags) }
        : {}),
      ...(opts.pfn_mkwrite
        ? { pfn_mkwrite: (sys, vma, vmf) => sys.k.xfs_filemap_pfn_mkwrite(sys, vma, vmf) }
        : {}),
    },
    setattr_size: (sys, newsize) => sys.k.xfs_vn_setattr_size(sys, newsize),
    write_iter: (sys, page, value) => sys.k.xfs_file_write_iter(sys, page, value),
  };
}

/** The XFS inode's locks and the allocator cursor (first free physical block). */
export function xfsInodeState(w: World, geo: Geometry) {
  const fsLocks = {
    iolock: init_rwsem(w, 'ip->i_iolock', XFS_IOLOCK_CLASS),
    mmaplock: init_rwsem(w, 'ip->i_mmaplock', XFS_MMAPLOCK_CLASS),
    ilock: init_rwsem(w, 'ip->i_lock', XFS_ILOCK_CLASS),
  };
  return {
    fsLocks,
    // xfs_bmapi_read under ILOCK_SHARED; xfs_bmapi_write and xfs_bunmapi under ILOCK_EXCL
    extentLock: fsLocks.ilock,
    fsCells: {
      // blocks below filePages belong to the initial file (block i at pblk i); free space follows
      freeSpace: w.cell('xfs free space cursor', geo.filePages),
    },
  };
}
