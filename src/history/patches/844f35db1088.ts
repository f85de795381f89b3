// 844f35db1088 "dax: add huge page fault support" (Matthew Wilcox, v4.3 merge window), with the
// commits it needs to run: "mm: add a pmd_fault handler", "ext2/ext4/xfs: huge page fault
// support" (xfs_filemap_pmd_fault in xfs_file_vm_ops) and "dax: ensure that zero pages are
// removed from other processes" (shoot-down on buffer_new). Locking: the first column of 2.3.

import { makeDaxPmdFault } from '../../linux/fs/dax.js';
import { xfsFsOps } from '../../linux/fs/xfs/index.js';
import { patch } from '../patch.js';

const __dax_pmd_fault = makeDaxPmdFault({
  disabled: false,
  lock: 'read',
  zeroing: 'before-insert',
  shootdown: 'after-size-check-lock-held',
  pfnValidFallback: false,
  zeroApi: 'clear_page',
});
const xfsOps = xfsFsOps({ pmd_fault: true, pfn_mkwrite: false });

export default patch({
  id: '844f35db1088',
  title: 'dax: add huge page fault support',
  author: 'Matthew Wilcox',
  date: '2015-09-08',
  link: 'https://lore.kernel.org/linux-mm/1436560165-8943-8-git-send-email-matthew.r.wilcox@intel.com/',
  note: 'Stands for the PMD series of the v4.3 merge window; the hash of 844f35db1088 is from the mmotm shortlog, not checked against a commit page.',
  apply: (k) => ({
    __dax_pmd_fault,
    filesystems: { ...k.filesystems, xfs: xfsOps },
  }),
});
