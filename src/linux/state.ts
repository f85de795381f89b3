// Building the shared kernel state of one execution: the DAX file (i_size, block map, page
// cache, i_mmap), the pmem device, the processes' mms and the vmas' page tables (reference
// 2.11). Everything shared is an engine cell or lock, declared here.

import type { Cell, Lock, World } from '../engine/index.js';
import { init_rwsem, mutex_init, PAGE_LOCK_CLASS, sb_freeze_init, spin_lock_init } from '../kernel/index.js';
import { ext4InodeState } from './fs/ext4/index.js';
import { I_MMAP_RWSEM_CLASS } from './fs/i_mmap.js';
import { jbd2_journal_init } from './fs/jbd2/journal.js';
import { xfsInodeState } from './fs/xfs/index.js';
import { guard } from './guarded.js';
import { pmdCount, vmaPmdOffset } from './mm/pgtable.js';
import {
  type Extent,
  type Geometry,
  garbageOf,
  type KState,
  type Mm,
  type PageRef,
  type PageSlot,
  type Pmd,
  type Pte,
  type Vma,
  type VmaObjects,
} from './types.js';

export const MMAP_SEM_CLASS = '&mm->mmap_sem';
/** inode_init_always(): lockdep_set_class(&inode->i_mutex, &sb->s_type->i_mutex_key). */
export const I_MUTEX_CLASS = '&sb->s_type->i_mutex_key';
/** Split PTE/PMD page-table locks: spin_lock_init(ptlock_ptr(page)) in ptlock_init(). */
export const PTL_CLASS = '&(ptlock_ptr(page))->rlock';

export interface KernelStateSpec {
  geo: Geometry;
  fs: string;
  /** i_size in pages. */
  size: number;
  /** Per block: hole, unwritten (block i at pblk i) or written with a value. */
  blocks: Array<'hole' | 'unwritten' | { written: number }>;
  cachedHoles: number[];
  processes: string[];
  /** Every vma that may exist in the execution. */
  vmas: Vma[];
  /** Ids of the vmas mapped at the start. */
  mapped: string[];
  /** A jbd2 commit can run (ext4): model the running transaction's state (src/linux/fs/jbd2). */
  journalCommits?: boolean;
}

/** Per-filesystem inode state, by filesystem name (ext4 adds its own). */
export const fsInodeStates: Record<
  string,
  (
    w: World,
    geo: Geometry,
  ) => {
    fsLocks: Record<string, Lock>;
    fsCells: Record<string, Cell<any>>;
    /** The lock of the file's extent map (XFS ILOCK, ext4 i_data_sem), for the race detector. */
    extentLock: Lock;
  }
> = {
  xfs: xfsInodeState,
  ext4: ext4InodeState,
};

export function createKernelState(w: World, spec: KernelStateSpec): KState {
  const { geo } = spec;
  const blocks = [];
  const data = [];
  for (let b = 0; b < geo.pmemBlocks; b++) {
    const init = b < spec.blocks.length ? spec.blocks[b] : 'hole';
    data.push(w.cell(`pmem[${b}]`, typeof init === 'object' ? init.written : garbageOf(b)));
  }
  for (let i = 0; i < geo.filePages; i++) {
    const init = spec.blocks[i] ?? 'hole';
    const e: Extent =
      init === 'hole'
        ? { kind: 'hole' }
        : init === 'unwritten'
          ? { kind: 'unwritten', pblk: i }
          : { kind: 'written', pblk: i };
    blocks.push(w.cell(`block[${i}]`, e));
  }
  const pages = [];
  for (let i = 0; i < geo.filePages; i++) {
    let page: PageSlot = null;
    if (spec.cachedHoles.includes(i)) {
      const id = `page ${i} (cached at start)`;
      page = {
        id,
        index: i,
        lock: w.lock(id, { cls: PAGE_LOCK_CLASS, ownerless: true }),
        mapcount: w.cell(`${id} _mapcount`, 0),
      } satisfies PageRef;
    }
    pages.push(w.cell<PageSlot>(`page_cache[${i}]`, page));
  }
  const makeFsState = fsInodeStates[spec.fs];
  if (!makeFsState) throw new Error(`filesystem '${spec.fs}' has no inode state in this model`);
  const fsState = makeFsState(w, geo);
  for (const [i, b] of blocks.entries()) guard(b, `extent map (block ${i})`, fsState.extentLock);
  const mms: Record<string, Mm> = {};
  for (const p of spec.processes) {
    mms[p] = {
      name: p,
      mmap_sem: init_rwsem(w, `${p}.mmap_sem`, MMAP_SEM_CLASS),
      pmdLock: spin_lock_init(w, `${p}.pmd_lock`, PTL_CLASS),
      vmas: w.cell<readonly string[]>(
        `${p}.mm->mmap`,
        spec.mapped.filter((id) => spec.vmas.find((v) => v.id === id)?.mm === p),
      ),
    };
    guard(mms[p].vmas, `${p} mm->mmap`, mms[p].mmap_sem);
  }
  const vmas: Record<string, VmaObjects> = {};
  for (const vma of spec.vmas) {
    const ptes = [];
    for (let i = 0; i < vma.pages; i++) ptes.push(w.cell<Pte>(`${vma.mm}.pte[${vma.id}+${i}]`, null));
    const pmds = [];
    const ptls: Lock[] = [];
    for (let i = 0; i < pmdCount(vma, geo.pmdPages); i++) {
      pmds.push(w.cell<Pmd>(`${vma.mm}.pmd[${vma.id}#${i}]`, { kind: 'none' }));
      ptls.push(spin_lock_init(w, `${vma.mm}.ptl[${vma.id}#${i}]`, PTL_CLASS));
    }
    for (const [i, c] of ptes.entries())
      guard(c, `pte ${vma.id}+${i}`, ptls[pmdIndexOfVmaPage(vma, i, geo.pmdPages)]);
    vmas[vma.id] = { vma, ptes, pmds, ptls, freed: w.cell(`vma ${vma.id} freed`, false) };
  }
  // Created in the order the objects always were (ids are given in creation order).
  const i_mutex = mutex_init(w, 'inode->i_mutex', I_MUTEX_CLASS);
  const i_size = w.cell('i_size', spec.size);
  const i_mmap_rwsem = init_rwsem(w, 'mapping->i_mmap_rwsem', I_MMAP_RWSEM_CLASS);
  const nrpages = w.cell('mapping->nrpages', spec.cachedHoles.length);
  const i_mmap = guard(
    w.cell<readonly string[]>('mapping->i_mmap', [...spec.mapped]),
    'mapping->i_mmap',
    i_mmap_rwsem,
  );
  return {
    geo,
    inode: {
      i_mutex,
      i_size,
      blocks,
      mapping: {
        i_mmap_rwsem,
        nrpages,
        i_mmap,
        pages,
      },
      fsLocks: fsState.fsLocks,
      fsCells: fsState.fsCells,
    },
    pmem: { data, alive: w.cell('pmem device bound', true) },
    sb_pagefaults: sb_freeze_init(w, 'sb->s_writers[SB_FREEZE_PAGEFAULT]', 'sb_pagefaults'),
    ...(spec.fs === 'ext4' && spec.journalCommits ? { journal: jbd2_journal_init(w) } : {}),
    mms,
    vmas,
  };
}

/** pmdIndexOf() before there is a Sys: the PMD entry of the vma covering vma page `i`. */
const pmdIndexOfVmaPage = (vma: Vma, i: number, pmdPages: number): number =>
  Math.floor((i + vmaPmdOffset(vma)) / pmdPages);
