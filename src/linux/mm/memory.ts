// mm/memory.c: the fault paths of a file vma, write-protect faults, vm_insert_mixed and
// unmap_mapping_range (reference 2.0, 2.4, 2.5).
// Simplifications for the whole file: no fault-around (->map_pages), no memcg charging, no
// mmu notifiers or TLB batching (a zap is final once its ptl is dropped), no page refcounts.

import { at, call, fail, modelled, read, update } from '../../engine/index.js';
import { lock_page, spin_lock, spin_unlock, unlock_page } from '../../kernel/index.js';
import { pmem_load } from '../drivers/nvdimm/pmem.js';
import { i_mmap_lock_write, i_mmap_unlock_read, i_mmap_unlock_write } from '../fs/i_mmap.js';
import { fsOpsOf } from '../fs/registry.js';
// PTE stores are word-sized and single-copy atomic (set_pte_at, xchg in ptep_get_and_clear), so they
// are marked: the lockless read in handle_pte_fault does not race with them; the ptl is still checked.
import { kload, kreadOnce, kwriteOnce } from '../guarded.js';
import {
  FAULT_FLAG_MKWRITE,
  FAULT_FLAG_WRITE,
  type G,
  type PageRef,
  type Pmd,
  type Pte,
  type Sys,
  VM_FAULT_ERROR,
  VM_FAULT_FALLBACK,
  VM_FAULT_LOCKED,
  VM_FAULT_NOPAGE,
  VM_FAULT_OOM,
  VM_FAULT_RETRY,
  VM_FAULT_WRITE,
  type Vma,
  type VmFault,
} from '../types.js';
import {
  linear_page_index,
  pmd_trans_huge,
  pmdLockOf,
  pmdOf,
  pte_same,
  pteOf,
  ptlOf,
  vmaObjects,
} from './pgtable.js';

const isWrite = (flags: number): boolean => (flags & FAULT_FLAG_WRITE) !== 0;

// Models handle_mm_fault() (v4.2-v4.4); the caller holds mm->mmap_sem for read.
export function* handle_mm_fault(sys: Sys, vma: Vma, vpage: number, flags: number): G<number> {
  return yield* call('handle_mm_fault', sys.k.__handle_mm_fault(sys, vma, vpage, flags));
}

// Models __handle_mm_fault() (v4.2-v4.4): the PMD attempt (v4.3+, when vm_ops has pmd_fault),
// then the PTE level. Simplified: no hugetlb, no NUMA, no splitting PMDs.
export function* __handle_mm_fault(sys: Sys, vma: Vma, vpage: number, flags: number): G<number> {
  const pmdCell = pmdOf(sys, vma, vpage);
  const pmd = yield* read(pmdCell, { api: 'pmd_none' });
  if (pmd.kind === 'none' && sys.k.transparent_hugepage_enabled(sys, vma)) {
    const ret = yield* sys.k.create_huge_pmd(sys, vma, vpage, flags);
    if (!(ret & VM_FAULT_FALLBACK)) return ret;
    yield* at('PMD fault fell back to PTEs');
  } else if (pmd_trans_huge(pmd)) {
    if (isWrite(flags) && !(pmd.kind === 'huge-pfn' && pmd.write)) {
      const ret = yield* sys.k.wp_huge_pmd(sys, vma, vpage, flags);
      if (!(ret & VM_FAULT_FALLBACK)) return ret;
    } else {
      yield* at('huge_pmd_set_accessed');
      return 0;
    }
  }
  if (pmd.kind !== 'table') {
    // __pte_alloc(): install a PTE table under the PMD lock unless something is there already
    const pmdLock = pmdLockOf(sys, vma);
    yield* spin_lock(pmdLock);
    const now = yield* update(pmdCell, (p): Pmd => (p.kind === 'none' ? { kind: 'table' } : p), {
      api: '__pte_alloc',
    });
    yield* spin_unlock(pmdLock);
    // a huge PMD materialised from under us: retry the access
    if (pmd_trans_huge(now)) return 0;
  }
  return yield* sys.k.handle_pte_fault(sys, vma, vpage, flags);
}

// Models transparent_hugepage_enabled(vma) (v4.3+) for a DAX vma: VM_HUGEPAGE and a ->pmd_fault.
export function transparent_hugepage_enabled(sys: Sys, vma: Vma): boolean {
  return fsOpsOf(sys, vma.fs).vm_ops.pmd_fault !== undefined;
}

// Models create_huge_pmd() for a file vma (v4.3-v4.4): vm_ops->pmd_fault, else fall back.
export function* create_huge_pmd(sys: Sys, vma: Vma, vpage: number, flags: number): G<number> {
  const pmd_fault = fsOpsOf(sys, vma.fs).vm_ops.pmd_fault;
  if (!pmd_fault) return VM_FAULT_FALLBACK;
  return yield* call('create_huge_pmd', pmd_fault(sys, vma, vpage, flags));
}

// Models wp_huge_pmd() for a file vma (v4.3-v4.4): a write to a read-only huge PMD goes back
// to vm_ops->pmd_fault.
export function* wp_huge_pmd(sys: Sys, vma: Vma, vpage: number, flags: number): G<number> {
  const pmd_fault = fsOpsOf(sys, vma.fs).vm_ops.pmd_fault;
  if (!pmd_fault) return VM_FAULT_FALLBACK;
  return yield* call('wp_huge_pmd', pmd_fault(sys, vma, vpage, flags));
}

// Models handle_pte_fault() (v4.2-v4.4) for a file vma.
export const handle_pte_fault = modelled(
  'handle_pte_fault',
  function* handle_pte_fault(sys: Sys, vma: Vma, vpage: number, flags: number): G<number> {
    const pte = pteOf(sys, vma, vpage);
    // the lockless `entry = *pte`, re-checked with pte_same() under the ptl
    const entry = yield* kreadOnce(pte, 'handle_pte_fault');
    if (!entry) return yield* sys.k.do_fault(sys, vma, vpage, flags, entry);
    const ptl = ptlOf(sys, vma, vpage);
    yield* spin_lock(ptl);
    const cur = yield* kload(pte, 'pte_same');
    if (!pte_same(cur, entry)) {
      yield* spin_unlock(ptl);
      return 0;
    }
    if (isWrite(flags) && !entry.write) return yield* sys.k.do_wp_page(sys, vma, vpage, entry);
    yield* at('pte_mkyoung');
    yield* spin_unlock(ptl);
    return 0;
  },
);

// Models do_fault() (v4.2-v4.4): read, private write (COW) or shared write.
export function* do_fault(sys: Sys, vma: Vma, vpage: number, flags: number, orig: Pte): G<number> {
  if (!isWrite(flags)) return yield* sys.k.do_read_fault(sys, vma, vpage, flags, orig);
  if (!vma.shared) return yield* sys.k.do_cow_fault(sys, vma, vpage, flags, orig);
  return yield* sys.k.do_shared_fault(sys, vma, vpage, flags, orig);
}

// Models __do_fault() (v4.2-v4.4): call vm_ops->fault; a returned page ends up locked; with no
// page (the DAX COW case) nothing is locked here.
export const __do_fault = modelled(
  '__do_fault',
  function* __do_fault(
    sys: Sys,
    vma: Vma,
    vpage: number,
    flags: number,
    cow_page: { value: number } | null,
  ): G<{ ret: number; page: PageRef | null }> {
    const vmf: VmFault = { pgoff: linear_page_index(vma, vpage), vpage, flags, cow_page, page: null };
    const ret = yield* fsOpsOf(sys, vma.fs).vm_ops.fault(sys, vma, vmf);
    if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) return { ret, page: null };
    if (!vmf.page) return { ret, page: null };
    if (!(ret & VM_FAULT_LOCKED)) yield* lock_page(vmf.page.lock);
    return { ret, page: vmf.page };
  },
);

// Models do_set_pte() (v4.2-v4.4): install a page (file page read-only or writable, or a new
// anonymous page) under the ptl, which the caller holds.
export function* do_set_pte(sys: Sys, vma: Vma, vpage: number, entry: NonNullable<Pte>): G {
  yield* kwriteOnce(pteOf(sys, vma, vpage), entry, 'do_set_pte');
  if (entry.kind === 'page') yield* update(entry.page.mapcount, (n) => n + 1, { api: 'page_add_file_rmap' });
}

// Models do_read_fault() (v4.2-v4.4) without fault-around.
export const do_read_fault = modelled(
  'do_read_fault',
  function* do_read_fault(sys: Sys, vma: Vma, vpage: number, flags: number, orig: Pte): G<number> {
    const { ret, page } = yield* sys.k.__do_fault(sys, vma, vpage, flags, null);
    if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) return ret;
    const ptl = ptlOf(sys, vma, vpage);
    yield* spin_lock(ptl);
    const cur = yield* kload(pteOf(sys, vma, vpage), 'pte_same');
    if (!pte_same(cur, orig)) {
      yield* spin_unlock(ptl);
      if (page) yield* unlock_page(page.lock);
      return ret;
    }
    if (page) {
      yield* do_set_pte(sys, vma, vpage, { kind: 'page', page, write: false });
      yield* unlock_page(page.lock);
    }
    yield* spin_unlock(ptl);
    return ret;
  },
);

/**
 * Builds do_cow_fault() as a version has it: the i_mmap_rwsem that __dax_fault hands over
 * with a NULL page is released with `release` (2.4: uR in v4.2 and v4.4, uW from 52a2b53ffde6
 * until 0df9d41ab5d4).
 */
export function makeDoCowFault(release: 'read' | 'write') {
  const i_mmap_unlock = release === 'read' ? i_mmap_unlock_read : i_mmap_unlock_write;
  // Models do_cow_fault() (v4.2-v4.4; the release mode is the version's). Simplified: no memcg.
  return modelled(
    'do_cow_fault',
    function* do_cow_fault(sys: Sys, vma: Vma, vpage: number, flags: number, orig: Pte): G<number> {
      yield* at('anon_vma_prepare, alloc_page_vma');
      const new_page = { value: 0 };
      const { ret, page } = yield* sys.k.__do_fault(sys, vma, vpage, flags, new_page);
      if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) return ret;
      // copy_user_highpage from a hole page: zeroes
      if (page) new_page.value = 0;
      const ptl = ptlOf(sys, vma, vpage);
      yield* spin_lock(ptl);
      const cur = yield* kload(pteOf(sys, vma, vpage), 'pte_same');
      if (!pte_same(cur, orig)) {
        yield* spin_unlock(ptl);
        if (page) yield* unlock_page(page.lock);
        else {
          yield* at('no page to lock: drop the i_mmap lock __dax_fault handed over');
          yield* i_mmap_unlock(sys);
        }
        return ret;
      }
      yield* do_set_pte(sys, vma, vpage, { kind: 'anon', value: new_page.value, write: true });
      yield* spin_unlock(ptl);
      if (page) yield* unlock_page(page.lock);
      else {
        yield* at('no page to lock: drop the i_mmap lock __dax_fault handed over');
        yield* i_mmap_unlock(sys);
      }
      return ret;
    },
  );
}

// Models do_shared_fault() (v4.2-v4.4). For DAX only a hole page comes back; page_mkwrite
// then turns it into a pfn mapping.
export const do_shared_fault = modelled(
  'do_shared_fault',
  function* do_shared_fault(sys: Sys, vma: Vma, vpage: number, flags: number, orig: Pte): G<number> {
    const { ret, page } = yield* sys.k.__do_fault(sys, vma, vpage, flags, null);
    if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) return ret;
    if (!page) return ret;
    yield* unlock_page(page.lock);
    const tmp = yield* sys.k.do_page_mkwrite(sys, vma, vpage, page);
    if (!tmp || tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) return tmp;
    const ptl = ptlOf(sys, vma, vpage);
    yield* spin_lock(ptl);
    const cur = yield* kload(pteOf(sys, vma, vpage), 'pte_same');
    if (!pte_same(cur, orig)) {
      yield* spin_unlock(ptl);
      yield* unlock_page(page.lock);
      return ret;
    }
    yield* do_set_pte(sys, vma, vpage, { kind: 'page', page, write: true });
    yield* spin_unlock(ptl);
    yield* unlock_page(page.lock);
    return ret;
  },
);

// Models do_page_mkwrite() (v4.2-v4.4): vm_ops->page_mkwrite with FAULT_FLAG_WRITE|MKWRITE
// and the page unlocked; if it returns without the page locked, lock it and re-check mapping.
export const do_page_mkwrite = modelled(
  'do_page_mkwrite',
  function* do_page_mkwrite(sys: Sys, vma: Vma, vpage: number, page: PageRef): G<number> {
    const vmf: VmFault = {
      pgoff: page.index,
      vpage,
      flags: FAULT_FLAG_WRITE | FAULT_FLAG_MKWRITE,
      cow_page: null,
      page,
    };
    let ret = yield* fsOpsOf(sys, vma.fs).vm_ops.page_mkwrite(sys, vma, vmf);
    if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) return ret;
    if (!(ret & VM_FAULT_LOCKED)) {
      yield* lock_page(page.lock);
      const still = yield* read(sys.st.inode.mapping.pages[page.index], { api: 'page->mapping' });
      if (still?.id !== page.id) {
        yield* unlock_page(page.lock);
        return 0;
      }
      ret |= VM_FAULT_LOCKED;
    }
    return ret;
  },
);

// Models do_wp_page() (v4.2-v4.4), entered with the ptl held and the read-only entry `orig`.
// A pfn PTE has no struct page (vm_normal_page() is NULL): wp_pfn_shared for a shared vma,
// else a copy. A hole page: wp_page_shared for a shared vma, else a copy.
export const do_wp_page = modelled(
  'do_wp_page',
  function* do_wp_page(sys: Sys, vma: Vma, vpage: number, orig: NonNullable<Pte>): G<number> {
    const ptl = ptlOf(sys, vma, vpage);
    if (orig.kind === 'anon') return yield* wp_page_reuse(sys, vma, vpage, orig);
    if (vma.shared) {
      if (orig.kind === 'pfn') return yield* sys.k.wp_pfn_shared(sys, vma, vpage, orig);
      return yield* sys.k.wp_page_shared(sys, vma, vpage, orig);
    }
    yield* spin_unlock(ptl);
    return yield* sys.k.wp_page_copy(sys, vma, vpage, orig);
  },
);

// Models wp_page_reuse() (v4.2-v4.4): make the entry writable and drop the ptl.
function* wp_page_reuse(sys: Sys, vma: Vma, vpage: number, orig: NonNullable<Pte>): G<number> {
  yield* kwriteOnce(pteOf(sys, vma, vpage), { ...orig, write: true }, 'wp_page_reuse');
  yield* spin_unlock(ptlOf(sys, vma, vpage));
  return VM_FAULT_WRITE;
}

// Models wp_pfn_shared() (v4.2-v4.4): drop the ptl, call vm_ops->pfn_mkwrite if there is one,
// retake the ptl and make the PTE writable only if it is unchanged (pte_same).
export const wp_pfn_shared = modelled(
  'wp_pfn_shared',
  function* wp_pfn_shared(sys: Sys, vma: Vma, vpage: number, orig: NonNullable<Pte>): G<number> {
    const pfn_mkwrite = fsOpsOf(sys, vma.fs).vm_ops.pfn_mkwrite;
    const ptl = ptlOf(sys, vma, vpage);
    if (pfn_mkwrite) {
      yield* spin_unlock(ptl);
      const vmf: VmFault = {
        pgoff: linear_page_index(vma, vpage),
        vpage,
        flags: FAULT_FLAG_WRITE | FAULT_FLAG_MKWRITE,
        cow_page: null,
        page: null,
      };
      const ret = yield* pfn_mkwrite(sys, vma, vmf);
      if (ret & VM_FAULT_ERROR) return ret;
      yield* spin_lock(ptl);
      const cur = yield* kload(pteOf(sys, vma, vpage), 'pte_same');
      if (!pte_same(cur, orig)) {
        yield* at('raced with another fault or a zap: no write-enable');
        yield* spin_unlock(ptl);
        return 0;
      }
    }
    return yield* wp_page_reuse(sys, vma, vpage, orig);
  },
);

// Models wp_page_shared() (v4.2-v4.4) for a hole page: page_mkwrite with the ptl dropped;
// DAX's page_mkwrite returns NOPAGE after replacing the hole page with a pfn mapping.
export const wp_page_shared = modelled(
  'wp_page_shared',
  function* wp_page_shared(sys: Sys, vma: Vma, vpage: number, orig: NonNullable<Pte>): G<number> {
    if (orig.kind !== 'page') throw new Error('wp_page_shared on an entry without a page');
    const ptl = ptlOf(sys, vma, vpage);
    yield* spin_unlock(ptl);
    const tmp = yield* sys.k.do_page_mkwrite(sys, vma, vpage, orig.page);
    if (!tmp || tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) return tmp;
    yield* spin_lock(ptl);
    const cur = yield* kload(pteOf(sys, vma, vpage), 'pte_same');
    if (!pte_same(cur, orig)) {
      yield* unlock_page(orig.page.lock);
      yield* spin_unlock(ptl);
      return 0;
    }
    yield* kwriteOnce(pteOf(sys, vma, vpage), { ...orig, write: true }, 'wp_page_reuse');
    yield* spin_unlock(ptl);
    yield* unlock_page(orig.page.lock);
    return VM_FAULT_WRITE;
  },
);

// Models wp_page_copy() (v4.2-v4.4) for a private vma: copy the old contents (a hole page
// reads as zeroes; a pfn is read through the user address) into a new anonymous page, and
// install it if the PTE is unchanged.
export const wp_page_copy = modelled(
  'wp_page_copy',
  function* (sys: Sys, vma: Vma, vpage: number, orig: NonNullable<Pte>): G<number> {
    let value = 0;
    if (orig.kind === 'pfn') value = yield* pmem_load(sys, orig.pfn);
    else if (orig.kind === 'anon') value = orig.value;
    const ptl = ptlOf(sys, vma, vpage);
    yield* spin_lock(ptl);
    const cur = yield* kload(pteOf(sys, vma, vpage), 'pte_same');
    if (pte_same(cur, orig)) {
      yield* kwriteOnce(pteOf(sys, vma, vpage), { kind: 'anon', value, write: true }, 'wp_page_copy');
      if (orig.kind === 'page') yield* update(orig.page.mapcount, (n) => n - 1, { api: 'page_remove_rmap' });
    }
    yield* spin_unlock(ptl);
    return VM_FAULT_WRITE;
  },
);

// Models vm_insert_mixed() -> insert_pfn() (v4.2-v4.4): under the ptl, -EBUSY if the PTE is
// present, else a special PTE with vma->vm_page_prot, which is read-only for every DAX vma
// (write-notify, because ->page_mkwrite exists; 2.1 step 9).
export const vm_insert_mixed = modelled(
  'vm_insert_mixed',
  function* vm_insert_mixed(sys: Sys, vma: Vma, vpage: number, pfn: number): G<number> {
    const ptl = ptlOf(sys, vma, vpage);
    yield* spin_lock(ptl);
    const pte = pteOf(sys, vma, vpage);
    const cur = yield* kload(pte, 'pte_none');
    let ret = 0;
    if (cur)
      ret = -16; // -EBUSY
    else yield* kwriteOnce(pte, { kind: 'pfn', pfn, write: false }, 'set_pte_at');
    yield* spin_unlock(ptl);
    return ret;
  },
);

// ---- unmap_mapping_range ---------------------------------------------------------------------

/** zap_details: the file range, and whether private COW copies go too. */
export interface ZapDetails {
  first: number;
  last: number;
  even_cows: boolean;
}

// Models unmap_mapping_range() as v4.2, v4.3-rc1 (46c043ede471, no comment) and v4.3/v4.4
// have it: i_mmap_lock_write around the i_mmap walk ("DAX uses i_mmap_lock to serialise file
// truncate vs page fault"). Ranges in pages; count 0 = to the end of the file.
export const unmap_mapping_range = modelled(
  'unmap_mapping_range',
  function* unmap_mapping_range(sys: Sys, first: number, count: number, even_cows: boolean): G {
    const details = zapDetails(first, count, even_cows);
    yield* i_mmap_lock_write(sys);
    yield* sys.k.unmap_mapping_range_tree(sys, details);
    yield* i_mmap_unlock_write(sys);
  },
);

// Models unmap_mapping_range() as 843172978bb9 left it, and as Ross's v4 1/2 (and v1 2/3)
// briefly restored it: "DAX already holds i_mmap_lock to serialise file truncate vs page fault
// and page fault vs page fault", so no lock is taken for a DAX inode (all inodes here are DAX).
export const unmap_mapping_range_is_dax_skip = modelled(
  'unmap_mapping_range',
  function* unmap_mapping_range_is_dax_skip(sys: Sys, first: number, count: number, even_cows: boolean): G {
    yield* at('IS_DAX(mapping->host): no i_mmap_lock_write');
    yield* sys.k.unmap_mapping_range_tree(sys, zapDetails(first, count, even_cows));
  },
);

export function zapDetails(first: number, count: number, even_cows: boolean): ZapDetails {
  return { first, last: count === 0 ? Number.MAX_SAFE_INTEGER : first + count - 1, even_cows };
}

// Models unmap_mapping_range_tree() (v4.2-v4.4): vma_interval_tree_foreach over mapping->i_mmap
// and zap_page_range_single on the overlap of each vma. The walk itself is one read of the tree.
export const unmap_mapping_range_tree = modelled(
  'unmap_mapping_range_tree',
  function* unmap_mapping_range_tree(sys: Sys, details: ZapDetails): G {
    const ids = yield* kload(sys.st.inode.mapping.i_mmap, 'vma_interval_tree_foreach');
    for (const id of ids) {
      const vma = sys.st.vmas[id].vma;
      const lo = Math.max(details.first, vma.pgoff);
      const hi = Math.min(details.last, vma.pgoff + vma.pages - 1);
      if (lo > hi) continue;
      yield* sys.k.zap_page_range_single(sys, vma, lo - vma.pgoff, hi - vma.pgoff, details);
    }
  },
);

// Models zap_page_range_single() -> unmap_single_vma() (v4.2-v4.4) over vma pages [from, to]:
// huge PMDs via zap_huge_pmd (a partial range splits, which for DAX clears the PMD), PTEs under
// their ptl. With !even_cows, anonymous COW pages stay. A vma already freed by munmap is a
// use-after-free.
export const zap_page_range_single = modelled(
  'zap_page_range_single',
  function* zap_page_range_single(
    sys: Sys,
    vma: Vma,
    from: number,
    to: number,
    details: ZapDetails | null,
  ): G {
    const freed = yield* read(vmaObjects(sys, vma).freed, { api: 'vma->vm_mm' });
    if (freed)
      fail({
        kind: 'oops',
        title: 'BUG: unable to handle kernel paging request (use-after-free of a vma)',
        message: `zap of vma ${vma.id}, freed by munmap while it was still reachable from mapping->i_mmap`,
      });
    yield* zap_range(sys, vma, from, to, details);
  },
);

/** unmap_page_range(): the page-table walk shared by zap_page_range_single and unmap_vmas. */
export function* zap_range(sys: Sys, vma: Vma, from: number, to: number, details: ZapDetails | null): G {
  const P = sys.st.geo.pmdPages;
  let v = from;
  while (v <= to) {
    const pmdCell = pmdOf(sys, vma, v);
    const pmdStart = Math.floor((v + (vma.huge ? 0 : 1)) / P) * P - (vma.huge ? 0 : 1);
    const end = Math.min(to, pmdStart + P - 1);
    const pmd = yield* read(pmdCell, { api: 'zap_pmd_range' });
    if (pmd_trans_huge(pmd)) {
      yield* sys.k.zap_huge_pmd(sys, vma, v);
    } else if (pmd.kind === 'table') {
      const ptl = ptlOf(sys, vma, v);
      yield* spin_lock(ptl);
      for (let p = v; p <= end; p++) {
        const pte = pteOf(sys, vma, p);
        const cur = yield* kload(pte, 'zap_pte_range');
        if (!cur) continue;
        // check_mapping: skip pages of other mappings (anonymous COW copies) unless even_cows
        if (cur.kind === 'anon' && details && !details.even_cows) continue;
        yield* kwriteOnce(pte, null, 'ptep_get_and_clear');
        if (cur.kind === 'page') yield* update(cur.page.mapcount, (n) => n - 1, { api: 'page_remove_rmap' });
      }
      yield* spin_unlock(ptl);
    }
    v = end + 1;
  }
}

/** VM_FAULT_OOM re-exported for callers that map errors. */
export { VM_FAULT_OOM };
