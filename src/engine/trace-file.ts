// The JSON trace format: one execution, step by step, with the state each step changed.
// Domain-free: objects appear by key (`mm0.pte[3]`, `&mapping->i_mmap_rwsem`); a viewer groups
// them by the prefix before the first '.' or '['. The trace viewer reads only this format.

import { accObj, type ObjectSnapshot, type Outcome } from './execution.js';
import type { Finding, TraceStep } from './findings.js';
import type { Model } from './model.js';
import { ReplayMismatch, replayExecution } from './run.js';
import { decodeToken, tokenParts } from './token.js';
import { describeOp } from './trace.js';

export const TRACE_FORMAT = 'faultline-trace/1';

export interface TraceFileStep extends TraceStep {
  /** State of every object the step touched, after the step. */
  changed: ObjectSnapshot[];
  /** Locks each thread holds after the step (engine view), by thread id. */
  held: { lock: string; cls: string; mode: string }[][];
  /** Status of each thread after the step. */
  status: string[];
}

export interface TraceFile {
  format: typeof TRACE_FORMAT;
  model: string;
  token: string;
  threads: string[];
  /** Every object's state before the first step. */
  initial: ObjectSnapshot[];
  steps: TraceFileStep[];
  end: {
    outcome: Outcome;
    /** For each thread still blocked at the end: what it waits for (its wait-for edges). */
    blocked: {
      thread: number;
      waitsFor: { kind: string; key: string; thread?: number };
      holders: number[];
    }[];
  };
  /** The finding this trace shows, with its report text, when there is one. */
  finding?: Finding & { report?: string };
  /** Anything a higher layer adds (e.g. the lockdep graph of the run, as DOT). */
  extra?: Record<string, unknown>;
}

/** Replay `token` on `model` and record the trace file. */
export function recordTrace<S>(
  model: Model<S>,
  token: string,
  opts: { maxStepsPerThread?: number } = {},
): TraceFile {
  // Step through the token's schedule by hand to capture the state after each step. Of a token
  // naming several executions, the trace is the last one's (the others only feed monitors).
  const shown = tokenParts(token).at(-1)!;
  const { schedule } = decodeToken(shown);
  const ex = replayExecution(model, tokenPrefix(shown, 0), opts, undefined, [], true);
  const initial = ex.objectIds().map((id) => ex.objectState(id)!);
  const steps: TraceFileStep[] = [];
  for (let i = 0; i < schedule.length; i++) {
    const t = schedule[i];
    if (!ex.isRunnable(t))
      throw new ReplayMismatch(`token picks thread ${t} at step ${i} but it is not runnable`);
    const acc = ex.stepThread(t);
    const r = ex.records[i];
    const seen = new Set<number>();
    const changed: ObjectSnapshot[] = [];
    for (const a of acc) {
      const id = accObj(a);
      if (seen.has(id)) continue;
      seen.add(id);
      const snap = ex.objectState(id);
      if (snap) changed.push(snap);
    }
    const step: TraceFileStep = {
      i,
      thread: t,
      threadName: ex.threadName(t),
      fn: r.fn,
      op: describeOp(r.op),
      changed,
      held: ex.threads.map((_, k) =>
        ex.held(k).map((h) => ({ lock: h.lock.key, cls: h.lock.cls, mode: h.mode })),
      ),
      status: ex.threads.map((_, k) => ex.threadStatus(k)),
    };
    if (r.label !== undefined) step.label = r.label;
    if (r.note !== undefined) step.note = r.note;
    steps.push(step);
  }
  if (ex.outcome === 'running') ex.stop();
  const blocked: TraceFile['end']['blocked'] = [];
  for (let k = 0; k < ex.threads.length; k++) {
    const w = ex.waitTarget(k);
    if (!w || ex.threadStatus(k) !== 'blocked') continue;
    let holders: number[] = [];
    if (w.kind === 'lock') {
      const id = ex.objectIds().find((o) => ex.objectState(o)?.key === w.key);
      const st = id === undefined ? undefined : ex.objectState(id);
      if (st?.kind === 'lock') holders = st.holders.map((h) => h.thread);
    } else if (w.kind === 'join' && w.thread !== undefined) holders = [w.thread];
    blocked.push({ thread: k, waitsFor: w, holders });
  }
  return {
    format: TRACE_FORMAT,
    model: model.name,
    token,
    threads: ex.threads.map((t) => t.name),
    initial,
    steps,
    end: { outcome: ex.outcome, blocked },
  };
}

/** The same token with its schedule cut to `n` steps (choices kept: they are consumed lazily). */
function tokenPrefix(token: string, n: number): string {
  const [head, sched, choices] = token.split(':');
  const runs = sched ? sched.split(',') : [];
  const out: string[] = [];
  let left = n;
  for (const run of runs) {
    if (left <= 0) break;
    const [t, c] = run.split('x');
    const k = Math.min(left, c === undefined ? 1 : Number(c));
    out.push(k === 1 ? t : `${t}x${k}`);
    left -= k;
  }
  return `${head}:${out.join(',')}${choices !== undefined ? `:${choices}` : ''}`;
}
