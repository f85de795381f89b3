// The fault bound of one access (`MAX_FAULTS_PER_ACCESS`, or a scenario's `limits.maxFaults`):
// what a lone access needs, which the bound's documentation claims. (A chase that a smaller
// bound makes finite: test/cli/explore.e2e.test.ts and the ext4 findings-doc test.)
import { describe, expect, it } from 'vitest';
import { check } from '../../src/engine/index.js';
import { allVersions } from '../../src/history/index.js';
import { buildModel, type Scenario } from '../../src/workload/index.js';

const FILES: Record<string, Scenario['file']> = {
  hole: { size: 4, blocks: ['hole'] },
  'cached-hole': { size: 4, blocks: ['hole'], cachedHoles: [0] },
  unwritten: { size: 4, blocks: ['unwritten'] },
  written: { size: 4, blocks: [{ written: 5 }] },
};

/** One thread, one access through a shared mapping of page 0, at most `maxFaults` faults. */
function lone(fs: 'ext4' | 'xfs', state: string, store: boolean, maxFaults: number): Scenario {
  return {
    name: `lone-${store ? 'store' : 'load'}`,
    fs,
    file: FILES[state],
    mappings: [{ id: 'm', process: 'p', shared: true }],
    limits: { maxFaults },
    threads: [
      {
        name: 't',
        process: 'p',
        actions: [store ? { do: 'store', map: 'm', page: 0, value: 1 } : { do: 'load', map: 'm', page: 0 }],
      },
    ],
  };
}

const livelocks = (s: Scenario, kernel: string, fs: 'ext4' | 'xfs'): number => {
  const r = check(buildModel(s, { kernel, fs }), { minimize: false });
  expect(r.complete).toBe(true);
  return r.findings.filter((f) => f.kind === 'livelock').length;
};

describe('fault bound', { timeout: 60_000 }, () => {
  it('a lone load needs one fault, a lone shared store two (write-notify, then pfn_mkwrite)', () => {
    for (const kernel of allVersions.map((v) => v.name))
      for (const fs of ['ext4', 'xfs'] as const)
        for (const state of Object.keys(FILES)) {
          const at = `${kernel} ${fs} ${state}`;
          expect(livelocks(lone(fs, state, false, 1), kernel, fs), `load, ${at}`).toBe(0);
          expect(livelocks(lone(fs, state, true, 1), kernel, fs), `store at 1, ${at}`).toBe(1);
          expect(livelocks(lone(fs, state, true, 2), kernel, fs), `store at 2, ${at}`).toBe(0);
        }
  });
});
