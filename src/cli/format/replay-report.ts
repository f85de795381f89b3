// The output of `faultline replay`, in each format. --explain narrates the execution in CPU
// columns: each step under its CPU, the model function it runs in, and the locks the CPU holds
// whenever that changes.

import type { Finding, TraceFileStep } from '../../engine/index.js';
import type { LockRef } from '../../kernel/index.js';
import { heldLocks } from '../../report/lockdep-text.js';
import type { Provider } from '../provider.js';
import type { ReplayResult } from '../replay.js';
import { plain, type Style } from '../style.js';
import type { Target } from '../target.js';
import type { Format } from './check-report.js';
import { colourReport } from './check-report.js';
import { cpuTable, traceRows } from './cpu-table.js';
import { findingMarkdown, findingReport } from './findings.js';
import { cellText, stepsTable } from './markdown.js';
import { findingMermaid } from './mermaid.js';

export interface ReplayReport {
  provider: Provider;
  target: Target;
  token: string;
  result: ReplayResult;
}

/**
 * The locks a CPU holds. With lockdep's list: in its order (the order taken), with the lockdep maps
 * no engine lock stands for (a jbd2 handle is a `jbd2_handle` hold only to lockdep), then the locks
 * lockdep does not see (the page lock).
 */
function heldText(h: TraceFileStep['held'][number], lockdep?: readonly LockRef[]): string {
  const mode = (read: boolean) => (read ? ' (read)' : '');
  let all: string[];
  if (!lockdep) all = h.map((x) => `${x.cls}${mode(x.mode === 'shared')}`);
  else {
    const engine = new Set(h.map((x) => x.cls));
    const seen = new Set(lockdep.map((l) => l.cls));
    all = [
      ...lockdep.map((l) => `${l.cls}${mode(l.read !== 0)}${engine.has(l.cls) ? '' : ' (lockdep map)'}`),
      ...h
        .filter((x) => !seen.has(x.cls))
        .map((x) => `${x.cls}${mode(x.mode === 'shared')} (not in lockdep)`),
    ];
  }
  return all.length ? all.join(', ') : 'nothing';
}

/** The narrative rows: each step, and a `holds:` line when the stepping CPU's locks changed. */
export function explainLines(
  steps: readonly TraceFileStep[],
  threads: readonly string[],
  style: Style,
  lockdepHeld?: readonly (readonly LockRef[][])[],
): string[] {
  const last = threads.map(() => 'nothing');
  const byStep = new Map(steps.map((s) => [s.i, s]));
  const rows = traceRows(steps, (s) => {
    const full = byStep.get(s.i)!;
    const now = heldText(full.held[s.thread] ?? [], lockdepHeld && (lockdepHeld[s.i]?.[s.thread] ?? []));
    if (now === last[s.thread]) return undefined;
    last[s.thread] = now;
    return now;
  });
  return cpuTable(rows, { threads, dim: style.dim, bold: style.bold });
}

function describeOutcome(r: ReplayResult, steps: number | undefined): string {
  const what: Record<string, string> = {
    done: 'every thread ran to its end',
    deadlock: 'deadlock: threads blocked forever',
    failed: 'a check or assertion failed',
    oops: 'model code threw (oops)',
    livelock: 'a thread ran past its step bound',
    stopped: 'stopped where the token ends',
    running: 'still running',
  };
  const len = steps !== undefined ? ` after ${steps} steps` : '';
  return `outcome: ${what[r.outcome] ?? r.outcome}${len}, ${r.preemptions} preemption${r.preemptions === 1 ? '' : 's'}`;
}

export function replayText(rep: ReplayReport, style: Style = plain): string {
  const { target: t, result: r } = rep;
  const out = [
    style.bold(`faultline replay: scenario ${t.scenario.name}, kernel ${t.kernel.name}, fs ${t.fs}`),
    `token: ${rep.token}`,
    describeOutcome(r, r.steps?.length),
  ];
  if (r.executions > 1)
    out.push(
      `the token names ${r.executions} executions: ${r.executions === 2 ? 'the first only builds' : `the first ${r.executions - 1} only build`} lockdep's graph, the last is shown`,
    );
  if (r.steps) {
    out.push('', ...explainLines(r.steps, r.threads, style, r.lockdepHeld));
    const end = r.steps[r.steps.length - 1];
    const lockdepEnd = r.lockdepHeld?.[r.steps.length - 1];
    if (end) {
      out.push('', 'held at the end:');
      r.threads.forEach((name, i) => {
        out.push(
          `  CPU${i} (${name}): ${heldText(end.held[i] ?? [], lockdepEnd && (lockdepEnd[i] ?? []))}   [${end.status[i]}]`,
        );
      });
    }
    if (lockdepEnd) {
      out.push(
        '',
        "lockdep's held locks at the end (what a splat lists; lockdep does not see the page lock):",
      );
      r.threads.forEach((name, i) => {
        out.push(...heldLocks({ name, id: i }, lockdepEnd[i] ?? []).map((l) => `  ${l}`));
      });
    }
  }
  for (const f of r.findings)
    out.push(
      '',
      ...colourReport(findingReport(f, rep.provider, t), style)
        .trimEnd()
        .split('\n'),
    );
  for (const p of r.predicted)
    out.push(
      '',
      style.yellow(`predicted from this execution: [${p.kind}] ${p.title}`),
      ...(p.message ? [p.message] : []),
    );
  out.push(
    '',
    r.findings.length ? style.red(`${r.findings.length} finding(s) reproduced`) : style.green('no findings'),
  );
  return `${out.join('\n')}\n`;
}

/** A step of the JSON output, with lockdep's held-lock list of each thread after it (class and read). */
function withLockdep(st: TraceFileStep, lockdep: LockRef[][] | undefined) {
  if (!lockdep) return st;
  return {
    ...st,
    lockdep: st.held.map((_, t) => (lockdep[t] ?? []).map((l) => ({ cls: l.cls, read: l.read }))),
  };
}

function wholeExecution(rep: ReplayReport): Finding {
  const r = rep.result;
  const trace = r.steps ?? r.findings[0]?.trace ?? [];
  const locks = new Set<string>();
  for (const s of r.steps ?? []) for (const h of s.held) for (const x of h) locks.add(x.cls);
  for (const f of r.findings) for (const l of f.locks ?? []) locks.add(l);
  return {
    kind: 'replay',
    title: `${rep.target.scenario.name} on ${rep.target.kernel.name}/${rep.target.fs}: ${r.outcome}`,
    locks: [...locks],
    signature: '',
    token: rep.token,
    trace,
    preemptions: r.preemptions,
    threads: r.threads,
  };
}

export function renderReplay(rep: ReplayReport, format: Format, style: Style): string {
  const r = rep.result;
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        {
          scenario: rep.target.scenario.name,
          kernel: rep.target.kernel.name,
          fs: rep.target.fs,
          token: rep.token,
          outcome: r.outcome,
          preemptions: r.preemptions,
          threads: r.threads,
          findings: r.findings,
          predicted: r.predicted,
          executions: r.executions,
          ...(r.steps ? { steps: r.steps.map((st, i) => withLockdep(st, r.lockdepHeld?.[i])) } : {}),
        },
        null,
        2,
      )}\n`;
    case 'markdown': {
      const out = [
        `## faultline replay: \`${rep.target.scenario.name}\` on ${rep.target.kernel.name} / ${rep.target.fs}`,
        '',
      ];
      out.push(`Token \`${rep.token}\`; ${describeOutcome(r, r.steps?.length)}.`, '');
      if (r.steps) {
        out.push(...stepsTable(r.steps, r.threads), '');
        out.push('Held at the end:', '');
        const end = r.steps[r.steps.length - 1];
        r.threads.forEach((name, i) => {
          out.push(`- CPU${i} (${cellText(name)}): ${end ? heldText(end.held[i] ?? []) : 'nothing'}`);
        });
        out.push('');
      }
      for (const f of r.findings) out.push(findingMarkdown(f, rep.provider, rep.target));
      return `${out.join('\n')}\n`;
    }
    case 'mermaid':
      return `${findingMermaid(wholeExecution(rep), 200).join('\n')}\n`;
    default:
      return replayText(rep, style);
  }
}
