// `faultline view`: what the trace viewer shows, made from a trace file, a replay token, or a
// matrix result; served by view.ts.

import { readFileSync } from 'node:fs';
import {
  type Finding,
  recordTrace,
  replay,
  signatureOf,
  type TraceFile,
  withoutHistory,
} from '../engine/index.js';
import { UsageError } from './errors.js';
import { findingReport } from './format/findings.js';
import type { Provider } from './provider.js';
import { buildTargetModel, replayCommand, type Target, tokenTarget } from './target.js';
import type { MatrixOccurrence } from './view.js';

/** The trace file of one execution, with its first finding's report when it shows one. */
export function traceForToken(p: Provider, t: Target, token: string): TraceFile {
  const model = buildTargetModel(p, t);
  const run = { maxStepsPerThread: t.maxSteps };
  const tf = recordTrace(model, token, run);
  const r = replay(model, token, run);
  // The trace is that of the token's last execution (earlier ones, if any, only feed lockdep).
  const raised = r.execution.raised[0];
  const spec = raised && withoutHistory(raised.spec);
  if (spec) {
    const f: Finding = {
      ...spec,
      signature: signatureOf(spec),
      token,
      trace: r.trace,
      preemptions: r.preemptions,
      threads: tf.threads,
    };
    tf.finding = { ...f, report: findingReport(f, p, t) };
  }
  tf.extra = { ...(tf.extra ?? {}), replay: replayCommand(p, t, token) };
  return tf;
}

/** A matrix result written by `matrix --format json`, checked for the fields the viewer reads. */
export function readMatrixFile(file: string): { versions: string[]; runs: unknown[]; findings: unknown[] } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read matrix file ${file}: ${(e as Error).message}`);
  }
  const m = data as { versions?: unknown; runs?: unknown; findings?: unknown };
  if (!m || !Array.isArray(m.versions) || !Array.isArray(m.runs) || !Array.isArray(m.findings))
    throw new UsageError(
      `${file} is not a matrix result (expected the output of 'faultline matrix --format json')`,
    );
  return m as { versions: string[]; runs: unknown[]; findings: unknown[] };
}

/** The trace of one occurrence of a matrix finding, replayed on its own target. */
export function occurrenceTrace(p: Provider, occ: MatrixOccurrence): TraceFile {
  return traceForToken(p, tokenTarget(p, occ), occ.token);
}
