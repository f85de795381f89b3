// Issue #6: every finding a command prints replays, from its token, to the same finding. Runs
// `matrix --format json` on a plan (spawned, as a user runs it), replays each printed occurrence
// in this process and looks for its signature, and puts its `--format mermaid` diagrams through
// Mermaid's parser. The plans of the replay-every-finding-*.e2e.test.ts files together show every
// kind of finding the built-in suite produces, each file a few seconds of exploration.

import { expect } from 'vitest';
import { findingMermaid } from '../../src/cli/format/mermaid.js';
import { renderReplay } from '../../src/cli/format/replay-report.js';
import { loadProvider } from '../../src/cli/provider.js';
import { replayTarget } from '../../src/cli/replay.js';
import { plain } from '../../src/cli/style.js';
import { buildTargetModel, resolveFs, resolveKernel, resolveScenario } from '../../src/cli/target.js';
import { replay, signatureOf } from '../../src/engine/index.js';
import { mermaidVerdict } from './mermaid-parse.js';
import { faultline } from './run-cli.js';

export interface MatrixJson {
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

/**
 * Run the matrix of `plan` (kernels, filesystems, scenarios options), check it shows at least
 * `kinds`, and that every occurrence of every finding replays to its signature with diagrams
 * Mermaid parses. Returns the matrix.
 */
export async function everyFindingReplays(plan: string[], kinds: string[]): Promise<MatrixJson> {
  const r = faultline(['matrix', ...plan, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const m = JSON.parse(r.stdout) as MatrixJson;
  const shown = [...new Set(m.findings.map((f) => f.kind))];
  expect(shown).toEqual(expect.arrayContaining(kinds));
  const failures: string[] = [];
  for (const f of m.findings)
    for (const o of f.occurrences) {
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
  return m;
}
