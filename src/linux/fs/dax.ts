// fs/dax.c (v4.2-v4.4 and the v4.3-rc states, reference 2.1, 2.2, 2.3, 2.7): DAX faults map
// pmem pfns directly; holes read through a mapping get a zero-filled page-cache page (a hole
// page) that a later write fault removes.
// Simplifications for the whole file: no PGMAJFAULT/memcg counters, file_update_time() is only
// a trace label (it may start an XFS transaction for the timestamp in the kernel), blocks are
// one page.

import { at, call, modelled, read, report, write } from '../../engine/index.js';
import {
  lock_page_or_retry,
  sb_end_pagefault,
  sb_start_pagefault,
  spin_lock,
  spin_unlock,
  unlock_page,
  up_read,
} from '../../kernel/index.js';
import {
  bdev_direct_access,
  clear_pmem,
  type Kaddr,
  pfn_valid,
  pmem_load,
  pmem_store,
  wmb_pmem,
} from '../drivers/nvdimm/pmem.js';
import {
  delete_from_page_cache,
  find_get_page,
  find_lock_page,
  find_or_create_page,
  page_still_mapped_to_file,
} from '../mm/filemap.js';
import { linear_page_index, pmdLockOf, pmdOf, pmdStartOf } from '../mm/pgtable.js';
import {
  type BufferHead,
  type CompleteUnwritten,
  EBUSY,
  EIO,
  ENOMEM,
  FAULT_FLAG_ALLOW_RETRY,
  FAULT_FLAG_WRITE,
  type G,
  type GetBlock,
  newBufferHead,
  type PageRef,
  type Sys,
  VM_FAULT_ERROR,
  VM_FAULT_FALLBACK,
  VM_FAULT_LOCKED,
  VM_FAULT_MAJOR,
  VM_FAULT_NOPAGE,
  VM_FAULT_OOM,
  VM_FAULT_RETRY,
  VM_FAULT_SIGBUS,
  type Vma,
  type VmFault,
} from '../types.js';
import { i_mmap_lock_read, i_mmap_lock_write, i_mmap_unlock_read, i_mmap_unlock_write } from './i_mmap.js';
import { i_size_read } from './inode.js';

const isWrite = (vmf: VmFault): boolean => (vmf.flags & FAULT_FLAG_WRITE) !== 0;
const buffer_written = (bh: BufferHead): boolean => bh.mapped && !bh.unwritten;

/** The fault result for an error code (end of __dax_fault): -EBUSY counts as success. */
function faultResult(error: number, major: number): number {
  if (error === ENOMEM) return VM_FAULT_OOM | major;
  if (error < 0 && error !== EBUSY) return VM_FAULT_SIGBUS | major;
  return VM_FAULT_NOPAGE | major;
}

function* file_update_time(): G {
  yield* at('file_update_time');
}

// Models copy_user_bh() (v4.2-v4.4): copy the block into the new anonymous COW page.
function* copy_user_bh(sys: Sys, to: { value: number }, bh: BufferHead): G<number> {
  const da = yield* bdev_direct_access(sys, bh.pblk, bh.size);
  if (da.length < 0) return EIO;
  to.value = yield* pmem_load(sys, da.kaddr);
  return 0;
}

// Models dax_load_hole() (v4.2-v4.4): find or create a locked zero-filled page, re-check
// i_size under its lock, and return it locked (do_read_fault maps it read-only).
export const dax_load_hole = modelled(
  'dax_load_hole',
  function* dax_load_hole(sys: Sys, page: PageRef | null, vmf: VmFault): G<number> {
    if (!page) page = yield* find_or_create_page(sys, vmf.pgoff);
    const size = yield* i_size_read(sys);
    if (vmf.pgoff >= size) {
      yield* unlock_page(page.lock);
      return VM_FAULT_SIGBUS;
    }
    vmf.page = page;
    return VM_FAULT_LOCKED;
  },
);

/** dax_insert_mapping() body shared by both lockings: size check, direct_access, zero, insert. */
function* insert_mapping_body(sys: Sys, bh: BufferHead, vma: Vma, vmf: VmFault): G<number> {
  const size = yield* i_size_read(sys);
  if (vmf.pgoff >= size) {
    yield* at('truncated while allocating: -EIO');
    return EIO;
  }
  const da = yield* bdev_direct_access(sys, bh.pblk, bh.size);
  if (da.length < 0) return da.length;
  if (da.length < 1) return EIO;
  if (bh.unwritten || bh.new) {
    yield* at('zero the new or unwritten block');
    yield* clear_pmem(sys, da.kaddr, 1);
    yield* wmb_pmem();
  }
  return yield* sys.k.vm_insert_mixed(sys, vma, vmf.vpage, da.pfn);
}

// Models dax_insert_mapping() (v4.2, and v4.3/v4.4 after 0f90cc6609c7): R(i_mmap) around the
// i_size re-check, the zeroing and vm_insert_mixed.
export const dax_insert_mapping = modelled(
  'dax_insert_mapping',
  function* dax_insert_mapping(sys: Sys, bh: BufferHead, vma: Vma, vmf: VmFault): G<number> {
    yield* i_mmap_lock_read(sys);
    const error = yield* insert_mapping_body(sys, bh, vma, vmf);
    yield* i_mmap_unlock_read(sys);
    return error;
  },
);

// Models dax_insert_mapping() as 843172978bb9 left it (v4.3-rc1..rc5): no lock of its own; the
// caller __dax_fault holds W(i_mmap).
export function* dax_insert_mapping_caller_locked(
  sys: Sys,
  bh: BufferHead,
  vma: Vma,
  vmf: VmFault,
): G<number> {
  return yield* call('dax_insert_mapping', insert_mapping_body(sys, bh, vma, vmf));
}

/** WARN_ON_ONCE(!(vmf->flags & FAULT_FLAG_WRITE)) after an unwritten buffer and no completion. */
function* warnUnwrittenRead(vmf: VmFault): G {
  if (!isWrite(vmf))
    yield* report({
      kind: 'warning',
      title: 'WARNING: fs/dax.c __dax_fault: unwritten extent mapped on a read fault with no completion',
    });
}

// Models __dax_fault() as v4.2 has it, and v4.3/v4.4 after 0f90cc6609c7 (2.1): no i_mmap lock
// around get_block; the hole page (if any) is locked; a write fault that allocated re-checks
// for a hole page with find_lock_page and shoots it down (PL -> W(i_mmap)); the COW case with
// no page returns VM_FAULT_LOCKED holding R(i_mmap) for do_cow_fault to release.
export const __dax_fault = modelled(
  '__dax_fault',
  function* __dax_fault(
    sys: Sys,
    vma: Vma,
    vmf: VmFault,
    get_block: GetBlock,
    complete_unwritten: CompleteUnwritten | null,
  ): G<number> {
    let size = yield* i_size_read(sys);
    if (vmf.pgoff >= size) return VM_FAULT_SIGBUS;
    const bh = newBufferHead(1);
    let page: PageRef | null;
    let error = 0;
    let major = 0;
    const unlockPage = function* (): G<number> {
      if (page) yield* unlock_page(page.lock);
      return faultResult(error, major);
    };
    for (;;) {
      yield* at('repeat: find_get_page');
      page = yield* find_get_page(sys, vmf.pgoff);
      if (!page) break;
      const mm = sys.st.mms[vma.mm];
      const locked = yield* lock_page_or_retry(page.lock, (vmf.flags & FAULT_FLAG_ALLOW_RETRY) !== 0, () =>
        up_read(mm.mmap_sem),
      );
      if (!locked) return VM_FAULT_RETRY;
      if (!(yield* page_still_mapped_to_file(sys, page))) {
        yield* unlock_page(page.lock);
        continue;
      }
      size = yield* i_size_read(sys);
      if (vmf.pgoff >= size) {
        yield* at('hole page raced with truncate');
        error = EIO;
        return yield* unlockPage();
      }
      break;
    }
    yield* at('get_block(create=0)');
    error = yield* get_block(sys, vmf.pgoff, bh, false);
    if (!error && bh.size < 1) error = EIO;
    if (error) return yield* unlockPage();
    if (!bh.mapped && !bh.unwritten && !vmf.cow_page) {
      if (isWrite(vmf)) {
        yield* at('get_block(create=1)');
        error = yield* get_block(sys, vmf.pgoff, bh, true);
        major = VM_FAULT_MAJOR;
        if (!error && bh.size < 1) error = EIO;
        if (error) return yield* unlockPage();
      } else {
        return yield* sys.k.dax_load_hole(sys, page, vmf);
      }
    }
    if (vmf.cow_page) {
      if (buffer_written(bh)) error = yield* copy_user_bh(sys, vmf.cow_page, bh);
      else vmf.cow_page.value = 0;
      if (error) return yield* unlockPage();
      vmf.page = page;
      if (!page) {
        yield* i_mmap_lock_read(sys);
        size = yield* i_size_read(sys);
        if (vmf.pgoff >= size) {
          yield* i_mmap_unlock_read(sys);
          error = EIO;
          return faultResult(error, major);
        }
        yield* at('return VM_FAULT_LOCKED holding R(i_mmap) for do_cow_fault');
      }
      return VM_FAULT_LOCKED;
    }
    if (!page && major) {
      yield* at('did a read fault install a hole page meanwhile?');
      page = yield* find_lock_page(sys, vmf.pgoff);
    }
    if (page) {
      yield* at('shoot down the hole page');
      yield* sys.k.unmap_mapping_range(sys, vmf.pgoff, 1, false);
      yield* delete_from_page_cache(sys, page);
      yield* unlock_page(page.lock);
    }
    error = yield* sys.k.dax_insert_mapping(sys, bh, vma, vmf);
    if (bh.unwritten) {
      if (complete_unwritten) yield* complete_unwritten(sys, bh, !error);
      else yield* warnUnwrittenRead(vmf);
    }
    return faultResult(error, major);
  },
);

// Models __dax_fault() as 843172978bb9 "dax: fix race between simultaneous faults" left it
// (v4.3-rc1..rc5, 2.1): with no hole page, W(i_mmap) is taken before get_block and held across
// allocation, zeroing and insert; find_lock_page (step 7) and unmap_mapping_range (step 8) run
// under it; the read-hole path drops it before dax_load_hole; the COW path returns holding
// it; `if (!page) i_mmap_unlock_write` at the end, so a page found in step 7 leaves it held.
export const __dax_fault_i_mmap_write = modelled(
  '__dax_fault',
  function* __dax_fault_i_mmap_write(
    sys: Sys,
    vma: Vma,
    vmf: VmFault,
    get_block: GetBlock,
    complete_unwritten: CompleteUnwritten | null,
  ): G<number> {
    let size = yield* i_size_read(sys);
    if (vmf.pgoff >= size) return VM_FAULT_SIGBUS;
    const bh = newBufferHead(1);
    let page: PageRef | null;
    let error = 0;
    let major = 0;
    const unlock = function* (): G<number> {
      if (page) yield* unlock_page(page.lock);
      else yield* i_mmap_unlock_write(sys);
      return faultResult(error, major);
    };
    for (;;) {
      yield* at('repeat: find_get_page');
      page = yield* find_get_page(sys, vmf.pgoff);
      if (!page) {
        yield* i_mmap_lock_write(sys);
        break;
      }
      const mm = sys.st.mms[vma.mm];
      const locked = yield* lock_page_or_retry(page.lock, (vmf.flags & FAULT_FLAG_ALLOW_RETRY) !== 0, () =>
        up_read(mm.mmap_sem),
      );
      if (!locked) return VM_FAULT_RETRY;
      if (!(yield* page_still_mapped_to_file(sys, page))) {
        yield* unlock_page(page.lock);
        continue;
      }
      size = yield* i_size_read(sys);
      if (vmf.pgoff >= size) {
        error = EIO;
        return yield* unlock();
      }
      break;
    }
    yield* at('get_block(create=0)');
    error = yield* get_block(sys, vmf.pgoff, bh, false);
    if (!error && bh.size < 1) error = EIO;
    if (error) return yield* unlock();
    if (!bh.mapped && !bh.unwritten && !vmf.cow_page) {
      if (isWrite(vmf)) {
        yield* at('get_block(create=1)');
        error = yield* get_block(sys, vmf.pgoff, bh, true);
        major = VM_FAULT_MAJOR;
        if (!error && bh.size < 1) error = EIO;
        if (error) return yield* unlock();
      } else {
        // unconditional, whether or not this path took it
        yield* i_mmap_unlock_write(sys);
        return yield* sys.k.dax_load_hole(sys, page, vmf);
      }
    }
    if (vmf.cow_page) {
      if (buffer_written(bh)) error = yield* copy_user_bh(sys, vmf.cow_page, bh);
      else vmf.cow_page.value = 0;
      if (error) return yield* unlock();
      vmf.page = page;
      if (!page) {
        size = yield* i_size_read(sys);
        if (vmf.pgoff >= size) {
          error = EIO;
          return yield* unlock();
        }
        yield* at('return VM_FAULT_LOCKED holding W(i_mmap) for do_cow_fault');
      }
      return VM_FAULT_LOCKED;
    }
    if (!page && major) {
      yield* at('did a read fault install a hole page meanwhile? (W(i_mmap) held)');
      page = yield* find_lock_page(sys, vmf.pgoff);
    }
    if (page) {
      yield* at('shoot down the hole page');
      yield* sys.k.unmap_mapping_range(sys, vmf.pgoff, 1, false);
      yield* delete_from_page_cache(sys, page);
      yield* unlock_page(page.lock);
    }
    error = yield* sys.k.dax_insert_mapping(sys, bh, vma, vmf);
    if (bh.unwritten) {
      if (complete_unwritten) yield* complete_unwritten(sys, bh, !error);
      else yield* warnUnwrittenRead(vmf);
    }
    if (!page) yield* i_mmap_unlock_write(sys);
    return faultResult(error, major);
  },
);

// Models dax_fault() (v4.2-v4.4): sb_start_pagefault and file_update_time around __dax_fault
// for a write. dax_mkwrite() is the same function (a macro in the kernel).
export const dax_fault = modelled(
  'dax_fault',
  function* dax_fault(
    sys: Sys,
    vma: Vma,
    vmf: VmFault,
    get_block: GetBlock,
    complete_unwritten: CompleteUnwritten | null,
  ): G<number> {
    const w = isWrite(vmf);
    if (w) {
      yield* sb_start_pagefault(sys.st.sb_pagefaults);
      yield* file_update_time();
    }
    const result = yield* sys.k.__dax_fault(sys, vma, vmf, get_block, complete_unwritten);
    if (w) yield* sb_end_pagefault(sys.st.sb_pagefaults);
    return result;
  },
);

// Models dax_pfn_mkwrite() (v4.2-v4.4): freeze protection and a timestamp; no i_size check
// and no fs lock.
export const dax_pfn_mkwrite = modelled(
  'dax_pfn_mkwrite',
  function* dax_pfn_mkwrite(sys: Sys, _vma: Vma, _vmf: VmFault): G<number> {
    yield* sb_start_pagefault(sys.st.sb_pagefaults);
    yield* file_update_time();
    yield* sb_end_pagefault(sys.st.sb_pagefaults);
    return VM_FAULT_NOPAGE;
  },
);

// ---- PMD faults ------------------------------------------------------------------------------

/** How a version's __dax_pmd_fault differs (2.3); each patch builds its own function from this. */
export interface DaxPmdVariant {
  /** Returns VM_FAULT_FALLBACK on entry: v3's "temporarily disable", ee82c9ed41e8's BROKEN. */
  disabled: false | 'temporarily disabled (v3 3/3)' | 'CONFIG_FS_DAX_PMD depends on BROKEN';
  /** i_mmap_rwsem mode: R taken after get_block, or W taken before it (843172978bb9). */
  lock: 'read' | 'write';
  /** Where the zeroing of a new/unwritten PMD happens. */
  zeroing: 'before-insert' | 'early-unset-kaddr' | 'early-after-direct-access';
  /** Where the hole shoot-down (unmap_mapping_range on buffer_new) happens. */
  shootdown: 'after-size-check-lock-held' | 'before-size-check-lock-dropped';
  /** Mode of the drop/retake around that unmap when it differs from `lock` (v4 1/2 alone). */
  relock?: 'read' | 'write';
  /** Zeroing primitive, for traces: clear_page before d77e92e270ed, clear_pmem + wmb_pmem after. */
  zeroApi: 'clear_page' | 'clear_pmem';
  /** 152d7bd80dca: fall back when the pfn has a struct page. */
  pfnValidFallback: boolean;
}

/** Builds __dax_pmd_fault() for one version of 2.3's table. */
export function makeDaxPmdFault(variant: DaxPmdVariant) {
  const unlockFn = variant.lock === 'read' ? i_mmap_unlock_read : i_mmap_unlock_write;
  const relock = variant.relock ?? variant.lock;
  const dropFn = relock === 'read' ? i_mmap_unlock_read : i_mmap_unlock_write;
  const retakeFn = relock === 'read' ? i_mmap_lock_read : i_mmap_lock_write;
  // Models __dax_pmd_fault() (v4.3-rc1..v4.4 and the revert states, per `variant`).
  // Simplified: one PMD = geo.pmdPages pages; the huge zero page branch is kept but XFS never
  // sets buffer_uptodate, so it is not reached with XFS (as b9953536c95f later noted).
  return modelled(
    '__dax_pmd_fault',
    function* __dax_pmd_fault(
      sys: Sys,
      vma: Vma,
      vpage: number,
      flags: number,
      get_block: GetBlock,
      complete_unwritten: CompleteUnwritten | null,
    ): G<number> {
      const P = sys.st.geo.pmdPages;
      const write = (flags & FAULT_FLAG_WRITE) !== 0;
      if (variant.disabled) {
        yield* at(variant.disabled);
        return VM_FAULT_FALLBACK;
      }
      if (write && !vma.shared) return VM_FAULT_FALLBACK;
      const pmdStart = pmdStartOf(sys, vma, vpage);
      if (pmdStart < 0 || pmdStart + P > vma.pages) return VM_FAULT_FALLBACK;
      const pgoff = linear_page_index(vma, pmdStart);
      let size = yield* i_size_read(sys);
      if (pgoff >= size) return VM_FAULT_SIGBUS;
      if ((pgoff | (P - 1)) >= size) return VM_FAULT_FALLBACK;
      const bh = newBufferHead(P);
      let result = 0;
      let kaddr: Kaddr;
      if (variant.lock === 'write') yield* i_mmap_lock_write(sys);
      yield* at('get_block(create=write)');
      const length = yield* get_block(sys, pgoff, bh, write);
      if (length) {
        if (variant.lock === 'write') yield* at('return VM_FAULT_SIGBUS without i_mmap_unlock_write');
        return VM_FAULT_SIGBUS;
      }
      if (variant.lock === 'read') yield* i_mmap_lock_read(sys);
      const out = function* (): G<number> {
        if (variant.lock === 'read') {
          yield* unlockFn(sys);
          if (bh.unwritten && complete_unwritten)
            yield* complete_unwritten(sys, bh, !(result & VM_FAULT_ERROR));
        } else {
          if (bh.unwritten && complete_unwritten)
            yield* complete_unwritten(sys, bh, !(result & VM_FAULT_ERROR));
          yield* unlockFn(sys);
        }
        return result;
      };
      const fallback = function* (): G<number> {
        yield* at('fallback');
        result = VM_FAULT_FALLBACK;
        return yield* out();
      };
      if (!bh.stateValid || bh.size < P) return yield* fallback();
      if (variant.zeroing !== 'before-insert' && (bh.unwritten || bh.new)) {
        if (variant.zeroing === 'early-after-direct-access') {
          const da = yield* bdev_direct_access(sys, bh.pblk, bh.size);
          if (da.length < 0) {
            result = VM_FAULT_SIGBUS;
            return yield* out();
          }
          if (da.length < P || da.pfn & (P - 1)) return yield* fallback();
          kaddr = da.kaddr;
        } else yield* at('zero the PMD through kaddr, not yet set by bdev_direct_access');
        yield* at(variant.zeroApi);
        yield* clear_pmem(sys, kaddr, P);
        if (variant.zeroApi === 'clear_pmem') yield* wmb_pmem();
        result |= VM_FAULT_MAJOR;
      }
      if (variant.shootdown === 'before-size-check-lock-dropped' && bh.new) {
        yield* at('shoot down hole pages: drop the i_mmap lock around unmap_mapping_range');
        yield* dropFn(sys);
        yield* sys.k.unmap_mapping_range(sys, pgoff, P, false);
        yield* retakeFn(sys);
      }
      size = yield* i_size_read(sys);
      if (pgoff >= size) {
        result = VM_FAULT_SIGBUS;
        return yield* out();
      }
      if ((pgoff | (P - 1)) >= size) return yield* fallback();
      if (variant.shootdown === 'after-size-check-lock-held' && bh.new) {
        yield* at('shoot down hole pages with the i_mmap lock held');
        yield* sys.k.unmap_mapping_range(sys, pgoff, P, false);
      }
      if (!write && !bh.mapped && bh.uptodate) {
        yield* at('huge zero page');
        result = yield* install_huge_zero(sys, vma, vpage);
        if (result & VM_FAULT_FALLBACK) return yield* fallback();
        return yield* out();
      }
      const da = yield* bdev_direct_access(sys, bh.pblk, bh.size);
      if (da.length < 0) {
        result = VM_FAULT_SIGBUS;
        return yield* out();
      }
      if (da.length < P || da.pfn & (P - 1)) return yield* fallback();
      if (variant.pfnValidFallback && pfn_valid(da.pfn)) return yield* fallback();
      if (variant.zeroing === 'before-insert' && (bh.unwritten || bh.new)) {
        yield* at(variant.zeroApi);
        yield* clear_pmem(sys, da.kaddr, P);
        if (variant.zeroApi === 'clear_pmem') yield* wmb_pmem();
        result |= VM_FAULT_MAJOR;
      }
      result |= yield* sys.k.vmf_insert_pfn_pmd(sys, vma, vpage, da.pfn, write);
      return yield* out();
    },
  );
}

/** The huge-zero-page branch: pmd_lock; fall back if the PMD is not none; set it. */
function* install_huge_zero(sys: Sys, vma: Vma, vpage: number): G<number> {
  const lock = pmdLockOf(sys, vma);
  yield* spin_lock(lock);
  const cur = yield* read(pmdOf(sys, vma, vpage), { api: 'pmd_none' });
  if (cur.kind !== 'none') {
    yield* spin_unlock(lock);
    return VM_FAULT_FALLBACK;
  }
  yield* write(pmdOf(sys, vma, vpage), { kind: 'huge-zero' }, { api: 'set_pmd_at' });
  yield* spin_unlock(lock);
  return VM_FAULT_NOPAGE;
}

// Models dax_pmd_fault() (v4.3-v4.4): freeze protection around __dax_pmd_fault for a write.
export const dax_pmd_fault = modelled(
  'dax_pmd_fault',
  function* dax_pmd_fault(
    sys: Sys,
    vma: Vma,
    vpage: number,
    flags: number,
    get_block: GetBlock,
    complete_unwritten: CompleteUnwritten | null,
  ): G<number> {
    const w = (flags & FAULT_FLAG_WRITE) !== 0;
    if (w) {
      yield* sb_start_pagefault(sys.st.sb_pagefaults);
      yield* file_update_time();
    }
    const result = yield* sys.k.__dax_pmd_fault(sys, vma, vpage, flags, get_block, complete_unwritten);
    if (w) yield* sb_end_pagefault(sys.st.sb_pagefaults);
    return result;
  },
);

// ---- truncate helpers and I/O ---------------------------------------------------------------

// Models dax_zero_page_range() (v4.3-v4.4; dax_truncate_page's body in v4.2): zero `length`
// bytes of one page if the block is written. No locks of its own. Length is 0 or a whole page.
export const dax_zero_page_range = modelled(
  'dax_zero_page_range',
  function* dax_zero_page_range(sys: Sys, page: number, length: number, get_block: GetBlock): G<number> {
    if (length === 0) return 0;
    const bh = newBufferHead(1);
    const err = yield* get_block(sys, page, bh, false);
    if (err) return err;
    if (buffer_written(bh)) {
      const da = yield* bdev_direct_access(sys, bh.pblk, 1);
      if (da.length < 0) return da.length;
      yield* clear_pmem(sys, da.kaddr, 1);
      yield* wmb_pmem();
    }
    return 0;
  },
);

// Models dax_truncate_page() (v4.2-v4.4): zero from `from` to the end of its page; with
// page-granular sizes the length is always 0.
export function* dax_truncate_page(sys: Sys, from: number, get_block: GetBlock): G<number> {
  return yield* call('dax_truncate_page', dax_zero_page_range(sys, from, 0, get_block));
}

// Models dax_do_io() -> dax_io() for a one-page write (v4.2-v4.4): get_block(create=1), zero
// what the write does not cover of a new/unwritten block (nothing, for a whole page), copy
// the data in, then the end_io completion (unwritten conversion, i_size).
// Simplified: no inode_dio_begin/end counting.
export const dax_do_io_write = modelled(
  'dax_do_io',
  function* dax_do_io_write(
    sys: Sys,
    page: number,
    value: number,
    get_block: GetBlock,
    end_io: (sys: Sys, page: number, bh: BufferHead) => G,
  ): G<number> {
    const bh = newBufferHead(1);
    yield* at('get_block(create=1)');
    const err = yield* get_block(sys, page, bh, true);
    if (err) return err;
    const da = yield* bdev_direct_access(sys, bh.pblk, 1);
    if (da.length < 0) return da.length;
    yield* at('copy_from_iter_pmem');
    yield* pmem_store(sys, da.kaddr, value);
    yield* wmb_pmem();
    yield* end_io(sys, page, bh);
    return 1;
  },
);
