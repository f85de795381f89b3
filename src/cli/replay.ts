// `faultline replay`: re-run exactly one execution (a token, or a trace file's token) with the
// model's monitors, show what it finds, and with --explain narrate it step by step.

import {
  type Finding,
  type FindingSpec,
  type Outcome,
  recordTrace,
  replayExecution,
  signatureOf,
  type TraceFileStep,
  traceOf,
} from '../engine/index.js';
import type { Provider } from './provider.js';
import { buildTargetModel, type Target } from './target.js';

export interface ReplayResult {
  outcome: Outcome;
  preemptions: number;
  threads: string[];
  /** Findings the execution raised (model, engine, monitors), with its trace up to each. */
  findings: Finding[];
  /** Findings the monitors predict from this one execution (e.g. a lock-order cycle). */
  predicted: FindingSpec[];
  /** Per step, with the locks each thread holds after it (only with `explain`). */
  steps?: TraceFileStep[];
}

export function replayTarget(
  p: Provider,
  t: Target,
  token: string,
  opts: { explain?: boolean; maxStepsPerThread?: number } = {},
): ReplayResult {
  const model = buildTargetModel(p, t);
  const monitors = model.monitors?.() ?? [];
  const run = { maxStepsPerThread: opts.maxStepsPerThread };
  const ex = replayExecution(model, token, run, undefined, monitors);
  ex.finish();
  const threads = ex.threads.map((th) => th.name);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const r of ex.raised) {
    const signature = signatureOf(r.spec);
    if (seen.has(signature)) continue;
    seen.add(signature);
    findings.push({
      ...r.spec,
      signature,
      token,
      trace: traceOf(ex, r.at),
      preemptions: ex.preemptions,
      threads,
    });
  }
  const predicted = monitors.flatMap((m) => m.endRun?.() ?? []).filter((s) => !seen.has(signatureOf(s)));
  const out: ReplayResult = {
    outcome: ex.outcome,
    preemptions: ex.preemptions,
    threads,
    findings,
    predicted,
  };
  if (opts.explain) out.steps = recordTrace(model, token, run).steps;
  return out;
}
