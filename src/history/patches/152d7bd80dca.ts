// 152d7bd80dca "dax: fix __dax_pmd_fault crash" (Dan Williams): fall back instead of hitting
// the VM_MIXEDMAP && pfn_valid() BUG in vmf_insert_pfn_pmd.

import { makeDaxPmdFault } from '../../linux/fs/dax.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  __dax_pmd_fault: makeDaxPmdFault({
    disabled: false,
    lock: 'read',
    zeroing: 'before-insert',
    shootdown: 'before-size-check-lock-dropped',
    pfnValidFallback: true,
    zeroApi: 'clear_pmem',
  }),
};

export default patch({
  id: '152d7bd80dca',
  title: 'dax: fix __dax_pmd_fault crash',
  author: 'Dan Williams',
  date: '2015-11-12',
  link: 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=152d7bd80dca',
  apply: () => replaced,
});
