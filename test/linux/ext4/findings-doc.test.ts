// Every witness token of the ext4 section of docs/findings.md replays to its finding: the
// scenario file it names, the version it names, the signature it is listed under.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { replay, signatureOf } from '../../../src/engine/index.js';
import { buildModel, type Scenario } from '../../../src/workload/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const doc = readFileSync(join(here, '../../../docs/findings.md'), 'utf8');
const section = doc.slice(doc.indexOf('# ext4 (issue 5)'));

interface Witness {
  signature: string;
  version: string;
  scenario: string;
  token: string;
}

function witnesses(): Witness[] {
  const out: Witness[] = [];
  let signature = '';
  for (const line of section.split('\n')) {
    const sig = /^\d+\. `(.*)`$/.exec(line);
    if (sig) signature = sig[1].replace(/\\\|/g, '|');
    const w = /^ {3}- (\S+): `([^`]+)`, \d+ preemptions, `(fl1:[^`]+)`$/.exec(line);
    if (w && signature) out.push({ signature, version: w[1], scenario: w[2], token: w[3] });
  }
  return out;
}

const scenario = (name: string): Scenario =>
  JSON.parse(readFileSync(join(here, 'scenarios', `${name}.json`), 'utf8')) as Scenario;

describe('docs/findings.md, ext4 section', () => {
  const all = witnesses();

  it('lists witnesses', () => {
    expect(all.length).toBeGreaterThan(60);
  });

  it('every witness token replays to the finding it is listed under', () => {
    for (const w of all) {
      const r = replay(buildModel(scenario(w.scenario), { kernel: w.version, fs: 'ext4' }), w.token);
      const sigs = r.findings.map(signatureOf);
      expect(sigs, `${w.version} ${w.scenario} ${w.token}`).toContain(w.signature);
    }
  });

  it('every token the E-sections cite replays, on the version they name, to the kinds they describe', () => {
    const cited: [string, string, string, string[]][] = [
      ['ext4-load-store-hole', 'v4.2', 'fl1:1x30,0x29,1x30', ['exposed-data']],
      ['ext4-load-store-unwritten', 'v4.2', 'fl1:0x18,1x58,0x17', ['lost-write']],
      ['ext4-load-store-unwritten', 'v4.3', 'fl1:0x20,1x62,0x17', ['lost-write']],
      ['ext4-load-store-unwritten', 'v4.4', 'fl1:0x20,1x62,0x17', ['lost-write']],
      ['ext4-load-write-hole', 'v4.3-rc1', 'fl1:1x19,0x41,1x8', ['lost-write']],
      ['ext4-load-store-hole', 'v4.2', 'fl1:0x17,1x60,0x14', ['stale-mapping', 'pagecache-incoherent']],
      ['ext4-load-write-hole', 'v4.3', 'fl1:0x20,1x28,0x13', ['stale-mapping', 'pagecache-incoherent']],
      ['ext4-load-write-hole', 'v4.4', 'fl1:0x20,1x28,0x13', ['stale-mapping', 'pagecache-incoherent']],
      ['ext4-store-punch-hole', 'v4.2', 'fl1:0x27,1x30,0x33', ['stale-mapping']],
      ['ext4-store-punch-hole', 'v4.4', 'fl1:0x30,1x30,0x42', ['stale-mapping']],
      ['ext4-store-punch-cached-hole-commit', 'v4.3-rc1', 'fl1:2x4,0x42,1x30,0x42', ['stale-mapping']],
      ['ext4-store-truncate-cached-hole', 'v4.3-rc1', 'fl1:0x47,1x49,0x37', ['stale-mapping']],
      ['ext4-load-store-cached-hole-commit', 'v4.4', 'fl1:1x18,2x2,0x17,1x3', ['deadlock']],
      ['ext4-load-store-cached-hole-commit', 'v4.3', 'fl1:1x18,2x2,0x17,1x3', ['deadlock']],
      ['ext4-load-store-cached-hole-commit', 'v4.4', 'fl1:0x15,1x21,2x2,0x2', ['deadlock']],
      ['ext4-load-store-cached-hole-commit', 'v4.3-rc1', 'fl1:0x15,1x21,2x2,0x2', ['deadlock']],
      ['ext4-load-store-cached-hole-commit', 'v4.3-rc1', 'fl1:1x18,2x2,0x17,1x3', ['deadlock']],
      ['ext4-load-store-cached-hole-commit', '843172978bb9-only', 'fl1:0x14,1x21,2x2,0x3', ['deadlock']],
      ['ext4-load-store-unwritten', 'v4.3-rc1', 'fl1:0x41,1x54', ['circular-dependency']],
      ['ext4-load-store-hole-commit', 'v4.3-rc1', 'fl1:0x13,1x19,2x2,0x2', ['deadlock']],
      ['ext4-load-punch-hole-commit', 'v4.3-rc1', 'fl1:1x11,2x2,0x15,1x3', ['deadlock']],
      [
        'ext4-load-punch-unwritten-commit-f2',
        'v4.4',
        'fl1:0x13,1x17,0x3,1x4,2x2,0x13,1x5,0x14,1x5',
        ['deadlock'],
      ],
      [
        'ext4-load-punch-unwritten-commit-f2',
        'v4.3',
        'fl1:0x13,1x17,0x3,1x4,2x2,0x13,1x5,0x14,1x5',
        ['deadlock'],
      ],
      // the same deadlock from a hole, with the atomic MMU walk (mmu.walk in the scenario file)
      ['ext4-load-punch-hole-commit-f2-atomic', 'v4.4', 'fl1:0x14,1x20,2x2,0x13,1x3,0x12,1x7', ['deadlock']],
      [
        'ext4-load-store-hole-commit',
        'v4.3-rc1',
        'fl1:0x18,1x19,0x17,1x16,2x2',
        ['recursive-locking', 'deadlock'],
      ],
      [
        'ext4-load-store-hole-commit',
        'v4.3-rc1',
        'fl1:1x18,0x35,2x2,1x16',
        ['recursive-locking', 'deadlock'],
      ],
      ['ext4-load-load-hole', 'v4.3-rc1', 'fl1:0x35,1x33', ['bad-unlock']],
      ['ext4-load-cow-hole', 'v4.3', 'fl1:1x36,0x33', ['bad-unlock']],
      ['ext4-load-store-hole', 'v4.3-rc1', 'fl1:0x21,1x18,0x14,1x16', ['recursive-locking', 'deadlock']],
      [
        'ext4-load-truncate-unwritten',
        '843172978bb9-only',
        'fl1:0x21,1x45,0x21',
        ['assert-held', 'stale-mapping'],
      ],
    ];
    const prose = section.slice(section.indexOf('## What each ext4 finding is'));
    for (const [name, version, token, kinds] of cited) {
      expect(prose, token).toContain(token);
      const r = replay(buildModel(scenario(name), { kernel: version, fs: 'ext4' }), token);
      const found = r.findings.map((f) => f.kind);
      for (const k of kinds) expect(found, `${version} ${name} ${token}`).toContain(k);
    }
  });

  it('the hand-driven deadlock tokens of E7 replay to deadlocks', () => {
    const driven: [string, string, string][] = [
      ['ext4-load-store-vs-punch-commit', 'v4.2', 'fl1:0x10,1x44,2x2,1x7,0x17'],
      ['ext4-load-store-vs-punch-commit', 'v4.3', 'fl1:0x10,1x46,2x2,1x4,0x17'],
      ['ext4-load-store-vs-punch-commit', 'v4.4', 'fl1:0x10,1x46,2x2,1x4,0x17'],
      // the same deadlock as PCT found it
      ['ext4-load-store-vs-punch-commit', 'v4.2', 'fl1:0x18,2x2,1x51,0x4'],
      ['ext4-load-store-vs-punch-commit', 'v4.3', 'fl1:1x15,0x14,1x35,0x17,2x2,1x6'],
      ['ext4-load-store-vs-punch-commit', 'v4.4', 'fl1:1x15,0x14,1x35,0x17,2x2,1x6'],
      ['ext4-punch-vs-load-commit', 'v4.3-rc1', 'fl1:0x10,1x13,2x2,1x2,0x4'],
    ];
    for (const [name, version, token] of driven) {
      expect(section, token).toContain(token);
      const r = replay(buildModel(scenario(name), { kernel: version, fs: 'ext4' }), token);
      expect(r.outcome, `${version} ${name}`).toBe('deadlock');
    }
  });
});
