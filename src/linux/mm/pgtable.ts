// Page-table geometry of a vma: which PTE, PMD and ptl cover a page of it.
// Each vma has its own address range. A huge-capable (`huge`) vma starts PMD-aligned; any other
// vma starts one page past a PMD boundary, so that no PMD fits inside it.

import type { Cell, Lock } from '../../engine/index.js';
import type { Pmd, Pte, Sys, Vma, VmaObjects } from '../types.js';

export const vmaObjects = (sys: Sys, vma: Vma): VmaObjects => sys.st.vmas[vma.id];

/** Offset, in pages, of the vma's start from the PMD boundary before it. */
export const vmaPmdOffset = (vma: Vma): number => (vma.huge ? 0 : 1);

/** Number of PMD entries spanned by a vma of `pages` pages. */
export const pmdCount = (vma: Vma, pmdPages: number): number =>
  Math.floor((vma.pages - 1 + vmaPmdOffset(vma)) / pmdPages) + 1;

export const pmdIndexOf = (sys: Sys, vma: Vma, vpage: number): number =>
  Math.floor((vpage + vmaPmdOffset(vma)) / sys.st.geo.pmdPages);

/** First page (vma-relative, may be negative) covered by the PMD containing `vpage`. */
export const pmdStartOf = (sys: Sys, vma: Vma, vpage: number): number =>
  pmdIndexOf(sys, vma, vpage) * sys.st.geo.pmdPages - vmaPmdOffset(vma);

export const pteOf = (sys: Sys, vma: Vma, vpage: number): Cell<Pte> => vmaObjects(sys, vma).ptes[vpage];
export const pmdOf = (sys: Sys, vma: Vma, vpage: number): Cell<Pmd> =>
  vmaObjects(sys, vma).pmds[pmdIndexOf(sys, vma, vpage)];
/** pte_lockptr(): the ptl of the PTE table under the PMD covering `vpage`. */
export const ptlOf = (sys: Sys, vma: Vma, vpage: number): Lock =>
  vmaObjects(sys, vma).ptls[pmdIndexOf(sys, vma, vpage)];
export const pmdLockOf = (sys: Sys, vma: Vma): Lock => sys.st.mms[vma.mm].pmdLock;

/** linear_page_index(): the file page a vma page maps. */
export const linear_page_index = (vma: Vma, vpage: number): number => vma.pgoff + vpage;

/** pte_same(): equal entries (entries are replaced on every change, so compare by value). */
export function pte_same(a: Pte, b: Pte): boolean {
  if (a === b) return true;
  if (!a || !b || a.kind !== b.kind || a.write !== b.write) return false;
  switch (a.kind) {
    case 'page':
      return a.page.id === (b as typeof a).page.id;
    case 'pfn':
      return a.pfn === (b as typeof a).pfn;
    case 'anon':
      return a.value === (b as typeof a).value;
  }
}

export const pmd_trans_huge = (p: Pmd): boolean => p.kind === 'huge-zero' || p.kind === 'huge-pfn';
