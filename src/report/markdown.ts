// A finding as Markdown (for issues and mailing-list-style write-ups): a summary, the text
// report in a code block, and the whole trace as a table.

import type { Finding } from '../engine/index.js';
import { formatFinding, headline, replayCommand } from './text.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

export function toMarkdown(f: Finding): string {
  const status =
    f.confirmed === true
      ? ' (confirmed: an explored execution deadlocks)'
      : f.kind === 'circular-dependency' || f.kind === 'recursive-locking'
        ? ' (predicted)'
        : '';
  const out = [`### ${headline(f)}`, '', f.title, '', `- **kind**: ${code(f.kind)}${status}`];
  if (f.locks?.length) out.push(`- **locks**: ${[...new Set(f.locks)].map(code).join(', ')}`);
  if (f.functions?.length) out.push(`- **functions**: ${[...new Set(f.functions)].map(code).join(', ')}`);
  out.push(`- **replay**: ${f.token ? code(replayCommand(f.token)) : 'none'}`);
  out.push(`- **preemptions**: ${f.preemptions}`, '', '```text', formatFinding(f).trimEnd(), '```');
  if (f.trace.length) {
    out.push(
      '',
      `<details><summary>Trace (${f.trace.length} steps)</summary>`,
      '',
      '| # | thread | function | op | note |',
      '|---:|---|---|---|---|',
      ...f.trace.map(
        (s) =>
          `| ${s.i} | ${cell(s.threadName)} | ${cell(s.fn)}${s.label ? ` (${cell(s.label)})` : ''} | ${cell(s.op)} | ${cell(s.note ?? '')} |`,
      ),
      '',
      '</details>',
    );
  }
  return `${out.join('\n')}\n`;
}
