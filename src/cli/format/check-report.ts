// The output of `faultline check`, in each format.

import type { CheckResult, Finding } from '../../engine/index.js';
import { duration, ESTIMATE_CAVEAT, sharePercent } from '../progress.js';
import type { Provider } from '../provider.js';
import { plain, type Style } from '../style.js';
import type { Target } from '../target.js';
import {
  deadlockCore,
  deadlocksByCore,
  findingJson,
  findingMarkdown,
  findingReport,
  sameDeadlockNote,
} from './findings.js';
import { findingMermaid } from './mermaid.js';

export type Format = 'text' | 'json' | 'markdown' | 'mermaid';
export const FORMATS: readonly Format[] = ['text', 'json', 'markdown', 'mermaid'];

export interface CheckReport {
  provider: Provider;
  target: Target;
  result: CheckResult;
  interrupted: boolean;
  /** Only these findings are shown (`--finding N`); all when undefined. */
  only?: number;
}

export function shownFindings(r: CheckReport): { n: number; f: Finding }[] {
  const all = r.result.findings.map((f, i) => ({ n: i + 1, f }));
  return r.only === undefined ? all : all.filter((x) => x.n === r.only);
}

const preemptions = (n: number): string => `${n} preemption${n === 1 ? '' : 's'}`;

/** What a finished bounded search covers, and that it proves nothing beyond its bound. */
function boundedCoverage(bound: number): string {
  return `every schedule with at most ${preemptions(bound)} covered (not a proof of absence beyond that bound)`;
}

function coverage(r: CheckResult): string {
  const s = r.stats;
  const cut = s.merged
    ? ` (and ${s.merged.toLocaleString('en-US')} cut short: equivalent to one explored)`
    : '';
  const what = `${s.executions.toLocaleString('en-US')} execution${s.executions === 1 ? '' : 's'}${cut}`;
  const time = `${(s.elapsedMs / 1000).toFixed(1)} s`;
  if (r.complete && r.maxPreemptions !== undefined)
    return `${what} in ${time}, ${boundedCoverage(r.maxPreemptions)}`;
  if (r.complete) return `${what} in ${time}, every interleaving covered`;
  const why: Record<string, string> = {
    'max-executions': 'stopped at the execution budget',
    'time-limit': 'stopped at the time limit',
    interrupted: 'interrupted',
    'first-finding': 'stopped at the first finding',
  };
  const mode = r.mode === 'random' || r.mode === 'pct' ? `${r.mode} sampling` : 'incomplete';
  return `${what} in ${time}, ${r.stopReason ? why[r.stopReason] : mode} (not a proof of absence)`;
}

/** DPOR stopped by a budget: how much it had explored, by its estimate. */
function estimateText(r: CheckResult): string {
  const f = r.explored ?? 0;
  if (f <= 0) return "DPOR's estimate: too little explored to say";
  const total = Math.round(r.stats.executions / f).toLocaleString('en-US');
  const left = f < 1 ? `, ${duration(r.stats.elapsedMs * (1 / f - 1))} more at this rate` : '';
  return `DPOR's estimate: ${sharePercent(f)} explored, about ${total} executions in all${left} ${ESTIMATE_CAVEAT}`;
}

/**
 * `--races`: the objects whose races branched most executions (the first execution has none):
 * by the race behind the branch where each leaves the one before, and behind any branch on its path.
 */
export function racesText(r: CheckResult, top = 12): string[] {
  const c = r.races;
  if (!c) return [];
  const n = r.stats.executions;
  const pct = (x: number) => `${((100 * x) / Math.max(1, n)).toFixed(1).padStart(5)}%`;
  const cols = (x: number) => `${pct(x)} ${x.toLocaleString('en-US').padStart(10)}`;
  const rows = c.byObject.slice(0, top).map((x) => `  ${cols(x.executions)}  ${cols(x.onPath)}  ${x.object}`);
  if (c.byObject.length > top) rows.push(`  (${c.byObject.length - top} more objects)`);
  if (c.choices) rows.push(`  ${cols(c.choices)}  ${' '.repeat(cols(0).length)}  (another choice value)`);
  return [
    '',
    'executions by the object of the race that created their branch (where they leave the execution before), and any branch on their path:',
    '          their branch   any on the path',
    ...rows,
  ];
}

function noFindingsScope(r: CheckResult): string {
  if (!r.complete) return ' in the executions explored';
  return r.maxPreemptions === undefined ? '' : ` within ${preemptions(r.maxPreemptions)}`;
}

export function checkText(r: CheckReport, style: Style = plain): string {
  const { target: t, result } = r;
  const out: string[] = [];
  out.push(
    style.bold(
      `faultline check: scenario ${t.scenario.name}, kernel ${t.kernel.name}, fs ${t.fs}, mode ${result.mode}`,
    ),
  );
  out.push(coverage(result));
  if (result.explored !== undefined) out.push(estimateText(result));
  out.push(...racesText(result));
  const shown = shownFindings(r);
  const cores = result.findings.map(deadlockCore);
  for (const { n, f } of shown) {
    const same = sameDeadlockNote(cores, n - 1);
    out.push('', style.dim(`[finding ${n} of ${result.findings.length}${same ? `; ${same}` : ''}]`));
    out.push(
      ...colourReport(findingReport(f, r.provider, t), style)
        .trimEnd()
        .split('\n'),
    );
  }
  out.push('');
  const n = result.findings.length;
  out.push(
    n === 0
      ? style.green(`no findings${noFindingsScope(result)}`)
      : style.red(`${n} distinct finding${n === 1 ? '' : 's'}`) +
          (shown.length < n ? ` (${shown.length} shown)` : ''),
  );
  const byCore = deadlocksByCore(cores);
  if (byCore) out.push(byCore);
  return `${out.join('\n')}\n`;
}

export function checkJson(r: CheckReport): unknown {
  const { target: t, result } = r;
  return {
    provider: r.provider.name,
    scenario: t.scenario.name,
    kernel: t.kernel.name,
    fs: t.fs,
    mode: result.mode,
    complete: result.complete,
    ...(result.maxPreemptions !== undefined ? { maxPreemptions: result.maxPreemptions } : {}),
    ...(result.stopReason ? { stopReason: result.stopReason } : {}),
    stats: result.stats,
    ...(result.races ? { races: result.races } : {}),
    ...(result.explored !== undefined ? { explored: result.explored } : {}),
    findings: shownFindings(r).map(({ f }) => findingJson(f, r.provider, t)),
  };
}

export function checkMarkdown(r: CheckReport): string {
  const { target: t, result } = r;
  const out = [
    `## faultline: \`${t.scenario.name}\` on ${t.kernel.name} / ${t.fs}`,
    '',
    `${coverage(result)}; mode ${result.mode}; ${result.findings.length} finding(s).${result.explored !== undefined ? ` ${estimateText(result)}.` : ''}`,
    '',
  ];
  for (const { f } of shownFindings(r)) out.push(findingMarkdown(f, r.provider, t));
  return `${out.join('\n')}\n`;
}

/** One finding's sequence diagram (the first shown). */
export function checkMermaid(r: CheckReport): string {
  const first = shownFindings(r)[0];
  if (!first) return '%% no findings\n';
  return `${findingMermaid(first.f).join('\n')}\n`;
}

/** Headlines in bold red, replay commands in cyan, on a colour terminal. */
export function colourReport(text: string, style: Style): string {
  if (!style.enabled) return text;
  return text
    .split('\n')
    .map((l) =>
      /^(INFO|WARNING|BUG|kernel BUG):/.test(l)
        ? style.bold(style.red(l))
        : l.startsWith('replay: ')
          ? `replay: ${style.cyan(l.slice(8))}`
          : l,
    )
    .join('\n');
}

export function renderCheck(r: CheckReport, format: Format, style: Style): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(checkJson(r), null, 2)}\n`;
    case 'markdown':
      return checkMarkdown(r);
    case 'mermaid':
      return checkMermaid(r);
    default:
      return checkText(r, style);
  }
}
