// Test helpers: a one-thread scenario, run sequentially, reduced to its kernel lock operations;
// an explore scenario made again from its name.
import { type Action, buildModel, type Scenario, spaceScenarioNamed } from '../../src/workload/index.js';
import { lockOps, runSequentially } from '../../src/workload/sequence.js';

export const MMAP_SEM = '&mm->mmap_sem';
export const I_MMAP = '&mapping->i_mmap_rwsem';
export const MMAPLOCK = '&(&ip->i_mmaplock)->mr_lock';
export const IOLOCK = '&(&ip->i_iolock)->mr_lock';
export const ILOCK = '&xfs_nondir_ilock_class';
export const PTL = '&(ptlock_ptr(page))->rlock';
export const SBPF = 'sb_pagefaults';

export function oneThread(
  kernel: string,
  actions: Action[],
  file: Scenario['file'] = { size: 4 },
  mappings: Scenario['mappings'] = [{ id: 'm', process: 'p1', shared: true }],
) {
  const s: Scenario = { name: 'seq', file, mappings, threads: [{ name: 'T', actions }] };
  const r = runSequentially(buildModel(s, { kernel, fs: 'xfs' }));
  return { ...r, locks: lockOps(r.steps) };
}

/** Lock ops from the first `from` to the end, or of one function's steps. */
export function opsIn(r: ReturnType<typeof oneThread>, fn: string): string[] {
  return lockOps(r.steps.filter((s) => s.fn === fn));
}

/** A scenario of `explore`'s generated space by its name, `page:load|write:hole` (or with a
 *  fault bound, `page:load|unbind:hole:f2`). */
export function spaceScenario(name: string): Scenario {
  const found = spaceScenarioNamed(name);
  if (!found) throw new Error(`no explore scenario ${name}`);
  return found;
}
