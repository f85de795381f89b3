// scripts/exhaustive-vs-bounded.ts: what DPOR finds beyond a preemption bound is listed with its
// witness; a bounded finding that a complete exhaustive run lacks is an engine error (exit 1);
// incomplete exhaustive runs are counted, never compared.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-cli.js';

const run = (scenario: string, complete: boolean, findings: string[], extra: object = {}) => ({
  kernel: 'v4.4',
  fs: 'xfs',
  scenario,
  complete,
  executions: 10,
  elapsedMs: 1,
  findings,
  ...extra,
});

function compare(exhaustive: object, bounded: object) {
  const dir = mkdtempSync(join(tmpdir(), 'evb-'));
  writeFileSync(join(dir, 'e.json'), JSON.stringify(exhaustive));
  writeFileSync(join(dir, 'b.json'), JSON.stringify(bounded));
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/exhaustive-vs-bounded.ts', join(dir, 'e.json'), join(dir, 'b.json')],
    { cwd: ROOT, encoding: 'utf8' },
  );
}

const occurrence = (scenario: string, token: string) => ({ kernel: 'v4.4', fs: 'xfs', scenario, token });

describe('scripts/exhaustive-vs-bounded.ts', () => {
  const exhaustive = {
    versions: ['v4.4'],
    runs: [
      run('page:a|b|c:hole:f2', true, ['livelock', 'lost-write']),
      run('page:a|a|c:hole:f2', false, ['livelock', 'stale-mapping'], { explored: 0.25 }),
    ],
    findings: [
      { signature: 'lost-write', occurrences: [occurrence('page:a|b|c:hole:f2', 'fl1:0x3,1x4,0x2,1')] },
    ],
  };
  const bounded = (firstRunFindings: string[]) => ({
    versions: ['v4.4'],
    runs: [
      run('page:a|b|c:hole:f2', true, firstRunFindings, { maxPreemptions: 2 }),
      // DPOR did not finish this one: whatever the bounded run found is not compared
      run('page:a|a|c:hole:f2', true, ['recursive-locking'], { maxPreemptions: 2 }),
    ],
    findings: [],
  });

  it('lists what a complete exhaustive run finds beyond the bound, with its witness', () => {
    const r = compare(exhaustive, bounded(['livelock']));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('2 runs, 1 complete exhaustively (10 executions); 1 of them compared');
    expect(r.stdout).toContain('1 incomplete (10 executions');
    expect(r.stdout).toContain('complete runs with findings beyond 2 preemptions: 1');
    expect(r.stdout).toContain('page:a|b|c:hole:f2  lost-write  fl1:0x3,1x4,0x2,1');
  });

  it('fails on a bounded finding that a complete exhaustive run lacks', () => {
    const r = compare(exhaustive, bounded(['livelock', 'data-race']));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('ENGINE ERROR');
    expect(r.stdout).toContain('page:a|b|c:hole:f2  data-race');
  });

  it('refuses a second file that is no bounded explore', () => {
    const r = compare(exhaustive, exhaustive);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no run has maxPreemptions');
  });
});
