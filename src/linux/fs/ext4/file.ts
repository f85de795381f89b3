// fs/ext4/file.c (v4.2-v4.4, reference 2.8): the DAX vm_ops (fault, pmd_fault, page_mkwrite;
// pfn_mkwrite is dax_pfn_mkwrite), the unwritten-extent completion DAX calls after zeroing,
// and the DAX write(2) entry. ext4 has no filesystem fault lock in these versions: faults are
// serialised against truncate and hole punch only by what fs/dax.c takes.
// Simplification: file_update_time() is a trace label (in the kernel it dirties the inode
// through ext4_dirty_inode, a handle started and stopped before any DAX lock is taken).

import { at, call, modelled } from '../../../engine/index.js';
import { mutex_lock, mutex_unlock, sb_end_pagefault, sb_start_pagefault } from '../../../kernel/index.js';
import { mapping_nrpages } from '../../mm/filemap.js';
import {
  type BufferHead,
  FAULT_FLAG_WRITE,
  type G,
  type GetBlock,
  type Sys,
  type Vma,
  type VmFault,
} from '../../types.js';
import { i_size_read, i_size_write } from '../inode.js';
import { ext4_journal_start, ext4_journal_stop, type Handle } from './ext4_jbd2.js';

function* file_update_time(): G {
  yield* at('file_update_time');
}

// Models ext4_end_io_unwritten() (v4.2-v4.4): the complete_unwritten callback of the DAX
// faults. On success, convert the buffer's range with ext4_convert_unwritten_extents(NULL, ...),
// which starts its own handle (nested in the fault's, if the fault runs one).
export const ext4_end_io_unwritten = modelled(
  'ext4_end_io_unwritten',
  function* ext4_end_io_unwritten(sys: Sys, bh: BufferHead, uptodate: boolean): G {
    if (!uptodate) return;
    if (!bh.unwritten) yield* at('WARN_ON(!buffer_unwritten(bh))');
    yield* sys.k.ext4_convert_unwritten_extents(sys, bh.iblock, bh.size);
  },
);

/** The get_block callback ext4 passes to DAX, by name, resolved in the version's table. */
export type Ext4DaxGetBlock = 'ext4_get_block' | 'ext4_get_block_write' | 'ext4_get_block_dax';

const getBlockOf = (sys: Sys, name: Ext4DaxGetBlock): GetBlock => sys.k[name];

/**
 * Builds ext4_dax_fault() as a version has it: v4.2 `dax_fault(vma, vmf, ext4_get_block,
 * ext4_end_io_unwritten)`; later the same with ext4_get_block_write or ext4_get_block_dax; and
 * with `journalFirst` (01a33b4ace68 "ext4: start transaction before calling into DAX") the
 * v4.3/v4.4 code: for a write, SBPF, file_update_time and a handle before __dax_fault.
 */
export function makeExt4DaxFault(getBlock: Ext4DaxGetBlock, journalFirst: boolean) {
  if (!journalFirst) {
    // Models ext4_dax_fault() as dax_fault(..., getBlock, ext4_end_io_unwritten) (v4.2 and the
    // v4.3 merge window before 01a33b4ace68): SBPF for a write, no handle before DAX.
    return function* ext4_dax_fault(sys: Sys, vma: Vma, vmf: VmFault): G<number> {
      return yield* call(
        'ext4_dax_fault',
        sys.k.dax_fault(sys, vma, vmf, getBlockOf(sys, getBlock), sys.k.ext4_end_io_unwritten),
      );
    };
  }
  // Models ext4_dax_fault() (v4.3-v4.4): for a write, SBPF, file_update_time and
  // ext4_journal_start_sb(EXT4_HT_WRITE_PAGE) before __dax_fault, so that the order is
  // SBPF -> jbd2_handle -> (page lock, i_mmap_rwsem, i_data_sem). Reads start no handle here.
  return modelled('ext4_dax_fault', function* ext4_dax_fault(sys: Sys, vma: Vma, vmf: VmFault): G<number> {
    const write = (vmf.flags & FAULT_FLAG_WRITE) !== 0;
    let handle: Handle | null = null;
    if (write) {
      yield* sb_start_pagefault(sys.st.sb_pagefaults);
      yield* file_update_time();
      handle = yield* ext4_journal_start(sys, 'EXT4_HT_WRITE_PAGE');
    }
    const result = yield* sys.k.__dax_fault(
      sys,
      vma,
      vmf,
      getBlockOf(sys, getBlock),
      sys.k.ext4_end_io_unwritten,
    );
    if (write) {
      if (handle) yield* ext4_journal_stop(handle);
      yield* sb_end_pagefault(sys.st.sb_pagefaults);
    }
    return result;
  });
}

/** Builds ext4_dax_pmd_fault() (from "ext4: huge page fault support"; see makeExt4DaxFault). */
export function makeExt4DaxPmdFault(getBlock: Ext4DaxGetBlock, journalFirst: boolean) {
  if (!journalFirst) {
    // Models ext4_dax_pmd_fault() as dax_pmd_fault(..., getBlock, ext4_end_io_unwritten)
    // (v4.3 merge window before 01a33b4ace68).
    return function* ext4_dax_pmd_fault(sys: Sys, vma: Vma, vpage: number, flags: number): G<number> {
      return yield* call(
        'ext4_dax_pmd_fault',
        sys.k.dax_pmd_fault(sys, vma, vpage, flags, getBlockOf(sys, getBlock), sys.k.ext4_end_io_unwritten),
      );
    };
  }
  // Models ext4_dax_pmd_fault() (v4.3-v4.4): as ext4_dax_fault, around __dax_pmd_fault, with
  // ext4_chunk_trans_blocks(PMD) credits (credits are not modelled).
  return modelled(
    'ext4_dax_pmd_fault',
    function* ext4_dax_pmd_fault(sys: Sys, vma: Vma, vpage: number, flags: number): G<number> {
      const write = (flags & FAULT_FLAG_WRITE) !== 0;
      let handle: Handle | null = null;
      if (write) {
        yield* sb_start_pagefault(sys.st.sb_pagefaults);
        yield* file_update_time();
        handle = yield* ext4_journal_start(sys, 'EXT4_HT_WRITE_PAGE');
      }
      const result = yield* sys.k.__dax_pmd_fault(
        sys,
        vma,
        vpage,
        flags,
        getBlockOf(sys, getBlock),
        sys.k.ext4_end_io_unwritten,
      );
      if (write) {
        if (handle) yield* ext4_journal_stop(handle);
        yield* sb_end_pagefault(sys.st.sb_pagefaults);
      }
      return result;
    },
  );
}

/** Builds ext4_dax_mkwrite() with the given get_block. */
export function makeExt4DaxMkwrite(getBlock: Ext4DaxGetBlock) {
  // Models ext4_dax_mkwrite() (v4.2-v4.4) = dax_mkwrite(vma, vmf, getBlock,
  // ext4_end_io_unwritten), i.e. dax_fault: SBPF, and no handle started before DAX in any of
  // these versions (01a33b4ace68 changed only ->fault and ->pmd_fault).
  return function* ext4_dax_mkwrite(sys: Sys, vma: Vma, vmf: VmFault): G<number> {
    return yield* call(
      'ext4_dax_mkwrite',
      sys.k.dax_fault(sys, vma, vmf, getBlockOf(sys, getBlock), sys.k.ext4_end_io_unwritten),
    );
  };
}

/** ->pmd_fault does not exist before "ext4: huge page fault support". */
// biome-ignore lint/correctness/useYield: it only throws
export function* ext4_dax_pmd_fault_absent(_sys: Sys, _vma: Vma, _vpage: number, _flags: number): G<number> {
  throw new Error('ext4_dax_pmd_fault does not exist in v4.2');
}

// Models generic_file_direct_write() (v4.2-v4.4) for one page (DAX I/O is direct): invalidate
// the page cache over the range if it has pages, ext4_direct_IO, invalidate again, extend i_size.
// Simplified: one whole page, so no partial writes and no iov_iter.
const generic_file_direct_write = modelled(
  'generic_file_direct_write',
  function* generic_file_direct_write(sys: Sys, page: number, value: number): G<number> {
    if (yield* mapping_nrpages(sys)) {
      const err = yield* sys.k.invalidate_inode_pages2_range(sys, page, page);
      if (err) return err;
    }
    const written = yield* sys.k.ext4_direct_IO(sys, page, value);
    if (yield* mapping_nrpages(sys)) yield* sys.k.invalidate_inode_pages2_range(sys, page, page);
    if (written > 0 && page + 1 > (yield* i_size_read(sys))) yield* i_size_write(sys, page + 1);
    return written;
  },
);

// Models ext4_file_write_iter() (v4.2-v4.4) for a one-page DAX write: i_mutex around
// __generic_file_write_iter -> generic_file_direct_write (above).
// Simplified: no aio (the aio mutex and unaligned-aio paths), no generic_write_sync.
export const ext4_file_write_iter = modelled(
  'ext4_file_write_iter',
  function* ext4_file_write_iter(sys: Sys, page: number, value: number): G<number> {
    const i_mutex = sys.st.inode.i_mutex;
    yield* mutex_lock(i_mutex);
    const ret = yield* generic_file_direct_write(sys, page, value);
    yield* mutex_unlock(i_mutex);
    return ret;
  },
);
