// Naive exhaustive exploration: every interleaving (every runnable thread at every step) and
// every choice value, by plain depth-first search, with no reduction at all.
//
// It is the oracle DPOR is tested against (design.md, soundness rule: for every scenario small
// enough, DPOR's findings must equal a naive exploration's) and the measure of DPOR's
// redundancy: besides findings it counts the distinct Mazurkiewicz traces among the executions,
// the number an optimal DPOR explores. Exponential: use it on small models, with a budget.
//
// `mergePrefixes` trades some independence for reach: a prefix whose Mazurkiewicz trace was met
// before leads to the same state, so its continuations are skipped. Same traces and findings,
// far fewer executions; but, like DPOR, it trusts the engine's access sets, so the plain search
// is the one that checks them.

import { createHash } from 'node:crypto';
import { ACC_COMMUTE, ACC_WRITE, accObj } from '../execution.js';
import type { Model } from '../model.js';
import { Run, type RunStats, type StopReason } from '../run.js';

export interface NaiveOptions {
  /** Stop after this many executions (default 1,000,000); the result is then incomplete. */
  maxExecutions?: number;
  timeLimitMs?: number;
  maxStepsPerThread?: number;
  debug?: boolean;
  /** Skip prefixes equivalent to one already explored (see the file comment). */
  mergePrefixes?: boolean;
  /** Return the set of trace keys, not only their number. */
  keepKeys?: boolean;
}

export interface NaiveResult {
  /** Executions run to their end: one per interleaving and choice vector (fewer when merging). */
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
  /** Executions cut short because their prefix was equivalent to one explored (`mergePrefixes`). */
  merged: number;
  stats: RunStats;
}

/** One decision point of the search (a thread to run or a choice value), and the one taken. */
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
  const seenPrefixes = new Set<string>();
  const path: Decision[] = [];
  /** Index of the decision changed since the last execution: prefixes beyond it are new. */
  let changed = 0;
  let merged = 0;
  let complete = false;
  while (!run.exhausted()) {
    // Replay the current path, then extend it with the first alternative at each new decision.
    let depth = 0;
    const decide = (options: () => number[]): number => {
      if (depth === path.length) path.push({ options: options(), at: 0 });
      const d = path[depth++];
      return d.options[d.at];
    };
    const key = new TraceKeyBuilder();
    const ex = run.execution((t, _k, n) => {
      const v = decide(() => Array.from({ length: n }, (_, i) => i));
      key.choice(t, v);
      return v;
    });
    const alreadySeen = (): boolean => {
      if (!opts.mergePrefixes || depth <= changed) return false;
      const h = createHash('sha1').update(key.key()).digest('base64');
      if (seenPrefixes.has(h)) return true;
      seenPrefixes.add(h);
      return false;
    };
    let cut = alreadySeen();
    while (!ex.finished && !cut) {
      const t = decide(() => ex.runnable());
      key.step(t, ex.stepThread(t));
      cut = !ex.finished && alreadySeen();
    }
    if (cut) {
      ex.stop();
      ex.finish();
      merged++;
    } else {
      keys.add(key.key());
      run.finish(ex);
    }
    // Backtrack: the deepest decision with an alternative left.
    while (path.length && path[path.length - 1].at + 1 >= path[path.length - 1].options.length) path.pop();
    if (!path.length) {
      complete = true;
      break;
    }
    path[path.length - 1].at++;
    changed = path.length - 1;
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
    merged,
    stats: run.stats,
  };
}

/**
 * Canonical key of an execution's Mazurkiewicz trace: two executions get the same key exactly
 * when one can be turned into the other by swapping adjacent independent steps (steps that touch
 * no common object, or only read it, or only update it by commuting updates). Steps' accesses are
 * the engine's: `obj << ACC_SHIFT | write | sync | commute`.
 * A step is named by thread.index: models are deterministic, so what a step does follows from
 * its thread's earlier steps and the values they saw.
 */
export function traceKey(
  schedule: readonly number[],
  accesses: readonly (readonly number[])[],
  choicesByThread: readonly (readonly number[] | undefined)[] = [],
): string {
  const b = new TraceKeyBuilder();
  for (let t = 0; t < choicesByThread.length; t++) for (const v of choicesByThread[t] ?? []) b.choice(t, v);
  for (let i = 0; i < schedule.length; i++) b.step(schedule[i], accesses[i]);
  return b.key();
}

/**
 * Builds a trace key step by step. The key lists each thread's step count and choice values,
 * then, for each object, the steps that touched it in execution order (thread.index and r/w/c);
 * consecutive reads commute, and so do consecutive commuting updates, so each maximal run of
 * either is sorted. The part of an object's sequence up to its current run never changes again
 * and is kept as text.
 */
class TraceKeyBuilder {
  private readonly steps: number[] = [];
  private readonly choices: number[][] = [];
  /** Per object id: the settled text, and the current run of reads (r) or commuting updates (c). */
  private readonly objects: { text: string; run: string[]; kind: 'r' | 'c' }[] = [];

  choice(t: number, v: number): void {
    (this.choices[t] ??= []).push(v);
  }

  step(t: number, accesses: readonly number[]): void {
    const n = this.steps[t] ?? 0;
    this.steps[t] = n + 1;
    const ev = `${t}.${n}`;
    for (const a of accesses) {
      const o = (this.objects[accObj(a)] ??= { text: '', run: [], kind: 'r' });
      const kind = a & ACC_WRITE ? 'w' : a & ACC_COMMUTE ? 'c' : 'r';
      if (kind === o.kind) {
        o.run.push(ev);
        continue;
      }
      if (o.run.length) o.text += `${o.run.sort().join(`${o.kind} `)}${o.kind} `;
      o.run = [];
      if (kind === 'w') o.text += `${ev}w `;
      else {
        o.kind = kind;
        o.run.push(ev);
      }
    }
  }

  key(): string {
    const parts: string[] = [];
    for (let t = 0; t < Math.max(this.steps.length, this.choices.length); t++)
      parts.push(`T${t}:${this.steps[t] ?? 0}c${(this.choices[t] ?? []).join(',')}`);
    this.objects.forEach((o, id) => {
      const run = o.run.length ? `${[...o.run].sort().join(`${o.kind} `)}${o.kind}` : '';
      parts.push(`o${id}:${o.text}${run}`);
    });
    return parts.join('\n');
  }
}
