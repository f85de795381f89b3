// drivers/nvdimm/pmem.c and include/linux/pmem.h: the pmem block device as DAX sees it.
// A block's contents are one number per page-sized block. Blocks that were never zeroed hold
// old contents of their own (negative numbers), so exposing them is observable.
// Simplifications: pfn = physical block number; pfns have no struct page (pfn_valid() is
// false), as for a pmem namespace without devm_memremap_pages() memmap.

import { at, type Cell, fail, read, snapshot, update, write } from '../../../engine/index.js';
import { ENXIO, type G, type Sys } from '../../types.js';

/** A kernel virtual address into pmem: the block it points at, or unset (an uninitialised pointer). */
export type Kaddr = number | undefined;

export interface DirectAccess {
  /** Bytes (here: pages) available from the block on, or a negative error. */
  length: number;
  kaddr: Kaddr;
  pfn: number;
}

// Models bdev_direct_access() -> pmem_direct_access() (v4.2-v4.4). Simplified: sector = block,
// no partition offset; an unbound device fails with -ENXIO (the driver's queue is gone).
export function* bdev_direct_access(sys: Sys, pblk: number, size: number): G<DirectAccess> {
  yield* at('bdev_direct_access');
  const alive = yield* read(sys.st.pmem.alive, { api: 'bdev_direct_access' });
  if (!alive) return { length: ENXIO, kaddr: undefined, pfn: 0 };
  const avail = sys.st.geo.pmemBlocks - pblk;
  return { length: Math.min(size, avail), kaddr: pblk, pfn: pblk };
}

function checkKaddr(kaddr: Kaddr, what: string): number {
  if (kaddr === undefined)
    fail({
      kind: 'oops',
      title: 'BUG: unable to handle kernel NULL pointer dereference',
      message: `${what} through a kaddr that was never set by bdev_direct_access()`,
    });
  return kaddr;
}

// Models clear_pmem() (v4.3+; v4.2's clear_page()/memset on the same address is the same
// here): zeroes `pages` blocks from kaddr.
export function* clear_pmem(sys: Sys, kaddr: Kaddr, pages: number): G {
  const base = checkKaddr(kaddr, 'clear_pmem');
  for (let i = 0; i < pages; i++) yield* write(sys.st.pmem.data[base + i], 0, { api: 'clear_pmem' });
}

/** wmb_pmem(): orders the zeroing before what follows; no state of its own. */
export function* wmb_pmem(): G {
  yield* at('wmb_pmem');
}

/** A CPU load from pmem (through a mapping or a kernel address). */
export function* pmem_load(sys: Sys, kaddr: Kaddr): G<number> {
  const b = checkKaddr(kaddr, 'load');
  return yield* read(sys.st.pmem.data[b], { api: 'pmem load' });
}

/** A CPU store to pmem. */
export function* pmem_store(sys: Sys, kaddr: Kaddr, value: number): G {
  const b = checkKaddr(kaddr, 'store');
  yield* write(sys.st.pmem.data[b], value, { api: 'pmem store' });
}

/** A CPU load through a TLB entry loaded from `entryCell` (a PTE or a huge PMD), in one step
 *  with a re-read of the entry: it goes through only if the entry is still `entry` (walk
 *  'atomic' in src/workload/actors.ts); otherwise the TLB entry was flushed. */
export function* pmem_load_mapped<E>(
  sys: Sys,
  kaddr: Kaddr,
  entryCell: Cell<E>,
  entry: E,
): G<{ ok: true; value: number } | { ok: false }> {
  const b = checkKaddr(kaddr, 'load');
  const [cur, value] = yield* snapshot<[E, number]>([entryCell, sys.st.pmem.data[b]], MAPPED_LOAD);
  return cur === entry ? { ok: true, value } : { ok: false };
}

/** A CPU store through a TLB entry, as `pmem_load_mapped`: true if it went through. The step
 *  writes the block either way (a step's objects may not depend on what it reads). */
export function* pmem_store_mapped<E>(
  sys: Sys,
  kaddr: Kaddr,
  value: number,
  entryCell: Cell<E>,
  entry: E,
): G<boolean> {
  const b = checkKaddr(kaddr, 'store');
  let stored = false;
  yield* update(
    sys.st.pmem.data[b],
    (old, peek) => {
      stored = peek(entryCell) === entry;
      return stored ? value : old;
    },
    MAPPED_STORE,
    [entryCell],
  );
  return stored;
}
const MAPPED_LOAD = { api: 'pmem load through the TLB' };
const MAPPED_STORE = { api: 'pmem store through the TLB' };

/** pfn_valid(): false for these pfns (no memmap); 152d7bd80dca falls back when true. */
export const pfn_valid = (_pfn: number): boolean => false;
