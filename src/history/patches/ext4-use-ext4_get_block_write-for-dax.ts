// "ext4: use ext4_get_block_write() for DAX" (Matthew Wilcox; Reported-by Andy Rudoff): DAX
// needs get_block to return zeroed or unwritten blocks, and ext4_get_block() creates written
// ones, so ->fault and ->page_mkwrite pass ext4_get_block_write (always
// EXT4_GET_BLOCKS_IO_CREATE_EXT: even a read fault allocates, as unwritten).

import { makeExt4DaxFault, makeExt4DaxMkwrite } from '../../linux/fs/ext4/file.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  ext4_dax_fault: makeExt4DaxFault('ext4_get_block_write', false),
  ext4_dax_mkwrite: makeExt4DaxMkwrite('ext4_get_block_write'),
};

export default patch({
  id: 'ext4-use-ext4_get_block_write-for-dax',
  title: 'ext4: use ext4_get_block_write() for DAX',
  author: 'Matthew Wilcox',
  date: '2015-09-08',
  link: 'https://lore.kernel.org/linux-mm/1438718285-21168-2-git-send-email-matthew.r.wilcox@intel.com/',
  note: 'Mainline commit id not verified; the diff is the Aug 4 2015 posting (01/11 of "DAX fixes for 4.3").',
  apply: () => replaced,
});
