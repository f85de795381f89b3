// include/linux/fs.h: i_size_read() / i_size_write() (sizes in pages).

import { read, write } from '../../engine/index.js';
import type { G, Sys } from '../types.js';

export function* i_size_read(sys: Sys): G<number> {
  return yield* read(sys.st.inode.i_size, { api: 'i_size_read' });
}

export function* i_size_write(sys: Sys, size: number): G {
  yield* write(sys.st.inode.i_size, size, { api: 'i_size_write' });
}
