// 46c043ede471 "mm: take i_mmap_lock in unmap_mapping_range() for DAX" (Kirill A. Shutemov):
// unmap_mapping_range takes W(i_mmap) unconditionally again; __dax_pmd_fault drops W around
// its shoot-down, which moves before the i_size check, and the zeroing moves before it too,
// through a kaddr not yet set (2.3; Dan Williams' report of Sep 15-17 2015).

import { makeDaxPmdFault } from '../../linux/fs/dax.js';
import { unmap_mapping_range } from '../../linux/mm/memory.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  unmap_mapping_range,
  __dax_pmd_fault: makeDaxPmdFault({
    disabled: false,
    lock: 'write',
    zeroing: 'early-unset-kaddr',
    shootdown: 'before-size-check-lock-dropped',
    pfnValidFallback: false,
    zeroApi: 'clear_page',
  }),
};

export default patch({
  id: '46c043ede471',
  title: 'mm: take i_mmap_lock in unmap_mapping_range() for DAX',
  author: 'Kirill A. Shutemov',
  date: '2015-09-08',
  link: 'https://lore.kernel.org/linux-mm/1438948423-128882-1-git-send-email-kirill.shutemov@linux.intel.com/',
  apply: () => replaced,
});
