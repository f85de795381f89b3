// "ext4: huge page fault support" (Matthew Wilcox, v4.3 merge window): ext4_dax_pmd_fault =
// dax_pmd_fault(..., ext4_get_block_write, ext4_end_io_unwritten) in ext4_dax_vm_ops, and
// VM_HUGEPAGE on DAX vmas. As merged it already passed ext4_get_block_write (the posting of
// Jul 10 2015 shows the same post-image blob as "ext4: use ext4_get_block_write() for DAX").

import { makeExt4DaxPmdFault } from '../../linux/fs/ext4/file.js';
import { ext4FsOps } from '../../linux/fs/ext4/index.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const ext4_dax_pmd_fault = makeExt4DaxPmdFault('ext4_get_block_write', false);
const ext4Ops = ext4FsOps({ pmd_fault: true });

export default patch({
  id: 'ext4-huge-page-fault-support',
  title: 'ext4: huge page fault support',
  author: 'Matthew Wilcox',
  date: '2015-09-08',
  link: 'https://lore.kernel.org/linux-mm/1436560165-8943-10-git-send-email-matthew.r.wilcox@intel.com/',
  note: 'Mainline commit id not verified; the title is from the v4.3 mmotm shortlog, the diff from the Jul 10 2015 posting.',
  apply: (k) => ({ ext4_dax_pmd_fault, filesystems: { ...k.filesystems, ext4: ext4Ops } }),
});
