// "ext4: add ext4_get_block_dax()" (Matthew Wilcox): a get_block that honours `create` (unlike
// ext4_get_block_write) and returns unwritten extents (unlike ext4_get_block): PRE_IO |
// UNWRIT_EXT (| CREATE). ->fault, ->pmd_fault and ->page_mkwrite pass it.

import { makeExt4DaxFault, makeExt4DaxMkwrite, makeExt4DaxPmdFault } from '../../linux/fs/ext4/file.js';
import { ext4_get_block_dax } from '../../linux/fs/ext4/inode.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  ext4_get_block_dax,
  ext4_dax_fault: makeExt4DaxFault('ext4_get_block_dax', false),
  ext4_dax_pmd_fault: makeExt4DaxPmdFault('ext4_get_block_dax', false),
  ext4_dax_mkwrite: makeExt4DaxMkwrite('ext4_get_block_dax'),
};

export default patch({
  id: 'ext4-add-ext4_get_block_dax',
  title: 'ext4: add ext4_get_block_dax()',
  author: 'Matthew Wilcox',
  date: '2015-09-08',
  link: 'https://lore.kernel.org/linux-mm/1438718285-21168-5-git-send-email-matthew.r.wilcox@intel.com/',
  note: 'Mainline commit id not verified; the diff is the Aug 4 2015 posting (04/11 of "DAX fixes for 4.3").',
  apply: () => replaced,
});
