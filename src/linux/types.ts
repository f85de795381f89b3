// Shared types of the modelled kernel: the state a DAX file, its mappings and the pmem device
// have (reference 2.11), the fault and buffer structures passed between functions, and the
// per-execution handle `Sys` through which every modelled function reaches the version's
// function table (`sys.k`).
//
// Sizes are in pages: i_size is a page count and a file block is one page (blocksize =
// PAGE_SIZE). Simplification: no partial pages, so dax_truncate_page() always has a zero length.

import type { Cell, Lock, Op } from '../engine/index.js';
import type { Journal } from '../kernel/index.js';
import type { Kernel } from './kernel.js';

/** A generator of ops returning T: the type of every modelled kernel function. */
export type G<T = void> = Generator<Op, T, any>;

// ---- errors and fault results --------------------------------------------------------------

export const EIO = -5;
export const ENXIO = -6;
export const ENOMEM = -12;
export const EBUSY = -16;
export const ENOSPC = -28;

export const VM_FAULT_OOM = 0x0001;
export const VM_FAULT_SIGBUS = 0x0002;
export const VM_FAULT_MAJOR = 0x0004;
export const VM_FAULT_WRITE = 0x0008;
export const VM_FAULT_HWPOISON = 0x0010;
export const VM_FAULT_SIGSEGV = 0x0040;
export const VM_FAULT_NOPAGE = 0x0100;
export const VM_FAULT_LOCKED = 0x0200;
export const VM_FAULT_RETRY = 0x0400;
export const VM_FAULT_FALLBACK = 0x0800;
export const VM_FAULT_ERROR = VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON;

export const FAULT_FLAG_WRITE = 0x01;
export const FAULT_FLAG_MKWRITE = 0x02;
export const FAULT_FLAG_ALLOW_RETRY = 0x04;
export const FAULT_FLAG_TRIED = 0x20;

// ---- shared state values (immutable; replaced, never mutated) -----------------------------

/** One file block: a hole, or an extent with its physical block (= pfn). */
export type Extent = { kind: 'hole' } | { kind: 'unwritten' | 'written'; pblk: number };

/** A page-cache page (only DAX hole pages exist here): its identity and its lock. */
export interface PageRef {
  /** Page identity: `page <index> by <creator>#<n>`. */
  id: string;
  index: number;
  lock: Lock;
  /** page->_mapcount + 1, as a cell of its own. */
  mapcount: Cell<number>;
}

/** A radix-tree slot of the mapping: the page there, if any. page->mapping == mapping iff the
 *  page is still in its slot. */
export type PageSlot = PageRef | null;

/** A page-table entry. Hole pages and pfns are mapped read-only unless `write`. */
export type Pte =
  | null
  | { kind: 'page'; page: PageRef; write: boolean }
  | { kind: 'pfn'; pfn: number; write: boolean }
  | { kind: 'anon'; value: number; write: boolean };

/** A PMD entry: none, a PTE table below it, the huge zero page, or a huge pfn mapping. */
export type Pmd =
  | { kind: 'none' }
  | { kind: 'table' }
  | { kind: 'huge-zero' }
  | { kind: 'huge-pfn'; pfn: number; write: boolean };

// ---- objects -------------------------------------------------------------------------------

export interface Geometry {
  /** Pages per PMD (2 MiB / 4 KiB = 512 in the kernel; 4 by default here). */
  pmdPages: number;
  /** Pages of file address space modelled (block map and page cache slots). */
  filePages: number;
  /** Physical pmem blocks. */
  pmemBlocks: number;
}

/** struct vm_area_struct, immutable: a mapping of [pgoff, pgoff + pages) of the file. */
export interface Vma {
  id: string;
  mm: string;
  pgoff: number;
  pages: number;
  shared: boolean;
  /** PMD-aligned start (so that PMD faults are possible). */
  huge: boolean;
  /** Which filesystem's vm_ops the vma has. */
  fs: string;
}

/** Per-vma shared objects: its page tables and whether it has been freed. */
export interface VmaObjects {
  vma: Vma;
  ptes: Cell<Pte>[];
  pmds: Cell<Pmd>[];
  /** ptl of the PTE table under each PMD. */
  ptls: Lock[];
  /** Set by remove_vma(): touching a freed vma is a use-after-free. */
  freed: Cell<boolean>;
}

/** struct mm_struct. */
export interface Mm {
  name: string;
  mmap_sem: Lock;
  /** pmd_lock() (split PMD ptlock; one PMD table per mm here). */
  pmdLock: Lock;
  /** The mm's vma list (mm->mmap), by vma id. */
  vmas: Cell<readonly string[]>;
}

/** struct address_space of the DAX file. */
export interface AddressSpace {
  i_mmap_rwsem: Lock;
  /** mapping->nrpages, updated with each slot change (under tree_lock in the kernel). */
  nrpages: Cell<number>;
  /** mapping->i_mmap: the interval tree, as the ids of the vmas in it. */
  i_mmap: Cell<readonly string[]>;
  pages: Cell<PageSlot>[];
}

export interface Inode {
  /** inode->i_mutex (VFS truncate; XFS takes it with IOLOCK_EXCL in xfs_rw_ilock). */
  i_mutex: Lock;
  i_size: Cell<number>;
  blocks: Cell<Extent>[];
  mapping: AddressSpace;
  /** Filesystem-private locks and state, by name (XFS: iolock, mmaplock, ilock, ...). */
  fsLocks: Record<string, Lock>;
  fsCells: Record<string, Cell<any>>;
}

/** The pmem device (drivers/nvdimm/pmem.c) and its contents, one cell per block. */
export interface PmemDevice {
  data: Cell<number>[];
  /** False once the driver is unbound: direct_access fails. */
  alive: Cell<boolean>;
}

export interface KState {
  geo: Geometry;
  inode: Inode;
  pmem: PmemDevice;
  sb_pagefaults: Lock;
  /** EXT4_SB(sb)->s_journal: the jbd2 journal (ext4 only). */
  journal?: Journal;
  mms: Record<string, Mm>;
  vmas: Record<string, VmaObjects>;
}

/** The per-execution kernel: the version's function table and the shared state. */
export interface Sys {
  k: Kernel;
  st: KState;
}

// ---- structures local to a call (never shared) ---------------------------------------------

/** struct vm_fault. */
export interface VmFault {
  /** Page index in the file. */
  pgoff: number;
  /** Page index inside the vma (stands for the virtual address). */
  vpage: number;
  flags: number;
  /** Private write fault: the new anonymous page's contents, filled by the handler. */
  cow_page: { value: number } | null;
  /** The locked page the handler returns, if any. */
  page: PageRef | null;
}

/** struct buffer_head as get_block fills it. */
export interface BufferHead {
  /** The file block asked for (the kernel keeps it in the caller and in b_private). */
  iblock: number;
  /** Requested / mapped size in pages. */
  size: number;
  /** b_state != 0 (buffer_size_valid in v4.3). */
  stateValid: boolean;
  mapped: boolean;
  unwritten: boolean;
  new: boolean;
  uptodate: boolean;
  /** First physical block (b_blocknr); 0 when unmapped, as after memset(). */
  pblk: number;
}

export function newBufferHead(size: number): BufferHead {
  return {
    iblock: 0,
    size,
    stateValid: false,
    mapped: false,
    unwritten: false,
    new: false,
    uptodate: false,
    pblk: 0,
  };
}

export type GetBlock = (sys: Sys, iblock: number, bh: BufferHead, create: boolean) => G<number>;
export type CompleteUnwritten = (sys: Sys, bh: BufferHead, uptodate: boolean) => G<void>;

/** What vma->vm_ops points to: the filesystem's fault handlers. */
export interface VmOps {
  fault: (sys: Sys, vma: Vma, vmf: VmFault) => G<number>;
  page_mkwrite: (sys: Sys, vma: Vma, vmf: VmFault) => G<number>;
  pfn_mkwrite?: (sys: Sys, vma: Vma, vmf: VmFault) => G<number>;
  pmd_fault?: (sys: Sys, vma: Vma, vpage: number, flags: number) => G<number>;
}

/** The per-filesystem seam: what the VFS and the actors call. ext4 adds its own. */
export interface FsOps {
  vm_ops: VmOps;
  /** ->setattr(ATTR_SIZE): ftruncate. */
  setattr_size: (sys: Sys, newsize: number) => G<number>;
  /** ->write_iter for a DAX file: write(2) of one page. */
  write_iter: (sys: Sys, page: number, value: number) => G<number>;
  /** fallocate(PUNCH_HOLE), where the filesystem has it. */
  punch_hole?: (sys: Sys, page: number, pages: number) => G<number>;
}

/** Old contents of a pmem block never zeroed: negative numbers the file never held. */
export const garbageOf = (pblk: number): number => -(pblk + 1);
export const isGarbage = (v: number): boolean => v < 0;
