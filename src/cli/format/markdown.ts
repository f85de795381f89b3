// Findings as markdown, to paste into a review: a heading, the facts, the interleaving as a
// table with one column per CPU, and the replay command.

import type { Finding, TraceStep } from '../../engine/index.js';

export interface MarkdownOptions {
  replay?: string;
  /** Trailing steps shown (default 40). */
  maxSteps?: number;
  heading?: string;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
export const cellText = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function findingMarkdown(f: Finding, opts: MarkdownOptions = {}): string[] {
  const out: string[] = [];
  out.push(`${opts.heading ?? '###'} ${f.title}`, '');
  const facts = [`**kind** ${code(f.kind)}`];
  if (f.locks?.length) facts.push(`**locks** ${[...new Set(f.locks)].map(code).join(', ')}`);
  if (f.functions?.length) facts.push(`**functions** ${[...new Set(f.functions)].map(code).join(', ')}`);
  if (f.trace.length) facts.push(`**preemptions** ${f.preemptions}`);
  if (f.confirmed === false) facts.push('**predicted** (no execution confirmed it)');
  out.push(facts.join(' · '), '');
  if (f.message) out.push('```', ...f.message.split('\n'), '```', '');
  const max = opts.maxSteps ?? 40;
  if (f.trace.length && max > 0) {
    const steps = f.trace.length > max ? f.trace.slice(-max) : f.trace;
    if (steps.length < f.trace.length) out.push(`(last ${steps.length} of ${f.trace.length} steps)`, '');
    out.push(...stepsTable(steps, f.threads));
    out.push('');
  }
  if (opts.replay) out.push(`Replay: ${code(opts.replay)}`, '');
  return out;
}

export function stepsTable(steps: readonly TraceStep[], threads: readonly string[]): string[] {
  const out = [
    `| step | ${threads.map((t, i) => `CPU${i} (${cellText(t)})`).join(' | ')} |`,
    `|---:|${threads.map(() => '---').join('|')}|`,
  ];
  for (const s of steps) {
    const cells = threads.map((_, i) =>
      i === s.thread ? `${cellText(s.fn)}: ${code(s.op)}${s.note ? ` *${cellText(s.note)}*` : ''}` : '',
    );
    out.push(`| ${s.i} | ${cells.join(' | ')} |`);
  }
  return out;
}
