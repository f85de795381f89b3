// The trace as a Mermaid sequence diagram: a lifeline per CPU (thread), per lock, and per group
// of other objects (`mm0.pte[3]` and `mm0.pmd[0]` share the lifeline mm0, as in the state panel);
// each step an arrow from its thread to what it touched first (a cross when it blocks), or a
// note on the thread's lifeline; at the end, the wait-for edges between threads.

import type { ObjectSnapshot, TraceFile } from './trace-format.js';
import { cpuName, groupOf, waitText } from './trace-state.js';

/** Message text: Mermaid reads `#`, `;`, `<` and `>` itself; its entity codes keep them. */
const ENTITY: Record<string, string> = { '#': '#35;', ';': '#59;', '<': '#lt;', '>': '#gt;' };

export function mermaidText(s: string): string {
  return s
    .replace(/[#;<>]/g, (c) => ENTITY[c])
    .replace(/\s+/g, ' ')
    .trim();
}

/** Participant names: as message text, except that `#` ends them even as an entity code: a sharp sign stands in. */
export function mermaidName(s: string): string {
  return mermaidText(s.replace(/#/g, '\u266f'));
}

export function sequenceDiagram(trace: TraceFile, maxSteps = 200): string {
  const out = ['sequenceDiagram'];
  trace.threads.forEach((name, t) => {
    const label = name === cpuName(t) ? name : `${cpuName(t)} ${name}`;
    out.push(`  participant T${t} as ${mermaidName(label)}`);
  });
  const lifeline = (o: ObjectSnapshot) => (o.kind === 'lock' ? o.key : groupOf(o.key));
  const objects = new Map<string, string>();
  const steps = trace.steps.slice(0, maxSteps);
  for (const s of steps)
    for (const o of s.changed) {
      const name = lifeline(o);
      if (!objects.has(name)) {
        objects.set(name, `O${objects.size}`);
        out.push(`  participant O${objects.size - 1} as ${mermaidName(name)}`);
      }
    }
  for (const s of steps) {
    const text = mermaidText(`${s.i}: ${s.op}`);
    const target = s.changed[0];
    const blocked = s.status[s.thread] === 'blocked';
    if (target) out.push(`  T${s.thread}${blocked ? '-x' : '->>'}${objects.get(lifeline(target))}: ${text}`);
    else out.push(`  Note over T${s.thread}: ${text}`);
    if (s.note) out.push(`  Note over T${s.thread}: ${mermaidText(s.note)}`);
  }
  if (steps.length < trace.steps.length)
    out.push(`  Note over T0: ${trace.steps.length - steps.length} more steps not drawn`);
  else if (trace.end.blocked.length) {
    out.push('  rect rgb(255, 235, 235)');
    for (const b of trace.end.blocked) {
      const what = mermaidText(waitText(b.waitsFor));
      if (b.holders.length) for (const h of b.holders) out.push(`  T${b.thread}-->>T${h}: ${what}`);
      else out.push(`  Note over T${b.thread}: ${what}, nobody to end the wait`);
    }
    out.push('  end');
  }
  if (!trace.steps.length) out.push('  Note over T0: no steps');
  return out.join('\n');
}
