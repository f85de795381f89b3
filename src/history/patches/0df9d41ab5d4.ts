// 0df9d41ab5d4 "mm, dax: fix DAX deadlocks (COW fault)" (Yigal Korman): do_cow_fault releases
// the hand-over with i_mmap_unlock_read again, matching __dax_fault's R(i_mmap).

import { makeDoCowFault } from '../../linux/mm/memory.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = { do_cow_fault: makeDoCowFault('read') };

export default patch({
  id: '0df9d41ab5d4',
  title: 'mm, dax: fix DAX deadlocks (COW fault)',
  author: 'Yigal Korman',
  date: '2015-11-16',
  link: 'https://lore.kernel.org/linux-mm/1447675755-5692-1-git-send-email-yigal@plexistor.com/',
  apply: () => replaced,
});
