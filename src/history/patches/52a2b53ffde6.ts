// 52a2b53ffde6 "mm, dax: use i_mmap_unlock_write() in do_cow_fault()" (Kirill A. Shutemov):
// pair 843172978bb9's W(i_mmap) hand-off with a write unlock (2.4). It applies on top of
// 46c043ede471 (its mm/memory.c blob index follows that patch's).

import { makeDoCowFault } from '../../linux/mm/memory.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = { do_cow_fault: makeDoCowFault('write') };

export default patch({
  id: '52a2b53ffde6',
  title: 'mm, dax: use i_mmap_unlock_write() in do_cow_fault()',
  author: 'Kirill A. Shutemov',
  date: '2015-09-08',
  link: 'https://lore.kernel.org/linux-mm/1438948482-129043-1-git-send-email-kirill.shutemov@linux.intel.com/',
  apply: () => replaced,
});
