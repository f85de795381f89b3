// A finding as text, lockdep-style: a banner with the title, what is involved, the interleaving
// in CPU columns, and the command that replays it.

import type { Finding, TraceStep } from '../../engine/index.js';
import { plain, type Style } from '../style.js';
import { type CpuRow, cpuTable } from './cpu-table.js';

export interface FindingTextOptions {
  /** The command that replays the finding's execution. */
  replay?: string;
  /** Show at most this many trailing steps of the trace (default 60). */
  maxSteps?: number;
  style?: Style;
}

const RULE = '='.repeat(70);

export function findingText(f: Finding, opts: FindingTextOptions = {}): string[] {
  const st = opts.style ?? plain;
  const out: string[] = [];
  out.push(RULE);
  out.push(st.bold(st.red(`WARNING: ${f.title}`)));
  out.push('-'.repeat(70));
  const facts = [`kind: ${f.kind}`];
  if (f.trace.length) facts.push(`preemptions: ${f.preemptions}`);
  if (f.confirmed !== undefined)
    facts.push(f.confirmed ? 'confirmed by an execution' : 'predicted, not confirmed');
  out.push(facts.join('   '));
  if (f.message) out.push('', ...f.message.split('\n'));
  out.push('');
  if (f.locks?.length) out.push(`locks:     ${[...new Set(f.locks)].join(', ')}`);
  if (f.functions?.length) out.push(`functions: ${[...new Set(f.functions)].join(', ')}`);
  out.push(`signature: ${f.signature}`);
  const max = opts.maxSteps ?? 60;
  if (f.trace.length && max > 0) {
    out.push('');
    const steps = f.trace.length > max ? f.trace.slice(-max) : f.trace;
    if (steps.length < f.trace.length)
      out.push(
        st.dim(`  ... ${f.trace.length - steps.length} earlier steps (replay --explain shows them all)`),
      );
    out.push(...cpuTable(traceRows(steps), { threads: f.threads, dim: st.dim, bold: st.bold }));
  } else if (!f.trace.length)
    out.push('', st.dim('  (predicted from the lock graph of the whole run: no single execution shows it)'));
  if (opts.replay) out.push('', `replay: ${st.cyan(opts.replay)}`);
  return out;
}

/** Trace steps as CPU-table rows, with a dim `fn():` line when a thread enters another function. */
export function traceRows(
  steps: readonly TraceStep[],
  held?: (s: TraceStep) => string | undefined,
): CpuRow[] {
  const rows: CpuRow[] = [];
  const lastFn = new Map<number, string>();
  for (const s of steps) {
    if (lastFn.get(s.thread) !== s.fn) {
      rows.push({ thread: s.thread, lines: [`${s.fn}():`], dim: true });
      lastFn.set(s.thread, s.fn);
    }
    const note = s.note ? `  [${s.note}]` : '';
    const label = s.label ? `  @${s.label}` : '';
    rows.push({ step: s.i, thread: s.thread, lines: [`  ${s.op}${note}${label}`] });
    const h = held?.(s);
    if (h !== undefined) rows.push({ thread: s.thread, lines: [`    holds: ${h}`], dim: true });
  }
  return rows;
}
