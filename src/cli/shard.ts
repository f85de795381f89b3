// `--shard I/N` and `faultline merge`: a plan's runs split over machines. Each shard writes its
// runs, with everything merge needs to rebuild the single run's result (the plan's identity, every
// planned run's key, the finding briefs with their tokens and preemptions), to a versioned JSON
// file, sealed (sealed-file.ts); merge checks that the files are the N shards of one plan and puts
// the runs back in plan order, so the report is the one a single run prints.

import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './errors.js';
import {
  dealShards,
  type MatrixResult,
  matrixResult,
  type PlanIdentity,
  type RunRecord,
  type Shard,
} from './matrix.js';
import { readJsonFile, unseal, writeSealed } from './sealed-file.js';

export const SHARD_FORMAT = 'faultline-shard/1';

/** The commands that run a plan, and whose results merge. */
export type ShardCommand = 'matrix' | 'explore';

/** The file `--out` writes. */
export interface ShardFile {
  format: typeof SHARD_FORMAT;
  /** Which command ran: merge prints and exits as it does. */
  command: ShardCommand;
  plan: PlanIdentity;
  shard: Shard;
  /** The key (version|fs|scenario) of every run of the whole plan, in plan order. */
  cells: string[];
  /** True when the shard was stopped before all its runs finished (Ctrl-C). */
  interrupted: boolean;
  /** The shard's finished runs, in plan order. */
  runs: RunRecord[];
}

/** `I/N` with 1 <= I <= N. */
export function parseShard(v: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : 0;
  const count = m ? Number(m[2]) : 0;
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard must be I/N with 1 <= I <= N (e.g. 2/3), got '${v}'`);
  return { index, count };
}

/** Fail before a long run rather than after it when `--out` cannot be written. */
export function checkOutPath(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`--out ${file}: directory ${dir} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`--out ${file} is a directory`);
}

export function writeShardFile(file: string, data: Omit<ShardFile, 'format'>): void {
  const body: ShardFile = { format: SHARD_FORMAT, ...data };
  try {
    // An interrupted write never leaves half a file for merge to read.
    writeSealed(file, body);
  } catch (e) {
    throw new UsageError(`cannot write --out ${file}: ${(e as Error).message}`);
  }
}

function readShardFile(file: string): ShardFile {
  const data = readJsonFile(file, 'shard result') as Partial<ShardFile> | null;
  if (!data || typeof data !== 'object' || data.format !== SHARD_FORMAT)
    throw new UsageError(
      `${file} is not a shard result (${SHARD_FORMAT}): write one with 'faultline matrix --shard I/N --out FILE'`,
    );
  const f = unseal<Partial<ShardFile>>(file, data, 'run its shard again');
  const okShard =
    f.shard && Number.isInteger(f.shard.index) && Number.isInteger(f.shard.count) && f.shard.index >= 1;
  if (
    (f.command !== 'matrix' && f.command !== 'explore') ||
    !okShard ||
    f.shard!.index > f.shard!.count ||
    !f.plan ||
    !Array.isArray(f.cells) ||
    !Array.isArray(f.runs) ||
    typeof f.interrupted !== 'boolean'
  )
    throw new UsageError(`${file}: malformed ${SHARD_FORMAT} file (command, plan, shard, cells, runs)`);
  return f as ShardFile;
}

const runKey = (r: RunRecord) => `${r.kernel}|${r.fs}|${r.scenario}`;

/**
 * The N shard files of one plan, merged into the result a single run of the plan gives. Any
 * mismatch (another plan, another N, a shard missing or given twice, runs that are not the
 * shard's) is a usage error naming the file.
 */
export function mergeShards(files: readonly string[]): { command: ShardCommand; result: MatrixResult } {
  if (!files.length) throw new UsageError('merge needs the shard files (written by --shard I/N --out FILE)');
  const shards = files.map((file) => ({ file, data: readShardFile(file) }));
  const first = shards[0];
  const identity = JSON.stringify(first.data.plan);
  const cells = JSON.stringify(first.data.cells);
  const count = first.data.shard.count;
  const byIndex = new Map<number, string>();
  for (const { file, data } of shards) {
    const other = `${file} and ${first.file}`;
    if (data.command !== first.data.command)
      throw new UsageError(`${other} come from different commands (${data.command}, ${first.data.command})`);
    if (JSON.stringify(data.plan) !== identity)
      throw new UsageError(
        `${other} come from different plans (other provider, versions, patches, filesystems, scenarios, budget or model code)`,
      );
    if (JSON.stringify(data.cells) !== cells)
      throw new UsageError(`${other} list different runs for the same plan (different faultline versions?)`);
    if (data.shard.count !== count)
      throw new UsageError(
        `${file} is shard ${data.shard.index}/${data.shard.count} but ${first.file} is ${first.data.shard.index}/${count}: all shards must split the plan in the same N`,
      );
    const twice = byIndex.get(data.shard.index);
    if (twice !== undefined)
      throw new UsageError(`shard ${data.shard.index}/${count} given twice: ${twice} and ${file}`);
    byIndex.set(data.shard.index, file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new UsageError(
      `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing ` +
        `(given: ${[...byIndex].map(([i, f]) => `${i}/${count} ${f}`).join(', ')})`,
    );

  // Each shard's runs must be its own cells (dealt as matrixCells deals them), in plan order.
  const keys = first.data.cells;
  const dealt = dealShards(keys, count);
  const byKey = new Map<string, RunRecord>();
  for (const { file, data } of shards) {
    const own = keys.filter((_, i) => dealt[i] === data.shard.index);
    let at = 0;
    for (const r of data.runs) {
      const k = runKey(r);
      while (at < own.length && own[at] !== k) at++;
      if (at === own.length)
        throw new UsageError(
          `${file}: run ${k} is not one of shard ${data.shard.index}/${count}'s runs, or out of order`,
        );
      byKey.set(k, r);
      at++;
    }
  }
  const records = keys.flatMap((k) => byKey.get(k) ?? []);
  const interrupted = shards.some((s) => s.data.interrupted) || records.length < keys.length;
  const p = first.data.plan;
  const names = {
    kernels: p.kernels,
    filesystems: p.filesystems,
    scenarios: p.scenarios.map((scenario) => ({ scenario })),
  };
  const result = matrixResult(
    names,
    keys.map((key) => ({ key })),
    records,
    interrupted,
    0,
  );
  return { command: first.data.command, result };
}
