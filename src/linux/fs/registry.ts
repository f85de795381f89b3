// The filesystem seam: which FsOps (vm_ops, setattr, write_iter, ...) a filesystem has in the
// kernel version in force. Each filesystem registers itself in the function table's
// `filesystems`; a patch that changes a filesystem's vm_ops replaces its entry.

import type { FsOps, Sys } from '../types.js';

export function fsOpsOf(sys: Sys, fs: string): FsOps {
  const ops = sys.k.filesystems[fs];
  if (!ops) throw new Error(`filesystem '${fs}' is not modelled in this kernel`);
  return ops;
}
