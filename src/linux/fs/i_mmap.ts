// include/linux/fs.h: i_mmap_lock_write() and friends, the mapping's rw_semaphore.

import { down_read, down_write, up_read, up_write } from '../../kernel/index.js';
import type { G, Sys } from '../types.js';

export const I_MMAP_RWSEM_CLASS = '&mapping->i_mmap_rwsem';

export function* i_mmap_lock_write(sys: Sys): G {
  yield* down_write(sys.st.inode.mapping.i_mmap_rwsem);
}
export function* i_mmap_unlock_write(sys: Sys): G {
  yield* up_write(sys.st.inode.mapping.i_mmap_rwsem);
}
export function* i_mmap_lock_read(sys: Sys): G {
  yield* down_read(sys.st.inode.mapping.i_mmap_rwsem);
}
export function* i_mmap_unlock_read(sys: Sys): G {
  yield* up_read(sys.st.inode.mapping.i_mmap_rwsem);
}

/** i_size_read(), in pages. */
export { i_size_read, i_size_write } from './inode.js';
