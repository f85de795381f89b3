// "[PATCH v2 1/2] Revert 'mm: take i_mmap_lock in unmap_mapping_range() for DAX'" (Ross
// Zwisler), squashed with the revert of 8346c416d17b: the IS_DAX skip is back in
// unmap_mapping_range, and __dax_pmd_fault has 843172978bb9's ordering (W held across the
// shoot-down after the i_size check) with d77e92e270ed's zeroing in the pfn branch.

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
    shootdown: 'after-size-check-lock-held',
    pfnValidFallback: false,
    zeroApi: 'clear_pmem',
  }),
};

export default patch({
  id: 'revert-v2-1of2',
  title: "Revert 'mm: take i_mmap_lock in unmap_mapping_range() for DAX'",
  author: 'Ross Zwisler',
  date: '2015-10-02',
  link: 'https://lore.kernel.org/linux-mm/1443830494-8748-1-git-send-email-ross.zwisler@linux.intel.com/',
  note: 'Never merged (v2 of the revert series).',
  apply: () => replaced,
});
