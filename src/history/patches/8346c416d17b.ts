// 8346c416d17b "dax: fix NULL pointer in __dax_pmd_fault()" (Ross Zwisler, reported by Dan
// Williams): bdev_direct_access() before the early zeroing, falling back on misalignment.

import { makeDaxPmdFault } from '../../linux/fs/dax.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  __dax_pmd_fault: makeDaxPmdFault({
    disabled: false,
    lock: 'write',
    zeroing: 'early-after-direct-access',
    shootdown: 'before-size-check-lock-dropped',
    pfnValidFallback: false,
    zeroApi: 'clear_pmem',
  }),
};

export default patch({
  id: '8346c416d17b',
  title: 'dax: fix NULL pointer in __dax_pmd_fault()',
  author: 'Ross Zwisler',
  date: '2015-09-22',
  link: 'https://lore.kernel.org/linux-mm/20150922211716.GA32623@linux.intel.com/',
  note: 'Hash inferred from the v4 1/2 revert text; the date is the v2 posting.',
  apply: () => replaced,
});
