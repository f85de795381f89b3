// User-space and kernel actors: what a scenario thread does, action by action, through the
// modelled kernel. Each action is a system call or a CPU access; its outcome goes into the
// thread's log, which the checks read at the end of the execution.

import {
  acquire,
  at,
  type Cell,
  call,
  modelled,
  read,
  release,
  report,
  update,
  write,
} from '../engine/index.js';
import {
  down_read,
  type KernelLockInfo,
  lockdep_assert_no_locks,
  mutex_lock,
  mutex_unlock,
  up_read,
} from '../kernel/index.js';
import { pmem_load, pmem_load_mapped, pmem_store, pmem_store_mapped } from '../linux/drivers/nvdimm/pmem.js';
import { kjournald2_commit } from '../linux/fs/jbd2/journal.js';
import { fsOpsOf } from '../linux/fs/registry.js';
import { pmd_trans_huge, pmdLockOf, pmdOf, pmdStartOf, pteOf, ptlOf } from '../linux/mm/pgtable.js';
import {
  FAULT_FLAG_ALLOW_RETRY,
  FAULT_FLAG_TRIED,
  FAULT_FLAG_WRITE,
  type G,
  type Sys,
  VM_FAULT_OOM,
  VM_FAULT_RETRY,
  VM_FAULT_SIGBUS,
  VM_FAULT_SIGSEGV,
  type Vma,
} from '../linux/types.js';
import type { Action, MmuWalk } from './scenario.js';

/** How an action ended. */
export type Outcome = 'ok' | 'SIGBUS' | 'SIGSEGV' | 'OOM' | 'livelock' | 'error' | 'unsupported';

export interface ActionRecord {
  /** Position of the action in its thread's list. */
  i: number;
  action: Action;
  outcome: Outcome;
  /** What a load returned. */
  value?: number;
  /** The process of the thread (for private mappings). */
  process: string;
}

/** Faults one access may take before it counts as a livelock, unless the scenario sets
 *  `limits.maxFaults`. A lone load needs 1 fault and a lone shared store 2 (the first fault maps
 *  read-only for write-notify, the second is ->pfn_mkwrite), in every version, filesystem and
 *  block state (test/workload/fault-bound.test.ts). Of one thread's loads and stores on a page or
 *  a huge PMD, at a bound of 2 only F13's endless PMD loop livelocks (measured 2026-11-27). */
export const MAX_FAULTS_PER_ACCESS = 5;

/** How a user access reaches memory (from the scenario: `limits.maxFaults`, `mmu.walk`). */
export interface AccessOptions {
  maxFaults: number;
  walk: MmuWalk;
}

const DEFAULT_ACCESS: AccessOptions = { maxFaults: MAX_FAULTS_PER_ACCESS, walk: 'ptl' };

/** Walk 'ptl': the hardware page walk holds the page-table lock as a TLB-shootdown stand-in: a
 *  zap under the ptl completes (and its TLB flush with it) before or after an access, never
 *  across it. It is no kernel lock, so lockdep does not see it. */
const MMU: KernelLockInfo = { api: 'MMU page walk', read: 0, lockdep: false };
const WALK = { api: 'MMU page walk' };

/** ok: the access happened; fault: no entry permits it; flushed: the entry walked was changed
 *  (its TLB entry flushed) before the access, so the CPU walks again without a fault. */
type Mmu = { ok: true; value: number } | { ok: false; flushed?: true };
const FAULT: Mmu = { ok: false };
const FLUSHED: Mmu = { ok: false, flushed: true };

// The CPU's access through the page tables, walk 'ptl': succeeds if the PMD or PTE maps the page
// with the permission needed, else a fault is needed. Huge PMDs are checked first.
function* mmu_access_ptl(sys: Sys, vma: Vma, vpage: number, store: boolean, value: number): G<Mmu> {
  const pmdCell = pmdOf(sys, vma, vpage);
  // only a PMD-aligned vma can have a huge PMD (no PMD fits inside any other)
  const pmd = vma.huge ? yield* read(pmdCell, WALK) : null;
  if (pmd && pmd_trans_huge(pmd)) {
    const lock = pmdLockOf(sys, vma);
    yield* acquire(lock, 'exclusive', MMU);
    const cur = yield* read(pmdCell, WALK);
    let r: Mmu = FAULT;
    if (cur.kind === 'huge-zero' && !store) r = { ok: true, value: 0 };
    else if (cur.kind === 'huge-pfn' && (!store || cur.write)) {
      const pfn = cur.pfn + (vpage - pmdStartOf(sys, vma, vpage));
      if (store) yield* pmem_store(sys, pfn, value);
      r = { ok: true, value: store ? value : yield* pmem_load(sys, pfn) };
    }
    yield* release(lock, 'exclusive', MMU);
    return r;
  }
  const pteCell = pteOf(sys, vma, vpage);
  const ptl = ptlOf(sys, vma, vpage);
  yield* acquire(ptl, 'exclusive', MMU);
  const pte = yield* read(pteCell, WALK);
  let r: Mmu = FAULT;
  if (pte && (!store || pte.write)) {
    if (pte.kind === 'page') r = { ok: true, value: 0 };
    else if (pte.kind === 'pfn') {
      if (store) yield* pmem_store(sys, pte.pfn, value);
      r = { ok: true, value: store ? value : yield* pmem_load(sys, pte.pfn) };
    } else {
      if (store) yield* write(pteCell, { ...pte, value }, { api: 'store to anonymous page' });
      r = { ok: true, value: store ? value : pte.value };
    }
  }
  yield* release(ptl, 'exclusive', MMU);
  return r;
}

// The same access, walk 'atomic': no lock. The walk is one step that reads the entry; the access
// is a second step that reads the entry again with the memory and goes through only if it is
// still the entry walked. Any write of the entry counts as the flush of the TLB entry the walk
// loaded (a zap clears the entry and flushes in one step here; a permission upgrade, which needs
// no flush, makes the CPU walk again, which changes nothing it can observe). What it keeps of
// the hardware: an access is atomic against a zap's flush, and a walk can read an entry at any
// point of a zap or a fault that the ptl stand-in would have kept it out of.
function* mmu_access_atomic(sys: Sys, vma: Vma, vpage: number, store: boolean, value: number): G<Mmu> {
  const pmdCell = pmdOf(sys, vma, vpage);
  const pmd = vma.huge ? yield* read(pmdCell, WALK) : null;
  if (pmd && pmd_trans_huge(pmd)) {
    if (pmd.kind === 'huge-zero') return store ? FAULT : { ok: true, value: 0 };
    if (pmd.kind !== 'huge-pfn' || (store && !pmd.write)) return FAULT;
    const pfn = pmd.pfn + (vpage - pmdStartOf(sys, vma, vpage));
    return yield* pmem_access_mapped(sys, pmdCell, pmd, pfn, store, value);
  }
  const pteCell = pteOf(sys, vma, vpage);
  const pte = yield* read(pteCell, WALK);
  if (!pte || (store && !pte.write)) return FAULT;
  if (pte.kind === 'page') return { ok: true, value: 0 };
  if (pte.kind === 'pfn') return yield* pmem_access_mapped(sys, pteCell, pte, pte.pfn, store, value);
  if (!store) return { ok: true, value: pte.value };
  let stored = false;
  yield* update(
    pteCell,
    (cur) => {
      stored = cur === pte;
      return stored ? { ...pte, value } : cur;
    },
    { api: 'store to anonymous page' },
  );
  return stored ? { ok: true, value } : FLUSHED;
}

// The access step of walk 'atomic' to pmem behind `entry` (a PTE or a huge PMD).
function* pmem_access_mapped<E>(
  sys: Sys,
  entryCell: Cell<E>,
  entry: E,
  pfn: number,
  store: boolean,
  value: number,
): G<Mmu> {
  if (!store) {
    const r = yield* pmem_load_mapped(sys, pfn, entryCell, entry);
    return r.ok ? { ok: true, value: r.value } : FLUSHED;
  }
  return (yield* pmem_store_mapped(sys, pfn, value, entryCell, entry)) ? { ok: true, value } : FLUSHED;
}

// The fault half of x86's __do_page_fault (v4.2-v4.4): mmap_sem for read, find_vma,
// handle_mm_fault, and once more without FAULT_FLAG_ALLOW_RETRY after VM_FAULT_RETRY (which
// returns with mmap_sem already dropped). Simplified: no stack expansion, no fatal-signal checks,
// no access_error() check (the model's mappings have no protections: all are read-write).
const __do_page_fault = modelled(
  '__do_page_fault',
  function* __do_page_fault(sys: Sys, vma: Vma, vpage: number, store: boolean): G<number | 'SIGSEGV'> {
    const mm = sys.st.mms[vma.mm];
    let flags = (store ? FAULT_FLAG_WRITE : 0) | FAULT_FLAG_ALLOW_RETRY;
    for (;;) {
      yield* down_read(mm.mmap_sem);
      const vmas = yield* read(mm.vmas, { api: 'find_vma' });
      if (!vmas.includes(vma.id)) {
        yield* up_read(mm.mmap_sem);
        return 'SIGSEGV';
      }
      const ret = yield* sys.k.handle_mm_fault(sys, vma, vpage, flags);
      if (ret & VM_FAULT_RETRY) {
        yield* at('VM_FAULT_RETRY: mmap_sem was dropped; retry once');
        flags = (flags & ~FAULT_FLAG_ALLOW_RETRY) | FAULT_FLAG_TRIED;
        continue;
      }
      yield* up_read(mm.mmap_sem);
      return ret;
    }
  },
);

// A load or store by a user thread: access, and on a fault run __do_page_fault (above), then
// access again, at most `opts.maxFaults` times.
export function* user_access(
  sys: Sys,
  vma: Vma,
  vpage: number,
  store: boolean,
  value: number,
  opts: AccessOptions = DEFAULT_ACCESS,
): G<{ outcome: Outcome; value?: number }> {
  const access = opts.walk === 'atomic' ? mmu_access_atomic : mmu_access_ptl;
  for (let faults = 0; ; faults++) {
    let r = yield* access(sys, vma, vpage, store, value);
    while (!r.ok && r.flushed) r = yield* access(sys, vma, vpage, store, value);
    if (r.ok) return { outcome: 'ok', value: r.value };
    if (faults >= opts.maxFaults) {
      yield* report({
        kind: 'livelock',
        title: `${store ? 'store to' : 'load from'} ${vma.id}[${vpage}] keeps faulting without progress`,
        message: `${faults} faults returned without making the access possible`,
        functions: ['handle_mm_fault'],
      });
      return { outcome: 'livelock' };
    }
    const fault = yield* __do_page_fault(sys, vma, vpage, store);
    if (fault === 'SIGSEGV' || fault & VM_FAULT_SIGSEGV) return { outcome: 'SIGSEGV' };
    if (fault & VM_FAULT_SIGBUS) return { outcome: 'SIGBUS' };
    if (fault & VM_FAULT_OOM) return { outcome: 'OOM' };
  }
}

/** Runs one action of a thread of `process`. */
export function* runAction(
  sys: Sys,
  process: string,
  a: Action,
  fs: string,
  opts: AccessOptions = DEFAULT_ACCESS,
): G<{ outcome: Outcome; value?: number }> {
  const vmaOf = (id: string): Vma => {
    const v = sys.st.vmas[id];
    if (!v) throw new Error(`no mapping '${id}'`);
    return v.vma;
  };
  switch (a.do) {
    case 'mmap':
      yield* sys.k.vm_mmap(sys, vmaOf(a.map));
      return { outcome: 'ok' };
    case 'munmap':
      yield* sys.k.vm_munmap(sys, vmaOf(a.map));
      return { outcome: 'ok' };
    case 'load':
    case 'store': {
      const vma = vmaOf(a.map);
      const vpage = a.page - vma.pgoff;
      if (vpage < 0 || vpage >= vma.pages) throw new Error(`page ${a.page} is outside mapping '${a.map}'`);
      void process;
      return yield* user_access(sys, vma, vpage, a.do === 'store', a.do === 'store' ? a.value : 0, opts);
    }
    case 'truncate': {
      const err = yield* call('do_truncate', do_truncate(sys, fs, a.size));
      return { outcome: err ? 'error' : 'ok' };
    }
    case 'write': {
      const ret = yield* call('vfs_write', fsOpsOf(sys, fs).write_iter(sys, a.page, a.value));
      return { outcome: ret > 0 ? 'ok' : 'error' };
    }
    case 'unbind':
      yield* call('pmem unbind (proposed: truncate_pagecache on driver shutdown)', pmem_unbind(sys));
      return { outcome: 'ok' };
    case 'invalidate':
      yield* sys.k.invalidate_inode_pages2_range(sys, a.page, a.page + a.pages - 1);
      return { outcome: 'ok' };
    case 'punch': {
      const punch = fsOpsOf(sys, fs).punch_hole;
      if (!punch) return { outcome: 'unsupported' };
      const err = yield* punch(sys, a.page, a.pages);
      return { outcome: err ? 'error' : 'ok' };
    }
    case 'commit':
      if (!sys.st.journal) return { outcome: 'unsupported' };
      yield* kjournald2_commit(sys);
      return { outcome: 'ok' };
  }
}

// Models do_truncate() (fs/open.c, v4.2-v4.4): i_mutex around notify_change -> ->setattr.
function* do_truncate(sys: Sys, fs: string, size: number): G<number> {
  yield* mutex_lock(sys.st.inode.i_mutex);
  const err = yield* fsOpsOf(sys, fs).setattr_size(sys, size);
  yield* mutex_unlock(sys.st.inode.i_mutex);
  return err;
}

// The driver-unbind path Dan Williams proposed on Oct 7 2015: the device goes away, then
// truncate_pagecache() on the mapping revokes what is mapped, holding no filesystem lock.
function* pmem_unbind(sys: Sys): G {
  yield* write(sys.st.pmem.alive, false, { api: 'pmem device removed' });
  yield* sys.k.truncate_pagecache(sys, 0);
}

/** After each system call: lockdep's check that no lock is held on return to user space. */
export function* syscall_exit(): G {
  yield* lockdep_assert_no_locks('lockdep_sys_exit');
}
