// 843172978bb9 "dax: fix race between simultaneous faults" (Matthew Wilcox): W(i_mmap) before
// get_block in __dax_fault and __dax_pmd_fault, dax_insert_mapping without a lock of its own,
// and unmap_mapping_range skipping the lock for DAX inodes (2.1, 2.3, 2.5).

import {
  __dax_fault_i_mmap_write,
  dax_insert_mapping_caller_locked,
  makeDaxPmdFault,
} from '../../linux/fs/dax.js';
import { unmap_mapping_range_is_dax_skip } from '../../linux/mm/memory.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  __dax_fault: __dax_fault_i_mmap_write,
  dax_insert_mapping: dax_insert_mapping_caller_locked,
  unmap_mapping_range: unmap_mapping_range_is_dax_skip,
  __dax_pmd_fault: makeDaxPmdFault({
    disabled: false,
    lock: 'write',
    zeroing: 'before-insert',
    shootdown: 'after-size-check-lock-held',
    pfnValidFallback: false,
    zeroApi: 'clear_page',
  }),
};

export default patch({
  id: '843172978bb9',
  title: 'dax: fix race between simultaneous faults',
  author: 'Matthew Wilcox',
  date: '2015-09-08',
  link: 'https://lore.kernel.org/linux-mm/1438718285-21168-7-git-send-email-matthew.r.wilcox@intel.com/',
  apply: () => replaced,
});
