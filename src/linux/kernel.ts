// The kernel function table: every modelled function by its kernel name, as v4.2 has it.
// A version is v4.2's table with an ordered series of patches applied, each replacing whole
// entries (src/history). Model code calls through `sys.k`, so it always runs the version's code.

import {
  __dax_fault,
  dax_fault,
  dax_insert_mapping,
  dax_load_hole,
  dax_pfn_mkwrite,
  dax_pmd_fault,
  dax_truncate_page,
  dax_zero_page_range,
} from './fs/dax.js';
import { ext4FsOps, ext4V42 } from './fs/ext4/index.js';
import { xfsFsOps } from './fs/xfs/index.js';
import {
  makeXfsGetBlocks,
  xfs_end_io_dax_write,
  xfs_end_io_direct_write,
  xfs_get_blocks_dax_fault,
  xfs_get_blocks_direct,
} from './fs/xfs/xfs_aops.js';
import { xfs_file_dio_aio_write, xfs_file_write_iter, xfsFaultsV42 } from './fs/xfs/xfs_file.js';
import { makeXfsIomapWriteDirect, xfs_iomap_write_unwritten } from './fs/xfs/xfs_iomap.js';
import { xfs_setattr_size, xfs_vn_setattr_size } from './fs/xfs/xfs_iops.js';
import { vmf_insert_pfn_pmd, zap_huge_pmd } from './mm/huge_memory.js';
import {
  __do_fault,
  __handle_mm_fault,
  create_huge_pmd,
  do_fault,
  do_page_mkwrite,
  do_read_fault,
  do_shared_fault,
  do_wp_page,
  handle_mm_fault,
  handle_pte_fault,
  makeDoCowFault,
  transparent_hugepage_enabled,
  unmap_mapping_range,
  unmap_mapping_range_tree,
  vm_insert_mixed,
  wp_huge_pmd,
  wp_page_copy,
  wp_page_shared,
  wp_pfn_shared,
  zap_page_range_single,
} from './mm/memory.js';
import { do_munmap, mmap_region, unlink_file_vma, vm_mmap, vm_munmap, vma_link } from './mm/mmap.js';
import {
  invalidate_inode_pages2_range,
  truncate_inode_pages_range,
  truncate_pagecache,
  truncate_pagecache_range,
  truncate_setsize,
} from './mm/truncate.js';
import {
  type CompleteUnwritten,
  type FsOps,
  type G,
  type GetBlock,
  type Sys,
  VM_FAULT_FALLBACK,
  type Vma,
} from './types.js';

/** A function the version does not have: calling it is a modelling error, not a kernel bug. */
// biome-ignore lint/correctness/useYield: it only throws
function* __dax_pmd_fault_absent(
  _sys: Sys,
  _vma: Vma,
  _vpage: number,
  _flags: number,
  _gb: GetBlock,
  _cu: CompleteUnwritten | null,
): G<number> {
  throw new Error('__dax_pmd_fault does not exist before v4.3 (844f35db1088)');
}

export const v42 = {
  // mm/memory.c
  handle_mm_fault,
  __handle_mm_fault,
  transparent_hugepage_enabled,
  create_huge_pmd,
  wp_huge_pmd,
  handle_pte_fault,
  do_fault,
  __do_fault,
  do_read_fault,
  do_cow_fault: makeDoCowFault('read'),
  do_shared_fault,
  do_page_mkwrite,
  do_wp_page,
  wp_pfn_shared,
  wp_page_shared,
  wp_page_copy,
  vm_insert_mixed,
  unmap_mapping_range,
  unmap_mapping_range_tree,
  zap_page_range_single,
  // mm/huge_memory.c
  vmf_insert_pfn_pmd,
  zap_huge_pmd,
  // mm/truncate.c
  truncate_setsize,
  truncate_pagecache,
  truncate_pagecache_range,
  truncate_inode_pages_range,
  invalidate_inode_pages2_range,
  // mm/mmap.c
  vm_mmap,
  mmap_region,
  vma_link,
  vm_munmap,
  do_munmap,
  unlink_file_vma,
  // fs/dax.c
  __dax_fault,
  dax_fault,
  dax_pfn_mkwrite,
  dax_insert_mapping,
  dax_load_hole,
  __dax_pmd_fault: __dax_pmd_fault_absent,
  dax_pmd_fault,
  dax_zero_page_range,
  dax_truncate_page,
  // fs/xfs
  __xfs_get_blocks: makeXfsGetBlocks(false),
  xfs_get_blocks_direct,
  xfs_get_blocks_dax_fault,
  xfs_end_io_dax_write,
  xfs_end_io_direct_write,
  xfs_iomap_write_direct: makeXfsIomapWriteDirect(false),
  xfs_iomap_write_unwritten,
  ...xfsFaultsV42,
  xfs_file_write_iter,
  xfs_file_dio_aio_write,
  xfs_vn_setattr_size,
  xfs_setattr_size,
  /** Filesystems and their FsOps in this version (the seam for ext4). */
  // fs/ext4
  ...ext4V42,
  filesystems: {
    xfs: xfsFsOps({ pmd_fault: false, pfn_mkwrite: false }),
    ext4: ext4FsOps({ pmd_fault: false }),
  } as Record<string, FsOps>,
};

export type Kernel = typeof v42;

/** Exported for patches that restore v4.2 behaviour. */
export { VM_FAULT_FALLBACK };
