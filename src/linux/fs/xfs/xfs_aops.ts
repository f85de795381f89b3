// fs/xfs/xfs_aops.c: the get_block callbacks DAX uses, and the I/O completions that convert
// unwritten extents (v4.2-v4.4, reference 2.9).

import { at, call, modelled, update } from '../../../engine/index.js';
import type { BufferHead, G, Sys } from '../../types.js';
import { i_size_read } from '../inode.js';
import { XFS_ILOCK_SHARED, xfs_ilock, xfs_iunlock } from './xfs_inode.js';
import { type Imap, xfs_bmapi_read } from './xfs_iomap.js';

/**
 * Builds __xfs_get_blocks() for direct/DAX callers, as v4.3 (`v44` false) or v4.4 has it.
 * v4.4 (1ca191576fc8) also allocates over unwritten extents for DAX (converting and zeroing in
 * the transaction), keeps ILOCK shared into xfs_iomap_write_direct, and clears `new` for DAX
 * creates ("zeroing is not needed at a higher layer").
 */
export function makeXfsGetBlocks(v44: boolean) {
  // Models __xfs_get_blocks(direct = true) (v4.2/v4.3, or v4.4 with `v44`).
  // Simplified: no delalloc (direct only), ILOCK always shared for the lookup (extents read in).
  return modelled(
    '__xfs_get_blocks',
    function* __xfs_get_blocks(sys: Sys, iblock: number, bh: BufferHead, create: boolean): G<number> {
      bh.iblock = iblock;
      if (!create) {
        const size = yield* i_size_read(sys);
        if (iblock >= size) return 0;
      }
      yield* xfs_ilock(sys, XFS_ILOCK_SHARED);
      let imap: Imap = yield* xfs_bmapi_read(sys, iblock, bh.size);
      let isNew = false;
      const needsAlloc = imap.extent.kind === 'hole' || (v44 && imap.extent.kind === 'unwritten');
      if (create && needsAlloc) {
        if (!v44) yield* xfs_iunlock(sys, XFS_ILOCK_SHARED);
        const r = yield* sys.k.xfs_iomap_write_direct(sys, iblock, bh.size);
        if (typeof r === 'number') return r;
        imap = r;
        isNew = true;
      } else yield* xfs_iunlock(sys, XFS_ILOCK_SHARED);
      // xfs_map_trim_size(): b_size covers the extent found, up to what was asked
      bh.size = Math.min(imap.length, bh.size);
      const e = imap.extent;
      if (e.kind !== 'hole' && (create || e.kind !== 'unwritten')) {
        bh.mapped = true;
        bh.pblk = e.pblk;
        if (e.kind === 'unwritten') bh.unwritten = true;
      }
      if (v44 && create) isNew = false;
      if (create) {
        let setNew = (!bh.mapped && !bh.uptodate) || isNew || e.kind === 'unwritten';
        if (!setNew) setNew = iblock >= (yield* i_size_read(sys));
        if (setNew) bh.new = true;
      }
      bh.stateValid = bh.mapped || bh.unwritten || bh.new;
      return 0;
    },
  );
}

// Models xfs_get_blocks_direct() (v4.2-v4.4): __xfs_get_blocks(direct = true).
export function* xfs_get_blocks_direct(sys: Sys, iblock: number, bh: BufferHead, create: boolean): G<number> {
  return yield* call('xfs_get_blocks_direct', sys.k.__xfs_get_blocks(sys, iblock, bh, create));
}

// Models xfs_get_blocks_dax_fault() (v4.4): __xfs_get_blocks(direct, dax_fault); the dax_fault
// flag only affects ioend allocation, which is not modelled.
export function* xfs_get_blocks_dax_fault(
  sys: Sys,
  iblock: number,
  bh: BufferHead,
  create: boolean,
): G<number> {
  return yield* call('xfs_get_blocks_dax_fault', sys.k.__xfs_get_blocks(sys, iblock, bh, create));
}

// Models xfs_end_io_dax_write() (v4.2-v4.3): the unwritten conversion after a DAX write
// fault, clamped to i_size (nothing past EOF is converted).
export const xfs_end_io_dax_write = modelled(
  'xfs_end_io_dax_write',
  function* xfs_end_io_dax_write(sys: Sys, bh: BufferHead, uptodate: boolean): G {
    if (!uptodate) {
      yield* at('io_error = -EIO: leave the extent unwritten');
      return;
    }
    const size = yield* i_size_read(sys);
    const count = Math.min(bh.size, size - bh.iblock);
    if (count <= 0) return;
    yield* sys.k.xfs_iomap_write_unwritten(sys, bh.iblock, count);
  },
);

// Models xfs_end_io_direct_write() -> __xfs_end_io_direct_write() (v4.2-v4.4) for a one-page
// DAX write(2): extend i_size if the write went past it, convert an unwritten extent.
export const xfs_end_io_direct_write = modelled(
  'xfs_end_io_direct_write',
  function* xfs_end_io_direct_write(sys: Sys, page: number, bh: BufferHead): G {
    if (page + 1 > (yield* i_size_read(sys)))
      yield* update(sys.st.inode.i_size, (s) => Math.max(s, page + 1), { api: 'i_size_write' });
    if (bh.unwritten) yield* sys.k.xfs_iomap_write_unwritten(sys, page, 1);
  },
);
