// fs/ext4/ext4.h (v4.2-v4.4): the ext4 inode's locks, the get_blocks flags and map flags the
// DAX paths use, and the per-inode model state (i_data_sem, the block allocator cursor).
// Lock classes as lockdep printed them then: init_rwsem(&ei->i_data_sem) in
// ext4_alloc_inode -> `&ei->i_data_sem`; i_mutex is the VFS inode's (`&sb->s_type->i_mutex_key`,
// built in src/linux/state.ts).

import type { Cell, Lock, World } from '../../../engine/index.js';
import { init_rwsem } from '../../../kernel/index.js';
import type { Geometry, Sys } from '../../types.js';

export const I_DATA_SEM_CLASS = '&ei->i_data_sem';

// Flags of ext4_map_blocks() (EXT4_GET_BLOCKS_*), with the values of v4.2-v4.4.
export const EXT4_GET_BLOCKS_CREATE = 0x0001;
export const EXT4_GET_BLOCKS_UNWRIT_EXT = 0x0002;
export const EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT = EXT4_GET_BLOCKS_UNWRIT_EXT | EXT4_GET_BLOCKS_CREATE;
export const EXT4_GET_BLOCKS_PRE_IO = 0x0008;
export const EXT4_GET_BLOCKS_CONVERT = 0x0010;
export const EXT4_GET_BLOCKS_IO_CREATE_EXT = EXT4_GET_BLOCKS_PRE_IO | EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT;
export const EXT4_GET_BLOCKS_IO_CONVERT_EXT = EXT4_GET_BLOCKS_CONVERT | EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT;
export const EXT4_GET_BLOCKS_NO_LOCK = 0x0100;

// struct ext4_map_blocks m_flags (EXT4_MAP_*): the same bits as BH_New / BH_Mapped /
// BH_Unwritten, copied into bh->b_state by _ext4_get_block.
export const EXT4_MAP_NEW = 1 << 0;
export const EXT4_MAP_MAPPED = 1 << 1;
export const EXT4_MAP_UNWRITTEN = 1 << 2;

/** struct ext4_map_blocks: the request (m_lblk, m_len in blocks) and the answer. */
export interface Ext4MapBlocks {
  m_lblk: number;
  m_len: number;
  m_pblk: number;
  m_flags: number;
}

export const newMap = (lblk: number, len: number): Ext4MapBlocks => ({
  m_lblk: lblk,
  m_len: len,
  m_pblk: 0,
  m_flags: 0,
});

/** The ext4 inode's locks and cells in the model's per-filesystem inode state. */
export function ext4InodeState(
  w: World,
  geo: Geometry,
): { fsLocks: Record<string, Lock>; fsCells: Record<string, Cell<any>>; extentLock: Lock } {
  const i_data_sem = init_rwsem(w, 'ei->i_data_sem', I_DATA_SEM_CLASS);
  return {
    fsLocks: { i_data_sem },
    // ext4_map_blocks: lookups under down_read, allocation, conversion and freeing under down_write
    extentLock: i_data_sem,
    fsCells: {
      // mballoc reduced to a cursor: blocks below filePages belong to the initial file (block i
      // at pblk i); new blocks come after, never reused.
      freeSpace: w.cell('ext4 free space cursor', geo.filePages),
    },
  };
}

/** EXT4_I(inode)->i_data_sem. */
export const i_data_sem = (sys: Sys): Lock => {
  const l = sys.st.inode.fsLocks.i_data_sem;
  if (!l) throw new Error('the inode has no i_data_sem: the model was built for another filesystem');
  return l;
};
