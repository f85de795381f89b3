// Single-thread runs of the DAX model on ext4, reduced to the events the reference's sequences
// name (2.8): sleeping locks by short name, journal handle starts/stops, and the block-map,
// i_size and pmem-zeroing writes. Spinlocks (ptl, pmd lock) and the MMU walk are left out.

import { describeOp, Execution } from '../../../src/engine/index.js';
import { ObjectRegistry } from '../../../src/engine/objects.js';
import { buildModel, type Scenario } from '../../../src/workload/index.js';
import { runSequentially, type SequenceStep } from '../../../src/workload/sequence.js';

const SHORT: Record<string, string> = {
  '&ei->i_data_sem': 'i_data_sem',
  '&mapping->i_mmap_rwsem': 'i_mmap',
  '&mm->mmap_sem': 'mmap_sem',
  '&sb->s_type->i_mutex_key': 'i_mutex',
  sb_pagefaults: 'SBPF',
  PG_locked: 'PL',
};

/** One step as a short event, or null when the sequences do not name it. */
export function eventOf(s: SequenceStep): string | null {
  const lock = /^(\w+)\((.*)\)$/.exec(s.op);
  if (lock) {
    const [, api, cls] = lock;
    const name = SHORT[cls];
    if (!name) return null;
    switch (api) {
      case 'down_read':
        return `R(${name})`;
      case 'up_read':
        return `uR(${name})`;
      case 'down_write':
        return `W(${name})`;
      case 'up_write':
        return `uW(${name})`;
      case 'mutex_lock':
        return name;
      case 'mutex_unlock':
        return `u(${name})`;
      case 'sb_start_pagefault':
        return 'SBPF';
      case 'sb_end_pagefault':
        return 'uSBPF';
      case 'lock_page':
      case 'lock_page_or_retry':
      case '__set_page_locked':
        return 'PL';
      case 'trylock_page':
        return 'tryPL';
      case 'unlock_page':
        return 'uPL';
      default:
        return null;
    }
  }
  // a handle start that finds the transaction locked for commit, and sleeps
  if (s.op === 'wait_transaction_locked sb->s_journal.j_wait_transaction_locked') return 'J-wait';
  // the commit checks t_updates, and sleeps until the last handle stops
  if (s.op === 'prepare_to_wait sb->s_journal.j_wait_updates') return 'commit-wait';
  if (
    s.op.startsWith('update sb->s_journal.j_running_transaction') || // both of its cells
    s.op.endsWith(': current->journal_info')
  ) {
    if (s.fn === 'jbd2__journal_start') return 'J';
    if (s.fn === 'ext4_journal_stop') return 'uJ';
    if (s.fn === 'jbd2_journal_commit_transaction') return 'commit';
  }
  const block = /^write block\[(\d+)\] = (.*)$/.exec(s.op);
  if (block) return `block${block[1]}=${(JSON.parse(block[2]) as { kind: string }).kind}`;
  const size = /^write i_size = (\d+)$/.exec(s.op);
  if (size) return `i_size=${size[1]}`;
  if (/^write pmem\[\d+\] = 0$/.test(s.op) && (s.fn === 'dax_insert_mapping' || s.fn === '__dax_pmd_fault'))
    return 'zero';
  return null;
}

export interface Run {
  outcome: string;
  findings: string[];
  steps: SequenceStep[];
  /** Every event of every thread, in order. */
  events: string[];
  /** Events of one thread. */
  of(thread: string): string[];
}

export const shared = (id = 'm', process = 'p1', huge = false) => ({ id, process, shared: true, huge });

/** Runs the scenario on ext4 at `kernel`, threads one after the other. */
export function runExt4(kernel: string, s: Omit<Scenario, 'name'> & { name?: string }): Run {
  const r = runSequentially(buildModel({ name: 'sequence', ...s }, { kernel, fs: 'ext4' }));
  const ev = (steps: SequenceStep[]) => steps.map(eventOf).filter((e): e is string => e !== null);
  return {
    outcome: r.outcome,
    findings: r.findings,
    steps: r.steps,
    events: ev(r.steps),
    of: (thread) => ev(r.steps.filter((x) => x.thread === thread)),
  };
}

/** The functions a run passed through (innermost frame of each step), in first-seen order. */
export function functionsOf(run: Run): string[] {
  return [...new Set(run.steps.map((s) => s.fn))];
}

export const VERSIONS_43_ON = [
  'v4.3-rc1',
  'v4.3-rc5',
  'revert-v2',
  'revert-v3',
  'revert-v4-1of2',
  'v4.3',
  'v4.4',
];

// ---- driving one interleaving by hand -------------------------------------------------------

/** A phase of a hand-driven schedule: run `thread` until `until` holds after one of its steps,
 *  or (with `blocked`) until it can run no more. */
export type Phase =
  | { thread: string; until: (ev: string | null, s: SequenceStep) => boolean }
  | { thread: string; blocked: true };

export interface Driven {
  outcome: string;
  token: string;
  events: { thread: string; ev: string }[];
  /** What each blocked thread waits for (the engine's description). */
  waits: Record<string, string>;
  findings: string[];
}

/** Runs the scenario on ext4 at `kernel` following `phases`, then lets the rest run in thread
 *  order. Throws if a phase cannot complete (its thread blocks or ends first). */
export function drive(kernel: string, s: Omit<Scenario, 'name'>, phases: Phase[]): Driven {
  const model = buildModel({ name: 'driven', ...s }, { kernel, fs: 'ext4', monitors: false });
  const ex = new Execution(model, { registry: new ObjectRegistry(), choose: () => 0, keepTrace: true });
  const byName = (n: string) => {
    const t = ex.threads.findIndex((x) => x.name === n);
    if (t < 0) throw new Error(`no thread ${n}`);
    return t;
  };
  const events: { thread: string; ev: string }[] = [];
  const stepOnce = (t: number) => {
    const before = ex.records.length;
    ex.stepThread(t);
    let last: { ev: string | null; s: SequenceStep } | undefined;
    for (const r of ex.records.slice(before)) {
      const s = { thread: ex.threadName(r.thread), fn: r.fn, op: describeOp(r.op) };
      const ev = eventOf(s);
      if (ev) events.push({ thread: s.thread, ev });
      last = { ev, s };
    }
    return last;
  };
  for (const p of phases) {
    const t = byName(p.thread);
    for (;;) {
      if (!ex.isRunnable(t)) {
        if ('blocked' in p) break;
        throw new Error(`phase of ${p.thread} cannot complete: it is ${ex.threadStatus(t)}`);
      }
      const last = stepOnce(t);
      if (!('blocked' in p) && last && p.until(last.ev, last.s)) break;
    }
  }
  while (!ex.finished) {
    const r = ex.runnable();
    if (!r.length) break;
    stepOnce(r[0]);
  }
  ex.finish();
  const waits: Record<string, string> = {};
  for (const th of ex.threads)
    if (ex.threadStatus(th.id) === 'blocked') waits[th.name] = ex.describeWait(th.id);
  return {
    outcome: ex.outcome,
    token: ex.token(),
    events,
    waits,
    findings: ex.raised.map((f) => `${f.spec.kind}: ${f.spec.title}`),
  };
}
