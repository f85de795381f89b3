// mm/mmap.c (v4.2-v4.4, reference 2.10): mmap links a vma into the mm and into mapping->i_mmap;
// munmap zaps the mm's own PTEs without any i_mmap lock, unlinks the vma from i_mmap under
// W(i_mmap), frees the page tables, then frees the vma.
// Simplifications: the vma exists already (one per scenario mapping id), no vma splitting or
// merging, no anon_vma, ->mmap (xfs_file_mmap) only sets flags.

import { type Cell, call, modelled, write } from '../../engine/index.js';
import { down_write, up_write } from '../../kernel/index.js';
import { i_mmap_lock_write, i_mmap_unlock_write } from '../fs/i_mmap.js';
import { kmodify } from '../guarded.js';
import type { G, Sys, Vma } from '../types.js';
import { zap_range } from './memory.js';
import { pmdCount, vmaObjects } from './pgtable.js';

// Models vm_mmap_pgoff() -> mmap_region() -> vma_link() (v4.2-v4.4).
export const vm_mmap = modelled('vm_mmap_pgoff', function* vm_mmap(sys: Sys, vma: Vma): G {
  const mm = sys.st.mms[vma.mm];
  yield* down_write(mm.mmap_sem);
  yield* sys.k.mmap_region(sys, vma);
  yield* up_write(mm.mmap_sem);
});

// Models mmap_region() (v4.2-v4.4): the new vma goes into the mm and into i_mmap (vma_link).
export const mmap_region = modelled('mmap_region', function* mmap_region(sys: Sys, vma: Vma): G {
  yield* sys.k.vma_link(sys, vma);
});

// Models vma_link() (v4.2-v4.4): __vma_link (mm list) and __vma_link_file (interval tree
// insert) under W(i_mmap).
export const vma_link = modelled('vma_link', function* vma_link(sys: Sys, vma: Vma): G {
  yield* i_mmap_lock_write(sys);
  yield* kmodify(sys.st.mms[vma.mm].vmas, (l) => [...l, vma.id], '__vma_link');
  yield* kmodify(sys.st.inode.mapping.i_mmap, (l) => [...l, vma.id], 'vma_interval_tree_insert');
  yield* i_mmap_unlock_write(sys);
});

// Models vm_munmap() -> do_munmap() (v4.2-v4.4) for a whole vma.
export const vm_munmap = modelled('vm_munmap', function* vm_munmap(sys: Sys, vma: Vma): G {
  const mm = sys.st.mms[vma.mm];
  yield* down_write(mm.mmap_sem);
  yield* sys.k.do_munmap(sys, vma);
  yield* up_write(mm.mmap_sem);
});

// Models remove_vma() (v4.2-v4.4): the vma is freed (kmem_cache_free). Simplified: no vm_ops->close,
// no fput.
const remove_vma = modelled('remove_vma', function* remove_vma(freed: Cell<boolean>): G {
  yield* write(freed, true, { api: 'kmem_cache_free(vma)' });
});

// Models do_munmap() (v4.2-v4.4): detach, unmap_region (unmap_vmas: zap this mm's PTEs under
// their ptl, no i_mmap lock; free_pgtables: unlink_file_vma, then the tables go), remove_vma
// (the vma is freed).
export const do_munmap = modelled('do_munmap', function* do_munmap(sys: Sys, vma: Vma): G {
  const objs = vmaObjects(sys, vma);
  yield* kmodify(
    sys.st.mms[vma.mm].vmas,
    (l) => l.filter((id) => id !== vma.id),
    'detach_vmas_to_be_unmapped',
  );
  yield* call('unmap_vmas', zap_range(sys, vma, 0, vma.pages - 1, null));
  yield* sys.k.unlink_file_vma(sys, vma);
  for (let i = 0; i < pmdCount(vma, sys.st.geo.pmdPages); i++)
    yield* write(objs.pmds[i], { kind: 'none' }, { api: 'free_pgd_range' });
  yield* remove_vma(objs.freed);
});

// Models unlink_file_vma() (v4.2-v4.4): vma_interval_tree_remove under W(i_mmap).
export const unlink_file_vma = modelled('unlink_file_vma', function* unlink_file_vma(sys: Sys, vma: Vma): G {
  yield* i_mmap_lock_write(sys);
  yield* kmodify(
    sys.st.inode.mapping.i_mmap,
    (l) => l.filter((id) => id !== vma.id),
    'vma_interval_tree_remove',
  );
  yield* i_mmap_unlock_write(sys);
});
