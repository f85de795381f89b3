// Markdown pieces shared by the reports: table cells and an execution's steps as a table with
// one column per CPU.

import type { TraceStep } from '../../engine/index.js';

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
export const cellText = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

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
