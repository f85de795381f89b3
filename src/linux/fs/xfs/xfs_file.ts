// fs/xfs/xfs_file.c: the DAX fault handlers (vm_ops) and the DAX write(2) path
// (v4.2-v4.4, reference 2.9 and 2.6). Documented order: mmap_sem -> sb_start_pagefault ->
// i_mmaplock -> page lock -> i_lock.

import { at, call, modelled } from '../../../engine/index.js';
import { mutex_lock, mutex_unlock, sb_end_pagefault, sb_start_pagefault } from '../../../kernel/index.js';
import { mapping_nrpages } from '../../mm/filemap.js';
import {
  FAULT_FLAG_WRITE,
  type G,
  type Sys,
  VM_FAULT_NOPAGE,
  VM_FAULT_SIGBUS,
  type Vma,
  type VmFault,
} from '../../types.js';
import { dax_do_io_write } from '../dax.js';
import { i_size_read } from '../inode.js';
import {
  XFS_IOLOCK_EXCL,
  XFS_IOLOCK_SHARED,
  XFS_MMAPLOCK_SHARED,
  xfs_ilock,
  xfs_ilock_demote_iolock,
  xfs_iunlock,
} from './xfs_inode.js';

function* file_update_time(): G {
  yield* at('file_update_time');
}

/**
 * Builds the XFS DAX fault handlers as v4.2/v4.3 (`v44` false: xfs_get_blocks_direct with the
 * xfs_end_io_dax_write completion; pmd_fault takes freeze protection unconditionally) or v4.4
 * has them (xfs_get_blocks_dax_fault, no completion, freeze protection only for writes).
 */
export function makeXfsFaultHandlers(v44: boolean) {
  const gb = (sys: Sys) => (v44 ? sys.k.xfs_get_blocks_dax_fault : sys.k.xfs_get_blocks_direct);
  const completion = (sys: Sys) => (v44 ? null : sys.k.xfs_end_io_dax_write);

  // Models xfs_filemap_page_mkwrite() (v4.2-v4.4) for DAX: SBPF, MMAPLOCK_SHARED, __dax_mkwrite.
  const xfs_filemap_page_mkwrite = modelled(
    'xfs_filemap_page_mkwrite',
    function* xfs_filemap_page_mkwrite(sys: Sys, vma: Vma, vmf: VmFault): G<number> {
      yield* sb_start_pagefault(sys.st.sb_pagefaults);
      yield* file_update_time();
      yield* xfs_ilock(sys, XFS_MMAPLOCK_SHARED);
      const ret = yield* sys.k.__dax_fault(sys, vma, vmf, gb(sys), completion(sys));
      yield* xfs_iunlock(sys, XFS_MMAPLOCK_SHARED);
      yield* sb_end_pagefault(sys.st.sb_pagefaults);
      return ret;
    },
  );

  // Models xfs_filemap_fault() (v4.2-v4.4) for DAX: write faults take the page_mkwrite path;
  // reads take MMAPLOCK_SHARED around __dax_fault with no unwritten completion.
  const xfs_filemap_fault = modelled(
    'xfs_filemap_fault',
    function* xfs_filemap_fault(sys: Sys, vma: Vma, vmf: VmFault): G<number> {
      if (vmf.flags & FAULT_FLAG_WRITE) return yield* sys.k.xfs_filemap_page_mkwrite(sys, vma, vmf);
      yield* xfs_ilock(sys, XFS_MMAPLOCK_SHARED);
      const ret = yield* sys.k.__dax_fault(sys, vma, vmf, gb(sys), null);
      yield* xfs_iunlock(sys, XFS_MMAPLOCK_SHARED);
      return ret;
    },
  );

  // Models xfs_filemap_pmd_fault() (v4.3-v4.4).
  const xfs_filemap_pmd_fault = modelled(
    'xfs_filemap_pmd_fault',
    function* xfs_filemap_pmd_fault(sys: Sys, vma: Vma, vpage: number, flags: number): G<number> {
      const sbpf = !v44 || (flags & FAULT_FLAG_WRITE) !== 0;
      if (sbpf) {
        yield* sb_start_pagefault(sys.st.sb_pagefaults);
        yield* file_update_time();
      }
      yield* xfs_ilock(sys, XFS_MMAPLOCK_SHARED);
      const ret = yield* sys.k.__dax_pmd_fault(sys, vma, vpage, flags, gb(sys), completion(sys));
      yield* xfs_iunlock(sys, XFS_MMAPLOCK_SHARED);
      if (sbpf) yield* sb_end_pagefault(sys.st.sb_pagefaults);
      return ret;
    },
  );

  // Models xfs_filemap_pfn_mkwrite() (v4.4): serialise the write-enable against truncate with
  // MMAPLOCK_SHARED and refuse it past EOF.
  const xfs_filemap_pfn_mkwrite = modelled(
    'xfs_filemap_pfn_mkwrite',
    function* xfs_filemap_pfn_mkwrite(sys: Sys, _vma: Vma, vmf: VmFault): G<number> {
      let ret = VM_FAULT_NOPAGE;
      yield* sb_start_pagefault(sys.st.sb_pagefaults);
      yield* file_update_time();
      yield* xfs_ilock(sys, XFS_MMAPLOCK_SHARED);
      const size = yield* i_size_read(sys);
      if (vmf.pgoff >= size) ret = VM_FAULT_SIGBUS;
      yield* xfs_iunlock(sys, XFS_MMAPLOCK_SHARED);
      yield* sb_end_pagefault(sys.st.sb_pagefaults);
      return ret;
    },
  );

  return { xfs_filemap_fault, xfs_filemap_page_mkwrite, xfs_filemap_pmd_fault, xfs_filemap_pfn_mkwrite };
}

export const xfsFaultsV42 = makeXfsFaultHandlers(false);

// Models xfs_file_write_iter() (v4.2-v4.4) for a DAX file: every write goes to
// xfs_file_dio_aio_write(). Simplified: no O_APPEND, no file_remove_privs.
export function* xfs_file_write_iter(sys: Sys, page: number, value: number): G<number> {
  return yield* call('xfs_file_write_iter', sys.k.xfs_file_dio_aio_write(sys, page, value));
}

// Models xfs_file_dio_aio_write() (v4.2-v4.4) for a one-page DAX write: IOLOCK (exclusive if
// the mapping has pages), invalidate_inode_pages2 before and invalidate_inode_pages2_range
// after the write while holding only the IOLOCK (not MMAPLOCK), dax_do_io in between.
// Simplified: no EOF zeroing (page-granular sizes), no inode_dio_wait for unaligned I/O.
export const xfs_file_dio_aio_write = modelled(
  'xfs_file_dio_aio_write',
  function* xfs_file_dio_aio_write(sys: Sys, page: number, value: number): G<number> {
    let iolock = (yield* mapping_nrpages(sys)) ? XFS_IOLOCK_EXCL : XFS_IOLOCK_SHARED;
    yield* xfs_rw_ilock(sys, iolock);
    if (iolock === XFS_IOLOCK_SHARED && (yield* mapping_nrpages(sys))) {
      yield* xfs_rw_iunlock(sys, iolock);
      iolock = XFS_IOLOCK_EXCL;
      yield* xfs_rw_ilock(sys, iolock);
    }
    if (yield* mapping_nrpages(sys)) {
      yield* at('filemap_write_and_wait; invalidate_inode_pages2');
      yield* sys.k.invalidate_inode_pages2_range(sys, 0, Number.MAX_SAFE_INTEGER);
    }
    if (iolock === XFS_IOLOCK_EXCL) {
      // xfs_rw_ilock_demote()
      yield* xfs_ilock_demote_iolock(sys);
      yield* mutex_unlock(sys.st.inode.i_mutex);
      iolock = XFS_IOLOCK_SHARED;
    }
    const ret = yield* dax_do_io_write(
      sys,
      page,
      value,
      sys.k.xfs_get_blocks_direct,
      sys.k.xfs_end_io_direct_write,
    );
    if (yield* mapping_nrpages(sys)) yield* sys.k.invalidate_inode_pages2_range(sys, page, page);
    yield* xfs_rw_iunlock(sys, iolock);
    return ret;
  },
);

// Models xfs_rw_ilock() (v4.2-v4.4): i_mutex too when the IOLOCK is taken exclusively.
function* xfs_rw_ilock(sys: Sys, type: number): G {
  if (type & XFS_IOLOCK_EXCL) yield* mutex_lock(sys.st.inode.i_mutex);
  yield* xfs_ilock(sys, type);
}

// Models xfs_rw_iunlock() (v4.2-v4.4).
function* xfs_rw_iunlock(sys: Sys, type: number): G {
  yield* xfs_iunlock(sys, type);
  if (type & XFS_IOLOCK_EXCL) yield* mutex_unlock(sys.st.inode.i_mutex);
}
