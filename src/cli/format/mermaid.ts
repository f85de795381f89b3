// One finding's interleaving as a Mermaid sequence diagram: a lifeline per CPU (thread) and per
// lock class (the finding's, then those the drawn steps use); taking a lock is an arrow to the lock, releasing it a dashed arrow, an
// acquire that blocks a cross; other steps are notes on the CPU's lifeline. A note across the
// CPUs names the finding at the end, where the execution shows it.
//
// Checked with Mermaid's own parser (mermaid.parse) in test/cli/mermaid.test.ts. No `title`
// line: Mermaid runs titles through DOMPurify, which needs a DOM, so a title would keep the
// diagram from being checked outside a browser.

import type { Finding } from '../../engine/index.js';

/** Message and note text: Mermaid reads `#`, `;`, `<` and `>` itself; its entity codes keep them. */
const ENTITY: Record<string, string> = { '#': '#35;', ';': '#59;', '<': '#lt;', '>': '#gt;' };
export const mermaidText = (s: string): string =>
  s
    .replace(/[#;<>]/g, (c) => ENTITY[c])
    .replace(/\s+/g, ' ')
    .trim();

/** Participant names: `#` ends them even as an entity code, so a sharp sign stands in. */
export const mermaidName = (s: string): string => mermaidText(s.replace(/#/g, '\u266f'));

/**
 * The lock class a step's op takes, releases or waits for, and whether it releases it: ops on
 * locks read `api(class)` (`down_read(&mm->mmap_sem)`) or, without an API, `lock A`, `unlock A`.
 */
export function lockStep(op: string): { cls: string; release: boolean } | undefined {
  const plain = /^(try)?(un)?lock (\S+)/.exec(op);
  if (plain) return { cls: plain[3], release: plain[2] !== undefined };
  if (/^(read|write|update|wait_event|wake_up|spawn|join) /.test(op)) return undefined;
  const api = /^([^(]+)\((.+)\)$/.exec(op);
  if (!api) return undefined;
  return { cls: api[2], release: /unlock|^up_|_end_|release|^jbd2_journal_stop/.test(api[1]) };
}

export function findingMermaid(f: Finding, maxSteps = 80): string[] {
  const out = ['sequenceDiagram'];
  const cpus = Math.max(1, f.threads.length);
  f.threads.forEach((t, i) => {
    out.push(`  participant T${i} as ${mermaidName(`CPU${i} (${t})`)}`);
  });
  if (!f.threads.length) out.push('  participant T0 as CPU0');
  const across = cpus > 1 ? `T0,T${cpus - 1}` : 'T0';
  const steps = f.trace.length > maxSteps ? f.trace.slice(-maxSteps) : f.trace;
  // A lifeline per lock class: the finding's first, then those the drawn steps operate on.
  const locks = [...new Set([...(f.locks ?? []), ...steps.flatMap((s) => lockStep(s.op)?.cls ?? [])])];
  locks.forEach((l, i) => {
    out.push(`  participant L${i} as ${mermaidName(l)}`);
  });
  const earlier = f.token ? f.token.split('+').length - 1 : 0;
  if (earlier)
    out.push(
      `  Note over ${across}: ${earlier} earlier execution${earlier > 1 ? 's' : ''} made lock-order edges of it first (not drawn)`,
    );
  if (steps.length < f.trace.length)
    out.push(`  Note over ${across}: ${f.trace.length - steps.length} earlier steps not drawn`);
  for (const s of steps) {
    const text = mermaidText(`${s.i}: ${s.op}${s.note ? ` [${s.note}]` : ''}`);
    const lock = lockStep(s.op);
    if (!lock) out.push(`  Note over T${s.thread}: ${text}`);
    else {
      const blocked = s.note !== undefined && /block|wait/.test(s.note);
      const arrow = blocked ? '-x' : lock.release ? '-->>' : '->>';
      out.push(`  T${s.thread}${arrow}L${locks.indexOf(lock.cls)}: ${text}`);
    }
  }
  if (!steps.length)
    out.push(`  Note over ${across}: predicted from the lock graph: no execution of its own to draw`);
  const confirmed = f.confirmed ? ' (confirmed: an execution deadlocks on it)' : '';
  const named = f.title.toLowerCase().startsWith(f.kind.replace(/-/g, ' '))
    ? f.title
    : `${f.kind}: ${f.title}`;
  out.push(`  Note over ${across}: ${mermaidText(`${named}${confirmed}`)}`);
  return out;
}
