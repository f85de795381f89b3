// Naive exhaustive exploration: every interleaving (every runnable thread at every step) and
// every choice value, by plain depth-first search, with no reduction at all.
//
// It is the oracle DPOR is tested against (design.md, soundness rule: for every scenario small
// enough, DPOR's findings must equal a naive exploration's) and the measure of DPOR's
// redundancy: besides findings it counts the distinct Mazurkiewicz traces among the executions,
// the number an optimal DPOR explores. Exponential: use it on small models, with a budget.

import { ACC_WRITE } from '../execution.js';
import type { Model } from '../model.js';
import { Run, type RunStats, type StopReason } from '../run.js';

export interface NaiveOptions {
  /** Stop after this many executions (default 1,000,000); the result is then incomplete. */
  maxExecutions?: number;
  timeLimitMs?: number;
  maxStepsPerThread?: number;
  debug?: boolean;
  /** Return the set of trace keys, not only their number. */
  keepKeys?: boolean;
}

export interface NaiveResult {
  /** Executions run: one per interleaving and choice vector. */
  executions: number;
  /** Distinct Mazurkiewicz traces among them. */
  traces: number;
  /** The trace keys, when asked for with `keepKeys`. */
  keys?: Set<string>;
  /** Finding signature -> replay token of a witness with the fewest preemptions. */
  findings: Map<string, string>;
  /** True when every interleaving was explored. */
  complete: boolean;
  stopReason?: StopReason;
  stats: RunStats;
}

/** One decision point of the search: the alternatives there and the one being explored. */
interface Decision {
  options: number[];
  at: number;
}

export function exploreNaive<S>(model: Model<S>, opts: NaiveOptions = {}): NaiveResult {
  const run = new Run(model, {
    maxExecutions: opts.maxExecutions ?? 1_000_000,
    timeLimitMs: opts.timeLimitMs,
    maxStepsPerThread: opts.maxStepsPerThread,
    debug: opts.debug,
  });
  const keys = new Set<string>();
  const path: Decision[] = [];
  let complete = false;
  while (!run.exhausted()) {
    // Replay the current path, then extend it with the first alternative at each new decision.
    let depth = 0;
    const decide = (options: () => number[]): number => {
      if (depth === path.length) path.push({ options: options(), at: 0 });
      const d = path[depth++];
      return d.options[d.at];
    };
    const choices: number[][] = [];
    const ex = run.execution((t, _k, n) => {
      const v = decide(() => Array.from({ length: n }, (_, i) => i));
      (choices[t] ??= []).push(v);
      return v;
    });
    while (!ex.finished) ex.stepThread(decide(() => ex.runnable()));
    keys.add(traceKey(ex.schedule, ex.accesses, choices));
    run.finish(ex);
    // Backtrack: the deepest decision with an alternative left.
    while (path.length && path[path.length - 1].at + 1 >= path[path.length - 1].options.length) path.pop();
    if (!path.length) {
      complete = true;
      break;
    }
    path[path.length - 1].at++;
  }
  run.collectRunEnd();
  run.stats.elapsedMs = run.elapsed();
  return {
    executions: run.stats.executions,
    traces: keys.size,
    ...(opts.keepKeys ? { keys } : {}),
    findings: new Map(run.findings.map((f) => [f.signature, f.token])),
    complete,
    ...(run.stopReason ? { stopReason: run.stopReason } : {}),
    stats: run.stats,
  };
}

/**
 * Canonical key of an execution's Mazurkiewicz trace: two executions get the same key exactly
 * when one can be turned into the other by swapping adjacent independent steps (steps that touch
 * no common object, or only read it).
 *
 * The key lists each thread's steps (their accesses) and choice values, then, for each object,
 * the steps that touched it in execution order, as thread.index and r/w. Consecutive reads commute,
 * so each maximal run of reads is sorted.
 */
export function traceKey(
  schedule: readonly number[],
  accesses: readonly (readonly number[])[],
  choicesByThread: readonly (readonly number[] | undefined)[] = [],
): string {
  const perThread: string[][] = [];
  const perObject = new Map<number, { ev: string; write: boolean }[]>();
  for (let i = 0; i < schedule.length; i++) {
    const t = schedule[i];
    const steps = (perThread[t] ??= []);
    const ev = `${t}.${steps.length}`;
    steps.push(accesses[i].join('+'));
    for (const a of accesses[i]) {
      const obj = a >>> 2;
      let seq = perObject.get(obj);
      if (!seq) perObject.set(obj, (seq = []));
      seq.push({ ev, write: (a & ACC_WRITE) !== 0 });
    }
  }
  const parts: string[] = [];
  for (let t = 0; t < Math.max(perThread.length, choicesByThread.length); t++)
    parts.push(`T${t}[${(perThread[t] ?? []).join(' ')}]c[${(choicesByThread[t] ?? []).join(',')}]`);
  for (const obj of [...perObject.keys()].sort((a, b) => a - b)) {
    const seq = perObject.get(obj)!;
    const out: string[] = [];
    let reads: string[] = [];
    const flush = () => {
      if (reads.length) out.push(...reads.sort().map((r) => `${r}r`));
      reads = [];
    };
    for (const { ev, write } of seq) {
      if (!write) {
        reads.push(ev);
        continue;
      }
      flush();
      out.push(`${ev}w`);
    }
    flush();
    parts.push(`o${obj}:${out.join(' ')}`);
  }
  return parts.join('\n');
}
