// 1ca191576fc8 "xfs: Don't use unwritten extents for DAX" (Dave Chinner): DAX allocations are
// zeroed inside the allocation transaction (XFS_BMAPI_ZERO -> dax_clear_blocks) and converted
// at once (XFS_BMAPI_CONVERT), unwritten extents are converted on a DAX create, and buffer_new
// is cleared: the DAX layer sees written blocks and does not zero.

import { makeXfsGetBlocks } from '../../linux/fs/xfs/xfs_aops.js';
import { makeXfsIomapWriteDirect } from '../../linux/fs/xfs/xfs_iomap.js';
import { patch } from '../patch.js';

/** Built once, so that every version sharing this patch shares these functions. */
const replaced = {
  __xfs_get_blocks: makeXfsGetBlocks(true),
  xfs_iomap_write_direct: makeXfsIomapWriteDirect(true),
};

export default patch({
  id: '1ca191576fc8',
  title: "xfs: Don't use unwritten extents for DAX",
  author: 'Dave Chinner',
  date: '2015-11-03',
  link: 'https://lab.node.vifib.com/nexedi/linux/-/commit/1ca191576fc862b4766f58e41aa362b28a7c1866',
  apply: () => replaced,
});
