// fs/xfs/xfs_iomap.c and the block-map side of xfs_bmap: allocating and converting extents.
// Simplifications: a transaction is a trace label (no log reservation, no sb_internal freeze
// protection, no quota); the free-space allocator hands out blocks in increasing order and
// never reuses freed ones; a PMD-sized request over an all-hole range gets one PMD-aligned
// extent (as with a 2 MiB stripe unit), any other request gets one block per hole.

import { at, modelled, update } from '../../../engine/index.js';
import { bdev_direct_access, clear_pmem } from '../../drivers/nvdimm/pmem.js';
import { kload, kstore } from '../../guarded.js';
import { ENOSPC, type Extent, type G, type Sys } from '../../types.js';
import { XFS_ILOCK_EXCL, XFS_ILOCK_SHARED, xfs_ilock, xfs_iunlock } from './xfs_inode.js';

/** A mapping as xfs_bmapi_read returns it: the first extent and how many blocks it covers. */
export interface Imap {
  extent: Extent;
  /** Blocks from the first one that share its state (and, if allocated, are contiguous). */
  length: number;
}

/** xfs_bmapi_read() over [iblock, iblock + count): read block by block until the run breaks. */
export function* xfs_bmapi_read(sys: Sys, iblock: number, count: number): G<Imap> {
  const blocks = sys.st.inode.blocks;
  const first = yield* kload(blocks[iblock], 'xfs_bmapi_read');
  let length = 1;
  for (let i = iblock + 1; i < Math.min(iblock + count, blocks.length); i++) {
    const e = yield* kload(blocks[i], 'xfs_bmapi_read');
    if (e.kind !== first.kind) break;
    if (e.kind !== 'hole' && first.kind !== 'hole' && e.pblk !== first.pblk + (i - iblock)) break;
    length++;
  }
  return { extent: first, length };
}

/** Take `n` free blocks, aligned to `align`; -ENOSPC when the device is full. */
function* xfs_alloc_blocks(sys: Sys, n: number, align: number): G<number> {
  let start = -1;
  const total = sys.st.geo.pmemBlocks;
  yield* update(
    sys.st.inode.fsCells.freeSpace,
    (next) => {
      const s = Math.ceil(next / align) * align;
      if (s + n > total) return next;
      start = s;
      return s + n;
    },
    { api: 'xfs_alloc_vextent' },
  );
  return start < 0 ? ENOSPC : start;
}

/**
 * Builds xfs_iomap_write_direct() as v4.3 (unwritten extents, ILOCK dropped by the caller) or
 * v4.4 has it (1ca191576fc8: called with ILOCK shared, XFS_BMAPI_CONVERT | XFS_BMAPI_ZERO for
 * DAX: blocks are zeroed inside the transaction and come back written).
 */
export function makeXfsIomapWriteDirect(v44: boolean) {
  // Models xfs_iomap_write_direct() (v4.3, or v4.4 with `v44`).
  return modelled(
    'xfs_iomap_write_direct',
    function* xfs_iomap_write_direct(sys: Sys, iblock: number, count: number): G<Imap | number> {
      if (v44) yield* xfs_iunlock(sys, XFS_ILOCK_SHARED);
      yield* at('xfs_trans_alloc + xfs_trans_reserve');
      yield* xfs_ilock(sys, XFS_ILOCK_EXCL);
      const blocks = sys.st.inode.blocks;
      const end = Math.min(iblock + count, blocks.length);
      const cur: Extent[] = [];
      for (let i = iblock; i < end; i++) cur.push(yield* kload(blocks[i], 'xfs_bmapi_write'));
      const P = sys.st.geo.pmdPages;
      const allHole = cur.length === P && cur.every((e) => e.kind === 'hole');
      const next: Extent[] = [...cur];
      let error = 0;
      if (allHole) {
        const start = yield* xfs_alloc_blocks(sys, P, P);
        if (start < 0) error = start;
        else for (let j = 0; j < P; j++) next[j] = { kind: 'unwritten', pblk: start + j };
      } else {
        for (let j = 0; j < cur.length && !error; j++) {
          if (cur[j].kind !== 'hole') continue;
          const b = yield* xfs_alloc_blocks(sys, 1, 1);
          if (b < 0) error = b;
          else next[j] = { kind: 'unwritten', pblk: b };
        }
      }
      if (!error && v44) {
        // XFS_BMAPI_ZERO | XFS_BMAPI_CONVERT: dax_clear_blocks() in transaction context
        for (let j = 0; j < next.length; j++) {
          const e = next[j];
          if (e.kind !== 'unwritten') continue;
          yield* at('dax_clear_blocks');
          const da = yield* bdev_direct_access(sys, e.pblk, 1);
          if (da.length < 0) {
            error = da.length;
            break;
          }
          yield* clear_pmem(sys, da.kaddr, 1);
          next[j] = { kind: 'written', pblk: e.pblk };
        }
      }
      for (let j = 0; j < next.length; j++)
        if (next[j] !== cur[j]) yield* kstore(blocks[iblock + j], next[j], 'xfs_bmapi_write');
      yield* at('xfs_trans_commit');
      yield* xfs_iunlock(sys, XFS_ILOCK_EXCL);
      if (error) return error;
      return runOf(next);
    },
  );
}

function runOf(ext: Extent[]): Imap {
  const first = ext[0];
  let length = 1;
  for (let j = 1; j < ext.length; j++) {
    const e = ext[j];
    if (e.kind !== first.kind) break;
    if (e.kind !== 'hole' && first.kind !== 'hole' && e.pblk !== first.pblk + j) break;
    length++;
  }
  return { extent: first, length };
}

// Models xfs_iomap_write_unwritten() (v4.2-v4.4): convert [iblock, iblock + count) from
// unwritten to written in a transaction under ILOCK_EXCL.
export const xfs_iomap_write_unwritten = modelled(
  'xfs_iomap_write_unwritten',
  function* xfs_iomap_write_unwritten(sys: Sys, iblock: number, count: number): G<number> {
    yield* at('xfs_trans_alloc + xfs_trans_reserve');
    yield* xfs_ilock(sys, XFS_ILOCK_EXCL);
    const blocks = sys.st.inode.blocks;
    for (let i = iblock; i < Math.min(iblock + count, blocks.length); i++) {
      const e = yield* kload(blocks[i], 'xfs_bmapi_write');
      if (e.kind === 'unwritten')
        yield* kstore(blocks[i], { kind: 'written', pblk: e.pblk }, 'xfs_bmapi_write');
    }
    yield* at('xfs_trans_commit');
    yield* xfs_iunlock(sys, XFS_ILOCK_EXCL);
    return 0;
  },
);

// Models xfs_itruncate_extents() (v4.2-v4.4): free every block from `newsize` on (the caller
// holds ILOCK_EXCL in a transaction).
export const xfs_itruncate_extents = modelled(
  'xfs_itruncate_extents',
  function* xfs_itruncate_extents(sys: Sys, newsize: number): G {
    const blocks = sys.st.inode.blocks;
    for (let i = newsize; i < blocks.length; i++) {
      const e = yield* kload(blocks[i], 'xfs_bunmapi');
      if (e.kind !== 'hole') yield* kstore(blocks[i], { kind: 'hole' }, 'xfs_bunmapi');
    }
  },
);
