// Every witness of the pair sweep in docs/findings.md (the blocks scripts/sweep-report.ts writes:
// the sweep, and its runs again at a smaller fault bound) replays to the signature it is listed under: the explore scenario it names, on the version and
// filesystem of its table.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { replay, signatureOf } from '../../src/engine/index.js';
import { buildModel } from '../../src/workload/index.js';
import { spaceScenario } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const doc = readFileSync(join(here, '../../docs/findings.md'), 'utf8');
const BLOCKS = [
  ['<!-- sweep:begin -->', '<!-- sweep:end -->'],
  ['<!-- sweep-f2:begin -->', '<!-- sweep-f2:end -->'],
];

interface Witness {
  fs: 'xfs' | 'ext4';
  signature: string;
  version: string;
  scenario: string;
  token: string;
}

function witnesses(): Witness[] {
  const block = BLOCKS.map(([b, e]) => doc.slice(doc.indexOf(b), doc.indexOf(e))).join('\n');
  const out: Witness[] = [];
  let fs: Witness['fs'] = 'xfs';
  let signature = '';
  for (const line of block.split('\n')) {
    const h = /^### (page|pmd) pairs on (xfs|ext4)(, at most \d+ faults per access)?$/.exec(line);
    if (h) fs = h[2] as Witness['fs'];
    const sig = /^\d+\. `(.*)`$/.exec(line);
    if (sig) signature = sig[1].replace(/\\\|/g, '|');
    const w = /^ {3}- (\S+): `([^`]+)` `(fl1:[^`]+)`$/.exec(line);
    if (w && signature) out.push({ fs, signature, version: w[1], scenario: w[2], token: w[3] });
  }
  return out;
}

describe('docs/findings.md, the pair sweep', () => {
  const all = witnesses();

  it('has the sweep blocks with witnesses', () => {
    for (const [b, e] of BLOCKS) expect(doc.indexOf(e)).toBeGreaterThan(doc.indexOf(b));
    expect(all.length).toBeGreaterThan(20);
    expect(all.some((w) => w.scenario.endsWith(':f2'))).toBe(true);
  });

  it('every witness token replays to the finding it is listed under', () => {
    for (const w of all) {
      const r = replay(buildModel(spaceScenario(w.scenario), { kernel: w.version, fs: w.fs }), w.token);
      expect(r.findings.map(signatureOf), `${w.version} ${w.fs} ${w.scenario} ${w.token}`).toContain(
        w.signature,
      );
    }
  }, 60_000);
});
