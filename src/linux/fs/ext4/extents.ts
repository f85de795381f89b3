// fs/ext4/extents.c (v4.2-v4.4): the extent tree as DAX sees it, one cell per file block in the
// model: lookups, allocation (written, or unwritten with EXT4_GET_BLOCKS_UNWRIT_EXT), the
// handling of unwritten extents per get_blocks flags, block removal, and the conversion of
// unwritten extents after I/O.
// Simplifications for the whole file: no extent status tree (every lookup reads the extent
// tree, under i_data_sem as ext4_map_blocks takes it on a cache miss); no tree splits or
// metadata blocks; the caller's handle is not used for journalling (only its existence
// matters); mballoc is a cursor that never reuses freed blocks; a PMD-sized request over an
// all-hole, PMD-aligned range gets one PMD-aligned run (as mballoc's stripe-aligned goal
// would give on a 2 MiB-aligned device), any other request gets blocks from the cursor.

import { at, call, modelled, update } from '../../../engine/index.js';
import { kload, kstore } from '../../guarded.js';
import { ENOSPC, type Extent, type G, type Sys } from '../../types.js';
import {
  EXT4_GET_BLOCKS_CONVERT,
  EXT4_GET_BLOCKS_CREATE,
  EXT4_GET_BLOCKS_IO_CONVERT_EXT,
  EXT4_GET_BLOCKS_PRE_IO,
  EXT4_GET_BLOCKS_UNWRIT_EXT,
  EXT4_MAP_MAPPED,
  EXT4_MAP_NEW,
  EXT4_MAP_UNWRITTEN,
  type Ext4MapBlocks,
  newMap,
} from './ext4.js';
import { ext4_journal_start, ext4_journal_stop } from './ext4_jbd2.js';

/** The extent at m_lblk and how many blocks from it share its state (contiguous if allocated). */
function* ext4_find_extent(sys: Sys, lblk: number, len: number): G<{ first: Extent; count: number }> {
  const blocks = sys.st.inode.blocks;
  const first = yield* kload(blocks[lblk], 'ext4_find_extent');
  let count = 1;
  for (let i = lblk + 1; i < Math.min(lblk + len, blocks.length); i++) {
    const e = yield* kload(blocks[i], 'ext4_find_extent');
    if (e.kind !== first.kind) break;
    if (e.kind !== 'hole' && first.kind !== 'hole' && e.pblk !== first.pblk + (i - lblk)) break;
    count++;
  }
  return { first, count };
}

/** ext4_mb_new_blocks(): `n` free blocks, aligned to `align`; -ENOSPC when the device is full. */
function* ext4_mb_new_blocks(sys: Sys, n: number, align: number): G<number> {
  let start = -1;
  const total = sys.st.geo.pmemBlocks;
  yield* update(
    sys.st.inode.fsCells.freeSpace,
    (next: number) => {
      const s = Math.ceil(next / align) * align;
      if (s + n > total) return next;
      start = s;
      return s + n;
    },
    { api: 'ext4_mb_new_blocks' },
  );
  return start < 0 ? ENOSPC : start;
}

function* setBlocks(sys: Sys, lblk: number, count: number, make: (i: number) => Extent, api: string): G {
  for (let i = 0; i < count; i++) yield* kstore(sys.st.inode.blocks[lblk + i], make(i), api);
}

// Models ext4_ext_map_blocks() (v4.2-v4.4). The caller holds i_data_sem: for read with no
// EXT4_GET_BLOCKS_CREATE (lookup), for write otherwise. Returns the number of blocks mapped,
// 0 for a hole on lookup, or a negative error; fills map->m_pblk, m_len and m_flags.
export const ext4_ext_map_blocks = modelled(
  'ext4_ext_map_blocks',
  function* ext4_ext_map_blocks(sys: Sys, map: Ext4MapBlocks, flags: number): G<number> {
    const { first, count } = yield* ext4_find_extent(sys, map.m_lblk, map.m_len);
    if (first.kind === 'written') {
      map.m_pblk = first.pblk;
      map.m_len = count;
      map.m_flags |= EXT4_MAP_MAPPED;
      return count;
    }
    if (first.kind === 'unwritten') {
      map.m_pblk = first.pblk;
      map.m_len = count;
      return yield* ext4_ext_handle_unwritten_extents(sys, map, flags, first.pblk, count);
    }
    // a hole
    if (!(flags & EXT4_GET_BLOCKS_CREATE)) {
      map.m_len = count;
      return 0;
    }
    const P = sys.st.geo.pmdPages;
    const aligned = count === P && map.m_lblk % P === 0;
    const pblk = yield* ext4_mb_new_blocks(sys, count, aligned ? P : 1);
    if (pblk < 0) return pblk;
    const unwritten = (flags & EXT4_GET_BLOCKS_UNWRIT_EXT) !== 0;
    yield* at(unwritten ? 'insert an unwritten extent' : 'insert a written extent (data not yet zeroed)');
    yield* setBlocks(
      sys,
      map.m_lblk,
      count,
      (i) => ({ kind: unwritten ? 'unwritten' : 'written', pblk: pblk + i }),
      'ext4_ext_insert_extent',
    );
    map.m_pblk = pblk;
    map.m_len = count;
    map.m_flags |= EXT4_MAP_NEW | EXT4_MAP_MAPPED | (unwritten ? EXT4_MAP_UNWRITTEN : 0);
    return count;
  },
);

// Models ext4_ext_handle_unwritten_extents() (v4.2-v4.4) over a whole unwritten run.
// Simplified: ext4_split_convert_extents has nothing to split (the run is the request).
function* ext4_ext_handle_unwritten_extents(
  sys: Sys,
  map: Ext4MapBlocks,
  flags: number,
  pblk: number,
  count: number,
): G<number> {
  if (flags & EXT4_GET_BLOCKS_PRE_IO) {
    // get_block before submitting I/O: keep it unwritten, convert at I/O completion
    yield* at('PRE_IO: unwritten extent, to be converted at I/O end');
    map.m_flags |= EXT4_MAP_UNWRITTEN | EXT4_MAP_NEW | EXT4_MAP_MAPPED;
    return count;
  }
  if (flags & EXT4_GET_BLOCKS_CONVERT) {
    yield* call(
      'ext4_convert_unwritten_extents_endio',
      setBlocks(
        sys,
        map.m_lblk,
        count,
        (i) => ({ kind: 'written', pblk: pblk + i }),
        'ext4_ext_mark_initialized',
      ),
    );
    map.m_flags |= EXT4_MAP_MAPPED;
    return count;
  }
  if (flags & EXT4_GET_BLOCKS_UNWRIT_EXT) {
    map.m_flags |= EXT4_MAP_UNWRITTEN | EXT4_MAP_MAPPED;
    return count;
  }
  if (!(flags & EXT4_GET_BLOCKS_CREATE)) {
    // a lookup: the buffer stays unmapped, so that a read of it returns zeros
    map.m_flags |= EXT4_MAP_UNWRITTEN;
    return count;
  }
  // a plain create over an unwritten extent: convert it to initialized (the caller zeroes)
  yield* call(
    'ext4_ext_convert_to_initialized',
    setBlocks(
      sys,
      map.m_lblk,
      count,
      (i) => ({ kind: 'written', pblk: pblk + i }),
      'ext4_ext_convert_to_initialized',
    ),
  );
  map.m_flags |= EXT4_MAP_NEW | EXT4_MAP_MAPPED;
  return count;
}

// Models ext4_ext_remove_space() (v4.2-v4.4): free the blocks of [start, end] (end inclusive,
// clipped to the modelled file). It starts its own handle, nested in the caller's. The caller
// holds W(i_data_sem).
export const ext4_ext_remove_space = modelled(
  'ext4_ext_remove_space',
  function* ext4_ext_remove_space(sys: Sys, start: number, end: number): G<number> {
    const handle = yield* ext4_journal_start(sys, 'EXT4_HT_TRUNCATE');
    const blocks = sys.st.inode.blocks;
    for (let i = start; i <= Math.min(end, blocks.length - 1); i++) {
      const e = yield* kload(blocks[i], 'ext4_ext_rm_leaf');
      if (e.kind !== 'hole') yield* kstore(blocks[i], { kind: 'hole' }, 'ext4_free_blocks');
    }
    yield* ext4_journal_stop(handle);
    return 0;
  },
);

// Models ext4_convert_unwritten_extents() (v4.2-v4.4) with handle == NULL, as the DAX
// completion and direct I/O call it: per chunk, start a handle (nested if the caller runs one),
// ext4_map_blocks(EXT4_GET_BLOCKS_IO_CONVERT_EXT), mark the inode dirty, stop the handle.
// Note that IO_CONVERT_EXT includes CREATE: a range punched or truncated meanwhile is
// allocated again (unwritten) rather than converted.
export const ext4_convert_unwritten_extents = modelled(
  'ext4_convert_unwritten_extents',
  function* (sys: Sys, offset: number, len: number): G<number> {
    let done = 0;
    let ret = 0;
    while (ret >= 0 && done < len) {
      const handle = yield* ext4_journal_start(sys, 'EXT4_HT_MAP_BLOCKS');
      const map = newMap(offset + done, len - done);
      ret = yield* sys.k.ext4_map_blocks(sys, map, EXT4_GET_BLOCKS_IO_CONVERT_EXT);
      if (ret <= 0) {
        yield* at('ext4_convert_unwritten_extents: ext4_map_blocks failed');
        yield* ext4_journal_stop(handle);
        break;
      }
      yield* at('ext4_mark_inode_dirty');
      yield* ext4_journal_stop(handle);
      done += ret;
    }
    return Math.min(ret, 0);
  },
);
