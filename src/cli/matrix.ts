// `faultline matrix`, the main job: every scenario on every kernel version and filesystem, the
// findings deduplicated by signature across all runs. Rows are findings, columns versions.
//
// With a checkpoint file, each finished run is saved as it ends; a matrix started again with the
// same file and options skips the runs already there (after Ctrl-C, a crash, or to re-print).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type {
  CheckOptions,
  CheckpointOptions,
  CheckResult,
  Finding,
  RunCheckpoint,
  WaitForSummary,
} from '../engine/index.js';
import { UsageError } from './errors.js';
import { modelCodeFingerprint } from './model-code.js';
import { type Provider, patchIds, type VersionInfo } from './provider.js';
import type { Scenario } from './scenario-schema.js';
import { readJsonFile, unseal, writeSealed } from './sealed-file.js';
import {
  type Budget,
  exploresWithDpor,
  type RunHooks,
  replayCommand,
  runTarget,
  settingsOf,
  type Target,
  withStepBound,
} from './target.js';

export interface MatrixPlan {
  kernels: VersionInfo[];
  filesystems: string[];
  scenarios: { scenario: Scenario; ref: string }[];
  /** Run only this shard's cells (`--shard I/N`); the plan's identity does not include it. */
  shard?: Shard;
  /** `--max-faults`, when given: already in the scenarios' limits; replay commands carry it. */
  maxFaults?: number;
  /** `--mmu-walk`, when given: already in the scenarios' `mmu`; replay commands carry it. */
  mmuWalk?: string;
}

/** Shard `index` (1-based) of `count`, as `--shard I/N` names it. */
export interface Shard {
  index: number;
  count: number;
}

/** What the results of a plan are labelled with: the names of its versions, filesystems, scenarios. */
export interface PlanNames {
  kernels: readonly { name: string }[];
  filesystems: string[];
  scenarios: readonly { scenario: { name: string } }[];
  shard?: Shard;
}

/** One run of the matrix, as `--format json` prints it. */
export interface MatrixRun {
  kernel: string;
  fs: string;
  scenario: string;
  complete: boolean;
  executions: number;
  /** Wall time of the run; left out of the JSON with `--no-timings`, the only field that varies. */
  elapsedMs: number;
  /** Signatures of the findings of this run. */
  findings: string[];
  /** What it ran under, when given (`--max-steps`, `--max-faults`, `--mmu-walk`): complete up
   *  to the bounds, with that walk. */
  maxSteps?: number;
  maxFaults?: number;
  mmuWalk?: string;
  /** `--max-preemptions` (mode bounded): complete means every schedule within this bound, no more. */
  maxPreemptions?: number;
  /** An incomplete DPOR run: the estimated share of its exploration done (`CheckResult.explored`). */
  explored?: number;
}

export interface MatrixOccurrence {
  kernel: string;
  fs: string;
  scenario: string;
  token: string;
  /** What the token replays under, when the run was given it (`--max-steps`, `--max-faults`, `--mmu-walk`). */
  maxSteps?: number;
  maxFaults?: number;
  mmuWalk?: string;
  /** A deadlock's wait-for graph in this occurrence: its cycles and the tasks behind them. */
  waitFor?: WaitForSummary;
}

export interface MatrixFinding {
  signature: string;
  kind: string;
  title: string;
  locks: string[];
  functions: string[];
  /** False only for a predicted finding (lock-order cycle) that no explored execution confirmed. */
  confirmed: boolean;
  occurrences: MatrixOccurrence[];
}

/** The `--format json` object. */
export interface MatrixJson {
  versions: string[];
  runs: MatrixRun[];
  findings: MatrixFinding[];
}

/** What a run keeps of each finding (enough to report it and replay it). */
export interface FindingBrief {
  signature: string;
  kind: string;
  title: string;
  message?: string;
  locks: string[];
  functions: string[];
  confirmed: boolean;
  token: string;
  preemptions: number;
  /** Replay command line. */
  replay?: string;
  /** A deadlock's wait-for graph (`Finding.details.waitFor`). */
  waitFor?: WaitForSummary;
}

export interface RunRecord extends MatrixRun {
  stopReason?: string;
  briefs: FindingBrief[];
}

export interface MatrixResult extends MatrixJson {
  /** The finished runs with their finding details. */
  records: RunRecord[];
  /** Runs planned (of the shard, when sharded); fewer were finished when interrupted. */
  planned: number;
  /** Runs planned per version, for the incomplete mark of each column. */
  plannedByVersion: Record<string, number>;
  shard?: Shard;
  interrupted: boolean;
  /** Runs taken from the checkpoint instead of run again. */
  resumed: number;
  filesystems: string[];
  scenarios: string[];
  /** The finding of each signature with the fewest preemptions, for the report. */
  witnesses: Map<string, FindingBrief>;
}

export interface MatrixCell {
  target: Target;
  key: string;
}

/** The runs of a plan, in order: version, then filesystem, then scenario; with a shard, only that shard's. */
export function matrixCells(plan: MatrixPlan): MatrixCell[] {
  const all = planCells(plan);
  const shard = plan.shard;
  if (!shard) return all;
  const dealt = dealShards(
    all.map((c) => c.key),
    shard.count,
  );
  return all.filter((_, i) => dealt[i] === shard.index);
}

/**
 * The shard (1..count) of each run, given every run's key in plan order. The runs are dealt
 * round-robin in scenario-major order (scenario, then filesystem, then version). A scenario costs
 * about the same on every version, and a few scenarios cost most of a matrix, so dealing each
 * scenario's runs to the shards in turn gives every shard its share of the costly ones. On the DAX
 * matrix, contiguous blocks balance worse, and round-robin in plan order much worse whenever N
 * divides the runs per version (the same scenarios then land on the same shard); BENCHMARKS.md.
 */
export function dealShards(keys: readonly string[], count: number): number[] {
  const parts = keys.map(splitKey);
  const rank = (values: string[]) => {
    const m = new Map<string, number>();
    for (const v of values) if (!m.has(v)) m.set(v, m.size);
    return m;
  };
  const scenario = rank(parts.map((p) => p.scenario));
  const fs = rank(parts.map((p) => p.fs));
  const kernel = rank(parts.map((p) => p.kernel));
  const order = keys
    .map((_, i) => i)
    .sort(
      (a, b) =>
        scenario.get(parts[a].scenario)! - scenario.get(parts[b].scenario)! ||
        fs.get(parts[a].fs)! - fs.get(parts[b].fs)! ||
        kernel.get(parts[a].kernel)! - kernel.get(parts[b].kernel)! ||
        a - b,
    );
  const shard = new Array<number>(keys.length);
  order.forEach((cell, position) => {
    shard[cell] = (position % count) + 1;
  });
  return shard;
}

/** A run's key, `version|fs|scenario`: version and filesystem names have no '|'; scenario names may. */
function splitKey(key: string): { kernel: string; fs: string; scenario: string } {
  const a = key.indexOf('|');
  const b = key.indexOf('|', a + 1);
  return { kernel: key.slice(0, a), fs: key.slice(a + 1, b), scenario: key.slice(b + 1) };
}

function planCells(plan: MatrixPlan): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const kernel of plan.kernels)
    for (const fs of plan.filesystems)
      for (const { scenario, ref } of plan.scenarios) {
        // A scenario that names its filesystem runs only on that one.
        if (scenario.fs !== undefined && scenario.fs !== fs) continue;
        cells.push({
          target: {
            scenario,
            scenarioRef: ref,
            kernel,
            fs,
            ...settingsOf({ maxFaults: plan.maxFaults, mmuWalk: plan.mmuWalk }),
          },
          key: `${kernel.name}|${fs}|${scenario.name}`,
        });
      }
  return cells;
}

export function brief(p: Provider, t: Target, f: Finding): FindingBrief {
  const b: FindingBrief = {
    signature: f.signature,
    kind: f.kind,
    title: f.title,
    locks: [...new Set(f.locks ?? [])],
    functions: [...new Set(f.functions ?? [])],
    confirmed: f.confirmed ?? true,
    token: f.token,
    preemptions: f.preemptions,
  };
  if (f.message) b.message = f.message;
  if (f.token) b.replay = replayCommand(p, t, f.token);
  const waitFor = (f.details as { waitFor?: WaitForSummary } | undefined)?.waitFor;
  if (waitFor) b.waitFor = waitFor;
  return b;
}

// ---- checkpoint -------------------------------------------------------------------------------

const CHECKPOINT_FORMAT = 'faultline-matrix-checkpoint/1';

interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** Everything that decides the runs' results; a checkpoint is only resumed with the same. */
  plan: unknown;
  runs: RunRecord[];
}

/** Everything that decides a plan's results: provider, versions and their patches, filesystems, scenarios, budget. */
export interface PlanIdentity {
  provider: string;
  /** The model code's fingerprint: results of other code are not resumed or merged. */
  code: string;
  kernels: { name: string; patches: string[] }[];
  filesystems: string[];
  scenarios: Scenario[];
  budget: Budget;
}

/** The keys of every run of the whole plan (every shard), in plan order. */
export function planCellKeys(plan: MatrixPlan): string[] {
  return planCells(plan).map((c) => c.key);
}

export function planIdentity(p: Provider, plan: MatrixPlan, budget: Budget): PlanIdentity {
  return {
    provider: p.spec ?? p.name,
    code: modelCodeFingerprint(),
    kernels: plan.kernels.map((k) => ({ name: k.name, patches: patchIds(k) })),
    filesystems: plan.filesystems,
    scenarios: plan.scenarios.map((s) => s.scenario),
    budget,
  };
}

function readCheckpoint(file: string, identity: unknown): RunRecord[] {
  if (!existsSync(file)) return [];
  const data = readJsonFile(file, 'checkpoint') as Partial<Checkpoint> | null;
  if (data?.format !== CHECKPOINT_FORMAT)
    throw new UsageError(`${file} is not a faultline matrix checkpoint`);
  const cp = unseal<Checkpoint>(file, data, 'remove it to run the matrix afresh');
  if (JSON.stringify(cp.plan) !== JSON.stringify(identity))
    throw new UsageError(
      `checkpoint ${file} was written for another matrix (other versions, filesystems, scenarios, budget or model code): ` +
        'run with the same options, or remove the file',
    );
  return cp.runs;
}

export function writeCheckpoint(file: string, identity: unknown, runs: RunRecord[]): void {
  const cp: Checkpoint = { format: CHECKPOINT_FORMAT, plan: identity, runs };
  writeSealed(file, cp);
}

// ---- runs in progress ---------------------------------------------------------------------------
// A run longer than a session (a three-thread explore scenario) would start again from nothing
// after a kill. So with a checkpoint FILE, each DPOR run also saves its own state (the engine's
// run checkpoint) in FILE.runs/, every `everyMs` and when it stops, and a resumed matrix goes on
// from there; the file goes once the run's record exists.

const IN_PROGRESS_FORMAT = 'faultline-run-in-progress/1';

/** Where and how often one run of a checkpointed plan saves its state. */
export interface RunInProgress {
  file: string;
  everyMs: number;
  /** The plan's identity and the run's key, hashed: a file from another plan is not resumed. */
  identity: string;
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** Where the run of `key` saves its state, when the plan has a checkpoint (else undefined). */
export function runInProgress(hooks: MatrixHooks, identity: unknown, key: string): RunInProgress | undefined {
  if (!hooks.checkpoint) return undefined;
  return {
    file: join(`${hooks.checkpoint}.runs`, `${sha1(key).slice(0, 20)}.json`),
    everyMs: hooks.checkpointEveryMs ?? 60_000,
    identity: sha1(`${JSON.stringify(identity)}\n${key}`),
  };
}

/** What a run in progress had done when last saved (read from its file, for a report). */
export interface RunProgressSaved {
  key: string;
  executions: number;
  elapsedMs: number;
  /** DPOR's estimate of the share explored, when saved by a faultline that makes one. */
  explored?: number;
}

/** The runs of a checkpointed plan that have saved state in progress, in plan order. */
export function savedRunsInProgress(
  p: Provider,
  plan: MatrixPlan,
  budget: Budget,
  checkpoint: string,
): RunProgressSaved[] {
  const { cells, identity } = pendingCells(p, plan, budget, undefined);
  const out: RunProgressSaved[] = [];
  for (const c of cells) {
    const r = runInProgress({ checkpoint }, identity, c.key)!;
    if (!existsSync(r.file)) continue;
    const saved = readJsonFile(r.file, 'the saved run') as {
      format?: unknown;
      identity?: unknown;
      run?: Partial<RunCheckpoint>;
    } | null;
    if (saved?.format !== IN_PROGRESS_FORMAT || saved.identity !== r.identity || !saved.run?.stats) continue;
    const { stats, elapsedMs, explored } = saved.run;
    out.push({
      key: c.key,
      executions: stats.executions,
      elapsedMs: elapsedMs ?? 0,
      ...(typeof explored === 'number' ? { explored } : {}),
    });
  }
  return out;
}

function inProgressOptions(r: RunInProgress): CheckpointOptions {
  let resume: RunCheckpoint | undefined;
  if (existsSync(r.file)) {
    const saved = readJsonFile(r.file, 'the saved run') as { format?: unknown; identity?: unknown } | null;
    // Another plan's file (its checkpoint was removed, this one left): start afresh over it.
    if (saved?.format === IN_PROGRESS_FORMAT && saved.identity === r.identity)
      resume = unseal<{ run: RunCheckpoint }>(r.file, saved, 'remove it to start that run afresh').run;
  }
  return {
    everyMs: r.everyMs,
    code: modelCodeFingerprint(),
    ...(resume ? { resume } : {}),
    save: (run) => {
      mkdirSync(dirname(r.file), { recursive: true });
      writeSealed(r.file, { format: IN_PROGRESS_FORMAT, identity: r.identity, run });
    },
  };
}

// ---- running ----------------------------------------------------------------------------------

export interface MatrixHooks extends RunHooks {
  checkpoint?: string;
  /** With `checkpoint`: how often a run in progress saves its state (ms; default 60 s). */
  checkpointEveryMs?: number;
  /**
   * Called before each run that is not taken from the checkpoint; with workers, when the run the
   * progress reports follow changes (`startedAt`: when it began, by performance.now()).
   */
  onRun?: (index: number, total: number, cell: MatrixCell, startedAt?: number) => void;
}

/** Run one cell of the matrix; `undefined` when the run was interrupted (it is run again on resume). */
export function runCell(
  p: Provider,
  cell: MatrixCell,
  budget: Budget,
  hooks: RunHooks = {},
  progress?: RunInProgress,
): RunRecord | undefined {
  const { t, extra } = cellRun(cell, budget, progress);
  return cellRecord(p, t, runTarget(p, t, budget, hooks, extra), extra.checkpoint && progress);
}

/** `runCell` with the check run by `run` (a matrix worker's, with DPOR workers on idle cores). */
export async function runCellWith(
  p: Provider,
  cell: MatrixCell,
  budget: Budget,
  run: (t: Target, extra: Pick<CheckOptions, 'checkpoint'>) => Promise<CheckResult>,
  progress?: RunInProgress,
): Promise<RunRecord | undefined> {
  const { t, extra } = cellRun(cell, budget, progress);
  return cellRecord(p, t, await run(t, extra), extra.checkpoint && progress);
}

/** A cell's target under the budget's step bound, and its checkpoint if it saves as it goes. */
function cellRun(cell: MatrixCell, budget: Budget, progress: RunInProgress | undefined) {
  const t = withStepBound(cell.target, budget);
  // Only a DPOR run has a path to go on from; the other modes start again.
  const saving = progress && exploresWithDpor(budget);
  const extra: Pick<CheckOptions, 'checkpoint'> = saving ? { checkpoint: inProgressOptions(progress) } : {};
  return { t, extra };
}

/** The record of a cell's check, or undefined if it was interrupted; `saved`: its state to remove. */
function cellRecord(
  p: Provider,
  t: Target,
  result: CheckResult,
  saved: RunInProgress | undefined,
): RunRecord | undefined {
  if (result.stopReason === 'interrupted') return undefined;
  // The record replaces the saved state (a kill before the caller saves the record costs this run).
  if (saved) rmSync(saved.file, { force: true });
  const briefs = result.findings.map((f) => brief(p, t, f));
  const rec: RunRecord = {
    kernel: t.kernel.name,
    fs: t.fs,
    scenario: t.scenario.name,
    complete: result.complete,
    executions: result.stats.executions,
    elapsedMs: Math.round(result.stats.elapsedMs),
    findings: briefs.map((b) => b.signature),
    briefs,
  };
  Object.assign(rec, settingsOf(t));
  if (result.maxPreemptions !== undefined) rec.maxPreemptions = result.maxPreemptions;
  if (result.stopReason) rec.stopReason = result.stopReason;
  if (result.explored !== undefined) rec.explored = result.explored;
  return rec;
}

/** The runs a plan still needs, after what a checkpoint already holds. */
export function pendingCells(p: Provider, plan: MatrixPlan, budget: Budget, checkpoint: string | undefined) {
  const cells = matrixCells(plan);
  // A shard's checkpoint holds only its own runs: it is not resumed by another shard.
  const identity = plan.shard
    ? { ...planIdentity(p, plan, budget), shard: plan.shard }
    : planIdentity(p, plan, budget);
  const saved = checkpoint ? readCheckpoint(checkpoint, identity) : [];
  const savedByKey = new Map(saved.map((r) => [`${r.kernel}|${r.fs}|${r.scenario}`, r]));
  return { cells, identity, savedByKey };
}

/** The result of a matrix from its finished runs (in cell order); `merge` rebuilds it from shards. */
export function matrixResult(
  plan: PlanNames,
  cells: readonly { key: string }[],
  records: RunRecord[],
  interrupted: boolean,
  resumed: number,
): MatrixResult {
  const plannedByVersion: Record<string, number> = {};
  for (const k of plan.kernels) plannedByVersion[k.name] = 0;
  // Keys are version|fs|scenario; version names have no '|'.
  for (const c of cells) plannedByVersion[c.key.slice(0, c.key.indexOf('|'))]++;
  return {
    ...aggregate(plan, records),
    records,
    planned: cells.length,
    plannedByVersion,
    interrupted,
    resumed,
    scenarios: plan.scenarios.map((s) => s.scenario.name),
    ...(plan.shard ? { shard: plan.shard } : {}),
  };
}

export function runMatrix(
  p: Provider,
  plan: MatrixPlan,
  budget: Budget,
  hooks: MatrixHooks = {},
): MatrixResult {
  const { cells, identity, savedByKey } = pendingCells(p, plan, budget, hooks.checkpoint);
  const records: RunRecord[] = [];
  let interrupted = false;
  let resumed = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    const old = savedByKey.get(cell.key);
    if (old) {
      records.push(old);
      resumed++;
      continue;
    }
    if (hooks.shouldStop?.()) {
      interrupted = true;
      break;
    }
    hooks.onRun?.(i, cells.length, cell);
    const rec = runCell(p, cell, budget, hooks, runInProgress(hooks, identity, cell.key));
    if (!rec) {
      interrupted = true;
      break;
    }
    records.push(rec);
    if (hooks.checkpoint) writeCheckpoint(hooks.checkpoint, identity, records);
  }
  return matrixResult(plan, cells, records, interrupted, resumed);
}

/** Deduplicate findings by signature across runs, in order of first appearance. */
export function aggregate(
  plan: PlanNames,
  records: readonly RunRecord[],
): MatrixJson & { filesystems: string[]; witnesses: Map<string, FindingBrief> } {
  const findings = new Map<string, MatrixFinding>();
  const witnesses = new Map<string, FindingBrief>();
  for (const r of records) {
    for (const b of r.briefs) {
      let f = findings.get(b.signature);
      if (!f) {
        f = {
          signature: b.signature,
          kind: b.kind,
          title: b.title,
          locks: b.locks,
          functions: b.functions,
          confirmed: false,
          occurrences: [],
        };
        findings.set(b.signature, f);
      }
      f.confirmed ||= b.confirmed;
      f.occurrences.push({
        kernel: r.kernel,
        fs: r.fs,
        scenario: r.scenario,
        token: b.token,
        ...settingsOf(r),
        ...(b.waitFor ? { waitFor: b.waitFor } : {}),
      });
      const w = witnesses.get(b.signature);
      if (!w || (b.token && (!w.token || b.preemptions < w.preemptions))) witnesses.set(b.signature, b);
    }
  }
  return {
    versions: plan.kernels.map((k) => k.name),
    runs: records.map((r) => ({
      kernel: r.kernel,
      fs: r.fs,
      scenario: r.scenario,
      complete: r.complete,
      executions: r.executions,
      elapsedMs: r.elapsedMs,
      findings: r.findings,
      ...settingsOf(r),
      ...(r.maxPreemptions !== undefined ? { maxPreemptions: r.maxPreemptions } : {}),
      ...(r.explored !== undefined ? { explored: r.explored } : {}),
    })),
    findings: [...findings.values()],
    filesystems: plan.filesystems,
    witnesses,
  };
}

/**
 * The `--format json` object: exactly the documented shape. Without timings (`--no-timings`) it
 * depends only on the plan: the same bytes for every run, worker count and sharding.
 */
export function matrixJson(
  m: MatrixResult,
  o: { timings?: boolean } = {},
): {
  versions: string[];
  runs: Partial<MatrixRun>[];
  findings: MatrixFinding[];
  shard?: Shard;
  interrupted?: true;
} {
  return {
    versions: m.versions,
    runs: o.timings === false ? m.runs.map(({ elapsedMs: _, ...r }) => r) : m.runs,
    findings: m.findings,
    ...(m.shard ? { shard: m.shard } : {}),
    ...(m.interrupted ? { interrupted: true as const } : {}),
  };
}

/** Versions with no finding in any run, and whether all their runs were complete. */
export function versionSummary(
  m: MatrixResult,
): { version: string; findings: number; runs: number; incomplete: number }[] {
  return m.versions.map((version) => {
    const runs = m.runs.filter((r) => r.kernel === version);
    const sigs = new Set(runs.flatMap((r) => r.findings));
    return {
      version,
      findings: sigs.size,
      runs: runs.length,
      incomplete: runs.filter((r) => !r.complete).length,
    };
  });
}
