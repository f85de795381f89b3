// "[PATCH v4 1/2] Revert 'mm: take i_mmap_lock in unmap_mapping_range() for DAX'" (Ross
// Zwisler), applied alone: the state Dan Williams reviewed on Oct 7 2015. It reverts
// 46c043ede471 and 8346c416d17b: the zeroing goes back to just before vmf_insert_pfn_pmd, the
// drop/retake around the shoot-down stays but becomes i_mmap_unlock_read/i_mmap_lock_read,
// and unmap_mapping_range gets the IS_DAX skip back. 843172978bb9 is still applied (reverted
// by 2/2), so __dax_pmd_fault still takes W(i_mmap) before get_block: read as literally as the
// diff, the drop and retake do not match the lock held.

import { makeDaxPmdFault } from '../../linux/fs/dax.js';
import { unmap_mapping_range_is_dax_skip } from '../../linux/mm/memory.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  unmap_mapping_range: unmap_mapping_range_is_dax_skip,
  __dax_pmd_fault: makeDaxPmdFault({
    disabled: false,
    lock: 'write',
    zeroing: 'before-insert',
    shootdown: 'before-size-check-lock-dropped',
    relock: 'read',
    pfnValidFallback: false,
    zeroApi: 'clear_pmem',
  }),
};

export default patch({
  id: 'revert-v4-1of2',
  title: "Revert 'mm: take i_mmap_lock in unmap_mapping_range() for DAX'",
  author: 'Ross Zwisler',
  date: '2015-10-06',
  link: 'https://lore.kernel.org/linux-mm/CAPcyv4ikrVqYc4QxAaZiPMc4awh6h6WG0kP5nH=ZnuNTJVDwiQ@mail.gmail.com/',
  note: 'Never merged alone (an intermediate state of the v4 series).',
  apply: () => replaced,
});
