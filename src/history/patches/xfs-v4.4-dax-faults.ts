// The XFS DAX fault-handler changes of v4.4-rc1 (Dave Chinner's series merged with
// 1ca191576fc8): xfs_get_blocks_dax_fault and no unwritten completion in the fault handlers,
// sb_start_pagefault only for PMD write faults, and the new xfs_filemap_pfn_mkwrite
// (MMAPLOCK_SHARED + i_size check) in xfs_file_vm_ops. The individual commit ids and titles
// were not verified; the behaviour is from the v4.4.1 tree [code].

import { xfsFsOps } from '../../linux/fs/xfs/index.js';
import { makeXfsFaultHandlers } from '../../linux/fs/xfs/xfs_file.js';
import { patch } from '../patch.js';

const handlers = makeXfsFaultHandlers(true);
const xfsOps = xfsFsOps({ pmd_fault: true, pfn_mkwrite: true });

export default patch({
  id: 'xfs-v4.4-dax-faults',
  title: 'XFS DAX fault handlers of v4.4 (pfn_mkwrite, dax_fault get_block, PMD read faults)',
  author: 'Dave Chinner',
  date: '2015-11-03',
  link: 'https://lkml.org/lkml/2015/10/1/180',
  note: 'Stands for several commits of the v4.4-rc1 XFS merge; ids [UNVERIFIED].',
  apply: (k) => ({ ...handlers, filesystems: { ...k.filesystems, xfs: xfsOps } }),
});
