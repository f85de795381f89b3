// Every witness of docs/findings.md's three-thread section replays to the finding it is listed
// under, with the preemptions it states: the generated scenario it names (`explore --threads 3`),
// on the version and filesystem it names (`v4.4` alone means XFS), with the atomic MMU walk the
// runs used.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { daxProvider } from '../../src/cli/providers/dax.js';
import { buildTargetModel, tokenTarget } from '../../src/cli/target.js';
import { check, replay, signatureOf } from '../../src/engine/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const doc = readFileSync(join(here, '../../docs/findings.md'), 'utf8');
const start = doc.indexOf('## Three threads');
const section = doc.slice(start, doc.indexOf('\n## ', start + 1));

interface Witness {
  signature: string;
  version: string;
  fs: string;
  scenario: string;
  preemptions: number;
  token: string;
}

function witnesses(): Witness[] {
  const out: Witness[] = [];
  let signature = '';
  for (const line of section.split('\n')) {
    const sig = /^\d+\. `(.*)`/.exec(line);
    if (sig) signature = sig[1];
    const w = /^ {3}- ([^\s/]+)(?:\/(\w+))?: `([^`]+)`, (\d+) preemptions?, `(fl1:[^`]+)`$/.exec(line);
    if (w && signature)
      out.push({
        signature,
        version: w[1],
        fs: w[2] ?? 'xfs',
        scenario: w[3],
        preemptions: Number(w[4]),
        token: w[5],
      });
  }
  return out;
}

describe('docs/findings.md, three threads', () => {
  const all = witnesses();

  it('lists a witness per signature and version', () => {
    expect(start).toBeGreaterThan(0);
    expect(new Set(all.map((w) => w.signature)).size).toBeGreaterThanOrEqual(3);
    expect(all.every((w) => w.scenario.split(':')[1].split('|').length === 3)).toBe(true);
  });

  it('the livelock listed beyond the bound has no witness within 2 preemptions', () => {
    const w = all.find((x) => x.preemptions > 2);
    expect(w?.scenario).toBe('page:cow-store|cow-store|unbind:hole:f2');
    const p = daxProvider();
    const t = tokenTarget(p, { scenario: w!.scenario, kernel: w!.version, fs: w!.fs, mmuWalk: 'atomic' });
    const r = check(buildTargetModel(p, t), { maxPreemptions: 2, minimize: false });
    expect(r.complete).toBe(true);
    expect(r.findings.map((f) => f.signature)).not.toContain(w!.signature);
  }, 60_000);

  it('every witness replays to its finding with the preemptions stated', () => {
    const p = daxProvider();
    for (const w of all) {
      const t = tokenTarget(p, { scenario: w.scenario, kernel: w.version, fs: w.fs, mmuWalk: 'atomic' });
      const r = replay(buildTargetModel(p, t), w.token);
      const what = `${w.version} ${w.fs} ${w.scenario} ${w.token}`;
      expect(r.findings.map(signatureOf), what).toContain(w.signature);
      expect(r.preemptions, what).toBe(w.preemptions);
    }
  });
});
