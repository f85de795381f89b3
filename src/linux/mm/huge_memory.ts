// mm/huge_memory.c: inserting and zapping a huge pfn PMD (v4.3-v4.4, reference 2.3).

import { at, fail, modelled, read, write } from '../../engine/index.js';
import { spin_lock, spin_unlock } from '../../kernel/index.js';
import { pfn_valid } from '../drivers/nvdimm/pmem.js';
import { type G, type Sys, VM_FAULT_NOPAGE, type Vma } from '../types.js';
import { pmd_trans_huge, pmdLockOf, pmdOf } from './pgtable.js';

// Models vmf_insert_pfn_pmd() -> insert_pfn_pmd() (v4.3-v4.4): BUG on a VM_MIXEDMAP vma with
// a pfn_valid() pfn; under the PMD lock, install a huge PMD only if the PMD is none (writable
// and dirty for a write fault, else read-only: vm_page_prot has write-notify).
export const vmf_insert_pfn_pmd = modelled(
  'vmf_insert_pfn_pmd',
  function* vmf_insert_pfn_pmd(
    sys: Sys,
    vma: Vma,
    vpage: number,
    pfn: number,
    writeFault: boolean,
  ): G<number> {
    if (pfn_valid(pfn))
      fail({ kind: 'oops', title: 'kernel BUG at mm/huge_memory.c: VM_MIXEDMAP && pfn_valid(pfn)' });
    const lock = pmdLockOf(sys, vma);
    yield* spin_lock(lock);
    const pmd = pmdOf(sys, vma, vpage);
    const cur = yield* read(pmd, { api: 'pmd_none' });
    if (cur.kind === 'none')
      yield* write(pmd, { kind: 'huge-pfn', pfn, write: writeFault }, { api: 'set_pmd_at' });
    else yield* at('PMD not none: nothing inserted');
    yield* spin_unlock(lock);
    return VM_FAULT_NOPAGE;
  },
);

// Models zap_huge_pmd() (v4.3-v4.4, with "thp: fix zap_huge_pmd() for DAX"): clear the PMD under
// the PMD lock. A partial zap splits, which for a DAX PMD also just clears it.
export const zap_huge_pmd = modelled(
  'zap_huge_pmd',
  function* zap_huge_pmd(sys: Sys, vma: Vma, vpage: number): G {
    const lock = pmdLockOf(sys, vma);
    yield* spin_lock(lock);
    const pmd = pmdOf(sys, vma, vpage);
    const cur = yield* read(pmd, { api: 'zap_huge_pmd' });
    if (pmd_trans_huge(cur)) yield* write(pmd, { kind: 'none' }, { api: 'pmdp_huge_get_and_clear' });
    yield* spin_unlock(lock);
  },
);
