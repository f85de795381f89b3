// A patch: its identity (commit id, title, author, date, link) and the whole functions of the
// kernel function table it replaces. `replaces` is derived from what the patch provides.

import type { Kernel } from '../linux/kernel.js';
import { v42 } from '../linux/kernel.js';
import type { PatchInfo } from './types.js';

export interface Patch {
  info: PatchInfo;
  /** Extra words on the patch: what it stands for, what is unverified. */
  note?: string;
  /** The replaced entries, given the table before the patch (for entries that extend one). */
  apply: (before: Kernel) => Partial<Kernel>;
}

export function patch(p: {
  id: string;
  title: string;
  author: string;
  date: string;
  link: string;
  note?: string;
  apply: (before: Kernel) => Partial<Kernel>;
}): Patch {
  const replaces = Object.keys(p.apply(v42));
  const { apply, note, ...info } = p;
  return { info: { ...info, replaces }, ...(note ? { note } : {}), apply };
}

/** The table a series of patches produces from v4.2. */
export function applyPatches(series: readonly Patch[]): Kernel {
  let k: Kernel = v42;
  for (const p of series) k = { ...k, ...p.apply(k) };
  return k;
}
