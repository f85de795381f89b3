// What every explorer shares: one run's object registry and monitors, findings deduplicated by
// signature, statistics, and budgets.

import {
  CheckpointMismatch,
  type CheckpointOptions,
  RUN_CHECKPOINT_FORMAT,
  type RunCheckpoint,
} from './checkpoint.js';
import { EngineAbort, Execution, type Outcome } from './execution.js';
import { type Finding, signatureOf } from './findings.js';
import type { Model, Monitor } from './model.js';
import { type ObjectEntry, ObjectRegistry } from './objects.js';
import type { FindingSpec } from './ops.js';
import { decodeToken, encodeToken, joinTokens, tokenParts } from './token.js';
import { traceOf } from './trace.js';

export interface Budget {
  /** Stop after this many executions. */
  maxExecutions?: number;
  /** Stop after this many milliseconds of wall time. */
  timeLimitMs?: number;
  /** A thread past this many steps in one execution is a livelock finding. */
  maxStepsPerThread?: number;
}

export type StopReason = 'max-executions' | 'time-limit' | 'first-finding' | 'interrupted';

export interface RunStats {
  executions: number;
  steps: number;
  elapsedMs: number;
  /** DPOR executions cut short because every enabled thread was asleep (0 with wakeup trees). */
  sleepBlocked: number;
  /** Longest execution, in steps. */
  maxDepth: number;
  /**
   * Bounded search: executions cut short because their prefix was equivalent to one explored
   * with no more preemptions (not counted in `executions`).
   */
  merged?: number;
  /** How executions ended. */
  outcomes: Partial<Record<Outcome, number>>;
}

export interface Progress {
  executions: number;
  findings: number;
  elapsedMs: number;
  /** The explorer's estimate of the share of its exploration done (DPOR only), 0 to 1. */
  explored?: number;
}

export interface RunOptions extends Budget {
  debug?: boolean;
  stopAtFirstFinding?: boolean;
  onProgress?: (p: Progress) => void;
  /** Polled between executions; return true to stop (e.g. on Ctrl-C). */
  shouldStop?: () => boolean;
  /** Save checkpoints of the run, and go on from one (DPOR only). */
  checkpoint?: CheckpointOptions;
}

export type ChooseFn = (thread: number, k: number, n: number) => number;

export class Run<S = any> {
  readonly registry = new ObjectRegistry();
  readonly monitors: Monitor[];
  readonly stats: RunStats = {
    executions: 0,
    steps: 0,
    elapsedMs: 0,
    sleepBlocked: 0,
    maxDepth: 0,
    outcomes: {},
  };
  stopReason: StopReason | undefined;
  private readonly found = new Map<string, Finding>();
  private readonly started = performance.now();
  private lastProgress = 0;
  /** Wall time of the earlier parts of a resumed run. */
  private readonly priorMs: number = 0;
  private lastCheckpoint = performance.now();
  /** The explorer's state from the checkpoint resumed, taken once by the explorer. */
  private resumeState: unknown;
  /**
   * Set by an explorer that can estimate the share of its exploration done so far (DPOR): read
   * between executions and in progress reports.
   */
  explored: (() => number) | undefined;

  constructor(
    readonly model: Model<S>,
    readonly opts: RunOptions,
  ) {
    this.monitors = model.monitors?.() ?? [];
    // Checked before the first execution, not at the first save a minute in.
    if (opts.checkpoint)
      this.monitors.forEach((m, i) => {
        if (!m.saveRun || !m.restoreRun)
          throw new CheckpointMismatch(
            `monitor #${i} of model '${model.name}' cannot be checkpointed (it has no saveRun and restoreRun)`,
          );
      });
    const cp = opts.checkpoint?.resume;
    if (cp) {
      this.restore(cp);
      this.priorMs = cp.elapsedMs;
      this.resumeState = cp.explorer;
    }
  }

  private restore(cp: RunCheckpoint): void {
    if (cp.format !== RUN_CHECKPOINT_FORMAT)
      throw new CheckpointMismatch(`not a run checkpoint (format '${String(cp.format)}')`);
    if (cp.model !== this.model.name)
      throw new CheckpointMismatch(`checkpoint of model '${cp.model}', not '${this.model.name}'`);
    const code = this.opts.checkpoint?.code ?? null;
    if ((cp.code ?? null) !== code)
      throw new CheckpointMismatch(
        `checkpoint taken with other model code (fingerprint ${cp.code ?? 'none'}, now ${code ?? 'none'}): ` +
          'its path may not exist in this model; start afresh',
      );
    if (cp.monitors.length !== this.monitors.length)
      throw new CheckpointMismatch(
        `checkpoint has ${cp.monitors.length} monitor states, the model has ${this.monitors.length} monitors`,
      );
    this.registry.restore(cp.registry);
    Object.assign(this.stats, structuredClone(cp.stats));
    for (const f of cp.findings) this.found.set(f.signature, structuredClone(f));
    for (let i = 0; i < this.monitors.length; i++) this.monitors[i].restoreRun!(cp.monitors[i]);
  }

  /**
   * Start from another run's state (a worker exploring ahead, dpor-speculation.ts): its objects,
   * what its monitors keep, and its findings as far as deduplication needs them (signature and
   * preemptions).
   */
  adopt(s: { registry: ObjectEntry[]; monitors: unknown[]; found: [string, number][] }): void {
    this.registry.restore(s.registry);
    // A copy each: the same snapshot starts several jobs, and a monitor may keep what it is given.
    for (let i = 0; i < this.monitors.length; i++)
      this.monitors[i].restoreRun?.(structuredClone(s.monitors[i]));
    for (const [signature, preemptions] of s.found)
      this.found.set(signature, { signature, preemptions } as Finding);
  }

  /** The explorer's saved state when this run resumes a checkpoint (once; later calls: undefined). */
  takeResumeState(): unknown {
    const s = this.resumeState;
    this.resumeState = undefined;
    return s;
  }

  /**
   * Between executions: save a checkpoint if one is due (`final`: the run stops here, always save).
   * `explorer` gives the explorer's state as plain JSON, sharing nothing with its live state.
   */
  checkpoint(explorer: () => unknown, final = false): void {
    const c = this.opts.checkpoint;
    if (!c) return;
    const now = performance.now();
    if (!final && now - this.lastCheckpoint < (c.everyMs ?? 60_000)) return;
    this.lastCheckpoint = now;
    const monitors = this.monitors.map((m) => m.saveRun!());
    c.save({
      format: RUN_CHECKPOINT_FORMAT,
      model: this.model.name,
      code: c.code ?? null,
      elapsedMs: this.elapsed(),
      stats: structuredClone(this.stats),
      registry: this.registry.entries(),
      findings: structuredClone(this.findings),
      monitors,
      explorer: explorer(),
      ...(this.explored ? { explored: this.explored() } : {}),
    });
  }

  execution(choose: ChooseFn, keepTrace = false): Execution<S> {
    return new Execution(this.model, {
      registry: this.registry,
      choose,
      monitors: this.monitors,
      maxStepsPerThread: this.opts.maxStepsPerThread,
      debug: this.opts.debug,
      keepTrace,
    });
  }

  /** Account for a finished execution and collect its findings. */
  finish(ex: Execution<S>): void {
    ex.finish();
    this.count(ex.schedule.length, ex.outcome);
    if (ex.raised.length) this.collect(ex);
    this.progress();
  }

  /**
   * Account for an execution that ran elsewhere (a worker thread) and left nothing to collect:
   * no finding, no new object, nothing a monitor keeps across executions changed.
   */
  counted(steps: number, outcome: Outcome): void {
    for (const m of this.monitors) m.skipExecution?.();
    this.count(steps, outcome);
    this.progress();
  }

  private count(steps: number, outcome: Outcome): void {
    const st = this.stats;
    st.executions++;
    st.steps += steps;
    if (steps > st.maxDepth) st.maxDepth = steps;
    st.outcomes[outcome] = (st.outcomes[outcome] ?? 0) + 1;
  }

  private progress(): void {
    const st = this.stats;
    if (this.opts.onProgress) {
      const now = performance.now();
      if (now - this.lastProgress > 200) {
        this.lastProgress = now;
        this.opts.onProgress({
          executions: st.executions,
          findings: this.found.size,
          elapsedMs: this.priorMs + now - this.started,
          ...(this.explored ? { explored: this.explored() } : {}),
        });
      }
    }
  }

  private collect(ex: Execution<S>): void {
    const token = encodeToken(ex.schedule, ex.choices);
    let traced: Execution<S> | undefined;
    for (const r of ex.raised) {
      // A monitor's finding may rest on earlier executions (`history`: their tokens), replayed first.
      const { history, ...spec } = r.spec as FindingSpec & { history?: string[] };
      const signature = signatureOf(spec);
      const old = this.found.get(signature);
      if (old && old.preemptions <= ex.preemptions) continue;
      // Traces are rebuilt by replaying the execution with step records on (the fast path keeps none).
      traced ??= ex.records.length ? ex : replayExecution(this.model, token, this.opts, this.registry);
      const f: Finding = {
        ...spec,
        signature,
        token: history?.length ? joinTokens([...history, token]) : token,
        trace: traceOf(traced, r.at),
        preemptions: ex.preemptions,
        threads: ex.threads.map((t) => t.name),
      };
      if (old) f.confirmed = old.confirmed;
      this.found.set(signature, f);
      this.witnessChanges++;
    }
  }

  /** Findings collected or given a better witness from executions so far (sample-split.ts). */
  witnessChanges = 0;

  /**
   * Findings known only from the whole run (monitors' predictions). A spec may carry the `token`
   * of the execution that shows it (its trace is rebuilt by replay, up to step `at` if given) and
   * `confirmed`; a confirmed spec replaces an unconfirmed finding of the same signature.
   */
  collectRunEnd(): void {
    for (const m of this.monitors) {
      for (const spec of m.endRun?.() ?? []) {
        const signature = signatureOf(spec);
        const { token, confirmed, at, ...plain } = spec as FindingSpec & {
          token?: string;
          confirmed?: boolean;
          at?: number;
        };
        const old = this.found.get(signature);
        if (old && (old.confirmed || !confirmed)) continue;
        const f: Finding = {
          ...plain,
          signature,
          token: token ?? '',
          trace: [],
          preemptions: 0,
          threads: this.model.threads.map((t) => t.name),
        };
        if (confirmed) f.confirmed = true;
        if (token) {
          try {
            const ex = replayExecution(this.model, token, this.opts, this.registry);
            f.trace = traceOf(ex, at);
            f.preemptions = ex.preemptions;
            f.threads = ex.threads.map((t) => t.name);
          } catch (e) {
            if (!(e instanceof ReplayMismatch)) throw e;
          }
        }
        this.found.set(signature, f);
      }
    }
  }

  get findings(): Finding[] {
    return [...this.found.values()];
  }

  get findingCount(): number {
    return this.found.size;
  }

  hasSignature(sig: string): boolean {
    return this.found.has(sig);
  }

  getFinding(sig: string): Finding | undefined {
    return this.found.get(sig);
  }

  /** Replace a finding's witness with a better one (fewer preemptions). */
  replaceWitness(f: Finding): void {
    this.found.set(f.signature, f);
  }

  /** Checked between executions: a budget reached, a stop requested, or the first finding. */
  exhausted(): boolean {
    if (this.stopReason) return true;
    const o = this.opts;
    if (o.maxExecutions !== undefined && this.stats.executions >= o.maxExecutions)
      this.stopReason = 'max-executions';
    else if (o.timeLimitMs !== undefined && performance.now() - this.started >= o.timeLimitMs)
      this.stopReason = 'time-limit';
    else if (o.stopAtFirstFinding && this.found.size > 0) this.stopReason = 'first-finding';
    else if (o.shouldStop?.()) this.stopReason = 'interrupted';
    return this.stopReason !== undefined;
  }

  /** Wall time of the run, earlier parts of a resumed run included. */
  elapsed(): number {
    return this.priorMs + performance.now() - this.started;
  }
}

export class ReplayMismatch extends EngineAbort {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayMismatch';
  }
}

/**
 * Run the executions a token names, with step records, and return them in order. The parts before
 * the last only feed the monitors (lockdep's graph spans executions), so without monitors only the
 * last runs; each earlier one is finished (its monitors' endExecution called), the last is not.
 */
export function replayExecutions<S>(
  model: Model<S>,
  token: string,
  opts: { maxStepsPerThread?: number; debug?: boolean } = {},
  registry = new ObjectRegistry(),
  monitors: Monitor[] = [],
  /** Leave the last execution open after the token's steps (to step on by hand). */
  open = false,
): Execution<S>[] {
  const parts = tokenParts(token);
  const out: Execution<S>[] = [];
  for (let i = monitors.length ? 0 : parts.length - 1; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const ex = replayOne(model, parts[i], opts, registry, monitors, last && open);
    if (!last) ex.finish();
    out.push(ex);
  }
  return out;
}

/** Run exactly the execution a token names (its last part), with step records, and return it. */
export function replayExecution<S>(
  model: Model<S>,
  token: string,
  opts: { maxStepsPerThread?: number; debug?: boolean } = {},
  registry = new ObjectRegistry(),
  monitors: Monitor[] = [],
  /** Leave the execution open after the token's steps (to step on by hand). */
  open = false,
): Execution<S> {
  return replayExecutions(model, token, opts, registry, monitors, open).at(-1)!;
}

function replayOne<S>(
  model: Model<S>,
  token: string,
  opts: { maxStepsPerThread?: number; debug?: boolean },
  registry: ObjectRegistry,
  monitors: Monitor[],
  open: boolean,
): Execution<S> {
  const { schedule, choices } = decodeToken(token);
  let ci = 0;
  const ex = new Execution(model, {
    registry,
    monitors,
    maxStepsPerThread: opts.maxStepsPerThread,
    debug: opts.debug,
    keepTrace: true,
    choose: (_t, _k, n) => {
      if (ci >= choices.length)
        throw new ReplayMismatch(`token has ${choices.length} choices but the model asks for more`);
      const v = choices[ci++];
      if (v >= n)
        throw new ReplayMismatch(`token choice #${ci} is ${v} but the model offers only ${n} values`);
      return v;
    },
  });
  for (let i = 0; i < schedule.length; i++) {
    const t = schedule[i];
    if (ex.finished)
      throw new ReplayMismatch(`token schedules ${schedule.length} steps but the execution ended after ${i}`);
    if (!ex.isRunnable(t))
      throw new ReplayMismatch(
        `token picks thread ${t} at step ${i} but it is not runnable (runnable: ${ex.runnable().join(', ') || 'none'})`,
      );
    ex.stepThread(t);
  }
  if (!open && ex.outcome === 'running') ex.stop();
  return ex;
}
