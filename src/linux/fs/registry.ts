// The filesystem seam: which FsOps (vm_ops, setattr, write_iter, ...) a filesystem has in the
// kernel version in force. Each filesystem registers itself in the function table's
// `filesystems`; a patch that changes a filesystem's vm_ops replaces its entry.

import type { FsOps, Sys } from '../types.js';

export function fsOpsOf(sys: Sys, fs: string): FsOps {
  const ops = sys.k.filesystems[fs];
  if (!ops) throw new Error(`filesystem '${fs}' is not modelled in this kernel`);
  return ops;
}

/**
 * One FsOps object per option set: versions whose filesystem has the same vm_ops then share the
 * same function objects, as versions sharing a patch do.
 */
export function oneFsOpsPerOptions<O>(make: (opts: O) => FsOps): (opts: O) => FsOps {
  const cache = new Map<string, FsOps>();
  return (opts) => {
    const key = JSON.stringify(opts);
    let ops = cache.get(key);
    if (!ops) {
      ops = make(opts);
      cache.set(key, ops);
    }
    return ops;
  };
}
