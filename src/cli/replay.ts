// `faultline replay`: re-run exactly one execution (a token, or a trace file's token) with the
// model's monitors, show what it finds, and with --explain narrate it step by step.

import {
  type Finding,
  type FindingSpec,
  type Monitor,
  type Outcome,
  recordTrace,
  replayExecutions,
  signatureOf,
  type TraceFileStep,
  traceOf,
  withoutHistory,
} from '../engine/index.js';
import { LockdepMonitor, type LockRef } from '../kernel/index.js';
import type { Provider } from './provider.js';
import { buildTargetModel, type Target } from './target.js';

export interface ReplayResult {
  outcome: Outcome;
  preemptions: number;
  threads: string[];
  /** Executions the token names (more than one when a finding rests on earlier ones); the last is shown. */
  executions: number;
  /** Findings the execution raised (model, engine, monitors), with its trace up to each. */
  findings: Finding[];
  /** Findings the monitors predict from this one execution (e.g. a lock-order cycle). */
  predicted: FindingSpec[];
  /** Per step, with the locks each thread holds after it (only with `explain`). */
  steps?: TraceFileStep[];
  /**
   * With `explain`, for a model with lockdep: lockdep's held-lock list of each thread after each
   * step (by step index, then thread), which also has the lockdep maps no engine lock stands for
   * (`jbd2_handle`) and lacks the locks lockdep does not see (`PG_locked`).
   */
  lockdepHeld?: LockRef[][][];
}

/** A monitor after lockdep that keeps lockdep's held-lock lists after each step of the last execution. */
function lockdepRecorder(lockdep: LockdepMonitor, out: LockRef[][][]): Monitor {
  let now: LockRef[][] = [];
  return {
    beginExecution() {
      now = [];
      out.length = 0;
    },
    // Held locks change only at events; the state after the event is the state after its step.
    onEvent(e, x) {
      now[e.thread] = lockdep.heldLocks(e.thread);
      out[Math.max(0, x.step - 1)] = [...now];
    },
  };
}

export function replayTarget(
  p: Provider,
  t: Target,
  token: string,
  opts: { explain?: boolean; maxStepsPerThread?: number } = {},
): ReplayResult {
  const model = buildTargetModel(p, t);
  const monitors = model.monitors?.() ?? [];
  const lockdep = monitors.find((m): m is LockdepMonitor => m instanceof LockdepMonitor);
  const lockdepHeld: LockRef[][][] = [];
  if (opts.explain && lockdep) monitors.push(lockdepRecorder(lockdep, lockdepHeld));
  const run = { maxStepsPerThread: opts.maxStepsPerThread };
  // A token of several executions runs them in order under one set of monitors (lockdep's graph
  // spans them); findings come from any of them, each with the trace of its own execution.
  const all = replayExecutions(model, token, run, undefined, monitors);
  const ex = all[all.length - 1];
  ex.finish();
  const threads = ex.threads.map((th) => th.name);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const e of all) {
    for (const r of e.raised) {
      const spec = withoutHistory(r.spec);
      const signature = signatureOf(spec);
      if (seen.has(signature)) continue;
      seen.add(signature);
      findings.push({
        ...spec,
        signature,
        token,
        trace: traceOf(e, r.at),
        preemptions: e.preemptions,
        threads: e.threads.map((th) => th.name),
      });
    }
  }
  const predicted = monitors.flatMap((m) => m.endRun?.() ?? []).filter((s) => !seen.has(signatureOf(s)));
  const out: ReplayResult = {
    outcome: ex.outcome,
    preemptions: ex.preemptions,
    threads,
    executions: all.length,
    findings,
    predicted,
  };
  if (opts.explain) {
    out.steps = recordTrace(model, token, run).steps;
    if (lockdep) {
      // Steps without an event keep the lists of the step before.
      for (let i = 0; i < out.steps.length; i++) lockdepHeld[i] ??= i ? lockdepHeld[i - 1] : [];
      lockdepHeld.length = out.steps.length;
      out.lockdepHeld = lockdepHeld;
    }
  }
  return out;
}
