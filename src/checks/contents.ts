// What the file holds at the end of an execution, read from the final state.

import type { FinalView } from '../engine/index.js';
import type { KState } from '../linux/types.js';

/** Contents of file page `i` (a hole or unwritten block reads as 0); undefined past EOF. */
export function fileContents(st: KState, view: FinalView, i: number): number | undefined {
  if (i >= view.peek(st.inode.i_size)) return undefined;
  const e = view.peek(st.inode.blocks[i]);
  if (e.kind !== 'written') return 0;
  return view.peek(st.pmem.data[e.pblk]);
}
