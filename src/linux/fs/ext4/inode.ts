// fs/ext4/inode.c (v4.2-v4.4, reference 2.8): block mapping for DAX (ext4_map_blocks and the
// get_block callbacks), ftruncate (ext4_setattr -> ext4_truncate), hole punch, and the direct
// I/O path DAX write(2) takes.
// Simplifications for the whole file: sizes are whole pages (a block is a page), so the
// partial-block zeroing branches exist but are never reached from the actors; orphan list
// handling, inode dirtying and timestamps are trace labels (s_orphan_lock, a leaf mutex inside
// the handle, is not modelled); no ordered-data or data=journal modes; extent-mapped files only.

import { at, call, modelled } from '../../../engine/index.js';
import { down_read, down_write, mutex_lock, mutex_unlock, up_read, up_write } from '../../../kernel/index.js';
import type { BufferHead, G, Sys } from '../../types.js';
import { dax_do_io_write } from '../dax.js';
import { i_size_read, i_size_write } from '../inode.js';
import {
  EXT4_GET_BLOCKS_CREATE,
  EXT4_GET_BLOCKS_IO_CREATE_EXT,
  EXT4_GET_BLOCKS_NO_LOCK,
  EXT4_GET_BLOCKS_PRE_IO,
  EXT4_GET_BLOCKS_UNWRIT_EXT,
  EXT4_MAP_MAPPED,
  EXT4_MAP_NEW,
  EXT4_MAP_UNWRITTEN,
  type Ext4MapBlocks,
  i_data_sem,
  newMap,
} from './ext4.js';
import {
  ext4_journal_current_handle,
  ext4_journal_start,
  ext4_journal_stop,
  type Handle,
} from './ext4_jbd2.js';
import { ext4_ext_map_blocks, ext4_ext_remove_space } from './extents.js';

// Models ext4_map_blocks() (v4.2-v4.4): look the blocks up under R(i_data_sem); return if it
// is only a lookup or the blocks are mapped; else map (allocate, split or convert) under
// W(i_data_sem). Simplified: the extent status cache always misses.
export const ext4_map_blocks = modelled(
  'ext4_map_blocks',
  function* ext4_map_blocks(sys: Sys, map: Ext4MapBlocks, flags: number): G<number> {
    map.m_flags = 0;
    const sem = i_data_sem(sys);
    const len = map.m_len;
    if (!(flags & EXT4_GET_BLOCKS_NO_LOCK)) yield* down_read(sem);
    // the lookup passes only EXT4_GET_BLOCKS_KEEP_SIZE: never creates
    let retval = yield* ext4_ext_map_blocks(sys, map, 0);
    if (!(flags & EXT4_GET_BLOCKS_NO_LOCK)) yield* up_read(sem);
    if (!(flags & EXT4_GET_BLOCKS_CREATE)) return retval;
    if (retval > 0 && map.m_flags & EXT4_MAP_MAPPED) return retval;
    map.m_flags = 0;
    map.m_len = len;
    yield* at('allocate or convert: i_data_sem for write');
    yield* down_write(sem);
    retval = yield* ext4_ext_map_blocks(sys, map, flags);
    yield* up_write(sem);
    return retval;
  },
);

/** map_bh() + `b_state = (b_state & ~EXT4_MAP_FLAGS) | m_flags` + b_size. */
function setBufferFromMap(bh: BufferHead, map: Ext4MapBlocks): void {
  bh.pblk = map.m_pblk;
  bh.mapped = (map.m_flags & EXT4_MAP_MAPPED) !== 0;
  bh.unwritten = (map.m_flags & EXT4_MAP_UNWRITTEN) !== 0;
  bh.new = (map.m_flags & EXT4_MAP_NEW) !== 0;
  bh.stateValid = bh.mapped || bh.unwritten || bh.new || bh.uptodate;
  bh.size = map.m_len;
}

// Models _ext4_get_block() (v4.2-v4.4): with non-zero flags and no running handle it starts
// its own (EXT4_HT_MAP_BLOCKS) around ext4_map_blocks; a handle the caller runs is reused.
// For a DAX unwritten buffer it records the block for the completion (b_private).
export const _ext4_get_block = modelled(
  '_ext4_get_block',
  function* _ext4_get_block(sys: Sys, iblock: number, bh: BufferHead, flags: number): G<number> {
    bh.iblock = iblock;
    let handle: Handle | null = yield* ext4_journal_current_handle();
    let started = false;
    if (flags && !(flags & EXT4_GET_BLOCKS_NO_LOCK) && !handle) {
      handle = yield* ext4_journal_start(sys, 'EXT4_HT_MAP_BLOCKS');
      started = true;
    }
    const map = newMap(iblock, bh.size);
    let ret = yield* sys.k.ext4_map_blocks(sys, map, flags);
    if (ret > 0) {
      setBufferFromMap(bh, map);
      ret = 0;
    }
    if (started && handle) yield* ext4_journal_stop(handle);
    return ret;
  },
);

// Models ext4_get_block() (v4.2-v4.4): create -> EXT4_GET_BLOCKS_CREATE (written extents,
// buffer_new), else a plain lookup with no handle.
export function* ext4_get_block(sys: Sys, iblock: number, bh: BufferHead, create: boolean): G<number> {
  return yield* call('ext4_get_block', _ext4_get_block(sys, iblock, bh, create ? EXT4_GET_BLOCKS_CREATE : 0));
}

// Models ext4_get_block_write() (v4.2-v4.4): EXT4_GET_BLOCKS_IO_CREATE_EXT whatever `create`
// says: always allocates, as unwritten extents converted at I/O end.
export function* ext4_get_block_write(sys: Sys, iblock: number, bh: BufferHead, _create: boolean): G<number> {
  return yield* call('ext4_get_block_write', _ext4_get_block(sys, iblock, bh, EXT4_GET_BLOCKS_IO_CREATE_EXT));
}

// Models ext4_get_block_dax() (v4.3-v4.4, from "ext4: add ext4_get_block_dax()"): PRE_IO |
// UNWRIT_EXT, plus CREATE when asked. The flags are never zero, so even a lookup starts a
// handle when none is running.
export function* ext4_get_block_dax(sys: Sys, iblock: number, bh: BufferHead, create: boolean): G<number> {
  const flags = EXT4_GET_BLOCKS_PRE_IO | EXT4_GET_BLOCKS_UNWRIT_EXT | (create ? EXT4_GET_BLOCKS_CREATE : 0);
  return yield* call('ext4_get_block_dax', _ext4_get_block(sys, iblock, bh, flags));
}

// ---- truncate and hole punch -----------------------------------------------------------------

// Models ext4_block_zero_page_range() (v4.2-v4.4) for a DAX inode: dax_zero_page_range with
// ext4_get_block (a lookup: no handle of its own; the caller runs one).
export function* ext4_block_zero_page_range(sys: Sys, page: number, length: number): G<number> {
  return yield* call(
    'ext4_block_zero_page_range',
    sys.k.dax_zero_page_range(sys, page, length, sys.k.ext4_get_block),
  );
}

// Models ext4_zero_partial_blocks() (v4.2-v4.4): zero the partial first and last blocks of a
// punched range. Page-granular ranges have none.
export const ext4_zero_partial_blocks = modelled(
  'ext4_zero_partial_blocks',
  function* ext4_zero_partial_blocks(_sys: Sys, _first: number, _count: number): G<number> {
    yield* at('no partial blocks (the range is block aligned)');
    return 0;
  },
);

// Models ext4_ext_truncate() (v4.2-v4.4) under W(i_data_sem): drop the extent-status cache
// (a label), then remove the extents from the new size on.
const ext4_ext_truncate = modelled(
  'ext4_ext_truncate',
  function* ext4_ext_truncate(sys: Sys, size: number): G {
    yield* at('ext4_es_remove_extent');
    yield* ext4_ext_remove_space(sys, size, Number.MAX_SAFE_INTEGER);
  },
);

// Models ext4_truncate() (v4.2-v4.4), called from ext4_setattr under i_mutex: a handle; zero
// the tail of the last block if i_size is not block aligned (never, here); orphan add;
// W(i_data_sem) around ext4_ext_truncate (es removal + ext4_ext_remove_space from the new
// last block on); orphan delete; stop the handle.
export const ext4_truncate = modelled('ext4_truncate', function* ext4_truncate(sys: Sys): G {
  const size = yield* i_size_read(sys);
  const handle = yield* ext4_journal_start(sys, 'EXT4_HT_TRUNCATE');
  const partialTail = 0; // inode->i_size & (blocksize - 1): sizes are whole pages
  if (partialTail) yield* ext4_block_zero_page_range(sys, size, partialTail);
  yield* at('ext4_orphan_add');
  yield* down_write(i_data_sem(sys));
  yield* at('ext4_discard_preallocations');
  yield* ext4_ext_truncate(sys, size);
  yield* up_write(i_data_sem(sys));
  yield* at('ext4_orphan_del; ext4_mark_inode_dirty');
  yield* ext4_journal_stop(handle);
});

// Models ext4_setattr() for ATTR_SIZE (v4.2-v4.4; the caller, do_truncate, holds i_mutex):
// a handle around W(i_data_sem) + i_size_write; the handle stops; truncate_pagecache() runs
// outside any handle; then ext4_truncate() when shrinking.
// Simplified: ext4_begin_ordered_truncate and inode_dio_wait are labels (DAX has no dirty
// page cache; the DAX write(2) path runs under the same i_mutex).
export const ext4_setattr = modelled(
  'ext4_setattr',
  function* ext4_setattr(sys: Sys, newsize: number): G<number> {
    const oldsize = yield* i_size_read(sys);
    const shrink = newsize <= oldsize;
    let orphan = false;
    if (newsize < oldsize) yield* at('ext4_begin_ordered_truncate');
    if (newsize !== oldsize) {
      const handle = yield* ext4_journal_start(sys, 'EXT4_HT_INODE');
      if (shrink) {
        yield* at('ext4_orphan_add');
        orphan = true;
      }
      yield* down_write(i_data_sem(sys));
      yield* at('EXT4_I(inode)->i_disksize = newsize; ext4_mark_inode_dirty');
      yield* i_size_write(sys, newsize);
      yield* up_write(i_data_sem(sys));
      yield* ext4_journal_stop(handle);
    }
    if (!shrink) yield* at('pagecache_isize_extended');
    if (orphan) yield* at('ext4_inode_block_unlocked_dio; inode_dio_wait');
    yield* sys.k.truncate_pagecache(sys, newsize);
    if (shrink) yield* sys.k.ext4_truncate(sys);
    yield* at('setattr_copy; mark_inode_dirty');
    if (orphan) yield* at('ext4_orphan_del(NULL)');
    return 0;
  },
);

// Models ext4_punch_hole() (v4.2-v4.4, reached by fallocate(FALLOC_FL_PUNCH_HOLE)): i_mutex;
// clip the range to i_size; truncate_pagecache_range; wait for DIO; a handle; zero partial
// blocks; W(i_data_sem) around removing the extents; a second truncate_pagecache_range while
// the handle is still open; stop the handle; drop i_mutex. i_size does not change.
// Simplified: the dirty-page writeback before i_mutex is a label (DAX has no dirty pages).
export const ext4_punch_hole = modelled(
  'ext4_punch_hole',
  function* ext4_punch_hole(sys: Sys, first: number, count: number): G<number> {
    yield* at('filemap_write_and_wait_range: no dirty pages');
    const i_mutex = sys.st.inode.i_mutex;
    yield* mutex_lock(i_mutex);
    const size = yield* i_size_read(sys);
    if (first >= size) {
      yield* at('no need to punch beyond i_size');
      yield* mutex_unlock(i_mutex);
      return 0;
    }
    // a hole reaching past i_size ends after the page that holds i_size: with a page-aligned
    // i_size that is the page at index i_size, one past EOF
    const last = first + count > size ? size : first + count - 1;
    yield* sys.k.truncate_pagecache_range(sys, first, last);
    yield* at('ext4_inode_block_unlocked_dio; inode_dio_wait');
    const handle = yield* ext4_journal_start(sys, 'EXT4_HT_TRUNCATE');
    let ret = yield* ext4_zero_partial_blocks(sys, first, last - first + 1);
    if (!ret) {
      yield* down_write(i_data_sem(sys));
      yield* at('ext4_discard_preallocations; ext4_es_remove_extent');
      ret = yield* ext4_ext_remove_space(sys, first, last);
      yield* up_write(i_data_sem(sys));
      yield* at('release the pages again to reduce the race window (handle still open)');
      yield* sys.k.truncate_pagecache_range(sys, first, last);
      yield* at('ext4_mark_inode_dirty');
    }
    yield* ext4_journal_stop(handle);
    yield* at('ext4_inode_resume_unlocked_dio');
    yield* mutex_unlock(i_mutex);
    return ret;
  },
);

// ---- DAX write(2) ----------------------------------------------------------------------------

// Models ext4_ind_direct_IO() for a write past i_size (v4.2-v4.4; ext4_ext_direct_IO sends
// extending writes there): a handle for the orphan add, dax_do_io with ext4_get_block (written
// extents), then a handle for the orphan delete and the new i_size.
const ext4_ind_direct_IO_write = modelled(
  'ext4_ind_direct_IO',
  function* ext4_ind_direct_IO_write(sys: Sys, page: number, value: number): G<number> {
    let handle = yield* ext4_journal_start(sys, 'EXT4_HT_INODE');
    yield* at('ext4_orphan_add; i_disksize = i_size');
    yield* ext4_journal_stop(handle);
    const ret = yield* dax_do_io_write(sys, page, value, sys.k.ext4_get_block, noEndIo);
    handle = yield* ext4_journal_start(sys, 'EXT4_HT_INODE');
    yield* at('ext4_orphan_del');
    if (ret > 0 && page + 1 > (yield* i_size_read(sys))) {
      yield* at('ei->i_disksize = end; ext4_mark_inode_dirty');
      yield* i_size_write(sys, page + 1);
    }
    yield* ext4_journal_stop(handle);
    return ret;
  },
);

/** dax_do_io's end_io is NULL on this path. */
function* noEndIo(_sys: Sys, _page: number, _bh: BufferHead): G {}

// Models ext4_end_io_dio() (v4.2-v4.4) for synchronous DAX I/O: nothing to do (no io_end);
// the unwritten conversion happens in ext4_ext_direct_IO.
function* ext4_end_io_dio(_sys: Sys, _page: number, _bh: BufferHead): G {
  yield* at('ext4_end_io_dio: not async, nothing to do');
}

// Models ext4_direct_IO() -> ext4_ext_direct_IO() (v4.2-v4.4) for a one-page DAX write under
// i_mutex: an extending write goes to ext4_ind_direct_IO; otherwise dax_do_io with
// ext4_get_block_write (unwritten extents), then ext4_convert_unwritten_extents(NULL).
// Simplified: dioread_nolock is off (the default), so never the i_mutex-dropping overwrite
// path; EXT4_STATE_DIO_UNWRITTEN is taken as "this write's buffer was unwritten".
export const ext4_direct_IO_write = modelled(
  'ext4_direct_IO',
  function* ext4_direct_IO_write(sys: Sys, page: number, value: number): G<number> {
    if (page + 1 > (yield* i_size_read(sys))) return yield* ext4_ind_direct_IO_write(sys, page, value);
    yield* at('inode_dio_begin');
    let unwritten = false;
    const gb = function* (s: Sys, iblock: number, bh: BufferHead, create: boolean): G<number> {
      const r = yield* s.k.ext4_get_block_write(s, iblock, bh, create);
      unwritten = bh.unwritten;
      return r;
    };
    const ret = yield* dax_do_io_write(sys, page, value, gb, ext4_end_io_dio);
    if (ret > 0 && unwritten) {
      const err = yield* sys.k.ext4_convert_unwritten_extents(sys, page, 1);
      if (err < 0) return err;
    }
    yield* at('inode_dio_end');
    return ret;
  },
);
