// Trace files: the engine's JSON trace format (what the trace viewer reads) for one finding's
// execution, plus what the command needs to replay it again: provider, scenario, kernel, fs.

import { readFileSync, writeFileSync } from 'node:fs';
import { type Finding, recordTrace, TRACE_FORMAT, type TraceFile } from '../engine/index.js';
import { UsageError } from './errors.js';
import { findingReport } from './format/findings.js';
import { type Provider, patchIds, type VersionInfo } from './provider.js';
import type { Scenario } from './scenario-schema.js';
import { buildTargetModel, replayCommand, settingsOf, type Target } from './target.js';

/** What `extra.faultline` of a trace file holds. */
export interface TraceContext {
  provider: string | undefined;
  scenario: Scenario;
  scenarioRef: string;
  kernel: string;
  /** The kernel's patch series, by id (for kernels that are not a named version). */
  patches: string[];
  fs: string;
  /** The run's `--max-steps`, when given. */
  maxSteps?: number;
  /** The run's `--max-faults`, when given (already in `scenario.limits`; for replay commands). */
  maxFaults?: number;
  /** The run's `--mmu-walk`, when given (already in `scenario.mmu`; for replay commands). */
  mmuWalk?: string;
}

export function traceFileFor(p: Provider, t: Target, f: Finding): TraceFile {
  const model = buildTargetModel(p, t);
  const tf = recordTrace(model, f.token, { maxStepsPerThread: t.maxSteps });
  const replay = replayCommand(p, t, f.token);
  tf.finding = { ...f, report: findingReport(f, p, t) };
  const ctx: TraceContext = {
    provider: p.spec,
    scenario: t.scenario,
    scenarioRef: t.scenarioRef,
    kernel: t.kernel.name,
    patches: patchIds(t.kernel),
    fs: t.fs,
    ...settingsOf(t),
  };
  tf.extra = { ...(tf.extra ?? {}), faultline: ctx, replay };
  return tf;
}

/** `out.json` for the first finding, `out-2.json`, `out-3.json`, ... for the next ones. */
export function numberedPath(file: string, n: number): string {
  if (n === 1) return file;
  const m = /^(.*?)(\.[^./]*)?$/.exec(file)!;
  return `${m[1]}-${n}${m[2] ?? ''}`;
}

export function writeTraceFiles(
  p: Provider,
  t: Target,
  findings: readonly Finding[],
  file: string,
): string[] {
  const written: string[] = [];
  let n = 0;
  for (const f of findings) {
    if (!f.token) continue; // predicted from the whole run: no single execution to record
    n++;
    const path = numberedPath(file, n);
    writeFileSync(path, `${JSON.stringify(traceFileFor(p, t, f), null, 1)}\n`);
    written.push(path);
  }
  return written;
}

export function readTraceFile(file: string): { trace: TraceFile; context: TraceContext | undefined } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read trace file ${file}: ${(e as Error).message}`);
  }
  const tf = data as TraceFile;
  if (!tf || typeof tf !== 'object' || tf.format !== TRACE_FORMAT || typeof tf.token !== 'string')
    throw new UsageError(`${file} is not a faultline trace file (expected "format": "${TRACE_FORMAT}")`);
  const ctx = (tf.extra as { faultline?: TraceContext } | undefined)?.faultline;
  return { trace: tf, context: ctx };
}

/** The kernel a trace file names: the named version when it still has the same series. */
export function kernelOfTrace(p: Provider, ctx: TraceContext): VersionInfo {
  const named = p.versions.find((v) => v.name === ctx.kernel);
  if (named && patchIds(named).join(',') === ctx.patches.join(',')) return named;
  const byId = new Map(p.patches.map((x) => [x.id, x]));
  const missing = ctx.patches.filter((id) => !byId.has(id));
  if (missing.length)
    throw new UsageError(
      `the trace's kernel ${ctx.kernel} has patches this provider lacks: ${missing.join(', ')}`,
    );
  return {
    name: ctx.kernel,
    description: `${ctx.kernel} (from a trace file)`,
    patches: ctx.patches.map((id) => byId.get(id)!),
  };
}
