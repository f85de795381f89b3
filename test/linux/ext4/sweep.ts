// The ext4 sweep behind docs/findings.md: every pair of one-page actions (each in its own
// process), for each initial state of the page, on each named version, alone and with a jbd2
// commit as a third thread. Not a test (it takes minutes): run it with
//   npx tsx test/linux/ext4/sweep.ts [--commit] [--fs xfs] [--pct runs] [--versions v4.2,v4.4]
//     [--max-executions n] [--time-ms n] [--only load-punch,cow-punch] [--max-faults n] [--out file.jsonl]
//     [--mmu-walk atomic] [--resume] [--checkpoint-dir dir]
// and it writes one JSON line per run, plus the scenario files of every run to
// test/linux/ext4/scenarios/ (so that each replay token can be replayed with the CLI:
//   node --import tsx src/cli/main.ts --provider dax replay --scenario test/linux/ext4/scenarios/<name>.json
//     --kernel <v> --fs ext4 <token>).

import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelCodeFingerprint } from '../../../src/cli/model-code.js';
import { readJsonFile, unseal, writeSealed } from '../../../src/cli/sealed-file.js';
import {
  CheckpointMismatch,
  type CheckResult,
  check,
  type Finding,
  type RunCheckpoint,
} from '../../../src/engine/index.js';
import { allVersions } from '../../../src/history/index.js';
import {
  type Action,
  buildModel,
  type FsName,
  type MmuWalk,
  mmuWalks,
  type Scenario,
} from '../../../src/workload/index.js';

const here = dirname(fileURLToPath(import.meta.url));

type ActionName = 'load' | 'store' | 'cow' | 'truncate' | 'punch' | 'write';
export const ACTIONS: ActionName[] = ['load', 'store', 'cow', 'truncate', 'punch', 'write'];
export type PageState = 'hole' | 'cached-hole' | 'unwritten' | 'written';
export const STATES: PageState[] = ['hole', 'cached-hole', 'unwritten', 'written'];

function actionOf(a: ActionName, map: string, value: number): Action {
  switch (a) {
    case 'load':
      return { do: 'load', map, page: 0 };
    case 'store':
      return { do: 'store', map, page: 0, value };
    case 'cow':
      return { do: 'store', map: `${map}-private`, page: 0, value };
    case 'truncate':
      return { do: 'truncate', size: 0 };
    case 'punch':
      return { do: 'punch', page: 0, pages: 1 };
    case 'write':
      return { do: 'write', page: 0, value };
  }
}

/** The scenario of one pair: thread i runs in process p<i> with its own mappings of the file. */
export function pairScenario(
  a: ActionName,
  b: ActionName,
  state: PageState,
  commit: boolean,
  fs: FsName = 'ext4',
  maxFaults?: number,
  walk: MmuWalk = 'ptl',
): Scenario {
  const file: Scenario['file'] =
    state === 'hole'
      ? { size: 4, blocks: ['hole'] }
      : state === 'cached-hole'
        ? { size: 4, blocks: ['hole'], cachedHoles: [0] }
        : state === 'unwritten'
          ? { size: 4, blocks: ['unwritten'] }
          : { size: 4, blocks: [{ written: 5 }] };
  const mappings: NonNullable<Scenario['mappings']> = [];
  const threads: Scenario['threads'] = [];
  [a, b].forEach((x, i) => {
    const p = `p${i + 1}`;
    const map = `m${i + 1}`;
    if (x === 'load' || x === 'store') mappings.push({ id: map, process: p, shared: true });
    if (x === 'cow') mappings.push({ id: `${map}-private`, process: p, shared: false });
    threads.push({ name: `${x}${i + 1}`, process: p, actions: [actionOf(x, map, i + 1)] });
  });
  if (commit) threads.push({ name: 'kjournald2', process: 'kthread', actions: [{ do: 'commit' }] });
  return {
    name: `${fs}-${a}-${b}-${state}${commit ? '-commit' : ''}${maxFaults ? `-f${maxFaults}` : ''}${walk === 'ptl' ? '' : `-${walk}`}`,
    description: `${a} vs ${b} on page 0 (${state})${commit ? ', with a jbd2 commit' : ''}${maxFaults ? `, at most ${maxFaults} faults per access` : ''}${walk === 'ptl' ? '' : `, MMU walk '${walk}'`}`,
    fs,
    file,
    mappings,
    ...(maxFaults ? { limits: { maxFaults } } : {}),
    ...(walk === 'ptl' ? {} : { mmu: { walk } }),
    threads,
  };
}

/** The scenario a pair-scenario name stands for (the inverse of `pairScenario`'s naming), or
 *  undefined for a name it does not produce. */
export function pairScenarioNamed(name: string): Scenario | undefined {
  const m = /^(ext4|xfs)-([a-z]+)-([a-z]+)-([a-z-]+?)(-commit)?(?:-f([1-9][0-9]*))?$/.exec(name);
  if (!m) return undefined;
  const [, fs, a, b, state, commit, faults] = m;
  const isAction = (x: string): x is ActionName => (ACTIONS as string[]).includes(x);
  if (!isAction(a) || !isAction(b) || !(STATES as string[]).includes(state)) return undefined;
  return pairScenario(
    a,
    b,
    state as PageState,
    commit !== undefined,
    fs as FsName,
    faults ? Number(faults) : undefined,
  );
}

export function pairs(): [ActionName, ActionName][] {
  const out: [ActionName, ActionName][] = [];
  for (let i = 0; i < ACTIONS.length; i++)
    for (let j = i; j < ACTIONS.length; j++) out.push([ACTIONS[i], ACTIONS[j]]);
  return out;
}

export interface RunLine {
  version: string;
  fs: FsName;
  scenario: string;
  commit: boolean;
  mode: string;
  complete: boolean;
  executions: number;
  ms: number;
  findings: {
    kind: string;
    title: string;
    signature: string;
    token: string;
    preemptions: number;
    confirmed?: boolean;
  }[];
}

/** A finding as a sweep file records it (what summarize.ts and the docs' tables read). */
export function findingLine(f: Finding): RunLine['findings'][number] {
  return {
    kind: f.kind,
    title: f.title,
    signature: f.signature,
    token: f.token,
    preemptions: f.preemptions,
    ...(f.confirmed !== undefined ? { confirmed: f.confirmed } : {}),
  };
}

export interface PairBudget {
  maxExecutions: number;
  timeLimitMs: number;
  /** PCT runs after a DPOR run that did not complete (0: none). */
  pct: number;
  /**
   * A directory for DPOR checkpoints: each run saves there every minute and on its budget, goes
   * on from its file when one is there (a run longer than a session), and removes it once complete.
   */
  checkpointDir?: string;
}

/** A run's checkpoint options in `dir`: its file, what it resumes, and the wall time before. */
function pairCheckpoint(dir: string, s: Scenario, version: string, fs: FsName) {
  const file = join(dir, `${version}__${fs}__${s.name}.json`);
  // Sealed as the CLI's checkpoints are: a file changed since it was written is refused.
  const resume = existsSync(file)
    ? unseal<RunCheckpoint>(file, readJsonFile(file, 'checkpoint'), 'remove it to start afresh')
    : undefined;
  const save = (cp: RunCheckpoint) => writeSealed(file, cp);
  // The model code's fingerprint: a checkpoint of other code is refused, naming the file.
  return {
    file,
    options: { resume, everyMs: 60_000, save, code: modelCodeFingerprint() },
    priorMs: resume?.elapsedMs ?? 0,
  };
}

/** One sweep run: DPOR within the budget, then (with `pct`) a PCT pass if DPOR did not finish. */
export function runPair(s: Scenario, version: string, fs: FsName, budget: PairBudget): RunLine {
  const { maxExecutions, timeLimitMs, pct } = budget;
  const t0 = Date.now();
  const model = buildModel(s, { kernel: version, fs });
  const cp = budget.checkpointDir ? pairCheckpoint(budget.checkpointDir, s, version, fs) : undefined;
  let r: CheckResult;
  try {
    r = check(model, {
      mode: 'dpor',
      maxExecutions,
      timeLimitMs,
      minimizeExecutions: 500,
      ...(cp ? { checkpoint: cp.options } : {}),
    });
  } catch (e) {
    if (cp && e instanceof CheckpointMismatch) throw new Error(`${cp.file}: ${e.message}`);
    throw e;
  }
  if (cp && r.complete) rmSync(cp.file, { force: true });
  const found = [...r.findings];
  let executions = r.stats.executions;
  // --pct: a PCT pass as well (depth 3, seeded), for the interleavings a budgeted DPOR
  // run does not reach (deadlocks through a commit need three threads in one order)
  if (pct && !r.complete) {
    const p = check(model, {
      mode: 'pct',
      runs: pct,
      depth: 3,
      seed: 1,
      timeLimitMs,
      minimizeExecutions: 500,
    });
    executions += p.stats.executions;
    for (const f of p.findings) if (!found.some((x) => x.signature === f.signature)) found.push(f);
  }
  return {
    version,
    fs,
    scenario: s.name,
    commit: s.threads.some((t) => t.name === 'kjournald2'),
    mode: pct && !r.complete ? 'dpor+pct' : 'dpor',
    complete: r.complete,
    executions,
    // over every part of a run resumed from checkpoints
    ms: Math.round(Date.now() - t0 + (cp?.priorMs ?? 0)),
    findings: found.map(findingLine),
  };
}

/** The run's scenario file, formatted as the repository's formatter (biome) keeps it. */
function writeScenarioFile(s: Scenario): void {
  const file = join(here, 'scenarios', `${s.name}.json`);
  writeFileSync(file, `${JSON.stringify(s, null, 2)}\n`);
  const biome = spawnSync('npx', ['biome', 'format', '--write', file], { encoding: 'utf8' });
  if (biome.status !== 0) throw new Error(`biome format ${file}: ${biome.stderr}`);
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const commit = args.includes('--commit');
  // --fs xfs runs the same pairs on XFS (no punch: XFS has no ->punch_hole here) for the comparison
  const fs = (opt('--fs') ?? 'ext4') as FsName;
  const versions = opt('--versions')?.split(',') ?? allVersions.map((v) => v.name);
  const out =
    opt('--out') ?? join(here, `sweep${fs === 'ext4' ? '' : `-${fs}`}${commit ? '-commit' : ''}.jsonl`);
  const maxExecutions = Number(opt('--max-executions') ?? 3000);
  const timeLimitMs = Number(opt('--time-ms') ?? 8000);
  const pct = Number(opt('--pct') ?? 0);
  const checkpointDir = opt('--checkpoint-dir');
  if (checkpointDir) mkdirSync(checkpointDir, { recursive: true });
  // --only a,b: just the pairs whose name contains one of these; --max-faults n: the scenario's
  // limits.maxFaults (names end in -f<n>)
  const only = opt('--only')?.split(',');
  const maxFaults = opt('--max-faults') ? Number(opt('--max-faults')) : undefined;
  // --mmu-walk atomic: the scenario's mmu.walk (names end in -atomic)
  const walk = (opt('--mmu-walk') ?? 'ptl') as MmuWalk;
  if (!mmuWalks.includes(walk))
    throw new Error(`--mmu-walk: expected one of ${mmuWalks.join(', ')}, got '${walk}'`);
  // --resume: skip the runs the --out file already has (a sweep stopped part-way goes on)
  const done = new Set(
    args.includes('--resume') && existsSync(out)
      ? readFileSync(out, 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => {
            const r = JSON.parse(l) as RunLine;
            return `${r.version} ${r.scenario}`;
          })
      : [],
  );
  mkdirSync(join(here, 'scenarios'), { recursive: true });
  for (const v of versions) {
    for (const [a, b] of pairs()) {
      if (fs !== 'ext4' && (a === 'punch' || b === 'punch')) continue;
      for (const state of STATES) {
        const s = pairScenario(a, b, state, commit, fs, maxFaults, walk);
        if (only && !only.some((o) => s.name.includes(o))) continue;
        if (done.has(`${v} ${s.name}`)) continue;
        writeScenarioFile(s);
        const line = runPair(s, v, fs, { maxExecutions, timeLimitMs, pct, checkpointDir });
        appendFileSync(out, `${JSON.stringify(line)}\n`);
        process.stdout.write(
          `${v} ${s.name} ${line.complete ? 'complete' : 'partial'} ${line.executions} ${line.ms}ms ${line.findings.map((f) => f.kind).join(',')}\n`,
        );
      }
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
