// `check --checkpoint FILE`: a long DPOR exploration saves where it is (every `--checkpoint-every`
// seconds, and when stopped by a budget or Ctrl-C) and, started again with the same file, goes on
// from there instead of from the start. The file says what it was written for (provider, kernel
// and its patches, filesystem, the scenario itself, the step and fault bounds, the MMU walk)
// and the model code it ran (model-code.ts), and is sealed (sealed-file.ts): another run, or a
// file changed since, is refused. A run that completes removes it: its result is the output.

import { existsSync, rmSync } from 'node:fs';
import type { CheckpointOptions, RunCheckpoint } from '../engine/checkpoint.js';
import { UsageError } from './errors.js';
import { modelCodeFingerprint } from './model-code.js';
import { type Provider, patchIds } from './provider.js';
import { readJsonFile, unseal, writeSealed } from './sealed-file.js';
import { type Budget, exploresWithDpor, type Target } from './target.js';

const CHECK_CHECKPOINT_FORMAT = 'faultline-check-checkpoint/1';

interface CheckCheckpointFile {
  format: typeof CHECK_CHECKPOINT_FORMAT;
  /** What decides the exploration; a checkpoint resumes only the same. */
  identity: unknown;
  run: RunCheckpoint;
}

function identityOf(p: Provider, t: Target, b: Budget): unknown {
  return {
    provider: p.spec ?? p.name,
    kernel: { name: t.kernel.name, patches: patchIds(t.kernel) },
    fs: t.fs,
    scenario: t.scenario,
    maxStepsPerThread: b.maxStepsPerThread ?? null,
    maxFaults: t.maxFaults ?? null,
    mmuWalk: t.mmuWalk ?? null,
  };
}

/** Check the options, read the file if it exists, and give the run its checkpoint options. */
export function checkCheckpoint(
  file: string,
  everySeconds: number,
  p: Provider,
  t: Target,
  b: Budget,
): CheckpointOptions & { resumedFrom?: number } {
  if (!exploresWithDpor(b))
    throw new UsageError(
      '--checkpoint saves a DPOR exploration: use it without --mode and --max-preemptions (the other modes keep no path to resume)',
    );
  const identity = identityOf(p, t, b);
  const save = (run: RunCheckpoint) => {
    const body: CheckCheckpointFile = { format: CHECK_CHECKPOINT_FORMAT, identity, run };
    try {
      writeSealed(file, body);
    } catch (e) {
      throw new UsageError(`cannot write checkpoint ${file}: ${(e as Error).message}`);
    }
  };
  const options = { everyMs: everySeconds * 1000, save, code: modelCodeFingerprint() };
  if (!existsSync(file)) return options;
  const data = readJsonFile(file, 'checkpoint') as Partial<CheckCheckpointFile> | null;
  if (data?.format !== CHECK_CHECKPOINT_FORMAT)
    throw new UsageError(`${file} is not a faultline check checkpoint (format: ${String(data?.format)})`);
  const cp = unseal<CheckCheckpointFile>(file, data, 'remove it to start afresh');
  if (cp.run?.code !== options.code)
    throw new UsageError(
      `checkpoint ${file} was taken with other model code (another faultline version, or sources against dist/): ` +
        'its saved path may not exist in this model; remove the file to start afresh',
    );
  if (JSON.stringify(cp.identity) !== JSON.stringify(identity))
    throw new UsageError(
      `checkpoint ${file} was written for another check (other scenario, kernel, filesystem, --max-steps, ` +
        '--max-faults or --mmu-walk): run with the same ones, or remove the file',
    );
  return { ...options, resume: cp.run, resumedFrom: cp.run.stats.executions };
}

/** After the run: a complete exploration needs its checkpoint no more. */
export function finishCheckpoint(file: string, complete: boolean): void {
  if (complete) rmSync(file, { force: true });
}
