// The guarded kernel state (src/linux/guarded.ts): the race detector checks the model's accesses to
// mapping->i_mmap, mm->mmap, the PTEs and the extent map against the locks that guard them.
import { describe, expect, it } from 'vitest';
import { check, defineModel, replay, signatureOf } from '../../src/engine/index.js';
import {
  init_rwsem,
  kernelMonitors,
  spin_lock,
  spin_lock_init,
  spin_unlock,
} from '../../src/kernel/index.js';
import { guard, kload, kreadOnce, kwriteOnce } from '../../src/linux/guarded.js';
import { buildModel, builtinScenarios, type Scenario } from '../../src/workload/index.js';

const byName = (n: string): Scenario => builtinScenarios.find((s) => s.name === n)!;
const raceKinds = (s: Scenario, kernel: string, fs: 'xfs' | 'ext4' = 'xfs') => {
  const r = check(buildModel(s, { kernel, fs }), { mode: 'dpor', timeLimitMs: 20_000 });
  expect(r.complete).toBe(true);
  return { r, found: r.findings.filter((f) => f.kind === 'assert-held' || f.kind === 'data-race') };
};

describe('guarded kernel state', { timeout: 60_000 }, () => {
  it('a PTE store without its ptl is an assert-held finding; a lockless READ_ONCE is no race', () => {
    const model = defineModel({
      name: 'pte-guard',
      setup: (w) => {
        const ptl = spin_lock_init(w, 'ptl', '&(ptlock_ptr(page))->rlock');
        const pte = guard(w.cell<number | null>('pte', null), 'pte m+0', ptl);
        return { ptl, pte };
      },
      threads: [
        {
          name: 'locked',
          *body(s) {
            yield* spin_lock(s.ptl);
            yield* kwriteOnce(s.pte, 1, 'set_pte_at');
            yield* kload(s.pte, 'pte_same');
            yield* spin_unlock(s.ptl);
            yield* kreadOnce(s.pte, 'handle_pte_fault');
          },
        },
        {
          name: 'unlocked',
          *body(s) {
            yield* kwriteOnce(s.pte, null, 'ptep_get_and_clear');
          },
        },
      ],
      monitors: () => kernelMonitors(),
    });
    const r = check(model, { mode: 'dpor' });
    const held = r.findings.filter((f) => f.kind === 'assert-held');
    expect(held.map((f) => f.title)).toEqual([
      'write to pte m+0 in unlocked without &(ptlock_ptr(page))->rlock held for write',
    ]);
    // The unlocked store races with the plain read under the ptl, never with the READ_ONCE.
    const races = r.findings.filter((f) => f.kind === 'data-race');
    expect(races.length).toBe(1);
    const apis = (races[0].details as { accesses: { api: string }[] }).accesses.map((a) => a.api).sort();
    expect(apis).toEqual(['pte_same', 'ptep_get_and_clear']);
  });

  it('a plain read of an rwsem-guarded list needs the rwsem; a write needs it for write', () => {
    const model = defineModel({
      name: 'list-guard',
      setup: (w) => {
        const sem = init_rwsem(w, 'i_mmap_rwsem', '&mapping->i_mmap_rwsem');
        const list = guard(w.cell<readonly string[]>('i_mmap', []), 'mapping->i_mmap', sem);
        return { sem, list };
      },
      threads: [
        {
          name: 'walker',
          *body(s) {
            yield* kload(s.list, 'vma_interval_tree_foreach');
          },
        },
      ],
      monitors: () => kernelMonitors(),
    });
    const r = check(model, { mode: 'dpor' });
    expect(r.findings.map((f) => f.title)).toEqual([
      'read of mapping->i_mmap in walker without &mapping->i_mmap_rwsem',
    ]);
  });

  it('the IS_DAX skip (843172978bb9-only, revert-v4-1of2) walks mapping->i_mmap without i_mmap_rwsem; v4.2 and v4.3 do not', () => {
    const s = byName('munmap-vs-truncate');
    for (const kernel of ['843172978bb9-only', 'revert-v4-1of2']) {
      const { found } = raceKinds(s, kernel);
      const sigs = found.map((f) => f.signature).sort();
      expect(sigs).toEqual([
        'assert-held|&mapping->i_mmap_rwsem|unmap_mapping_range_tree',
        'data-race||unlink_file_vma,unmap_mapping_range_tree',
      ]);
      // Each replays from its token to the same finding.
      for (const f of found) {
        const rep = replay(buildModel(s, { kernel, fs: 'xfs' }), f.token);
        expect(rep.findings.map(signatureOf)).toContain(f.signature);
      }
      const race = found.find((f) => f.kind === 'data-race')!;
      expect(race.message).toMatch(/mapping->i_mmap/);
    }
    for (const kernel of ['v4.2', 'v4.3']) expect(raceKinds(s, kernel).found).toEqual([]);
  });

  it('ext4 and XFS extent maps: every access of the suite holds i_data_sem / ILOCK (v4.4)', () => {
    expect(raceKinds(byName('ext4-read-fault-vs-write-fault-unwritten'), 'v4.4', 'ext4').found).toEqual([]);
    expect(raceKinds(byName('read-fault-vs-write-fault'), 'v4.4', 'xfs').found).toEqual([]);
  });
});
