// The JSON the viewer reads: trace files (`faultline-trace/1`, written by the engine's
// recordTrace) and matrix results. The page knows nothing else of faultline; these types mirror
// the format, and a test checks that the engine's TraceFile still fits them. The one exception is
// a deadlock's wait-for summary, whose type and wording the page takes from engine/wait-for.ts (a
// module with no imports), so that the page and the text reports say the same.

import type { WaitForSummary } from '../../src/engine/wait-for.js';

export const TRACE_FORMAT = 'faultline-trace/1';

export type LockMode = 'exclusive' | 'shared';

export type ObjectSnapshot =
  | { kind: 'cell'; key: string; value: unknown }
  | {
      kind: 'lock';
      key: string;
      cls: string;
      holders: { thread: number; mode: LockMode }[];
      waiters: { thread: number; mode: LockMode }[];
    }
  | { kind: 'queue'; key: string; waiters: number[] };

export type LockSnapshot = Extract<ObjectSnapshot, { kind: 'lock' }>;

export interface HeldLock {
  lock: string;
  cls: string;
  mode: string;
}

export interface TraceStep {
  i: number;
  thread: number;
  threadName: string;
  /** Model function the thread was in. */
  fn: string;
  label?: string;
  op: string;
  note?: string;
  /** Every object the step touched, after the step. */
  changed: ObjectSnapshot[];
  /** Locks each thread holds after the step, by thread id (threads spawned later are absent). */
  held: HeldLock[][];
  /** Each thread's status after the step: runnable, blocked or done. */
  status: string[];
}

export interface WaitForEdge {
  thread: number;
  waitsFor: { kind: string; key: string; thread?: number };
  holders: number[];
}

export interface Finding {
  kind: string;
  title: string;
  message?: string;
  locks?: string[];
  functions?: string[];
  signature: string;
  token: string;
  preemptions: number;
  threads: string[];
  confirmed?: boolean;
  /** The lockdep-style report, when the trace was written with one. */
  report?: string;
}

export interface TraceFile {
  format: string;
  model: string;
  token: string;
  threads: string[];
  initial: ObjectSnapshot[];
  steps: TraceStep[];
  end: { outcome: string; blocked: WaitForEdge[] };
  finding?: Finding;
  extra?: Record<string, unknown>;
}

/** Where a finding showed up in a matrix run. */
export interface Occurrence {
  kernel: string;
  fs: string;
  scenario: string;
  token: string;
  /** A deadlock's wait-for graph in this occurrence (the matrix JSON's `waitFor`). */
  waitFor?: WaitForSummary;
}

export interface MatrixRun {
  kernel: string;
  fs: string;
  scenario: string;
  complete: boolean;
  executions: number;
  elapsedMs: number;
  /** Signatures of the findings of this run. */
  findings: string[];
}

export interface MatrixFinding {
  signature: string;
  kind: string;
  title: string;
  locks?: string[];
  functions?: string[];
  confirmed?: boolean;
  occurrences: Occurrence[];
}

export interface Matrix {
  versions: string[];
  runs: MatrixRun[];
  findings: MatrixFinding[];
}

/** What the server has to show (GET /api/session). */
export interface Session {
  trace: boolean;
  matrix: boolean;
  /** Whether the server can produce the trace of a matrix occurrence. */
  traceFor: boolean;
}

/** A reason the JSON is not a trace this page can show, or undefined when it is one. */
export function traceProblem(x: unknown): string | undefined {
  if (!x || typeof x !== 'object') return 'not a JSON object';
  const t = x as Partial<TraceFile>;
  if (t.format !== TRACE_FORMAT)
    return `unsupported trace format '${String(t.format)}' (this page reads ${TRACE_FORMAT})`;
  if (!Array.isArray(t.threads) || !Array.isArray(t.steps) || !Array.isArray(t.initial) || !t.end)
    return 'the trace lacks threads, initial, steps or end';
  return undefined;
}
