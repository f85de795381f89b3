// "[PATCH v2 2/2] Revert 'dax: fix race between simultaneous faults'" (Ross Zwisler): back to
// v4.2's __dax_fault and dax_insert_mapping, unconditional W(i_mmap) in unmap_mapping_range,
// and R(i_mmap) after get_block in __dax_pmd_fault with the shoot-down held under it (the
// first column of 2.3). do_cow_fault keeps 52a2b53ffde6's write unlock.

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
    shootdown: 'after-size-check-lock-held',
    pfnValidFallback: false,
    zeroApi: 'clear_pmem',
  }),
};

export default patch({
  id: 'revert-v2-2of2',
  title: "Revert 'dax: fix race between simultaneous faults'",
  author: 'Ross Zwisler',
  date: '2015-10-02',
  link: 'https://lore.kernel.org/linux-mm/1443830494-8748-1-git-send-email-ross.zwisler@linux.intel.com/',
  note: 'Never merged (v2 of the revert series; v3 1/3 and 2/3 are the same two reverts).',
  apply: () => replaced,
});
