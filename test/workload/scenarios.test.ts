// Scenarios explored exhaustively: the known 2015 problems appear in the versions that had
// them and not in the others. (The heaviest suite scenario, read-fault-vs-write-syscall, is run
// by the findings matrix, not here, to keep this file fast.)
import { describe, expect, it } from 'vitest';
import { check, replay, signatureOf } from '../../src/engine/index.js';
import { buildModel, builtinScenarios, type Scenario } from '../../src/workload/index.js';

const byName = (n: string): Scenario => builtinScenarios.find((s) => s.name === n)!;
const kinds = (s: Scenario, kernel: string) => {
  const r = check(buildModel(s, { kernel, fs: s.fs ?? 'xfs' }), { mode: 'dpor', timeLimitMs: 15000 });
  expect(r.complete).toBe(true);
  return { r, kinds: [...new Set(r.findings.map((f) => f.kind))].sort() };
};

// DPOR runs take a few seconds each, more on a loaded machine.
describe('built-in scenarios', { timeout: 60_000 }, () => {
  it('every built-in scenario builds for every version', () => {
    for (const s of builtinScenarios)
      for (const k of ['v4.2', 'v4.3', 'v4.4'])
        expect(() => buildModel(s, { kernel: k, fs: 'xfs' })).not.toThrow();
  });

  it('COW fault: a bad unlock of i_mmap_rwsem exactly where take and release modes differ', () => {
    const s = byName('cow-fault-vs-truncate');
    expect(kinds(s, 'v4.2').kinds).toEqual([]);
    expect(kinds(s, 'v4.3-rc1').kinds).toEqual([]);
    const v43 = kinds(s, 'v4.3');
    expect(v43.kinds).toEqual(['bad-unlock']);
    expect(v43.r.findings[0].locks).toEqual(['&mapping->i_mmap_rwsem']);
    expect(kinds(s, 'v4.4').kinds).toEqual([]);
  });

  it('v4.3-rc1: a write fault that finds a racing hole page re-takes i_mmap_rwsem for write: deadlock', () => {
    const s = byName('read-fault-vs-write-fault');
    const { r, kinds: k } = kinds(s, 'v4.3-rc1');
    expect(k).toContain('deadlock');
    const d = r.findings.find((f) => f.kind === 'deadlock')!;
    const rep = replay(buildModel(s, { kernel: 'v4.3-rc1', fs: 'xfs' }), d.token);
    expect(rep.outcome).toBe('deadlock');
    expect(kinds(s, 'v4.3').kinds).not.toContain('deadlock');
  });

  it('two write faults on one hole: the loser zeroes the winner’s data in v4.2 and v4.3, not in v4.3-rc1 or v4.4', () => {
    const s = byName('write-fault-vs-write-fault');
    expect(kinds(s, 'v4.2').kinds).toEqual(['stale-read']);
    expect(kinds(s, 'v4.3-rc1').kinds).toEqual([]);
    expect(kinds(s, 'v4.4').kinds).toEqual([]);
  });

  it('driver unbind: pfn mappings survive only where unmap_mapping_range skips i_mmap_rwsem', () => {
    const s = byName('driver-unbind-vs-fault');
    expect(kinds(s, 'v4.2').kinds).toEqual([]);
    expect(kinds(s, 'v4.3').kinds).toEqual([]);
  });

  it('PMD write fault: the unset-kaddr oops in v4.3-rc1 only', () => {
    const s = byName('pmd-write-fault');
    expect(kinds(s, 'v4.3-rc1').kinds).toEqual(['oops']);
    expect(kinds(s, 'v4.3-rc5').kinds).toEqual([]);
    expect(kinds(s, 'v4.3').kinds).toEqual([]);
  });

  it('the suite has every kind of action and every initial block state', () => {
    const actions = new Set(
      builtinScenarios.flatMap((s) => s.threads.flatMap((t) => t.actions.map((a) => a.do))),
    );
    expect([...actions].sort()).toEqual(
      [
        'commit',
        'invalidate',
        'load',
        'mmap',
        'munmap',
        'punch',
        'store',
        'truncate',
        'unbind',
        'write',
      ].sort(),
    );
    const states = new Set(
      builtinScenarios.flatMap((s) => [
        ...(s.file.blocks ?? []).map((b) => (typeof b === 'object' ? 'written' : b)),
        ...(s.file.cachedHoles?.length ? ['cached hole page'] : []),
      ]),
    );
    expect([...states].sort()).toEqual(['cached hole page', 'hole', 'unwritten', 'written']);
    // Punch and the commit are ext4's: those scenarios name it, so the matrix runs them only there.
    for (const s of builtinScenarios)
      if (s.threads.some((t) => t.actions.some((a) => a.do === 'punch' || a.do === 'commit')))
        expect(s.fs).toBe('ext4');
  });

  it('ext4, unwritten extent: a lost write where faults convert unlocked, a handle inside i_mmap_rwsem with 843172978bb9', () => {
    const s = byName('ext4-read-fault-vs-write-fault-unwritten');
    for (const k of ['v4.2', 'v4.3', 'v4.4']) expect(kinds(s, k).kinds).toEqual(['lost-write']);
    const rc1 = kinds(s, 'v4.3-rc1');
    expect(rc1.kinds).toEqual(['circular-dependency']);
    expect([...(rc1.r.findings[0].locks ?? [])].sort()).toEqual(['&mapping->i_mmap_rwsem', 'jbd2_handle']);
  });

  it('ext4, cached hole page: a write fault maps a block past EOF only while __dax_fault holds just the page lock', () => {
    const s = byName('ext4-write-fault-vs-truncate-cached-hole');
    const rc1 = kinds(s, 'v4.3-rc1');
    expect(rc1.kinds).toEqual(['stale-mapping']);
    const f = rc1.r.findings[0];
    const rep = replay(buildModel(s, { kernel: 'v4.3-rc1', fs: 'ext4' }), f.token);
    expect(rep.findings.map(signatureOf)).toContain(f.signature);
    expect(kinds(s, 'v4.4').kinds).toEqual([]);
  });
});
