// ee82c9ed41e8 "dax: disable pmd mappings" (Dan Williams): FS_DAX_PMD depends on BROKEN, so
// __dax_pmd_fault returns VM_FAULT_FALLBACK on entry ("dax pmd mappings are broken wrt gup and
// fork"). Not Ross's "temporarily disable" patch.

import { makeDaxPmdFault } from '../../linux/fs/dax.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  __dax_pmd_fault: makeDaxPmdFault({
    disabled: 'CONFIG_FS_DAX_PMD depends on BROKEN',
    lock: 'read',
    zeroing: 'before-insert',
    shootdown: 'before-size-check-lock-dropped',
    pfnValidFallback: true,
    zeroApi: 'clear_pmem',
  }),
};

export default patch({
  id: 'ee82c9ed41e8',
  title: 'dax: disable pmd mappings',
  author: 'Dan Williams',
  date: '2015-11-15',
  link: 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=ee82c9ed41e8',
  apply: () => replaced,
});
