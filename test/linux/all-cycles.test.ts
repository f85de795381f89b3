// lockdep in this model reports every cycle a new dependency closes (allCycles, the default), not
// only the shortest as lockdep does. The case that shows it: 843172978bb9's leaked i_mmap_rwsem
// (F3, docs/findings.md) on ext4, where the leaked lock closes cycles through several classes at
// once. Each reported cycle's token rebuilds it from a fresh graph.
import { describe, expect, it } from 'vitest';
import { check, type Finding, replay, signatureOf } from '../../src/engine/index.js';
import { buildModel, builtinScenarios } from '../../src/workload/index.js';

const scenario = builtinScenarios.find((s) => s.name === 'read-fault-vs-write-fault')!;
const cycles = (fs: Finding[]) =>
  fs.filter((f) => f.kind === 'circular-dependency').map((f) => [...(f.locks ?? [])].sort().join(','));

describe('every cycle through the leaked i_mmap_rwsem (843172978bb9-only, ext4)', () => {
  const model = buildModel(scenario, { kernel: '843172978bb9-only', fs: 'ext4' });
  const r = check(model, { mode: 'dpor' });

  it('reports each set of classes once, the two-class and the longer cycles alike', () => {
    expect(r.complete).toBe(true);
    expect(cycles(r.findings).sort()).toEqual(
      [
        '&mapping->i_mmap_rwsem,&mm->mmap_sem',
        '&mapping->i_mmap_rwsem,jbd2_handle',
        '&mapping->i_mmap_rwsem,sb_pagefaults',
        '&mapping->i_mmap_rwsem,&mm->mmap_sem,jbd2_handle',
        '&mapping->i_mmap_rwsem,&mm->mmap_sem,sb_pagefaults',
        '&mapping->i_mmap_rwsem,jbd2_handle,sb_pagefaults',
        '&mapping->i_mmap_rwsem,&mm->mmap_sem,jbd2_handle,sb_pagefaults',
      ].sort(),
    );
  }, 60_000);

  it('every one of them replays from its token', () => {
    for (const f of r.findings.filter((f) => f.kind === 'circular-dependency')) {
      const again = replay(buildModel(scenario, { kernel: '843172978bb9-only', fs: 'ext4' }), f.token);
      expect(again.findings.map(signatureOf), f.token).toContain(signatureOf(f));
    }
  }, 60_000);
});
