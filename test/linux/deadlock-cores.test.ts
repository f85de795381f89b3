// A deadlock's core (engine/wait-for.ts) on the DAX model's deadlocks of the built-in matrix: six
// signatures, three deadlocks. The same deadlock on ext4 and on XFS (whose tasks also hold
// MMAPLOCK, so its signature differs) has one core; F2 and F8, both a writer waiting in
// unmap_mapping_range() for the i_mmap_rwsem it holds, differ in where it was taken.

import { describe, expect, it } from 'vitest';
import { daxProvider } from '../../src/cli/providers/dax.js';
import { buildTargetModel, tokenTarget } from '../../src/cli/target.js';
import { replay, type WaitForSummary } from '../../src/engine/index.js';

/** The deadlock the token replays: its signature and wait-for summary. */
function deadlockOf(kernel: string, fs: string, scenario: string, token: string) {
  const p = daxProvider();
  const r = replay(buildTargetModel(p, tokenTarget(p, { scenario, kernel, fs })), token);
  const d = r.findings.find((f) => f.kind === 'deadlock');
  expect(d, `${kernel} ${fs} ${scenario} ${token} deadlocks`).toBeDefined();
  return {
    title: d!.title,
    locks: d!.locks ?? [],
    waitFor: (d!.details as { waitFor: WaitForSummary }).waitFor,
  };
}

describe('deadlock cores of the built-in matrix', () => {
  // witnesses of `npm start` (the matrix's replay lines), 2026-11-28
  const f3 = ['843172978bb9-only', 'read-fault-vs-write-fault'] as const;
  const f2 = ['v4.3-rc1', 'read-fault-vs-write-fault'] as const;
  const f8 = ['revert-v2', 'pmd-write-fault'] as const;
  const cases = {
    f3ext4: deadlockOf(f3[0], 'ext4', f3[1], 'fl1:0x18,1x19,0x13,1x71,0x10'),
    f3xfs: deadlockOf(f3[0], 'xfs', f3[1], 'fl1:0x22,1x19,0x14,1x65,0x11'),
    f2ext4: deadlockOf(f2[0], 'ext4', f2[1], 'fl1:0x18,1x19,0x17,1x16'),
    f2xfs: deadlockOf(f2[0], 'xfs', f2[1], 'fl1:0x22,1x19,0x18,1x17'),
    f8ext4: deadlockOf(f8[0], 'ext4', f8[1], 'fl1:0x30'),
    f8xfs: deadlockOf(f8[0], 'xfs', f8[1], 'fl1:0x30'),
  };

  it('one core per deadlock on both filesystems, where the held locks differ', () => {
    for (const [ext4, xfs] of [
      [cases.f3ext4, cases.f3xfs],
      [cases.f2ext4, cases.f2xfs],
      [cases.f8ext4, cases.f8xfs],
    ]) {
      expect(xfs.locks).toContain('&(&ip->i_mmaplock)->mr_lock');
      expect(ext4.locks).not.toContain('&(&ip->i_mmaplock)->mr_lock');
      expect(xfs.waitFor.core).toBe(ext4.waitFor.core);
    }
  });

  it('three deadlocks: the exited holder of F3, and F2 and F8 told apart by where the lock was taken', () => {
    expect(cases.f3ext4.waitFor.core).toBe(
      'exited holder: &mapping->i_mmap_rwsem in __dax_fault, held from __dax_fault',
    );
    expect(cases.f2ext4.waitFor.core).toBe(
      '[&mapping->i_mmap_rwsem in unmap_mapping_range, held from __dax_fault]',
    );
    expect(cases.f8ext4.waitFor.core).toBe(
      '[&mapping->i_mmap_rwsem in unmap_mapping_range, held from __dax_pmd_fault]',
    );
    expect(new Set(Object.values(cases).map((c) => c.waitFor.core)).size).toBe(3);
  });
});
