// One finding's interleaving as a Mermaid sequence diagram: a lifeline per CPU (thread) and per
// lock class involved; lock operations are arrows to the lock, a blocked acquire a cross, other
// steps notes on the thread's lifeline.

import type { Finding } from '../../engine/index.js';

/** Mermaid treats `;` and `#` specially in message text; its entity codes keep them. */
const esc = (s: string) => s.replace(/#/g, '#35;').replace(/;/g, '#59;');

export function findingMermaid(f: Finding, maxSteps = 80): string[] {
  const out = ['sequenceDiagram', `  title ${esc(f.title)}`];
  f.threads.forEach((t, i) => {
    out.push(`  participant T${i} as CPU${i} (${esc(t)})`);
  });
  const locks = [...new Set(f.locks ?? [])];
  locks.forEach((l, i) => {
    out.push(`  participant L${i} as ${esc(l)}`);
  });
  const steps = f.trace.length > maxSteps ? f.trace.slice(-maxSteps) : f.trace;
  if (steps.length < f.trace.length)
    out.push(`  Note over T0: ... ${f.trace.length - steps.length} earlier steps not shown`);
  for (const s of steps) {
    const lock = locks.findIndex(
      (l) => s.op.includes(`(${l})`) || s.op.endsWith(` ${l}`) || s.op.includes(` ${l} `),
    );
    const text = esc(`${s.i}: ${s.op}${s.note ? ` [${s.note}]` : ''}`);
    if (lock >= 0) {
      const blocked = s.note !== undefined && /block|wait/.test(s.note);
      out.push(`  T${s.thread}${blocked ? '-x' : '->>'}L${lock}: ${text}`);
    } else out.push(`  Note over T${s.thread}: ${text}`);
  }
  if (!steps.length) out.push(`  Note over T0: predicted from the lock graph: no execution shows it`);
  return out;
}
