// The tokens the prose of docs/findings.md (XFS part) cites outside the generated sweep block:
// each is in the text, and replays on the scenario and versions the text names to the finding the
// text describes. (The sweep block's witnesses are replayed by findings-doc.test.ts; the prose
// cites some of them again, so a regenerated block that drops them fails here.)

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, replay } from '../../src/engine/index.js';
import { buildModel, builtinScenarios, type Scenario } from '../../src/workload/index.js';
import { spaceScenario } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const doc = readFileSync(join(here, '../../docs/findings.md'), 'utf8');
const xfsPart = doc.slice(0, doc.indexOf('# ext4 (issue 5)'));

const builtin = (name: string): Scenario => {
  const s = builtinScenarios.find((x) => x.name === name);
  if (!s) throw new Error(`no built-in scenario ${name}`);
  return s;
};

/** F13's one-thread check: written blocks under a PMD-aligned mapping, a load then a store. */
const pmdLoadThenStore: Scenario = {
  name: 'pmd-load-then-store',
  file: { size: 4, blocks: [{ written: 1 }, { written: 2 }, { written: 3 }, { written: 4 }] },
  mappings: [{ id: 'h', process: 'p1', shared: true, huge: true }],
  threads: [
    {
      name: 'writer',
      process: 'p1',
      actions: [
        { do: 'load', map: 'h', page: 0 },
        { do: 'store', map: 'h', page: 0, value: 7 },
      ],
    },
  ],
};

const cited: { section: string; scenario: Scenario; versions: string[]; token: string; kinds: string[] }[] = [
  {
    section: 'F2',
    scenario: spaceScenario('page:load|store+load:hole'),
    versions: ['v4.3-rc5'],
    token: 'fl1:0x22,1x19,0x18,1x17',
    kinds: ['deadlock', 'recursive-locking'],
  },
  {
    section: 'F5',
    scenario: spaceScenario('page:store+load|store+load:hole'),
    versions: ['v4.2'],
    token: 'fl1:0x37,1x21,0x25,1x5,0x3,1x33',
    kinds: ['stale-read'],
  },
  {
    section: 'F5',
    scenario: spaceScenario('page:store+load|store+load:hole+cached'),
    versions: ['v4.3-rc1'],
    token: 'fl1:0x55,1x26,0x25,1x4,0x3,1x33',
    kinds: ['stale-read'],
  },
  {
    section: 'F6',
    scenario: spaceScenario('page:load|write:hole'),
    versions: ['v4.3'],
    token: 'fl1:0x24,1x22,0x14',
    kinds: ['stale-mapping', 'pagecache-incoherent'],
  },
  {
    section: 'F7',
    scenario: spaceScenario('pmd:pmd-load|pmd-store+load:hole'),
    versions: ['v4.3-rc1'],
    token: 'fl1:0x52,1x29',
    kinds: ['oops'],
  },
  {
    section: 'F8',
    scenario: spaceScenario('pmd:pmd-load|pmd-store+load:hole'),
    versions: ['revert-v2'],
    token: 'fl1:0x50,1x30',
    kinds: ['recursive-locking', 'deadlock'],
  },
  {
    section: 'F8',
    scenario: spaceScenario('pmd:pmd-store+load|truncate:hole'),
    versions: ['revert-v2'],
    token: 'fl1:0x30,1x3',
    kinds: ['deadlock'],
  },
  {
    section: 'F9',
    scenario: spaceScenario('pmd:pmd-load|pmd-store+load:hole'),
    versions: ['revert-v4-1of2'],
    token: 'fl1:0x52,1x79',
    kinds: ['bad-unlock'],
  },
  {
    section: 'F10',
    scenario: spaceScenario('pmd:pmd-load|unbind:written'),
    versions: ['843172978bb9-only', 'revert-v4-1of2'],
    token: 'fl1:0x22,1x16,0x12',
    kinds: ['stale-mapping'],
  },
  {
    section: 'F11a',
    scenario: builtin('driver-unbind-vs-fault'),
    versions: ['843172978bb9-only', 'revert-v4-1of2'],
    token: 'fl1:0x36,1x29',
    kinds: ['assert-held'],
  },
  {
    section: 'F11a',
    scenario: builtin('munmap-vs-truncate'),
    versions: ['843172978bb9-only', 'revert-v4-1of2'],
    token: 'fl1:0x53,1x26',
    kinds: ['data-race'],
  },
  {
    section: 'F13',
    scenario: pmdLoadThenStore,
    versions: ['v4.3-rc1', 'v4.3-rc5', 'revert-v2', 'v4.3'],
    token: 'fl1:0x173',
    kinds: ['livelock'],
  },
  {
    // The pair a three-thread F6 witness is read against (the runs' atomic walk and fault bound).
    section: 'Three threads',
    scenario: { ...spaceScenario('page:load|write:hole:f2'), mmu: { walk: 'atomic' } },
    versions: ['v4.3'],
    token: 'fl1:0x22,1x22,0x12',
    kinds: ['stale-mapping', 'pagecache-incoherent'],
  },
  {
    section: 'Not found',
    scenario: spaceScenario('page:store+load|store+load:unwritten'),
    versions: ['v4.2'],
    token: 'fl1:0x32,1x21,0x25,1x5,0x3,1x33',
    kinds: ['stale-read'],
  },
];

describe('docs/findings.md, tokens cited in the F-sections', () => {
  for (const c of cited)
    it(`${c.section}: ${c.scenario.name} ${c.token} on ${c.versions.join(', ')} shows ${c.kinds.join(' + ')}`, () => {
      expect(xfsPart).toContain(c.token);
      for (const kernel of c.versions) {
        const r = replay(buildModel(c.scenario, { kernel, fs: 'xfs' }), c.token);
        const kinds = new Set(r.findings.map((f) => f.kind));
        for (const k of c.kinds) expect([...kinds], `${kernel}: ${k}`).toContain(k);
      }
    });

  it('F13: v4.4 never installs a huge PMD, so the same load and store end cleanly', () => {
    const r = check(buildModel(pmdLoadThenStore, { kernel: 'v4.4', fs: 'xfs' }), { mode: 'dpor' });
    expect(r.complete).toBe(true);
    expect(r.findings).toEqual([]);
  });
});
