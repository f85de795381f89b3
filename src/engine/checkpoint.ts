// A run's checkpoint: everything an exhaustive (DPOR) exploration needs to go on where it stopped,
// in plain JSON. A resumed run ends with the same findings, witnesses and statistics as one that
// was never stopped (test/engine/checkpoint.test.ts).
//
// Stateless DPOR keeps only the current path, so the checkpoint is small: the path's nodes with
// their sleep sets and wakeup trees, the object registry (the ids in those nodes), the findings
// so far, the statistics, and the state monitors keep across executions (lockdep's graph).
// Writing it to disk (atomically, with what identifies the run) is the caller's job.

import type { Finding } from './findings.js';
import type { ObjectEntry } from './objects.js';
import type { RunStats } from './run.js';

export const RUN_CHECKPOINT_FORMAT = 'faultline-run-checkpoint/1';

export interface RunCheckpoint {
  format: typeof RUN_CHECKPOINT_FORMAT;
  /** The model's name: a checkpoint resumes only the model it was taken from. */
  model: string;
  /** The caller's fingerprint of the model's code (`CheckpointOptions.code`), or null. */
  code: string | null;
  /** Wall time of the run so far, over every part. */
  elapsedMs: number;
  stats: RunStats;
  registry: ObjectEntry[];
  findings: Finding[];
  /** Per monitor of the run (in the model's order), what `Monitor.saveRun` returned. */
  monitors: unknown[];
  /** The explorer's own state (for DPOR: the current path; see explorers/dpor.ts). */
  explorer: unknown;
  /** The explorer's estimate of the share done when saved (DPOR), for reports; not read back. */
  explored?: number;
}

export interface CheckpointOptions {
  /**
   * A checkpoint to go on from (the model's and monitors' must match), as `save` received it: the
   * engine checks its outline, not every field, so a stored one must be kept from changes (the
   * CLI seals the files it writes with a sha256).
   */
  resume?: RunCheckpoint;
  /**
   * A fingerprint of the model's code, saved in each checkpoint; one taken with other code is
   * refused (the path it holds may not exist in the new model, or lead elsewhere).
   */
  code?: string;
  /** Save one at least this often (ms of wall time), and when the run stops before its end. */
  everyMs?: number;
  /** Called with each checkpoint; it stays valid (it shares nothing with the running run). */
  save: (cp: RunCheckpoint) => void;
}

/** Thrown for a checkpoint that does not fit the run (another model, format or monitor set). */
export class CheckpointMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointMismatch';
  }
}
