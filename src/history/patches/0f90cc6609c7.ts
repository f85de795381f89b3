// 0f90cc6609c7 "mm, dax: fix DAX deadlocks" (Ross Zwisler, = v5): v4.2's __dax_fault and
// dax_insert_mapping, W(i_mmap) in unmap_mapping_range with the v4.2 comment, and
// __dax_pmd_fault with R(i_mmap) dropped and retaken around the shoot-down (third column of
// 2.3). do_cow_fault is left with 52a2b53ffde6's write unlock.

import { __dax_fault, dax_insert_mapping, makeDaxPmdFault } from '../../linux/fs/dax.js';
import { unmap_mapping_range } from '../../linux/mm/memory.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  __dax_fault,
  dax_insert_mapping,
  unmap_mapping_range,
  __dax_pmd_fault: makeDaxPmdFault({
    disabled: false,
    lock: 'read',
    zeroing: 'before-insert',
    shootdown: 'before-size-check-lock-dropped',
    pfnValidFallback: false,
    zeroApi: 'clear_pmem',
  }),
};

export default patch({
  id: '0f90cc6609c7',
  title: 'mm, dax: fix DAX deadlocks',
  author: 'Ross Zwisler',
  date: '2015-10-15',
  link: 'https://lore.kernel.org/linux-mm/1444258729-21974-2-git-send-email-ross.zwisler@linux.intel.com/',
  apply: () => replaced,
});
