// Issue #6: every finding a command prints replays, from its token, to the same finding. A matrix
// over a plan small enough for a test (3 kernels, ext4, 4 scenarios: about 12 s of exploration)
// that still shows every kind of finding the built-in suite produces, spawned as a user runs it;
// then each printed occurrence replayed in this process and its signature looked for, and its
// `--format mermaid` diagrams put through Mermaid's parser.

import { describe, expect, it } from 'vitest';
import { findingMermaid } from '../../src/cli/format/mermaid.js';
import { renderReplay } from '../../src/cli/format/replay-report.js';
import { loadProvider } from '../../src/cli/provider.js';
import { replayTarget } from '../../src/cli/replay.js';
import { plain } from '../../src/cli/style.js';
import { buildTargetModel, resolveFs, resolveKernel, resolveScenario } from '../../src/cli/target.js';
import { replay, signatureOf } from '../../src/engine/index.js';
import { mermaidVerdict } from './mermaid-parse.js';
import { faultline, inProcess } from './run-cli.js';

const PLAN = [
  '--kernels',
  'v4.2,v4.3-rc5,revert-v4-1of2',
  '--fs',
  'ext4',
  '--scenarios',
  'read-fault-vs-write-fault,write-fault-vs-write-fault,munmap-vs-truncate,pmd-write-fault',
];

/** Every kind the built-in suite showed over all kernels and filesystems (a full `matrix`); the plan may show more. */
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

type Occurrence = { kernel: string; fs: string; scenario: string; token: string };

async function targetOf(o: Occurrence) {
  const p = await loadProvider(undefined);
  const scenario = resolveScenario(p, o.scenario);
  const kernel = resolveKernel(p, o.kernel);
  return { p, target: { scenario, scenarioRef: o.scenario, kernel, fs: resolveFs(p, scenario, o.fs) } };
}

/** Signatures of the findings `token` replays to on that kernel, filesystem and scenario (engine `replay`). */
async function replayedSignatures(o: Occurrence): Promise<string[]> {
  const { p, target } = await targetOf(o);
  return replay(buildTargetModel(p, target), o.token).findings.map((f) => signatureOf(f));
}

/**
 * Mermaid's verdict on the diagrams `--format mermaid` prints for the finding (check, matrix
 * witnesses) and for the replayed execution (replay), or '' when both are sequence diagrams.
 */
async function mermaidProblems(o: Occurrence, signature: string): Promise<string> {
  const { p, target } = await targetOf(o);
  const r = replayTarget(p, target, o.token, { explain: true });
  const f = r.findings.find((x) => x.signature === signature);
  const diagrams = [renderReplay({ provider: p, target, token: o.token, result: r }, 'mermaid', plain)];
  if (f) diagrams.push(findingMermaid(f).join('\n'));
  const problems: string[] = [];
  for (const d of diagrams) {
    const v = await mermaidVerdict(d);
    if (v !== 'sequence') problems.push(`${v}\n${d}`);
  }
  return problems.join('\n');
}

describe('every printed finding replays to itself', () => {
  it('matrix --format json: each occurrence of each finding, over a plan with every kind', async () => {
    const r = faultline(['matrix', ...PLAN, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout) as MatrixJson;
    expect([...new Set(m.findings.map((f) => f.kind))]).toEqual(expect.arrayContaining(SUITE_KINDS));
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
        // The diagrams of one occurrence per finding (they differ only in the steps drawn).
        if (o !== f.occurrences[0]) continue;
        const mermaid = await mermaidProblems(o, f.signature);
        if (mermaid) failures.push(`mermaid of ${f.signature} on ${o.kernel} ${o.scenario}: ${mermaid}`);
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
