// Mapping checks on the final state of an execution, when every thread has ended:
// stale-mapping (a PTE or PMD maps a page past EOF, a block that is no longer the file's, a
// page no longer in the page cache, anything after the device was unbound, or a hole page
// over written data) and pagecache-incoherent (a hole page still cached over written data).
// Each finding names its reason in `functions`, so that distinct reasons keep distinct
// signatures.

import type { FinalView, FindingSpec } from '../engine/index.js';
import type { KState, Pte } from '../linux/types.js';

function pfnProblem(st: KState, view: FinalView, idx: number, pfn: number): string | undefined {
  if (!view.peek(st.pmem.alive)) return 'maps pmem after driver unbind';
  if (idx >= view.peek(st.inode.i_size)) return 'maps a block past EOF';
  const e = view.peek(st.inode.blocks[idx]);
  if (e.kind === 'hole' || e.pblk !== pfn) return 'maps a block the file no longer owns';
  return undefined;
}

function pteProblem(st: KState, view: FinalView, idx: number, pte: NonNullable<Pte>): string | undefined {
  const size = view.peek(st.inode.i_size);
  switch (pte.kind) {
    case 'pfn':
      return pfnProblem(st, view, idx, pte.pfn);
    case 'page': {
      if (idx >= size) return 'maps a hole page past EOF';
      const cached = view.peek(st.inode.mapping.pages[idx]);
      if (cached?.id !== pte.page.id) return 'maps a hole page removed from the page cache';
      if (view.peek(st.inode.blocks[idx]).kind === 'written') return 'maps a hole page over written data';
      return undefined;
    }
    case 'anon':
      return idx >= size ? 'maps a private COW page past EOF' : undefined;
  }
}

export function checkMappings(st: KState, view: FinalView): FindingSpec[] {
  const out: FindingSpec[] = [];
  const seen = new Set<string>();
  const add = (reason: string, where: string, details: unknown) => {
    if (seen.has(reason)) return;
    seen.add(reason);
    out.push({
      kind: 'stale-mapping',
      title: `stale mapping: ${where} ${reason}`,
      functions: [reason],
      details,
    });
  };
  const P = st.geo.pmdPages;
  for (const vo of Object.values(st.vmas)) {
    if (view.peek(vo.freed)) continue;
    const vma = vo.vma;
    const off = vma.huge ? 0 : 1;
    for (let j = 0; j < vo.pmds.length; j++) {
      const pmd = view.peek(vo.pmds[j]);
      if (pmd.kind !== 'huge-pfn') continue;
      const start = j * P - off;
      for (let k = 0; k < P; k++) {
        const idx = vma.pgoff + start + k;
        const why = pfnProblem(st, view, idx, pmd.pfn + k);
        if (why)
          add(why, `${vma.mm} ${vma.id} huge PMD at page ${idx}`, {
            vma: vma.id,
            page: idx,
            pfn: pmd.pfn + k,
          });
      }
    }
    for (let v = 0; v < vo.ptes.length; v++) {
      const pte = view.peek(vo.ptes[v]);
      if (!pte) continue;
      const idx = vma.pgoff + v;
      const why = pteProblem(st, view, idx, pte);
      if (why) add(why, `${vma.mm} ${vma.id} PTE for page ${idx}`, { vma: vma.id, page: idx, pte });
    }
  }
  for (let i = 0; i < st.geo.filePages; i++) {
    const page = view.peek(st.inode.mapping.pages[i]);
    if (page && view.peek(st.inode.blocks[i]).kind === 'written')
      out.push({
        kind: 'pagecache-incoherent',
        title: `page cache incoherent: hole page ${page.id} still cached over written block ${i}`,
        functions: ['hole page over written block'],
        details: { page: i, id: page.id },
      });
  }
  return out;
}
