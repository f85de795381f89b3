// The one entry point: explore a model in a mode and return its findings.

import { exploreBounded } from './explorers/bounded.js';
import { exploreDpor } from './explorers/dpor.js';
import {
  type SpecPool,
  type SpeculationStats,
  Speculator,
  speculationRefusal,
} from './explorers/dpor-speculation.js';
import { explorePct } from './explorers/pct.js';
import { exploreRandom } from './explorers/random.js';
import {
  exploreSampleSplit,
  type SamplePool,
  type SampleSpec,
  splitSamplingRefusal,
} from './explorers/sample-split.js';
import type { Finding } from './findings.js';
import type { Model } from './model.js';
import type { FindingSpec } from './ops.js';
import { type RaceCensus, raceCensus } from './race-census.js';
import { Run, type RunOptions, type RunStats, replayExecutions, type StopReason } from './run.js';
import { traceOf } from './trace.js';

export type Mode = 'dpor' | 'random' | 'pct' | 'bounded';

export interface CheckOptions extends RunOptions {
  /** Exploration strategy; default exhaustive DPOR. */
  mode?: Mode;
  /** Seed for random and PCT. */
  seed?: number;
  /** Executions for random and PCT. */
  runs?: number;
  /** PCT bug depth. */
  depth?: number;
  /** Only schedules with at most this many preemptions (a bounded exhaustive search). */
  maxPreemptions?: number;
  /**
   * After exploring, look for a witness with fewer preemptions for each finding, by bounded
   * search with bounds 0, 1, 2, ... (default true); `minimizeExecutions` caps each search.
   */
  minimize?: boolean;
  minimizeExecutions?: number;
  /** DPOR only: count the executions by the object of the race that created their branch. */
  raceCensus?: boolean;
}

export interface CheckResult {
  model: string;
  mode: Mode;
  /**
   * True when the exploration covered every behaviour it promises (not stopped by a budget):
   * every interleaving (dpor), or every schedule within `maxPreemptions` (bounded). Random and
   * PCT sampling never promise coverage.
   */
  complete: boolean;
  /** Mode bounded: the preemption bound its coverage is limited to. */
  maxPreemptions?: number;
  stopReason?: StopReason;
  findings: Finding[];
  stats: RunStats;
  /** With `raceCensus` in DPOR mode: what made the exploration large. */
  races?: RaceCensus;
  /**
   * DPOR stopped by a budget: the estimated share of the exploration done (0 to 1), read off the
   * path it stopped on (explorers/dpor.ts, "progress estimate"; BENCHMARKS.md measures its error).
   */
  explored?: number;
  /** DPOR run with a pool: how its executions were run (the rest of the result does not depend on it). */
  speculation?: SpeculationStats;
}

function modeOf(opts: CheckOptions): Mode {
  return opts.maxPreemptions !== undefined && (opts.mode ?? 'dpor') === 'dpor'
    ? 'bounded'
    : (opts.mode ?? 'dpor');
}

/**
 * Explore `model`. With `pool` (DPOR only), the pool's threads explore subtrees ahead
 * (dpor-speculation.ts); the result is the same, with `speculation` counting how it was reached.
 */
export function check<S>(model: Model<S>, opts: CheckOptions = {}, pool?: SpecPool): CheckResult {
  const mode = modeOf(opts);
  if (pool && mode !== 'dpor')
    throw new Error(`only DPOR checks run ahead on a pool of threads (a ${mode} check has its own split)`);
  if (opts.checkpoint && (mode !== 'dpor' || opts.raceCensus))
    throw new Error(
      'checkpoints are for DPOR runs without a race census (other modes re-run quickly or keep more state)',
    );
  const bound = opts.maxPreemptions ?? 2;
  const run = new Run(model, opts);
  let complete: boolean;
  let races: RaceCensus | undefined;
  let speculator: Speculator | undefined;
  switch (mode) {
    case 'dpor': {
      const census = opts.raceCensus ? raceCensus(run) : undefined;
      if (pool) {
        const refusal = speculationRefusal(run);
        if (refusal) throw new Error(`cannot split this check over threads: ${refusal}`);
        speculator = new Speculator(run, pool);
      }
      complete = exploreDpor(run, census?.observer, speculator);
      races = census?.result();
      break;
    }
    case 'bounded':
      complete = exploreBounded(run, bound, undefined, { mergePrefixes: true });
      break;
    case 'random':
      complete = exploreRandom(run, opts.seed ?? 1, opts.runs ?? 1000);
      break;
    case 'pct':
      complete = explorePct(run, opts.seed ?? 1, opts.runs ?? 1000, opts.depth ?? 3);
      break;
    default:
      throw new Error(`unknown mode '${mode as string}' (expected dpor, random, pct or bounded)`);
  }
  // Read where the exploration stopped, before anything else runs.
  const explored = mode === 'dpor' && !complete ? run.explored?.() : undefined;
  return {
    ...concluded(model, run, opts, mode, complete),
    ...(mode === 'bounded' ? { maxPreemptions: bound } : {}),
    ...(races ? { races } : {}),
    ...(explored !== undefined ? { explored: Number(explored.toPrecision(3)) } : {}),
    ...(speculator ? { speculation: { ...speculator.stats } } : {}),
  };
}

/** The run's end: monitors' whole-run findings, witness minimisation, the result. */
function concluded<S>(
  model: Model<S>,
  run: Run<S>,
  opts: CheckOptions,
  mode: Mode,
  complete: boolean,
): CheckResult {
  run.collectRunEnd();
  if (opts.minimize !== false) minimizePreemptions(model, run, opts);
  run.stats.elapsedMs = run.elapsed();
  return {
    model: model.name,
    mode,
    complete,
    ...(run.stopReason ? { stopReason: run.stopReason } : {}),
    findings: run.findings,
    stats: run.stats,
  };
}

/**
 * A random or PCT check with batches of its executions run by `pool` (worker threads, each
 * running `runSampleBatch` on a run of the same model); the result is `check`'s for the same
 * options (sample-split.ts says why), but for a time limit's cut.
 */
export async function checkOnWorkers<S>(
  model: Model<S>,
  opts: CheckOptions,
  pool: SamplePool,
): Promise<CheckResult> {
  const mode = modeOf(opts);
  if (mode !== 'random' && mode !== 'pct')
    throw new Error(`only random and pct checks run on workers (a ${mode} search is sequential)`);
  if (opts.checkpoint || opts.raceCensus) throw new Error('checkpoints and race censuses are for DPOR runs');
  const run = new Run(model, opts);
  const refusal = splitSamplingRefusal(run);
  if (refusal) throw new Error(`cannot split this check over workers: ${refusal}`);
  const complete = await exploreSampleSplit(run, sampleSpecOf(opts), pool);
  return concluded(model, run, opts, mode, complete);
}

/** What a worker needs to run its batches of a random or PCT check. */
export function sampleSpecOf(opts: CheckOptions): SampleSpec {
  const mode = modeOf(opts);
  if (mode !== 'random' && mode !== 'pct') throw new Error(`not a sampling mode: ${mode}`);
  return { mode, seed: opts.seed ?? 1, runs: opts.runs ?? 1000, depth: opts.depth ?? 3 };
}

/** What an execution cut short by the merged search counts for against the minimisation budget. */
const CUT_SHORT_WEIGHT = 0.5;

/**
 * Re-search with preemption bounds 0, 1, ... for a witness with fewer preemptions. One bounded
 * search per bound serves every finding still wanted at that bound: a finding takes the witness
 * its own search would have stopped at (the first one, within `minimizeExecutions`), because the
 * searches would run the same executions in the same order up to that point. The searches merge
 * equivalent prefixes, which finds the same first witness as the plain search when both get
 * that far (bounded.ts).
 */
function minimizePreemptions<S>(model: Model<S>, main: Run<S>, opts: CheckOptions): void {
  // A confirmed prediction shows the deadlock; a probe would find only the prediction again.
  const todo = main.findings.filter((f) => f.preemptions > 0 && f.trace.length > 0 && !f.confirmed);
  const better = new Map<string, Finding>();
  for (let bound = 0; ; bound++) {
    const wanted = todo.filter((f) => f.preemptions > bound && !better.has(f.signature));
    if (!wanted.length) break;
    // The search skips the rest of an execution whose prefix is equivalent to one explored
    // (bounded.ts), which reaches further into the bound for the same work; an execution cut
    // short runs only its prefix, so it counts as half a whole one against the budget (on the
    // built-in matrix that costs what the plain search did, BENCHMARKS.md).
    const budget = opts.minimizeExecutions ?? 2000;
    const probe: Run<S> = new Run(model, {
      maxStepsPerThread: opts.maxStepsPerThread,
      debug: opts.debug,
      maxExecutions: budget,
      shouldStop: () => probe.stats.executions + (probe.stats.merged ?? 0) * CUT_SHORT_WEIGHT >= budget,
    });
    let left = wanted.length;
    exploreBounded(
      probe,
      bound,
      (ex) => {
        if (!ex.raised.length) return false;
        for (const f of wanted) {
          if (better.has(f.signature)) continue;
          const b = probe.getFinding(f.signature);
          if (b) {
            better.set(f.signature, b);
            left--;
          }
        }
        return left === 0;
      },
      { mergePrefixes: true },
    );
  }
  for (const f of todo) {
    const b = better.get(f.signature);
    if (b && b.preemptions < f.preemptions) main.replaceWitness({ ...b, confirmed: f.confirmed });
  }
}

/** Re-run exactly the execution named by a replay token, and report what it shows. */
export function replay<S>(
  model: Model<S>,
  token: string,
  opts: { maxStepsPerThread?: number; debug?: boolean } = {},
) {
  // The model's monitors watch the replay too, so what they found (lockdep, races) shows again;
  // a token of several executions runs them in order, and the findings are those of all of them.
  const all = replayExecutions(model, token, opts, undefined, model.monitors?.() ?? []);
  const ex = all[all.length - 1];
  ex.finish();
  return {
    outcome: ex.outcome,
    findings: all.flatMap((e) => e.raised.map((r) => withoutHistory(r.spec))),
    trace: traceOf(ex),
    preemptions: ex.preemptions,
    execution: ex,
  };
}

/** A raised spec without the tokens of the earlier executions it rests on (run.ts joins them into the token). */
export function withoutHistory(spec: FindingSpec): FindingSpec {
  const { history: _h, ...rest } = spec as FindingSpec & { history?: string[] };
  return rest;
}
