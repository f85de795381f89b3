// "[PATCH v3 3/3] dax: temporarily disable DAX PMD fault path" (Ross Zwisler): an
// unconditional VM_FAULT_FALLBACK at the top of __dax_pmd_fault. The exact diff is
// [UNVERIFIED]; this follows Ross's Oct 3 2015 proposal.

import { makeDaxPmdFault } from '../../linux/fs/dax.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  __dax_pmd_fault: makeDaxPmdFault({
    disabled: 'temporarily disabled (v3 3/3)',
    lock: 'read',
    zeroing: 'before-insert',
    shootdown: 'after-size-check-lock-held',
    pfnValidFallback: false,
    zeroApi: 'clear_pmem',
  }),
};

export default patch({
  id: 'revert-v3-3of3',
  title: 'dax: temporarily disable DAX PMD fault path',
  author: 'Ross Zwisler',
  date: '2015-10-05',
  link: 'https://lore.kernel.org/linux-mm/1444077174-22016-1-git-send-email-ross.zwisler@linux.intel.com/',
  note: 'Never merged. Exact diff [UNVERIFIED].',
  apply: () => replaced,
});
