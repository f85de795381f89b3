// A lockdep prediction confirmed by an explored deadlock shows the confirming deadlock with the
// fewest preemptions (then the shortest token), not merely the shortest token: on v4.3-rc1 ext4's
// read-fault-vs-write-fault, F2's recursive i_mmap_rwsem and its jbd2_handle cycle were shown
// with 2 preemptions where a confirming deadlock with 1 had been explored.

import { describe, expect, it } from 'vitest';
import { daxProvider } from '../../src/cli/providers/dax.js';
import { buildTargetModel, tokenTarget } from '../../src/cli/target.js';
import { check, replay } from '../../src/engine/index.js';

describe('the witness of a confirmed prediction', () => {
  it('is the confirming deadlock with the fewest preemptions', () => {
    const p = daxProvider();
    const t = tokenTarget(p, { scenario: 'read-fault-vs-write-fault', kernel: 'v4.3-rc1', fs: 'ext4' });
    const model = buildTargetModel(p, t);
    const r = check(model);
    expect(r.complete).toBe(true);
    const deadlock = r.findings.find((f) => f.kind === 'deadlock')!;
    const recursion = r.findings.find((f) => f.kind === 'recursive-locking')!;
    const cycle = r.findings.find((f) => f.kind === 'circular-dependency')!;
    expect(deadlock.preemptions).toBe(1);
    for (const f of [recursion, cycle]) {
      expect(f.confirmed).toBe(true);
      expect(f.preemptions).toBe(1);
      // its token replays to the deadlock that confirms it
      expect(replay(model, f.token).outcome).toBe('deadlock');
    }
  });
});
