// d77e92e270ed "dax: update PMD fault handler with PMEM API" (Ross Zwisler): the PMD zeroing
// uses clear_pmem + wmb_pmem. Behaviour is otherwise that of 46c043ede471's __dax_pmd_fault
// (the v4 revert diff shows clear_pmem at the early zeroing site).

import { makeDaxPmdFault } from '../../linux/fs/dax.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  __dax_pmd_fault: makeDaxPmdFault({
    disabled: false,
    lock: 'write',
    zeroing: 'early-unset-kaddr',
    shootdown: 'before-size-check-lock-dropped',
    pfnValidFallback: false,
    zeroApi: 'clear_pmem',
  }),
};

export default patch({
  id: 'd77e92e270ed',
  title: 'dax: update PMD fault handler with PMEM API',
  author: 'Ross Zwisler',
  date: '2015-09-08',
  link: 'https://lore.kernel.org/linux-mm/1444170529-12814-2-git-send-email-ross.zwisler@linux.intel.com/',
  note: 'Merge date [UNVERIFIED]; placed after 46c043ede471 because that patch still shows clear_page.',
  apply: () => replaced,
});
