// Findings as kernel developers read them: lockdep splats for lock findings, KCSAN for data
// races, the might_sleep BUG, and a WARN-style splat for every other kind. Each ends with the
// replay command. Findings without the structured details lockdep records (e.g. the engine's
// own bad-unlock when no monitor is installed) get the same headline and a plainer body.

import { describeWaitFor, type Finding, type TraceStep, type WaitForSummary } from '../engine/index.js';
import type {
  AccessRef,
  AssertHeldDetails,
  BadUnlockDetails,
  CircularDependencyDetails,
  DataRaceDetails,
  DeadlockWitness,
  HeldAtExitDetails,
  RecursiveLockingDetails,
  TaskRef,
} from '../kernel/lockdep/details.js';
import { banner, callTrace, heldLocks, lockCall, lockLine, scenarioTable, taskName } from './lockdep-text.js';

/** The command that re-runs a finding's execution. */
export const replayCommand = (token: string): string => `faultline replay ${token}`;

const details = <T>(f: Finding): Partial<T> =>
  (f.details && typeof f.details === 'object' ? f.details : {}) as Partial<T>;

/** The task a finding happened in: from its details, else the last step of its trace. */
function taskOf(f: Finding): TaskRef | undefined {
  const d = details<{ task: TaskRef }>(f);
  if (d.task) return d.task;
  const last = f.trace[f.trace.length - 1];
  return last ? { name: last.threadName, id: last.thread } : undefined;
}

const whereOf = (f: Finding): string => f.functions?.[0] ?? taskOf(f)?.name ?? '?';

/** The first line of a finding's report, as the kernel would print it. */
export function headline(f: Finding): string {
  switch (f.kind) {
    case 'circular-dependency':
      return 'WARNING: possible circular locking dependency detected';
    case 'recursive-locking':
      return 'WARNING: possible recursive locking detected';
    case 'bad-unlock':
      return 'WARNING: bad unlock balance detected!';
    case 'lock-held-at-exit': {
      if (details<HeldAtExitDetails>(f).when === 'return-to-user')
        return 'WARNING: lock held when returning to user space!';
      const t = taskOf(f);
      return `WARNING: ${t ? taskName(t) : 'task'} still has locks held!`;
    }
    case 'assert-held': {
      const t = taskOf(f);
      return `WARNING: CPU: ${t?.id ?? 0} PID: ${t?.id ?? 0} at ${whereOf(f)}`;
    }
    case 'sleep-in-atomic':
      return 'BUG: sleeping function called from invalid context';
    case 'data-race': {
      const [a, b] = [...(f.functions ?? ['?', '?'])].sort();
      return `BUG: KCSAN: data-race in ${a} / ${b ?? a}`;
    }
    case 'deadlock':
      return `INFO: ${f.title}`;
    case 'livelock':
      return `WARNING: livelock: ${f.title}`;
    case 'oops':
      return `BUG: ${f.title}`;
    case 'assertion':
      return `kernel BUG: ${f.title}`;
    default:
      return `BUG: ${f.kind}: ${f.title}`;
  }
}

/** A finding's full text report. */
export function formatFinding(f: Finding): string {
  let body: string[];
  switch (f.kind) {
    case 'circular-dependency':
      body = circular(f);
      break;
    case 'recursive-locking':
      body = recursive(f);
      break;
    case 'bad-unlock':
      body = badUnlock(f);
      break;
    case 'lock-held-at-exit':
      body = heldAtExit(f);
      break;
    case 'assert-held':
      body = assertHeld(f);
      break;
    case 'sleep-in-atomic':
      body = sleepInAtomic(f);
      break;
    case 'data-race':
      body = dataRace(f);
      break;
    case 'deadlock':
      body = deadlock(f);
      break;
    default:
      body = generic(f);
  }
  body.push('', f.token ? `replay: ${replayCommand(f.token)}` : 'replay: (no execution recorded)');
  return `${body.join('\n')}\n`;
}

// ---- lockdep splats ------------------------------------------------------------------------

function circular(f: Finding): string[] {
  const d = details<CircularDependencyDetails>(f);
  const out = banner(headline(f));
  if (!d.task || !d.trying || !d.holding || !d.cycle?.length) return [...out, ...generic(f, false)];
  const cycle = d.cycle;
  out.push(
    `${taskName(d.task)} is trying to acquire lock:`,
    ` ${lockLine(d.trying)}`,
    '',
    'but task is already holding lock:',
    ` ${lockLine(d.holding)}`,
    '',
    'which lock already depends on the new lock.',
    '',
    '',
    'the existing dependency chain (in reverse order) is:',
  );
  // Entry #i is the class cycle[i] leads to, with the place that edge was first seen; #0 is the
  // lock being acquired now, #m the lock already held.
  for (let i = cycle.length - 1; i >= 0; i--) {
    const e = cycle[i];
    const p = e.first;
    out.push('', `-> #${i} (${e.to})${e.toUsage}:`, ...callTrace(p.api, p.stack));
    out.push(
      `       first seen: ${taskName(p.task)} in ${p.fn}${p.label ? ` [${p.label}]` : ''}, holding ${e.from} ` +
        `(${p.heldApi} in ${p.heldFn}); -(${e.kind})->; execution ${p.execution}, step ${p.step}`,
      `       replay: ${replayCommand(p.token)}`,
    );
  }
  out.push('', 'other info that might help us debug this:', '');
  const m = cycle.length - 1;
  const source = d.trying.cls;
  const target = d.holding.cls;
  const parent = cycle[m].from;
  if (parent !== source) out.push('Chain exists of:', `  ${source} --> ${parent} --> ${target}`, '');
  out.push(
    ...scenarioTable(
      [
        [0, lockCall(target, d.holding.read)],
        [1, lockCall(parent, cycle[m].fromRead)],
        [1, lockCall(target, cycle[m].toRead)],
        [0, lockCall(source, d.trying.read)],
      ],
      2,
    ),
    '',
    ' *** DEADLOCK ***',
    '',
    ...heldLocks(d.task, d.held ?? []),
    '',
    ...confirmation(f, d.confirmedBy),
  );
  return out;
}

/** What the replay command runs, when the token names earlier executions too. */
function replayParts(f: Finding, last: string): string[] {
  const n = f.token.split('+').length;
  if (n < 2) return [];
  const first = n === 2 ? 'the first made an edge' : `the first ${n - 1} made edges`;
  return [
    `replay runs ${n} executions with one lockdep: ${first} of the cycle ` +
      `(lockdep's graph spans executions), the last ${last}`,
  ];
}

function confirmation(f: Finding, w: DeadlockWitness | undefined): string[] {
  if (!f.confirmed || !w)
    return [
      'predicted from the lock graph: no explored execution deadlocked on it (replay shows the acquisition that closed the cycle)',
      ...replayParts(f, 'closes it'),
    ];
  return [
    ...replayParts(f, 'deadlocks'),
    `confirmed: explored execution ${w.execution} deadlocks (replay below):`,
    ...w.blocked.map(
      (b) =>
        `  ${taskName(b.task)} holds ${b.holds.join(', ') || 'nothing'}; ` +
        (b.waitsFor
          ? `waits for ${b.waitsFor}`
          : b.sleepsOn
            ? `sleeps until a condition on ${b.sleepsOn.join(', ')} holds`
            : 'waits for a wake-up'),
    ),
  ];
}

function recursive(f: Finding): string[] {
  const d = details<RecursiveLockingDetails>(f);
  const out = banner(headline(f));
  if (!d.task || !d.trying || !d.holding) return [...out, ...generic(f, false)];
  out.push(
    `${taskName(d.task)} is trying to acquire lock:`,
    ` ${lockLine(d.trying)}`,
    '',
    'but task is already holding lock:',
    ` ${lockLine(d.holding)}`,
    '',
    'other info that might help us debug this:',
    ...scenarioTable(
      [
        [0, lockCall(d.holding.cls, d.holding.read)],
        [0, lockCall(d.trying.cls, d.trying.read)],
      ],
      1,
    ),
    '',
    ' *** DEADLOCK ***',
    '',
    ' May be due to missing lock nesting notation',
    '',
    ...heldLocks(d.task, d.held ?? []),
  );
  if (f.confirmed && d.confirmedBy) out.push('', ...confirmation(f, d.confirmedBy));
  return out;
}

function badUnlock(f: Finding): string[] {
  const d = details<BadUnlockDetails>(f);
  const out = banner(headline(f));
  const task = taskOf(f);
  const cls = d.cls ?? f.locks?.[0] ?? '?';
  out.push(`${task ? taskName(task) : 'task'} is trying to release lock (${cls}) at:`);
  out.push(...(d.stack ? callTrace(d.api, d.stack, '  ') : [`  ${whereOf(f)}`]));
  if (d.reason === 'wrong-mode')
    out.push(
      `but the lock is held for ${modeWord(d.heldMode)} and released for ${modeWord(d.releasedMode)}!`,
    );
  else if (d.reason === 'downgrade-not-write')
    out.push('but it is not held for write, so it cannot be downgraded!');
  else if (d.reason === 'not-held') out.push('but there are no more locks to release!');
  else out.push(f.title);
  if (task && d.held) out.push('', 'other info that might help us debug this:', ...heldLocks(task, d.held));
  return out;
}

const modeWord = (m: string | undefined): string => (m === 'shared' ? 'read' : 'write');

function heldAtExit(f: Finding): string[] {
  const d = details<HeldAtExitDetails>(f);
  const out = banner(headline(f));
  const task = taskOf(f);
  if (d.when === 'return-to-user')
    out.push(`${task ? taskName(task) : 'task'} is leaving the kernel with locks still held!`);
  if (task && d.held?.length) out.push(...heldLocks(task, d.held));
  else out.push(`locks still held: ${(f.locks ?? []).map((l) => `(${l})`).join(', ')}`);
  return out;
}

function assertHeld(f: Finding): string[] {
  const d = details<AssertHeldDetails>(f);
  const out = ['------------[ cut here ]------------', headline(f)];
  const task = taskOf(f);
  const cls = d.cls ?? f.locks?.[0] ?? '?';
  if (d.access) {
    const a = d.access;
    out.push(
      `${a.write ? 'write to' : 'read of'} ${a.location} (${d.api}) needs ${cls} held${d.expected === 'held-exclusive' ? ' for write' : ''}, ` +
        `but it is ${d.actual ? `held for ${modeWord(d.actual)}` : 'not held'}`,
    );
  } else if (d.expected === 'not-held')
    out.push(`${d.api}(${cls}): ${cls} is held (${modeWord(d.actual)}) but must not be`);
  else if (d.expected)
    out.push(
      `${d.api}(${cls}): ${cls} is ${d.actual ? `held for ${modeWord(d.actual)}` : 'not held'}` +
        `${d.expected === 'held-exclusive' ? ', expected held for write' : d.expected === 'held-shared' ? ', expected held for read' : ''}`,
    );
  else out.push(f.title);
  if (d.stack) out.push('Call Trace:', ...callTrace(undefined, d.stack, ' '));
  if (task && d.held) out.push(...heldLocks(task, d.held));
  out.push('---[ end trace ]---');
  return out;
}

function sleepInAtomic(f: Finding): string[] {
  const d = details<{ api: string; preemptCount: number; atomicLocks: string[] }>(f);
  const task = taskOf(f);
  const locks = d.atomicLocks ?? f.locks ?? [];
  const out = [
    `${headline(f)} at ${whereOf(f)}`,
    `in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: ${task?.id ?? '?'}, name: ${task?.name ?? '?'}`,
    `preempt_count: ${d.preemptCount ?? '?'}, expected: 0`,
  ];
  if (d.api) out.push(`${d.api}() may sleep`);
  out.push(
    `${locks.length} spinlock${locks.length === 1 ? '' : 's'} held by ${task ? taskName(task) : 'task'}:`,
    ...locks.map((l, i) => ` #${i}: (${l})`),
    'Preemption disabled at:',
    ` ${whereOf(f)}`,
  );
  return out;
}

// ---- KCSAN ---------------------------------------------------------------------------------

function dataRace(f: Finding): string[] {
  const d = details<DataRaceDetails>(f);
  const bar = '='.repeat(66);
  const out = [bar, headline(f), ''];
  const access = (a: AccessRef) => [
    `${a.write ? 'write' : 'read'}${a.marked ? ' (marked)' : ''} to ${d.location} by task ${taskName(a.task)} (${a.api}):`,
    ...callTrace(undefined, a.stack.length ? a.stack : [a.fn], ' '),
    ...(a.label ? [`  at ${a.label}, step ${a.step}`] : [`  step ${a.step}`]),
  ];
  if (d.accesses) out.push(...access(d.accesses[0]), '', ...access(d.accesses[1]));
  else out.push(f.message ?? f.title);
  out.push('', 'Reported by Kernel Concurrency Sanitizer (faultline happens-before)', bar);
  return out;
}

// ---- engine findings -------------------------------------------------------------------------

interface Blocked {
  thread: string;
  function: string;
  waitsFor: string;
  holds: Array<{ lock: string; mode: string }>;
}

function deadlock(f: Finding): string[] {
  const d = details<{ blocked: Blocked[]; waitFor?: WaitForSummary }>(f);
  const blocked = d.blocked ?? [];
  const out = banner(headline(f));
  for (const b of blocked) {
    const holds = b.holds.map((h) => `${h.lock} (${h.mode})`).join(', ') || 'no locks';
    out.push(`${b.thread} blocked in ${b.function}: waits for ${b.waitsFor}; holds ${holds}`);
  }
  if (d.waitFor) out.push(...describeWaitFor(d.waitFor));
  // The scenario: every task's locks in order, then what each waits for.
  const cpus = Math.min(blocked.length, 4);
  if (cpus > 0) {
    const rows: Array<[number, string]> = [];
    blocked.slice(0, cpus).forEach((b, i) => {
      for (const h of b.holds) rows.push([i, lockCall(h.lock, h.mode === 'shared' ? 1 : 0)]);
    });
    blocked.slice(0, cpus).forEach((b, i) => {
      const m = /^(.*) \((exclusive|shared)\), held by/.exec(b.waitsFor);
      rows.push([
        i,
        m ? `${lockCall(m[1], m[2] === 'shared' ? 1 : 0)}  <blocked>` : `<waits: ${b.waitsFor}>`,
      ]);
    });
    out.push('', ...scenarioTable(rows, cpus, 'Deadlocked tasks'), '', ' *** DEADLOCK ***');
  }
  out.push(...traceTail(f.trace));
  return out;
}

function generic(f: Finding, withBanner = true): string[] {
  const out = withBanner ? ['------------[ cut here ]------------', headline(f)] : [f.title];
  if (f.message) out.push(...f.message.split('\n'));
  if (f.locks?.length) out.push(`locks: ${f.locks.join(', ')}`);
  if (f.functions?.length) out.push(`functions: ${f.functions.join(', ')}`);
  const stack = details<{ stack: string[] }>(f).stack;
  if (f.kind === 'oops' && Array.isArray(stack)) out.push('Call Trace:', ...stack.map((s) => ` ${s}`));
  out.push(...traceTail(f.trace));
  if (withBanner) out.push('---[ end trace ]---');
  return out;
}

/** The last steps of the execution, one line each. */
export function traceTail(trace: readonly TraceStep[], n = 12): string[] {
  if (!trace.length) return [];
  const tail = trace.slice(-n);
  const out = ['', `last ${tail.length} of ${trace.length} steps:`];
  for (const s of tail)
    out.push(
      `  ${String(s.i).padStart(4)} ${s.threadName.padEnd(8)} ${s.fn.padEnd(24)} ${s.op}${s.note ? `  (${s.note})` : ''}`,
    );
  return out;
}
