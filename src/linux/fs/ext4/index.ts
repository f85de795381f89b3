// ext4 as the VFS and the mm see it: its FsOps (vm_ops, setattr, write_iter, punch_hole), its
// entries in the kernel function table as v4.2 has them, and its per-inode state.
// Patches in src/history/patches/ replace these entries for later versions.

import type { FsOps } from '../../types.js';
import { oneFsOpsPerOptions } from '../registry.js';
import { ext4_convert_unwritten_extents, ext4_ext_remove_space } from './extents.js';
import {
  ext4_dax_pmd_fault_absent,
  ext4_end_io_unwritten,
  ext4_file_write_iter,
  makeExt4DaxFault,
  makeExt4DaxMkwrite,
} from './file.js';
import {
  _ext4_get_block,
  ext4_block_zero_page_range,
  ext4_direct_IO_write,
  ext4_get_block,
  ext4_get_block_dax,
  ext4_get_block_write,
  ext4_map_blocks,
  ext4_punch_hole,
  ext4_setattr,
  ext4_truncate,
} from './inode.js';

export { ext4InodeState } from './ext4.js';

/** ext4_dax_vm_ops (+ setattr, write_iter, fallocate) as a version has them: ->pmd_fault from
 *  "ext4: huge page fault support" on. Every entry dispatches through the version's table. */
export const ext4FsOps = oneFsOpsPerOptions(make);

function make(opts: { pmd_fault: boolean }): FsOps {
  return {
    vm_ops: {
      fault: (sys, vma, vmf) => sys.k.ext4_dax_fault(sys, vma, vmf),
      page_mkwrite: (sys, vma, vmf) => sys.k.ext4_dax_mkwrite(sys, vma, vmf),
      pfn_mkwrite: (sys, vma, vmf) => sys.k.dax_pfn_mkwrite(sys, vma, vmf),
      ...(opts.pmd_fault
        ? { pmd_fault: (sys, vma, vpage, flags) => sys.k.ext4_dax_pmd_fault(sys, vma, vpage, flags) }
        : {}),
    },
    setattr_size: (sys, newsize) => sys.k.ext4_setattr(sys, newsize),
    write_iter: (sys, page, value) => sys.k.ext4_file_write_iter(sys, page, value),
    punch_hole: (sys, page, pages) => sys.k.ext4_punch_hole(sys, page, pages),
  };
}

/** The ext4 entries of v4.2's function table (fs/ext4/file.c, inode.c, extents.c). */
export const ext4V42 = {
  ext4_dax_fault: makeExt4DaxFault('ext4_get_block', false),
  ext4_dax_pmd_fault: ext4_dax_pmd_fault_absent,
  ext4_dax_mkwrite: makeExt4DaxMkwrite('ext4_get_block'),
  ext4_end_io_unwritten,
  ext4_convert_unwritten_extents,
  ext4_ext_remove_space,
  _ext4_get_block,
  ext4_get_block,
  ext4_get_block_write,
  ext4_get_block_dax,
  ext4_map_blocks,
  ext4_block_zero_page_range,
  ext4_setattr,
  ext4_truncate,
  ext4_punch_hole,
  ext4_file_write_iter,
  ext4_direct_IO: ext4_direct_IO_write,
};
