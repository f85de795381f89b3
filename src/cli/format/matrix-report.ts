// The matrix as text and markdown: rows are distinct findings, columns versions, each cell the
// filesystems where the finding appears; then each finding with one replay command, and which
// versions are clean.

import { describeWaitFor } from '../../engine/index.js';
import { type MatrixResult, type MatrixRun, versionSummary } from '../matrix.js';
import { duration, ESTIMATE_CAVEAT, sharePercent } from '../progress.js';
import { plain, type Style } from '../style.js';
import { deadlocksByCore, sameDeadlockNote } from './findings.js';
import { cellText } from './markdown.js';

/** Filesystems where finding `sig` appears on `version`, or '-'. */
function cell(m: MatrixResult, sig: string, version: string): string {
  const f = m.findings.find((x) => x.signature === sig)!;
  const fss = new Set(f.occurrences.filter((o) => o.kernel === version).map((o) => o.fs));
  const list = m.filesystems.filter((fs) => fss.has(fs));
  return list.length ? list.join(',') : '-';
}

function header(m: MatrixResult): string {
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  const done = m.runs.length;
  const runs =
    done === m.planned
      ? `${done} runs`
      : `${done} of ${m.planned} runs${m.interrupted ? ' (interrupted)' : ''}`;
  const resumed = m.resumed ? `, ${m.resumed} from the checkpoint` : '';
  const dims = [
    n(m.versions.length, 'version'),
    n(m.filesystems.length, 'filesystem'),
    n(m.scenarios.length, 'scenario'),
  ];
  const shard = m.shard ? `shard ${m.shard.index}/${m.shard.count}: ` : '';
  return `faultline matrix: ${dims.join(' x ')}: ${shard}${runs}${resumed}`;
}

function incompleteMark(m: MatrixResult, version: string): string {
  const runs = m.runs.filter((r) => r.kernel === version);
  return runs.some((r) => !r.complete) || runs.length < (m.plannedByVersion[version] ?? 0) ? '*' : '';
}

/** `kind: title` in at most 60 characters (the title alone when it starts with the kind). */
function rowTitle(kind: string, title: string): string {
  const words = (x: string) => x.toLowerCase().replace(/-/g, ' ');
  const t = words(title).startsWith(words(kind)) ? title : `${kind}: ${title}`;
  return t.length > 60 ? `${t.slice(0, 59)}…` : t;
}

export function summaryLines(m: MatrixResult): string[] {
  const s = versionSummary(m);
  const clean = s.filter((v) => v.findings === 0 && v.runs > 0 && v.incomplete === 0).map((v) => v.version);
  const unproven = s.filter((v) => v.findings === 0 && v.runs > 0 && v.incomplete > 0);
  const dirty = s.filter((v) => v.findings > 0);
  const notRun = s.filter((v) => v.runs === 0).map((v) => v.version);
  const out: string[] = [];
  // A shard's versions are clean only as far as its own runs go.
  if (m.shard)
    out.push(
      `the runs of shard ${m.shard.index}/${m.shard.count} only; 'faultline merge' of every shard's --out file gives the whole matrix`,
    );
  const bounds = [
    ...new Set(m.runs.flatMap((r) => (r.maxPreemptions === undefined ? [] : [r.maxPreemptions]))),
  ];
  // A bounded search that finished covers its bound, not every interleaving: say so where it counts.
  const bound = `${bounds.join(' or ')} preemption${bounds.length === 1 && bounds[0] === 1 ? '' : 's'}`;
  const within = bounds.length ? ` within ${bound}` : '';
  out.push(`clean${within}: ${clean.length ? clean.join(', ') : 'none'}`);
  if (unproven.length)
    out.push(
      `no findings, but not every run complete: ${unproven.map((v) => `${v.version} (${v.incomplete} of ${v.runs} incomplete)`).join(', ')}`,
    );
  out.push(
    `with findings: ${dirty.length ? dirty.map((v) => `${v.version} (${v.findings})`).join(', ') : 'none'}`,
  );
  const cores = deadlockCores(m);
  if (cores) out.push(cores);
  if (notRun.length) out.push(`not run: ${notRun.join(', ')}`);
  const incomplete = m.runs.filter((r) => !r.complete);
  if (incomplete.length)
    out.push(
      `* ${incomplete.length} run${incomplete.length === 1 ? '' : 's'} stopped by a budget: absence of a finding there is not proven`,
    );
  const estimate = remainingEstimate(incomplete);
  if (estimate) out.push(`  ${estimate}`);
  if (bounds.length)
    out.push(
      `runs bounded to at most ${bound}: complete means every schedule within the bound, not every interleaving`,
    );
  return out;
}

/**
 * What DPOR's estimates say of the incomplete runs: the share each had explored, the executions
 * still to run to finish them all (each run's executions / share, less what it ran), and the CPU
 * time that takes at the rate those runs went.
 */
export function remainingEstimate(runs: readonly MatrixRun[]): string | undefined {
  const est = runs.filter((r) => r.explored !== undefined && r.explored > 0);
  if (!est.length) return undefined;
  const shares = est.map((r) => r.explored as number);
  const lo = Math.min(...shares);
  const hi = Math.max(...shares);
  const left = est.reduce((sum, r) => sum + r.executions * (1 / (r.explored as number) - 1), 0);
  const of = est.length === runs.length ? '' : ` (${est.length} of them DPOR)`;
  const ran = est.reduce((sum, r) => sum + r.executions, 0);
  const ms = est.reduce((sum, r) => sum + r.elapsedMs, 0);
  const cpu = ms > 0 && ran > 0 ? `, ${duration((left * ms) / ran)} of CPU at their rate` : '';
  return (
    `DPOR's estimate${of}: ${est.length === 1 ? 'it had' : 'they had'} explored ${lo === hi ? sharePercent(lo) : `${sharePercent(lo)} to ${sharePercent(hi)}`}, ` +
    `about ${Math.round(left).toLocaleString('en-US')} executions more to finish${cpu} ${ESTIMATE_CAVEAT}`
  );
}

/** Per finding, its witness's deadlock core (undefined: not a deadlock). */
function witnessCores(m: MatrixResult): (string | undefined)[] {
  return m.findings.map((f) => m.witnesses.get(f.signature)?.waitFor?.core);
}

/**
 * A deadlock witness's wait-for graph in one line (`cycle: A -> B -> A; waiting behind it: C`):
 * its signature names every blocked task, this which of them deadlock and which only queue. A
 * deadlock whose core (its cycles by lock and function, wait-for.ts) an earlier finding of the
 * list has says which: the same deadlock with other tasks or held locks around it.
 */
function waitForText(m: MatrixResult, cores: readonly (string | undefined)[], i: number): string | undefined {
  const w = m.witnesses.get(m.findings[i].signature)!;
  if (!w.waitFor) return undefined;
  const same = sameDeadlockNote(cores, i);
  return `${describeWaitFor(w.waitFor).join('; ')}${same ? ` (${same})` : ''}`;
}

function deadlockCores(m: MatrixResult): string | undefined {
  return deadlocksByCore(witnessCores(m));
}

export function matrixText(m: MatrixResult, style: Style = plain): string {
  const out = [style.bold(header(m)), ''];
  const num = String(m.findings.length).length;
  const labels = m.findings.map((f, i) => `${String(i + 1).padStart(num)}  ${rowTitle(f.kind, f.title)}`);
  const labelWidth = Math.max(12, ...labels.map((l) => l.length)) + 2;
  const cols = m.versions.map((v) => `${v}${incompleteMark(m, v)}`);
  const widths = m.versions.map((v, i) =>
    Math.max(cols[i].length, ...m.findings.map((f) => cell(m, f.signature, v).length)),
  );
  out.push(
    style.bold(
      `${'#'.padStart(num)}  ${'finding'.padEnd(labelWidth - num - 2)}${cols.map((c, i) => c.padEnd(widths[i] + 2)).join('')}`.trimEnd(),
    ),
  );
  m.findings.forEach((f, r) => {
    const cells = m.versions.map((v, i) => {
      const c = cell(m, f.signature, v);
      return (c === '-' ? style.dim(c) : style.red(c)) + ' '.repeat(widths[i] + 2 - c.length);
    });
    out.push(`${labels[r].padEnd(labelWidth)}${cells.join('')}`.trimEnd());
  });
  if (!m.findings.length) out.push(style.green('(no findings)'));
  if (m.findings.length) out.push('', style.bold('findings'));
  const cores = witnessCores(m);
  m.findings.forEach((f, i) => {
    const w = m.witnesses.get(f.signature)!;
    const where = [...new Set(f.occurrences.map((o) => o.scenario))].join(', ');
    const head = `${i + 1}. `;
    // continuation lines line up with the title, also from finding 10 on
    const pad = ' '.repeat(head.length);
    out.push('', `${head}[${f.kind}] ${f.title}`);
    if (f.locks.length) out.push(`${pad}locks:     ${f.locks.join(', ')}`);
    if (f.functions.length) out.push(`${pad}functions: ${f.functions.join(', ')}`);
    out.push(`${pad}scenarios: ${where}`);
    const waits = waitForText(m, cores, i);
    if (waits) out.push(`${pad}wait-for:  ${waits}`);
    if (!f.confirmed) out.push(`${pad}predicted from the lock graph; no explored execution deadlocked on it`);
    if (w.replay) out.push(`${pad}replay:    ${style.cyan(w.replay)}`);
  });
  out.push('', style.bold('summary'), ...summaryLines(m));
  return `${out.join('\n')}\n`;
}

export function matrixMarkdown(m: MatrixResult): string {
  const out = [`## ${header(m)}`, ''];
  out.push(`| # | finding | ${m.versions.map((v) => `${v}${incompleteMark(m, v)}`).join(' | ')} |`);
  out.push(`|---:|---|${m.versions.map(() => ':---:').join('|')}|`);
  m.findings.forEach((f, i) => {
    out.push(
      `| ${i + 1} | \`${f.kind}\` ${cellText(f.title)} | ${m.versions.map((v) => cell(m, f.signature, v)).join(' | ')} |`,
    );
  });
  if (!m.findings.length) out.push('', 'No findings.');
  out.push('');
  const cores = witnessCores(m);
  m.findings.forEach((f, i) => {
    const w = m.witnesses.get(f.signature)!;
    out.push(`### ${i + 1}. ${f.title}`, '');
    const facts = [`**kind** \`${f.kind}\``];
    if (f.locks.length) facts.push(`**locks** ${f.locks.map((l) => `\`${l}\``).join(', ')}`);
    if (f.functions.length) facts.push(`**functions** ${f.functions.map((l) => `\`${l}\``).join(', ')}`);
    const waits = waitForText(m, cores, i);
    if (waits) facts.push(`**wait-for** ${cellText(waits)}`);
    out.push(facts.join(' · '), '');
    if (w.replay) out.push(`Replay: \`${w.replay}\``, '');
  });
  out.push('**Summary.**', '', ...summaryLines(m).map((l) => `- ${l.replace(/^\* /, '')}`), '');
  return `${out.join('\n')}\n`;
}
