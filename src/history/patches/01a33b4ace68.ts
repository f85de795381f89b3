// 01a33b4ace68 "ext4: start transaction before calling into DAX" (Matthew Wilcox): "in the
// case where we are writing to a hole, we can end up with a lock inversion between the page
// lock and the journal lock". ext4_dax_fault and ext4_dax_pmd_fault open-code dax_fault: for a
// write, SBPF, file_update_time, then the handle, then __dax_fault / __dax_pmd_fault.
// ext4_dax_mkwrite is left as dax_mkwrite (no handle before DAX).

import { makeExt4DaxFault, makeExt4DaxPmdFault } from '../../linux/fs/ext4/file.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  ext4_dax_fault: makeExt4DaxFault('ext4_get_block_dax', true),
  ext4_dax_pmd_fault: makeExt4DaxPmdFault('ext4_get_block_dax', true),
};

export default patch({
  id: '01a33b4ace68',
  title: 'ext4: start transaction before calling into DAX',
  author: 'Matthew Wilcox',
  date: '2015-09-08',
  link: 'https://gerrit-public.fairphone.software/plugins/gitiles/kernel/msm-4.9/+/01a33b4ace68bc35679a347f21d5ed6e222e30dc',
  apply: () => replaced,
});
