// Issue #6: every finding a command prints replays, from its token, to the same finding. A matrix
// over a plan small enough for a test (3 kernels, ext4, 4 scenarios: about 12 s of exploration)
// that still shows every kind of finding the built-in suite produces, spawned as a user runs it;
// then each printed occurrence replayed in this process and its signature looked for.

import { describe, expect, it } from 'vitest';
import { loadProvider } from '../../src/cli/provider.js';
import { buildTargetModel, resolveFs, resolveKernel, resolveScenario } from '../../src/cli/target.js';
import { replay, signatureOf } from '../../src/engine/index.js';
import { faultline, inProcess } from './run-cli.js';

const PLAN = [
  '--kernels',
  'v4.2,v4.3-rc5,revert-v4-1of2',
  '--fs',
  'ext4',
  '--scenarios',
  'read-fault-vs-write-fault,write-fault-vs-write-fault,munmap-vs-truncate,pmd-write-fault',
];

/** Every kind the built-in suite shows over all kernels and filesystems (a full `matrix`). */
const SUITE_KINDS = [
  'bad-unlock',
  'circular-dependency',
  'deadlock',
  'exposed-data',
  'lock-held-at-exit',
  'lost-write',
  'oops',
  'pagecache-incoherent',
  'recursive-locking',
  'stale-mapping',
  'stale-read',
];

interface MatrixJson {
  findings: {
    signature: string;
    kind: string;
    occurrences: { kernel: string; fs: string; scenario: string; token: string }[];
  }[];
}

/** Signatures of the findings `token` replays to on that kernel, filesystem and scenario. */
async function replayedSignatures(o: { kernel: string; fs: string; scenario: string; token: string }) {
  const p = await loadProvider(undefined);
  const scenario = resolveScenario(p, o.scenario);
  const kernel = resolveKernel(p, o.kernel);
  const model = buildTargetModel(p, {
    scenario,
    scenarioRef: o.scenario,
    kernel,
    fs: resolveFs(p, scenario, o.fs),
  });
  return replay(model, o.token).findings.map((f) => signatureOf(f));
}

describe('every printed finding replays to itself', () => {
  it('matrix --format json: each occurrence of each finding, over a plan with every kind', async () => {
    const r = faultline(['matrix', ...PLAN, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout) as MatrixJson;
    expect([...new Set(m.findings.map((f) => f.kind))].sort()).toEqual(SUITE_KINDS);
    const failures: string[] = [];
    let checked = 0;
    for (const f of m.findings)
      for (const o of f.occurrences) {
        checked++;
        const got = await replayedSignatures(o);
        if (!got.includes(f.signature))
          failures.push(
            `${f.signature} on ${o.kernel}/${o.fs} ${o.scenario} ${o.token}: replays to ${got.join(' ; ')}`,
          );
      }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(m.findings.length);
  }, 90_000);

  it('check --format json: each finding, through the replay command it prints', async () => {
    const r = await inProcess([
      'check',
      'read-fault-vs-write-fault',
      '--kernel',
      'revert-v4-1of2',
      '--fs',
      'xfs',
      '--format',
      'json',
    ]);
    const j = JSON.parse(r.stdout) as { findings: { kind: string; signature: string; replay: string }[] };
    expect(j.findings.length).toBeGreaterThanOrEqual(4);
    expect(j.findings.map((f) => f.kind)).toContain('circular-dependency');
    for (const f of j.findings) {
      const args = f.replay.split(' ');
      expect(args.slice(0, 2)).toEqual(['faultline', 'replay']);
      const again = await inProcess([...args.slice(1), '--format', 'json']);
      expect(again.code, again.stderr).toBe(1);
      const shown = JSON.parse(again.stdout) as { findings: { signature: string }[] };
      expect(shown.findings.map((x) => x.signature)).toContain(f.signature);
    }
  }, 30_000);
});
