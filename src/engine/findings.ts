// Findings: what the checker reports, deduplicated by signature.

import type { FindingSpec } from './ops.js';

export interface TraceStep {
  /** Position in the execution. */
  i: number;
  thread: number;
  threadName: string;
  /** Model function the thread was in. */
  fn: string;
  label?: string;
  /** The op, as text (`acquire &mapping->i_mmap_rwsem shared`). */
  op: string;
  /** A short note on what happened (`blocked`, `granted to T1`, `read 3`). */
  note?: string;
}

export interface Finding extends FindingSpec {
  /** kind + lock classes + functions: the same problem across executions, scenarios and versions. */
  signature: string;
  /** Replay token of the execution that shows it. */
  token: string;
  trace: TraceStep[];
  /** Preemptions in that execution (reported counterexamples are minimal in this). */
  preemptions: number;
  /** Thread names of the execution, by id. */
  threads: string[];
  /** For predicted findings (lock-order cycles): whether an explored execution really deadlocked. */
  confirmed?: boolean;
}

export function signatureOf(f: FindingSpec): string {
  const locks = [...new Set(f.locks ?? [])].sort().join(',');
  const fns = [...new Set(f.functions ?? [])].sort().join(',');
  return `${f.kind}|${locks}|${fns}`;
}
